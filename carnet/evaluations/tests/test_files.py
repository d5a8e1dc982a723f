"""The grid on paper (PDF), in a spreadsheet (XLSX), and sent back filled: the round trip,
its refusals line by line, and hostile files."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from carnet.core.tests.html import soup, text
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil
from carnet.documents.pdf import html_document
from carnet.evaluations import grid_imports
from carnet.evaluations.enums import EvaluationKind, GridImportStatus
from carnet.evaluations.grid_imports import grid_export
from carnet.evaluations.models import EvaluationPupil, GridImport, Result, ResultChange
from carnet.evaluations.paper import paper_grid_html
from carnet.evaluations.selectors import scale_of
from carnet.evaluations.services import CellChange, CommentChange, results_record
from carnet.imports.enums import BatchStatus

pytestmark = pytest.mark.django_db
HEADER_ROW = 5
PNG_URI = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwAB"
    "BAEAHnOcQAAAAABJRU5ErkJggg=="
)


def levels(school) -> dict[str, int]:
    return {level.code: level.pk for level in scale_of(diploma_id=school.diploma.pk)}


def results(evaluation) -> dict:
    return {
        (r.pupil_id, r.target_id): r.level.code
        for r in Result.objects.filter(evaluation=evaluation).select_related("level")
    }


@pytest.fixture
def evaluation(school):
    evaluation = school.evaluate()
    scale = levels(school)
    first = evaluation.targets.first()
    results_record(
        evaluation=evaluation,
        actor=school.teacher,
        cells=[CellChange(school.pupils[0].pk, first.pk, scale["3"])],
        comments=[CommentChange(school.pupils[0].pk, '=HYPERLINK("http://x")')],
    )
    return evaluation


def workbook_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def saved(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, evaluation, content: bytes, name="grille.xlsx"):
    return client.post(
        reverse("evaluations:import", args=[evaluation.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def the_batch() -> GridImport:
    return GridImport.objects.latest("pk")


class TestPaper:
    def test_pupils_by_columns_with_a_box_per_level(self, school, evaluation):
        html = paper_grid_html(evaluation=evaluation, logo=PNG_URI)
        page = soup_of(html)
        codes = page.select_one("th.codes").get_text()
        keys = page.select_one("th.keys").get_text()
        assert codes.split("│") == [c.center(13) for c in ("C2.1", "C2.2", "C2.3", "C4.1", "C4.2")]
        assert keys.split("│") == [" 1 2 3 4 a d "] * 5
        rows = page.select("tbody tr")
        assert len(rows) == 10
        assert rows[0].select_one("td.name").get_text(" ", strip=True) == (
            f"{school.pupils[0]} 2MELEC-A"
        )
        boxes = rows[0].select("td")[1].get_text()
        # Every character in its place: each box under its level's key, the lines aligned.
        assert len(boxes) == len(keys) == len(codes)
        assert boxes.split("│") == [" ☐ ☐ ☐ ☐ ☐ ☐ "] * 5
        assert page.select_one("img.logo")["src"] == PNG_URI
        assert "C2.1 Après inventaire" in page.select_one(".legend").get_text()
        assert page.select_one("th.comment").get_text() == "Observations"
        # The filled one ticks the level entered (3, the third box of C2.1).
        filled = soup_of(paper_grid_html(evaluation=evaluation, filled=True))
        first = filled.select("tbody tr")[0].select("td")[1].get_text()
        assert first.split("│")[0] == " ☐ ☐ ☒ ☐ ☐ ☐ "

    def test_forty_columns_go_on_seven_landscape_pages(self, school):
        from carnet.referentials.models import Criterion

        criteria = Criterion.objects.filter(competency__diploma=school.diploma).order_by(
            "competency__position", "position"
        )[:40]
        evaluation = school.evaluate(criteria=[c.pk for c in criteria])
        document = html_document(html=paper_grid_html(evaluation=evaluation))
        assert len(document.pages) == 7  # six columns a page, ten pupils
        width, height = document.pages[0].width, document.pages[0].height
        assert width > height

    def test_the_pdf_is_served_to_readers(self, school, evaluation, client_of, users):
        response = client_of(users["chef"]).get(reverse("evaluations:paper", args=[evaluation.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        name = f"evaluation-{evaluation.pk}-{evaluation.date:%Y-%m-%d}-grille.pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def soup_of(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


class TestExport:
    def test_the_grid_with_its_results_and_comments_as_typed(self, school, evaluation, client_of):
        response = client_of(school.teacher).get(
            reverse("evaluations:export", args=[evaluation.pk])
        )
        assert response["Content-Disposition"].endswith('.xlsx"')
        sheet = workbook_of(response.content)["Grille"]
        header = [c.value for c in sheet[HEADER_ROW]]
        assert header == [
            "N° élève",
            "Nom",
            "Prénom",
            "Division",
            "C2.1",
            "C2.2",
            "C2.3",
            "C4.1",
            "C4.2",
            "Commentaire",
        ]
        first = sheet[HEADER_ROW + 1]
        assert [c.value for c in first[:5]] == [
            school.pupils[0].pk,
            school.pupils[0].last_name,
            "Léa",
            "2MELEC-A",
            "3",
        ]
        comment = first[9]
        assert comment.value == '=HYPERLINK("http://x")'
        assert comment.data_type == "s" and comment.quotePrefix  # a text, never a formula
        validation = sheet.data_validations.dataValidation[0]
        assert validation.formula1 == '"1,2,3,4,a,d,n"'


class TestReimport:
    def test_round_trip_preview_apply_then_the_same_file_changes_nothing(self, school, client_of):
        evaluation = school.evaluate(
            kind=EvaluationKind.CERTIFICATIVE, unit=school.diploma.units.get(code="U31")
        )
        scale = levels(school)
        targets = list(evaluation.targets.all())
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[CellChange(school.pupils[0].pk, targets[0].pk, scale["2"])],
        )
        workbook = workbook_of(grid_export(evaluation=evaluation))
        sheet = workbook["Grille"]
        sheet.cell(HEADER_ROW + 1, 5).value = "n"  # empties the cell
        sheet.cell(HEADER_ROW + 1, 6).value = 4  # a number, as a spreadsheet stores it
        sheet.cell(HEADER_ROW + 2, 5).value = "A"  # the key of « Absent »
        sheet.cell(HEADER_ROW + 3, 7).value = "bien maitrise"  # the label, loosely
        sheet.cell(HEADER_ROW + 4, 10).value = "Très bon travail"
        content = saved(workbook)
        client = client_of(school.teacher)

        response = upload(client, evaluation, content)
        assert "Aperçu de l'import" in text(response)
        counts = {
            th.get_text(strip=True): td.get_text(strip=True)
            for th, td in (tr.select("th, td") for tr in soup(response).select("table.counts tr"))
        }
        assert counts["Cases remplies ou modifiées"] == "3"
        assert counts["Cases effacées (« n »)"] == "1"
        assert counts["Commentaires modifiés"] == "1"
        assert results(evaluation) == {(school.pupils[0].pk, targets[0].pk): "2"}  # not yet

        batch = the_batch()
        response = client.post(
            reverse("evaluations:import_confirm", args=[evaluation.pk, batch.token]), follow=True
        )
        said = text(response)
        assert "La grille remplie est importée : 4 cases modifiées, 1 commentaire modifié." in said
        changes = ResultChange.objects.count()
        # Confirmed a second time (another tab, a double click): said, nothing written again.
        again = client.post(
            reverse("evaluations:import_confirm", args=[evaluation.pk, batch.token]), follow=True
        )
        assert "Cet import a déjà été appliqué (le " in text(again)
        assert ResultChange.objects.count() == changes
        assert results(evaluation) == {
            (school.pupils[0].pk, targets[1].pk): "4",
            (school.pupils[1].pk, targets[0].pk): "absent",
            (school.pupils[2].pk, targets[2].pk): "4",
        }
        assert EvaluationPupil.objects.get(pupil=school.pupils[3]).comment == "Très bon travail"
        assert ResultChange.objects.filter(source="Import du fichier grille.xlsx").count() == 4
        batch.refresh_from_db()
        assert (batch.status, batch.payload) == (GridImportStatus.APPLIED, {})

        changes = ResultChange.objects.count()
        response = upload(client, evaluation, content)
        assert "Ce fichier ne change rien" in text(response)
        client.post(reverse("evaluations:import_confirm", args=[evaluation.pk, the_batch().token]))
        assert ResultChange.objects.count() == changes
        assert len(results(evaluation)) == 3

    def test_wrong_pupils_columns_and_levels_refused_line_by_line(
        self, school, evaluation, client_of
    ):
        left = school.pupils[4]
        workbook = workbook_of(grid_export(evaluation=evaluation))
        Pupil.objects.filter(pk=left.pk).update(status=PupilStatus.LEFT)
        sheet = workbook["Grille"]
        sheet.cell(HEADER_ROW, 8).value = "C9.9"  # not a column of the evaluation
        sheet.cell(HEADER_ROW + 2, 5).value = "5"  # not a level
        sheet.cell(HEADER_ROW + 3, 1).value = 999999  # not a pupil of the evaluation
        sheet.cell(HEADER_ROW + 4, 2).value = "AUTRE"  # the number names someone else
        sheet.cell(HEADER_ROW + 5, 5).value = "3"  # the pupil left: read-only
        sheet.cell(HEADER_ROW + 11, 1).value = school.pupils[1].pk  # the same pupil twice
        sheet.cell(HEADER_ROW + 11, 2).value = school.pupils[1].last_name
        sheet.cell(HEADER_ROW + 11, 3).value = "Léa"
        sheet.cell(HEADER_ROW + 6, 6).value = "4"  # a good line: nothing applied all the same
        before = results(evaluation)
        response = upload(client_of(school.teacher), evaluation, saved(workbook))
        problems = [li.get_text(" ", strip=True) for li in soup(response).select(".alert-error li")]
        assert problems == [
            "La colonne « C9.9 » (colonne H) n'est pas une colonne de cette évaluation : "
            "retirez-la, ou corrigez son code.",
            f"Ligne 7 (élève n° {school.pupils[1].pk}), colonne C2.1 : « 5 » n'est pas un niveau "
            "de l'échelle (1, 2, 3, 4, a, d, n).",
            "Ligne 8 (élève n° 999999) : cet élève n'est pas évalué dans cette évaluation.",
            f"Ligne 9 (élève n° {school.pupils[3].pk}) : le nom et le prénom de la ligne ne sont "
            f"pas ceux de l'élève n° {school.pupils[3].pk} : ne modifiez pas les colonnes « N° "
            "élève », « Nom », « Prénom » (les lignes ont-elles été mélangées ?).",
            f"Ligne 16 (élève n° {school.pupils[1].pk}) : l'élève figure déjà ligne 7 : gardez "
            "une seule ligne par élève.",
        ]
        assert the_batch().status == GridImportStatus.REFUSED
        assert "Confirmer l'import" not in text(response)
        # Once the parse is clean, the rows the teacher may not enter are said too.
        sheet.cell(HEADER_ROW, 8).value = "C4.1"
        for row, column, value in (
            (2, 5, None),
            (3, 1, school.pupils[2].pk),
            (4, 2, school.pupils[3].last_name),
            (11, 1, None),
            (11, 2, None),
            (11, 3, None),
        ):
            sheet.cell(HEADER_ROW + row, column).value = value
        response = upload(client_of(school.teacher), evaluation, saved(workbook))
        problems = [li.get_text(" ", strip=True) for li in soup(response).select(".alert-error li")]
        assert problems == [
            f"Ligne 10 (élève n° {left.pk}) : cette ligne est en lecture seule pour vous (élève "
            "sorti, ou d'une division que vous n'enseignez pas) : laissez-la telle qu'exportée, "
            "ou retirez-la du fichier."
        ]
        assert results(evaluation) == before

    def test_a_preview_stale_or_too_old_is_not_applied(self, school, evaluation, client_of):
        scale = levels(school)
        target = evaluation.targets.first()
        workbook = workbook_of(grid_export(evaluation=evaluation))
        workbook["Grille"].cell(HEADER_ROW + 1, 5).value = "4"
        client = client_of(school.teacher)
        upload(client, evaluation, saved(workbook))
        batch = the_batch()
        # A co-author changes that very cell in between.
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[CellChange(school.pupils[0].pk, target.pk, scale["1"])],
        )
        response = client.post(
            reverse("evaluations:import_confirm", args=[evaluation.pk, batch.token]), follow=True
        )
        assert "Les résultats de la grille ont changé depuis cet aperçu" in text(response)
        assert results(evaluation)[school.pupils[0].pk, target.pk] == "1"

        upload(client, evaluation, saved(workbook))
        batch = the_batch()
        GridImport.objects.filter(pk=batch.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=25)
        )
        response = client.post(
            reverse("evaluations:import_confirm", args=[evaluation.pk, batch.token]), follow=True
        )
        assert "Cet aperçu date de plus de 24 heures" in text(response)
        batch.refresh_from_db()
        assert batch.status == GridImportStatus.CANCELLED and batch.payload == {}
        assert results(evaluation)[school.pupils[0].pk, target.pk] == "1"

    def test_abandon_and_one_open_preview_per_user(self, school, evaluation, client_of):
        client = client_of(school.teacher)
        content = grid_export(evaluation=evaluation)
        upload(client, evaluation, content)
        first = the_batch()
        upload(client, evaluation, content)
        first.refresh_from_db()
        assert first.status == GridImportStatus.CANCELLED
        response = client.post(
            reverse("evaluations:import_cancel", args=[evaluation.pk, the_batch().token]),
            follow=True,
        )
        assert "L'import est abandonné" in text(response)
        assert the_batch().status == GridImportStatus.CANCELLED

    def test_another_evaluation_s_preview_is_not_found(self, school, evaluation, client_of):
        client = client_of(school.teacher)
        upload(client, evaluation, grid_export(evaluation=evaluation))
        other = school.evaluate()
        url = reverse("evaluations:import_preview", args=[other.pk, the_batch().token])
        assert client.get(url).status_code == 404


def zipped(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def rewritten(content: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    entries = {name: source.read(name) for name in source.namelist()}
    return zipped(entries | replace)


class TestHostileFiles:
    @pytest.fixture
    def export(self, evaluation):
        return grid_export(evaluation=evaluation)

    def refused_with(self, client, evaluation, content, name="grille.xlsx") -> str:
        response = upload(client, evaluation, content, name)
        assert the_batch().status == GridImportStatus.REFUSED
        assert not Result.objects.exclude(level__code="3").exists()
        return " ".join(
            li.get_text(" ", strip=True) for li in soup(response).select(".alert-error li")
        )

    def test_zip_bomb_as_xlsx(self, school, evaluation, client_of):
        bomb = zipped(
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/workbook.xml": b"<workbook/>",
                "xl/worksheets/sheet1.xml": b"\0" * (40 * 1024 * 1024),
            }
        )
        assert len(bomb) < 200_000
        said = self.refused_with(client_of(school.teacher), evaluation, bomb)
        assert "se décompresse en un volume anormal" in said

    def test_a_zip_that_lies_about_its_sizes(self, school, evaluation, client_of, export):
        archive = bytearray(rewritten(export, {"xl/extra.xml": b"<a>" + b"x" * 5000 + b"</a>"}))
        # Shrink the announced size of the last entry in the central directory.
        central = archive.rfind(b"PK\x01\x02")
        archive[central + 24 : central + 28] = (10).to_bytes(4, "little")
        said = self.refused_with(client_of(school.teacher), evaluation, bytes(archive))
        assert "refusé" in said or "endommagé" in said

    @pytest.mark.parametrize(
        ("content", "words"),
        [
            (b"%PDF-1.7 pas un classeur", "n'est pas un classeur Excel (.xlsx)"),
            (b"N\xc2\xb0 \xc3\xa9l\xc3\xa8ve;Nom\n1;X\n", "n'est pas un classeur Excel (.xlsx)"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel 97-2003 (.xls) ou protégé"),
            (
                zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
                "OpenDocument",
            ),
            (zipped({"docProps/app.xml": b"<a/>"}), "pas un classeur Excel"),
        ],
    )
    def test_not_an_xlsx(self, school, evaluation, client_of, content, words):
        assert words in self.refused_with(client_of(school.teacher), evaluation, content)

    def test_macro_enabled_workbook(self, school, evaluation, client_of, export):
        source = zipfile.ZipFile(io.BytesIO(export))
        types = source.read("[Content_Types].xml").replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        xlsm = rewritten(export, {"[Content_Types].xml": types, "xl/vbaProject.bin": b"\0VBA"})
        said = self.refused_with(client_of(school.teacher), evaluation, xlsm, "grille.xlsm")
        assert "contient des macros" in said
        only_the_type = rewritten(export, {"[Content_Types].xml": types})
        assert "contient des macros" in self.refused_with(
            client_of(school.teacher), evaluation, only_the_type
        )

    def test_doctype_and_entities(self, school, evaluation, client_of, export):
        sheet = zipfile.ZipFile(io.BytesIO(export)).read("xl/worksheets/sheet1.xml")
        body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
        evil = (
            b'<?xml version="1.0"?><!-- '
            + b"x" * 70_000  # a long comment first: the DOCTYPE is found all the same
            + b' --><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            + body
        )
        said = self.refused_with(
            client_of(school.teacher),
            evaluation,
            rewritten(export, {"xl/worksheets/sheet1.xml": evil}),
        )
        assert "DOCTYPE ou ENTITY" in said

    def test_more_than_two_megabytes_is_not_even_read(self, school, evaluation, client_of):
        response = upload(
            client_of(school.teacher), evaluation, b"PK\x03\x04" + b"\0" * (2 * 1024 * 1024 + 10)
        )
        assert "Le fichier dépasse 2 Mo" in text(response)
        assert not GridImport.objects.exists()

    def test_an_empty_file(self, school, evaluation, client_of):
        response = upload(client_of(school.teacher), evaluation, b"")
        assert "Le fichier déposé est vide" in text(response)
        assert not GridImport.objects.exists()

    def test_a_damaged_workbook(self, school, evaluation, client_of, export):
        said = self.refused_with(client_of(school.teacher), evaluation, export[: len(export) // 2])
        assert "endommagé" in said


class TestReimportLifecycle:
    """The grid's re-import confirms through the imports' one lifecycle (carnet.imports.batches)."""

    def test_the_preview_states_are_the_imports_states(self):
        assert dict(GridImportStatus.choices) == dict(BatchStatus.choices)

    def test_a_constraint_broken_while_writing_is_refused_and_writes_nothing(
        self, school, evaluation, client_of, monkeypatch
    ):
        workbook = workbook_of(grid_export(evaluation=evaluation))
        workbook["Grille"].cell(HEADER_ROW + 1, 5).value = "4"
        workbook["Grille"].cell(HEADER_ROW + 2, 5).value = "3"
        client = client_of(school.teacher)
        upload(client, evaluation, saved(workbook))
        batch = the_batch()
        before = results(evaluation)
        real = grid_imports.results_record

        def then_collide(**kwargs):
            real(**kwargs)
            raise IntegrityError("written by someone else meanwhile")

        monkeypatch.setattr(grid_imports, "results_record", then_collide)
        response = client.post(
            reverse("evaluations:import_confirm", args=[evaluation.pk, batch.token]), follow=True
        )
        assert "Les résultats de la grille ont changé depuis cet aperçu" in text(response)
        assert results(evaluation) == before
        batch.refresh_from_db()
        assert batch.status == GridImportStatus.PREVIEW
