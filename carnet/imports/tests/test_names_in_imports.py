"""Names read from every import (SIECLE, STS-web, hors-SIECLE CSV/XLSX) are cleaned by
carnet.core.text: invisible characters dropped, white space collapsed; a name whose letter
carries more than three marks refuses the file, naming the line and how to fix it."""

import dataclasses
import datetime
import io
import unicodedata

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.directory.models import Division, Pupil, StaffMember
from carnet.imports.parsers import learners
from carnet.imports.parsers.common import Level
from carnet.imports.parsers.files import RawFile
from carnet.imports.parsers.learners import parse_learners, template_csv, template_xlsx
from carnet.imports.parsers.siecle import parse_pupils, parse_structures
from carnet.imports.parsers.sts import parse_sts
from carnet.imports.services import siecle_import_run
from carnet.imports.tests import generator as gen

TODAY = datetime.date(2026, 11, 28)
ZALGO = "D\u0336\u0317\u0325\u0353UPONT"
# Invisible characters an XML file may hold (XML 1.0 forbids most C0 controls).
SNEAKY = "\u202e\u200b\u2066\u00ad\ufeff\x9b"
INVISIBLE = {"Cc", "Cf", "Cs", "Co"}


def invisible_in(text: str) -> bool:
    return any(unicodedata.category(c) in INVISIBLE for c in text)


def one_pupil(**fields) -> gen.Establishment:
    e = gen.establishment(pupils=1)
    e.pupils = [dataclasses.replace(e.pupils[0], **fields)]
    return e


def pupils_of(e):
    return parse_pupils(gen.pupils_xml(e, encoding="UTF-8"), "ElevesSansAdresses.xml")


def errors(problems) -> list[str]:
    return [p.message for p in problems if p.level == Level.ERROR]


class TestSiecle:
    def test_invisible_characters_are_dropped(self):
        e = one_pupil(last_name=f"DU{SNEAKY}PONT", first_name="Jean\u00a0\u00a0Pierre\u200b")
        parsed = pupils_of(e)
        assert not errors(parsed.problems)
        record = parsed.pupils[0]
        assert (record.last_name, record.first_name) == ("DUPONT", "Jean Pierre")

    def test_a_deformed_name_refuses_the_file_naming_the_pupil_and_line(self):
        e = one_pupil(last_name=ZALGO)
        parsed = pupils_of(e)
        [message] = errors(parsed.problems)
        eleve_id = e.pupils[0].eleve_id
        assert f"Élève n° {eleve_id}" in message
        assert "ligne " in message and "ElevesSansAdresses.xml" in message
        assert "nom de famille" in message and "plus de 3 accents" in message
        assert "Corrigez-le dans SIECLE" in message

    def test_division_codes_and_labels_are_cleaned_everywhere_alike(self):
        e = gen.establishment(pupils=2)
        e.divisions[0].code = "D000\u200b"
        e.divisions[0].label = "Première\u202e MELEC"
        for pupil in e.pupils:
            pupil.division = "D000\u200b"
        structures = parse_structures(gen.structures_xml(e, encoding="UTF-8"), "Structures.xml")
        assert structures.structures[0].code == "D000"
        assert structures.structures[0].label == "Première MELEC"
        assert {p.division for p in pupils_of(e).pupils} == {"D000"}


class TestSts:
    def test_invisible_characters_are_dropped(self):
        e = gen.establishment(pupils=1, teachers=1)
        e.staff[-1].last_name = f"PROF{SNEAKY}ESSEUR"
        parsed = parse_sts(gen.sts_xml(e, encoding="UTF-8"), "sts.xml")
        assert "PROFESSEUR" in {s.last_name for s in parsed.staff}
        assert not any(invisible_in(s.last_name + s.first_name) for s in parsed.staff)

    def test_a_deformed_name_refuses_the_file(self):
        e = gen.establishment(pupils=1, teachers=1)
        e.staff[-1].first_name = ZALGO
        parsed = parse_sts(gen.sts_xml(e, encoding="UTF-8"), "sts_emp_0693046L_2026.xml")
        [message] = errors(parsed.problems)
        assert f"Personnel n° {e.staff[-1].sts_id}" in message and "prénom" in message
        assert "sts_emp_0693046L_2026.xml" in message and "STS-web" in message


