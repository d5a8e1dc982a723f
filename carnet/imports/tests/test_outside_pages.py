"""The pages of the hors-SIECLE import: list, upload → preview → confirm, template downloads,
for every profile."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carnet.core.tests.html import soup, text
from carnet.directory.models import Pupil
from carnet.directory.tests.factories import (
    PupilFactory,
)
from carnet.imports.enums import BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.learners import parse_learners
from carnet.imports.tests.learners import (
    HEADER,
    INE_1,
    OUTSIDE,
    ROWS,
    current_division,
    learners,
    preview,
    table,
    year,
)

# --- Pages ----------------------------------------------------------------------------------

REFUSED = ["chef", "enseignant", "apprenant", "inspecteur", "operateur"]


@pytest.fixture
def objects_of_a(establishment, users):
    """A hors-SIECLE learner, division and preview of establishment A."""
    division = current_division(establishment, "ZORGDIV", source=OUTSIDE)
    learner = PupilFactory(
        establishment=establishment,
        division=division,
        source=OUTSIDE,
        last_name="ZORGLUB",
        ine=None,
        outside_status="apprenti",
    )
    batch = preview(establishment, table(*ROWS), users["administrateur"])
    return {"division": division, "learner": learner, "batch": batch}


def page_urls(objects) -> dict[str, str]:
    return {
        "outside_list": reverse("imports:outside_list"),
        "outside_upload": reverse("imports:outside_upload"),
        "outside_template_csv": reverse("imports:outside_template_csv"),
        "outside_template_xlsx": reverse("imports:outside_template_xlsx"),
        "outside_learner_create": reverse("directory:outside_learner_create"),
        "outside_division_create": reverse("directory:outside_division_create"),
        "outside_learner_edit": reverse(
            "directory:outside_learner_edit", args=[objects["learner"].pk]
        ),
        "outside_division_edit": reverse(
            "directory:outside_division_edit", args=[objects["division"].pk]
        ),
        "outside_batch": reverse("imports:outside_batch", args=[objects["batch"].token]),
    }


@pytest.mark.django_db
class TestAccess:
    # Who may open each page: carnet/web/tests/test_access_matrix.py.
    def test_posts_refused_to_other_profiles_and_establishments(
        self, users, client_of, objects_of_a
    ):
        token = objects_of_a["batch"].token
        urls = page_urls(objects_of_a)
        posts = [
            reverse("imports:outside_confirm", args=[token]),
            reverse("imports:outside_cancel", args=[token]),
            urls["outside_upload"],
            urls["outside_learner_create"],
            urls["outside_learner_edit"],
            urls["outside_division_create"],
            urls["outside_division_edit"],
        ]
        for url in posts:
            for profile in REFUSED:
                assert client_of(users[profile]).post(url, {}).status_code == 403, (url, profile)
        for url in (*posts[:2], urls["outside_learner_edit"], urls["outside_division_edit"]):
            assert client_of(users["admin_autre"]).post(url, {}).status_code == 404, url
        assert ImportBatch.objects.get(token=token).status == BatchStatus.PREVIEW
        assert (
            not learners(objects_of_a["learner"].establishment).filter(last_name="MARTIN").exists()
        )

    def test_siecle_objects_are_not_edited_here(self, admin_client_a, establishment):
        pupil = PupilFactory(establishment=establishment)
        url = reverse("directory:outside_learner_edit", args=[pupil.pk])
        assert admin_client_a.get(url).status_code == 404
        url = reverse("directory:outside_division_edit", args=[pupil.division.pk])
        assert admin_client_a.get(url).status_code == 404

    def test_the_menu_entry_leads_to_the_list(self, admin_client_a):
        nav = soup(admin_client_a.get(reverse("web:home"))).find(
            "nav", attrs={"aria-label": "Menu principal"}
        )
        link = nav.find("a", string="Apprenants hors SIECLE")
        assert link["href"] == reverse("imports:outside_list")


@pytest.mark.django_db
class TestListPage:
    def test_learners_with_their_division_paginated_and_divisions(
        self, admin_client_a, establishment, other_establishment
    ):
        division = current_division(establishment, "CAP1-APP", source=OUTSIDE)
        for n in range(30):
            PupilFactory(
                establishment=establishment,
                division=division,
                source=OUTSIDE,
                last_name=f"APPRENTI{n:02d}",
                outside_status="adulte",
            )
        PupilFactory(establishment=establishment, last_name="SIECLEONLY")
        PupilFactory(establishment=other_establishment, source=OUTSIDE, last_name="AUTRELYCEE")
        url = reverse("imports:outside_list")
        page = soup(admin_client_a.get(url))
        learners_table, divisions_table = page.select("table")
        rows = learners_table.select("tbody tr")
        assert len(rows) == 25
        cells = [td.get_text(" ", strip=True) for td in rows[0].select("td")]
        assert cells[0] == "APPRENTI00" and cells[4] == "CAP1-APP" and cells[5] == "Adulte"
        assert rows[0].find("a")["href"] == reverse(
            "directory:outside_learner_edit",
            args=[Pupil.objects.get(last_name="APPRENTI00").pk],
        )
        assert learners_table.caption.get_text() == "30\u00a0apprenants hors SIECLE"
        second = soup(admin_client_a.get(url + "?page=2"))
        assert len(second.select("table")[0].select("tbody tr")) == 5
        body = text(admin_client_a.get(url))
        assert "SIECLEONLY" not in body and "AUTRELYCEE" not in body
        division_cells = [td.get_text(" ", strip=True) for td in divisions_table.select("td")]
        assert division_cells[:5] == [
            "CAP1-APP",
            division.label,
            f"{year()}-{year() + 1}",
            "diplôme non rattaché",
            "30",
        ]

    def test_query_count_is_bounded(
        self, admin_client_a, establishment, django_assert_max_num_queries
    ):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert admin_client_a.get(reverse("imports:outside_list")).status_code == 200
            return len(queries)

        division = current_division(establishment, "CAP1-APP", source=OUTSIDE)
        PupilFactory.create_batch(3, establishment=establishment, division=division, source=OUTSIDE)
        few = count()
        for n in range(5):
            other = current_division(establishment, f"D{n}", source=OUTSIDE)
            PupilFactory.create_batch(
                8, establishment=establishment, division=other, source=OUTSIDE
            )
        assert count() == few
        with django_assert_max_num_queries(10):
            admin_client_a.get(reverse("imports:outside_list"))

    def test_empty_list(self, admin_client_a):
        body = text(admin_client_a.get(reverse("imports:outside_list")))
        assert "Aucun apprenant hors SIECLE pour l'instant." in body
        assert "Aucune division hors SIECLE pour l'instant." in body

    def test_no_inline_script_or_style(self, admin_client_a, objects_of_a):
        for name, url in page_urls(objects_of_a).items():
            if name.startswith("outside_template"):
                continue
            page = soup(admin_client_a.get(url))
            assert all(script.get("src") for script in page.find_all("script")), name
            assert page.find("style") is None and page.find(attrs={"style": True}) is None, name


@pytest.mark.django_db
class TestUploadJourney:
    def post(self, client, content: bytes, name: str = "apprentis.csv"):
        file = io.BytesIO(content)
        file.name = name
        return client.post(reverse("imports:outside_upload"), {"file": file})

    def test_upload_preview_confirm_then_same_file_unchanged(self, admin_client_a, establishment):
        page = soup(admin_client_a.get(reverse("imports:outside_upload")))
        assert page.find("input", attrs={"type": "file", "name": "file"})
        assert page.find("a", href=reverse("imports:outside_template_xlsx"))
        assert page.find("a", href=reverse("imports:outside_template_csv"))

        response = self.post(admin_client_a, table(*ROWS))
        batch = ImportBatch.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("imports:outside_batch", args=[batch.token])
        preview_page = admin_client_a.get(response.url)
        page = soup(preview_page)
        assert page.h1.get_text() == "Aperçu de l'import"
        counts = {
            tr.th.get_text(): tr.td.get_text(" ", strip=True)
            for tr in page.select("table.counts tbody tr")
        }
        assert counts == {
            "Apprenants": "3 créés , 0 modifié , 0 inchangé",
            "Divisions": "2 créées , 0 existante",
        }
        changes = [
            [td.get_text(strip=True) for td in tr.select("td")]
            for tr in page.select("#changements ~ table tbody tr")
        ]
        assert ["Apprenant", "créé", "MARTIN Léa", "division CAP1-APP ; apprenti"] in changes
        buttons = [b.get_text() for b in page.select(".confirm-box button")]
        assert buttons == ["Confirmer l'import", "Abandonner"]
        assert not Pupil.objects.exists()

        confirm = page.select_one(".confirm-box form")["action"]
        response = admin_client_a.post(confirm)
        assert response.url == reverse("imports:outside_batch", args=[batch.token])
        applied = admin_client_a.get(response.url)
        assert soup(applied).h1.get_text() == "Import appliqué"
        assert "L'import des apprenants hors SIECLE a été appliqué." in text(applied)
        assert learners(establishment).count() == 3

        response = self.post(admin_client_a, table(*ROWS))
        again = admin_client_a.get(response.url)
        assert "0 créé , 0 modifié , 3 inchangés" in text(again)
        assert "Aucun changement : tous les apprenants du fichier sont déjà à jour." in text(again)

    def test_changes_are_paginated(self, admin_client_a):
        rows = [f"NOM{n:03d};Léa;17/05/2007;;CAP1-APP;apprenti" for n in range(60)]
        response = self.post(admin_client_a, table(*rows))
        first = soup(admin_client_a.get(response.url))
        assert len(first.select("#changements ~ table tbody tr")) == 50
        assert first.find("a", rel="next")["href"] == "?page=2"
        second = soup(admin_client_a.get(response.url + "?page=2"))
        assert len(second.select("#changements ~ table tbody tr")) == 11  # 60 + 1 division

    def test_refused_file_shows_every_problem_and_no_confirm_button(self, admin_client_a):
        content = table("MARTIN;Léa;17/05/2007;;CAP1-APP;apprenti", "DURAND;Hugo;2006;123;;x")
        response = self.post(admin_client_a, content)
        page = soup(admin_client_a.get(response.url))
        assert page.h1.get_text() == "Import refusé"
        alert = page.select_one(".alert-error").get_text(" ", strip=True)
        assert "Import refusé : rien n'a été modifié." in alert
        assert "Ligne 3 (DURAND Hugo) : date de naissance « 2006 » illisible" in alert
        assert "Ligne 3 (DURAND Hugo) : la division est obligatoire" in alert
        assert "Ligne 3 (DURAND Hugo) : statut « x » inconnu" in alert
        warnings = page.select_one("ul.warnings").get_text(" ", strip=True)
        assert "Ligne 3 (DURAND Hugo) : l'INE « 123 »" in warnings
        assert page.select(".confirm-box") == []

    def test_cancel(self, admin_client_a):
        response = self.post(admin_client_a, table(*ROWS))
        batch = ImportBatch.objects.get()
        response = admin_client_a.post(reverse("imports:outside_cancel", args=[batch.token]))
        assert response.url == reverse("imports:outside_list")
        assert "L'aperçu a été abandonné : rien n'a été importé." in text(
            admin_client_a.get(response.url)
        )
        batch.refresh_from_db()
        assert (batch.status, batch.payload) == (BatchStatus.CANCELLED, {})
        response = admin_client_a.post(reverse("imports:outside_confirm", args=[batch.token]))
        assert "Cet aperçu a été abandonné ou refusé : rien n'a été importé." in text(
            admin_client_a.get(response.url)
        )
        assert not Pupil.objects.exists()

    def test_digest_refusal_is_shown(self, admin_client_a, establishment):
        response = self.post(admin_client_a, table(*ROWS))
        batch = ImportBatch.objects.get(status=BatchStatus.PREVIEW)
        # The data changes in between (a learner of the file typed in by hand).
        PupilFactory(
            establishment=establishment,
            source=OUTSIDE,
            siecle_eleve_id="",
            last_name="MARTIN",
            first_name="Léa",
            birth_date=datetime.date(2007, 5, 17),
            ine=INE_1,
        )
        response = admin_client_a.post(reverse("imports:outside_confirm", args=[batch.token]))
        body = text(admin_client_a.get(response.url))
        assert "Les données de l'établissement ont changé depuis cet aperçu" in body
        assert learners(establishment).count() == 1

    def test_form_errors(self, admin_client_a):
        response = admin_client_a.post(reverse("imports:outside_upload"), {})
        assert "Choisissez le fichier à importer." in text(response)
        response = self.post(admin_client_a, b"")
        assert "Le fichier déposé est vide." in text(response)
        response = self.post(admin_client_a, b"x" * (5 * 1024 * 1024 + 1))
        assert response.status_code == 200
        assert "Le fichier dépasse 5 Mo" in text(response)
        assert not ImportBatch.objects.exists()

    def test_xlsx_upload(self, admin_client_a, establishment):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(HEADER.split(";"))
        sheet.append(
            ["MARTIN", "Léa", datetime.datetime(2007, 5, 17), INE_1, "CAP1-APP", "apprenti"]
        )
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = self.post(admin_client_a, buffer.getvalue(), "apprentis.xlsx")
        page = soup(admin_client_a.get(response.url))
        assert "apprenants hors SIECLE, XLSX" in page.get_text()
        admin_client_a.post(page.select_one(".confirm-box form")["action"])
        assert learners(establishment).get().birth_date == datetime.date(2007, 5, 17)


@pytest.mark.django_db
class TestTemplateDownloads:
    def test_csv(self, admin_client_a):
        response = admin_client_a.get(reverse("imports:outside_template_csv"))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="modele_apprenants_hors_siecle.csv"'
        )
        assert response.content.startswith(b"\xef\xbb\xbf")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0] == "Nom;Prénom;Date de naissance;INE;Division;Statut"
        assert lines[1] == "MARTIN;Léa;17/05/2007;;CAP1-APP;apprenti"
        assert len(lines) == 2

    def test_xlsx(self, admin_client_a):
        response = admin_client_a.get(reverse("imports:outside_template_xlsx"))
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert 'filename="modele_apprenants_hors_siecle.xlsx"' in response["Content-Disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("Nom", "Prénom", "Date de naissance", "INE", "Division", "Statut")
        assert rows[1][2] == datetime.datetime(2007, 5, 17)  # a real date cell
        assert len(rows) == 2
        parsed = parse_learners(response.content, "modele.xlsx")
        assert parsed.problems == [] and len(parsed.rows) == 1
