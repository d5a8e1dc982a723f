"""Parser of the learners « hors SIECLE » tables (CSV, XLSX): bytes in, rows and problems out.

No database: the parser is pure. Every malformed input gives a French problem, never a crash.
"""

import datetime
import io
import zipfile

import openpyxl
import pytest

from carnet.directory.tests.factories import valid_ine
from carnet.imports.parsers.common import Level
from carnet.imports.parsers.learners import (
    MAX_ROWS,
    fold,
    learner_key,
    parse_learners,
    template_csv,
    template_xlsx,
)

HEADER = ["Nom", "Prénom", "Date de naissance", "INE", "Division", "Statut"]
INE_1, INE_2 = valid_ine(1), valid_ine(2)
TODAY = datetime.date(2026, 11, 28)


def csv_bytes(rows, *, header=HEADER, sep=";", encoding="utf-8", bom=False) -> bytes:
    lines = [sep.join(header), *(sep.join(str(c) for c in row) for row in rows)]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse(content: bytes, name: str = "apprentis.csv"):
    return parse_learners(content, name, today=TODAY)


def messages(result, level=None) -> list[str]:
    return [p.message for p in result.problems if level is None or p.level == level]


def only_error(result, code: str) -> str:
    found = [p for p in result.problems if p.code == code]
    assert found, f"no problem {code!r} in {result.problems!r}"
    assert found[0].level == Level.ERROR
    assert result.refused
    return found[0].message


ROW = ["MARTIN", "Léa", "17/05/2007", INE_1, "CAP1-APP", "apprentie"]


class TestCsv:
    def test_utf8_semicolons(self):
        result = parse(
            csv_bytes([ROW, ["N'DIAYE", "Éloïse", "01/09/1990", "", "ADULTES", "Adulte"]])
        )
        assert result.problems == []
        assert result.format == "CSV en UTF-8, séparateur « ; »"
        first, second = result.rows
        assert (first.line, first.last_name, first.first_name) == (2, "MARTIN", "Léa")
        assert first.birth_date == datetime.date(2007, 5, 17)
        assert (first.ine, first.division, first.status) == (INE_1, "CAP1-APP", "apprenti")
        assert (second.ine, second.status, second.division) == ("", "adulte", "ADULTES")

    def test_utf8_with_bom_and_commas(self):
        result = parse(csv_bytes([ROW], sep=",", bom=True))
        assert result.problems == []
        assert result.format == "CSV en UTF-8, séparateur « , »"
        assert result.rows[0].last_name == "MARTIN"  # the BOM is not glued to « Nom »

    def test_windows_1252_keeps_the_oe_ligature(self):
        content = csv_bytes(
            [["ŒUVRAY", "Cœlia", "03/02/2006", "", "BP-APP", "autre"]], encoding="cp1252"
        )
        assert b"\x8cUVRAY" in content  # really Windows-1252: « Œ » is 0x8C there
        result = parse(content)
        assert result.problems == []
        assert result.format == "CSV en Windows-1252, séparateur « ; »"
        assert (result.rows[0].last_name, result.rows[0].first_name) == ("ŒUVRAY", "Cœlia")

    def test_headers_matched_whatever_their_case_and_accents(self):
        header = ["PRENOM", "nom", "Date naissance", "ine", "DIVISION", "statut"]
        row = ["Léa", "MARTIN", "17/05/2007", INE_1.lower(), "CAP1-APP", "APPRENTI"]
        result = parse(csv_bytes([row], header=header, sep=","))
        assert result.problems == []
        learner = result.rows[0]
        assert (learner.last_name, learner.first_name, learner.ine) == ("MARTIN", "Léa", INE_1)

    def test_excel_separator_line_quotes_blank_lines_and_extra_columns(self):
        content = (
            "sep=,\r\n"
            "Nom,Prénom,Date de naissance,Division,Statut,Téléphone\r\n"
            "\r\n"
            '"DA SILVA, dit JO",Jules,02/03/2005,CAP1-APP,apprenti,0601020304\r\n'
        ).encode()
        result = parse(content)
        assert [r.last_name for r in result.rows] == ["DA SILVA, dit JO"]
        assert result.rows[0].line == 4
        assert result.rows[0].ine == ""  # no INE column: it is optional
        assert messages(result, Level.WARNING) == [
            "Colonnes ignorées (la plateforme ne les garde pas) : « Téléphone »."
        ]
        assert not result.refused