@pytest.mark.django_db
def test_an_import_stores_clean_names(establishment, diplomas):
    """Through the service, whose bulk writes bypass save(): what reaches the rows."""
    e = gen.establishment(uai=establishment.uai, pupils=3, teachers=1)
    e.pupils[0].last_name = f"LE{SNEAKY}GOFF"
    e.staff[-1].last_name = f"MAR{SNEAKY}TIN"
    e.divisions[0].label = f"Seconde{SNEAKY} MELEC"
    # UTF-8: ISO-8859-15 cannot hold these characters.
    files = {
        "ElevesSansAdresses.xml": gen.pupils_xml(e, encoding="UTF-8"),
        "Nomenclature.xml": gen.nomenclature_xml(e, encoding="UTF-8"),
        "Structures.xml": gen.structures_xml(e, encoding="UTF-8"),
        f"sts_emp_{e.uai}_{e.year}.xml": gen.sts_xml(e, encoding="UTF-8"),
    }
    status, _, problems = siecle_import_run(
        establishment=establishment,
        uploads=[RawFile(name, content) for name, content in files.items()],
        today=TODAY,
    )
    assert status == "applied", problems
    assert Pupil.objects.of(establishment).filter(last_name="LEGOFF").exists()
    assert StaffMember.objects.of(establishment).filter(last_name="MARTIN").exists()
    assert Division.objects.of(establishment).filter(label="Seconde MELEC").exists()
    for row in Pupil.objects.of(establishment).values_list("last_name", "first_name"):
        assert not invisible_in("".join(row))


# --- Hors SIECLE ------------------------------------------------------------------------

HEADER = ["Nom", "Prénom", "Date de naissance", "INE", "Division", "Statut"]


def csv_of(*rows) -> bytes:
    lines = [";".join(HEADER), *(";".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_of(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class TestLearners:
    @pytest.mark.parametrize(
        ("make", "controls"), [(csv_of, "\x07\x1b\x7f"), (xlsx_of, "\x80\x9f")]
    )
    def test_invisible_characters_are_dropped(self, make, controls):
        row = (f"MAR{SNEAKY}TIN", "Léa\u200d", "17/05/2008", "", f"CAP1{controls}-APP", "apprenti")
        parsed = parse_learners(make(row), "apprentis", today=TODAY)
        assert not errors(parsed.problems)
        [learner] = parsed.rows
        assert (learner.last_name, learner.first_name, learner.division) == (
            "MARTIN",
            "Léa",
            "CAP1-APP",
        )

    @pytest.mark.parametrize(("column", "index"), [("Nom", 0), ("Prénom", 1)])
    def test_a_deformed_name_refuses_the_file_naming_line_and_column(self, column, index):
        row = ["MARTIN", "Léa", "17/05/2008", "", "CAP1-APP", "apprenti"]
        row[index] = ZALGO
        parsed = parse_learners(csv_of(row), "apprentis.csv", today=TODAY)
        [message] = errors(parsed.problems)
        assert message.startswith(f"Ligne 2, colonne « {column} » :")
        assert f"{column.lower()} est refusé" in message and "plus de 3 accents" in message
        assert "Retapez-le avec ses seuls accents" in message

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.text(max_size=12), min_size=6, max_size=6))
    def test_nothing_invisible_reaches_rows_or_messages(self, cells):
        cells = [
            c.replace(";", "").replace('"', "").replace("\n", "").replace("\r", "") for c in cells
        ]
        good = ["MARTIN", "Léa", "17/05/2008", "", "D1", "apprenti"]
        parsed = parse_learners(csv_of(good, cells), "a.csv", today=TODAY)
        for row in parsed.rows:
            assert not invisible_in(row.last_name + row.first_name + row.division)
        for problem in parsed.problems:
            assert "\x00" not in problem.message


class TestTemplates:
    """The downloadable templates are exports: their cells go through spreadsheet_safe."""

    def test_formula_cells_are_written_as_text(self, monkeypatch):
        example = ("=1+1", "@SOMME(A1)", datetime.date(2007, 5, 17), "", "-CAP", "+apprenti")
        monkeypatch.setattr(learners, "TEMPLATE_EXAMPLE", example)
        csv_text = template_csv().decode("utf-8-sig")
        assert "'=1+1;'@SOMME(A1);17/05/2007;;'-CAP;'+apprenti" in csv_text
        sheet = openpyxl.load_workbook(io.BytesIO(template_xlsx())).active
        assert [sheet.cell(2, n).value for n in (1, 2, 5, 6)] == [
            "'=1+1",
            "'@SOMME(A1)",
            "'-CAP",
            "'+apprenti",
        ]
        assert sheet.cell(2, 1).data_type == "s"