class TestXlsx:
    def test_date_cells_text_dates_and_numbers(self):
        rows = [
            ["MARTIN", "Léa", datetime.datetime(2007, 5, 17), INE_1, 301, "apprenti"],
            ["CŒUR", "Maëlys", "04/11/1988", None, "ADULTES", "adulte"],
        ]
        result = parse(xlsx_bytes(rows), "apprentis.xlsx")
        assert result.problems == []
        assert result.format == "XLSX"
        first, second = result.rows
        assert first.birth_date == datetime.date(2007, 5, 17)
        assert first.division == "301"  # a number cell, not « 301.0 »
        assert (second.last_name, second.birth_date) == ("CŒUR", datetime.date(1988, 11, 4))
        assert second.ine == ""

    def test_type_told_by_content_not_by_name(self):
        result = parse(xlsx_bytes([ROW]), "apprentis.csv")
        assert result.format == "XLSX"
        assert len(result.rows) == 1

    def test_a_number_in_the_date_column_is_refused(self):
        result = parse(xlsx_bytes([["MARTIN", "Léa", 39219, "", "CAP1", "apprenti"]]), "a.xlsx")
        assert "Ligne 2 (MARTIN Léa) : date de naissance « 39219 » illisible" in only_error(
            result, "bad_date"
        )


class TestTemplates:
    @pytest.mark.parametrize(
        ("content", "name"), [(template_csv(), "modele.csv"), (template_xlsx(), "modele.xlsx")]
    )
    def test_the_downloadable_templates_are_read_back(self, content, name):
        result = parse(content, name)
        assert result.problems == []
        assert len(result.rows) == 1
        assert result.rows[0].birth_date == datetime.date(2007, 5, 17)


class TestMalformedInputs:
    @pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
    def test_empty_file(self, content):
        assert only_error(parse(content), "empty_file") == "Le fichier apprentis.csv est vide."

    def test_empty_workbook(self):
        buffer = io.BytesIO()
        openpyxl.Workbook().save(buffer)
        assert "est vide" in only_error(parse(buffer.getvalue(), "vide.xlsx"), "empty_file")

    def test_no_header(self):
        content = "MARTIN;Léa;17/05/2007;;CAP1;apprenti\n".encode()
        message = only_error(parse(content), "no_header")
        assert message.startswith(
            "La première ligne du fichier apprentis.csv doit donner les titres"
        )
        assert "Nom, Prénom, Date de naissance, INE, Division, Statut" in message
        assert parse(content).rows == []

    def test_missing_column_is_named(self):
        header = ["Nom", "Prénom", "Date de naissance", "Division"]
        result = parse(csv_bytes([["MARTIN", "Léa", "17/05/2007", "CAP1"]], header=header))
        assert messages(result, Level.ERROR) == [
            "Il manque la colonne « Statut » dans le fichier apprentis.csv : ajoutez-la (voir le "
            "modèle à télécharger)."
        ]
        assert result.rows == []

    def test_duplicate_column(self):
        header = [*HEADER, "NOM"]
        result = parse(csv_bytes([[*ROW, "X"]], header=header))
        assert "La colonne « Nom » apparaît deux fois" in only_error(result, "duplicate_column")

    def test_header_without_learners(self):
        assert "ne contient aucun apprenant" in only_error(parse(csv_bytes([])), "no_rows")

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("31/02/2007", "date de naissance « 31/02/2007 » illisible : écrivez-la jj/mm/aaaa"),
            ("2007-05-17", "date de naissance « 2007-05-17 » illisible"),
            ("", "la date de naissance est obligatoire (jj/mm/aaaa)"),
            ("01/01/2030", "date de naissance 01/01/2030 impossible"),
        ],
    )
    def test_bad_date_names_the_line_and_the_learner(self, value, expected):
        rows = [ROW, ["DURAND", "Hugo", value, "", "CAP1-APP", "apprenti"]]
        result = parse(csv_bytes(rows))
        assert only_error(result, "bad_date").startswith(f"Ligne 3 (DURAND Hugo) : {expected}")
        assert [r.last_name for r in result.rows] == ["MARTIN"]

    def test_missing_values_and_unknown_status(self):
        rows = [["", "", "17/05/2007", "", "", "stagiaire"]]
        found = messages(parse(csv_bytes(rows)), Level.ERROR)
        assert found == [
            "Ligne 2 (nom et prénom absents) : le nom est obligatoire.",
            "Ligne 2 (nom et prénom absents) : le prénom est obligatoire.",
            "Ligne 2 (nom et prénom absents) : la division est obligatoire (son code, par "
            "exemple CAP1-APP).",
            "Ligne 2 (nom et prénom absents) : statut « stagiaire » inconnu : indiquez "
            "apprenti, adulte ou autre.",
        ]

    def test_bad_ine_is_a_warning_and_the_learner_is_kept_without_ine(self):
        wrong_key = INE_1[:10] + ("B" if INE_1[10] != "B" else "C")
        result = parse(csv_bytes([[*ROW[:3], wrong_key, *ROW[4:]]]))
        assert not result.refused
        assert messages(result, Level.WARNING) == [
            f"Ligne 2 (MARTIN Léa) : l'INE « {wrong_key} » ne correspond à aucune forme "
            "nationale (11 caractères, par exemple 123456789AB) ; l'apprenant est importé "
            "sans INE."
        ]
        assert result.rows[0].ine == ""

    def test_duplicate_ine_names_both_learners(self):
        rows = [ROW, ["DURAND", "Hugo", "02/03/2006", INE_1, "CAP1-APP", "apprenti"]]
        message = only_error(parse(csv_bytes(rows)), "duplicate_ine")
        assert message == (
            f"L'INE {INE_1} figure deux fois dans le fichier : ligne 2 (MARTIN Léa) et ligne 3 "
            "(DURAND Hugo). Un INE est propre à un apprenant : corrigez le fichier."
        )

    def test_same_learner_twice_without_ine(self):
        rows = [
            ["MARTIN", "Léa", "17/05/2007", "", "CAP1-APP", "apprenti"],
            ["Martin", "LEA", "17/05/2007", "", "CAP2-APP", "apprenti"],
        ]
        message = only_error(parse(csv_bytes(rows)), "duplicate_learner")
        assert message.startswith("Les lignes 2 et 3 décrivent le même apprenant")

    def test_namesakes_with_two_ine_are_two_learners(self):
        rows = [ROW, ["MARTIN", "Léa", "17/05/2007", INE_2, "CAP1-APP", "apprenti"]]
        assert not parse(csv_bytes(rows)).refused

    def test_xls_renamed(self):
        content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
        message = only_error(parse(content, "apprentis.xlsx"), "xls_refused")
        assert "au format Excel 97-2003 (.xls)" in message
        assert "Classeur Excel (.xlsx)" in message

    def test_png_renamed(self):
        content = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
        message = only_error(parse(content, "apprentis.csv"), "not_a_table")
        assert message.startswith("Le fichier apprentis.csv est une image PNG")

    def test_other_binary(self):
        assert "ni un fichier CSV ni un classeur" in only_error(
            parse(b"\x01\x02\x00\x00binaire"), "not_a_table"
        )

    def test_opendocument_spreadsheet(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", "<office:document-content/>")
        message = only_error(parse(buffer.getvalue(), "apprentis.ods"), "ods_refused")
        assert "OpenDocument (.ods)" in message

    def test_zip_that_is_not_a_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("eleves.csv", "Nom;Prénom")
        assert "pas un classeur Excel" in only_error(parse(buffer.getvalue(), "a.zip"), "not_xlsx")

    def test_truncated_workbook(self):
        content = xlsx_bytes([ROW])
        message = only_error(parse(content[: len(content) // 2], "a.xlsx"), "bad_xlsx")
        assert "endommagé ou incomplet" in message or "illisible" in message

    @pytest.mark.parametrize(
        ("part", "prefix"),
        [
            ("xl/worksheets/sheet1.xml", b'<!DOCTYPE x [<!ENTITY e "boom">]>'),
            # Hidden after a long comment, past the first kilobytes of the part.
            ("xl/worksheets/sheet1.xml", b"<!--" + b"x" * 10_000 + b'--><!DOCTYPE x SYSTEM "y">'),
            # In a part whose name does not end in .xml.
            ("[Content_Types].xml", b'<!DOCTYPE x [<!ENTITY e "boom">]>'),
        ],
    )
    def test_workbook_with_a_doctype(self, part, prefix):
        source = io.BytesIO(xlsx_bytes([ROW]))
        target = io.BytesIO()
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
            for item in old.infolist():
                data = old.read(item.filename)
                if item.filename == part:
                    data = (
                        data.replace(b"?>", b"?>" + prefix, 1)
                        if data.startswith(b"<?xml")
                        else prefix + data
                    )
                new.writestr(item, data)
        assert "DOCTYPE" in only_error(parse(target.getvalue(), "a.xlsx"), "dtd_refused")

    def test_undecodable_bytes_give_the_line(self):
        content = csv_bytes([ROW]) + b"DURAND;Hugo\x81;02/03/2006;;CAP1;apprenti\r\n"
        assert only_error(parse(content), "undecodable") == (
            "Le fichier apprentis.csv contient des caractères illisibles (ligne 3) : "
            "enregistrez-le au format « CSV UTF-8 » ou « Classeur Excel (.xlsx) »."
        )

    def test_bom_then_latin_bytes(self):
        rows = [["ŒUVRAY", "Cœlia", "03/02/2006", "", "B", "autre"]]
        header = ["Nom", "Prenom", "Date de naissance", "INE", "Division", "Statut"]
        content = b"\xef\xbb\xbf" + csv_bytes(rows, header=header, encoding="cp1252")
        assert "(ligne 2)" in only_error(parse(content), "undecodable")

    def test_utf16(self):
        content = "\ufeffNom\tPrénom\n".encode("utf-16-le")
        assert "UTF-16" in only_error(parse(content), "utf16_refused")

    def test_unterminated_quote(self):
        content = csv_bytes([ROW]) + b'"DURAND;Hugo;02/03/2006;;CAP1;apprenti\r\n'
        message = only_error(parse(content), "malformed_csv")
        assert message.startswith("Le fichier apprentis.csv est mal formé")

    def test_too_many_rows_csv(self):
        rows = [
            [f"NOM{n}", "Léa", "17/05/2007", "", "CAP1", "apprenti"] for n in range(MAX_ROWS + 1)
        ]
        result = parse(csv_bytes(rows))
        assert only_error(result, "too_many_rows") == (
            "Le fichier apprentis.csv compte plus de 5 000 apprenants : découpez-le en "
            "plusieurs fichiers."
        )
        assert result.rows == []
        assert not parse(csv_bytes(rows[:MAX_ROWS])).refused

    def test_too_many_rows_xlsx(self):
        rows = [
            [f"NOM{n}", "Léa", "17/05/2007", "", "CAP1", "apprenti"] for n in range(MAX_ROWS + 1)
        ]
        assert "plus de 5 000 apprenants" in only_error(
            parse(xlsx_bytes(rows), "a.xlsx"), "too_many_rows"
        )

    def test_huge_sheet_stops_reading(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(HEADER)
        sheet.append(ROW)
        sheet["A1048576"] = "tout en bas"
        buffer = io.BytesIO()
        workbook.save(buffer)
        message = only_error(parse(buffer.getvalue(), "a.xlsx"), "too_many_rows")
        assert "dépasse 10 000 lignes (lignes vides comprises)" in message


class TestKeys:
    def test_fold_ignores_case_accents_and_punctuation(self):
        assert fold("  ŒUVRAY-Cœlia ") == fold("oeuvray cOElia") == "oeuvray coelia"
        assert fold("Prénom") == "prenom"

    def test_learner_key(self):
        born = datetime.date(2007, 5, 17)
        assert learner_key("MARTIN", "Léa", born) == learner_key("Martin", "LEA", born)
        assert learner_key("MARTIN", "Léa", born) != learner_key("MARTIN", "Léa", None)
