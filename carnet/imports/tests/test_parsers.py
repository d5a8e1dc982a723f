"""Parsers of the national exports (FORMATS.md): bytes in, typed records and problems out.

Files come from the generator (real-shaped, ISO-8859-15 by default); the cases the generator
cannot write (older element names, missing attributes) are made by editing its bytes.
"""

import dataclasses
import datetime
import tracemalloc

import pytest
from lxml import etree

from carnet.core.identifiers import CHECK_ALPHABET
from carnet.imports.parsers import siecle
from carnet.imports.parsers.common import (
    FileKind,
    Level,
    iter_elements,
    parse_french_date,
    parse_iso_date,
)
from carnet.imports.parsers.files import RawFile, detect_kind, parse_raw, read_uploads
from carnet.imports.parsers.siecle import (
    MefRecord,
    PupilRecord,
    parse_nomenclature,
    parse_pupils,
    parse_structures,
)
from carnet.imports.parsers.sts import StaffRecord, parse_sts
from carnet.imports.tests import generator as gen

# Names a real lycée has, with the characters that break naive decoders.
NAMED = [
    ("ŒUVRAY", "Cœlia"),
    ("N'DIAYE", "Éloïse"),
    ("CŒUR", "Maëlys"),
    ("FRANÇOIS", "Anaïs"),
    ("LEFÈVRE", "Raphaël"),
    ("MÜLLER", "Noé"),
]


def school(*, pupils: int = 60, names=NAMED, **kwargs) -> gen.Establishment:
    """A generated establishment whose first pupils bear the names above."""
    e = gen.establishment(pupils=pupils, **kwargs)
    for pupil, (last, first) in zip(e.pupils, names, strict=False):
        pupil.last_name, pupil.first_name = last, first
    return e


def one_pupil(**fields) -> gen.Establishment:
    """An establishment of one division and the pupils given as Pupil field overrides."""
    e = gen.establishment(pupils=1)
    template = e.pupils[0]
    e.pupils = [dataclasses.replace(template, **fields)]
    return e


def pupils_of(e: gen.Establishment, **kwargs):
    return parse_pupils(gen.pupils_xml(e, **kwargs), "ElevesSansAdresses.xml")


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def by_code(problems, code):
    found = [p for p in problems if p.code == code]
    assert found, f"no problem {code!r} in {problems!r}"
    return found


def bea_with_wrong_key(digits: str) -> str:
    right = CHECK_ALPHABET[int(digits) % 23]
    return digits + next(letter for letter in "ABCDEFGHJ" if letter != right)


# --- Pupils: a generated establishment round-trips -----------------------------------------


@pytest.mark.parametrize("encoding", ["ISO-8859-15", "UTF-8"])
def test_generated_pupils_round_trip(encoding):
    e = school(pupils=60)
    content = gen.pupils_xml(e, encoding=encoding)
    if encoding == "ISO-8859-15":
        # Really ISO-8859-15: « Œ » is the single byte 0xBC (« ¼ » in ISO-8859-1).
        assert "ŒUVRAY".encode("iso-8859-15") in content
        assert b"\xbcUVRAY" in content

    parsed = parse_pupils(content, "ElevesSansAdresses.xml")

    assert parsed.problems == []
    assert parsed.header == siecle.Header(
        uaj="0693046L", school_year=2026, export_date=datetime.date(2026, 9, 5)
    )
    assert len(parsed.pupils) == 60
    for expected, record in zip(e.pupils, parsed.pupils, strict=True):
        assert record.eleve_id == expected.eleve_id
        assert record.elenoet == str(int(expected.eleve_id) - 690000)
        assert record.last_name == expected.last_name
        assert record.first_name == expected.first_name
        assert record.birth_date == datetime.datetime.strptime(expected.birth, "%d/%m/%Y").date()
        assert record.sex == {"1": "M", "2": "F"}[expected.sex]
        assert record.ine == expected.ine
        assert record.mef == expected.mef
        assert record.division == expected.division
        assert record.groups == expected.groups
        assert record.entry_date == datetime.date(2026, 9, 2)
        assert record.exit_date is None
        assert record.previous_uai == "0691234S"
    names = [(r.last_name, r.first_name) for r in parsed.pupils[: len(NAMED)]]
    assert names == NAMED
    assert parsed.pupils[0].display_name == "ŒUVRAY Cœlia"


def test_pupil_without_ine_in_the_generated_file_is_kept_without_warning():
    parsed = pupils_of(school(pupils=10))
    without = [r for r in parsed.pupils if not r.ine]
    assert [r.eleve_id for r in without] == ["700005"]  # the generator leaves n=5 empty
    assert parsed.problems == []


def test_iso_8859_1_pupils_file():
    e = school(pupils=5, names=[("LEFÈVRE", "Éloïse"), ("FRANÇOIS", "Maëlys")])
    content = gen.pupils_xml(e, encoding="ISO-8859-1")
    assert b'encoding="ISO-8859-1"' in content
    parsed = parse_pupils(content, "ElevesSansAdresses.xml")
    assert parsed.problems == []
    assert [(r.last_name, r.first_name) for r in parsed.pupils[:2]] == [
        ("LEFÈVRE", "Éloïse"),
        ("FRANÇOIS", "Maëlys"),
    ]


def test_utf8_file_with_byte_order_mark_is_read():
    """Re-saved by a Windows editor, a UTF-8 file starts with a BOM: still XML, still read."""
    e = school(pupils=5)
    content = b"\xef\xbb\xbf" + gen.pupils_xml(e, encoding="UTF-8")
    result = read_uploads([RawFile("ElevesSansAdresses.xml", content)])
    assert result.problems == []
    [parsed] = result.files
    assert parsed.kind is FileKind.PUPILS
    assert parsed.data.pupils[0].display_name == "ŒUVRAY Cœlia"


def test_file_without_declaration_is_utf8_and_comments_before_root_are_fine():
    e = school(pupils=3)
    content = gen.pupils_xml(e, encoding="UTF-8").split(b"\n", 1)[1]
    content = b"<!-- export SIECLE -->\n" + content
    result = read_uploads([RawFile("eleves.xml", content)])
    assert result.problems == []
    assert result.files[0].data.pupils[0].last_name == "ŒUVRAY"


# --- INE -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ine", "stored"),
    [
        ("123456789AB", "123456789AB"),  # INE-RNIE
        ("123456789ab", "123456789AB"),  # lower case: normalised
        (" 123456789AB ", "123456789AB"),  # spaces around
        (gen.ine_bea(3), gen.ine_bea(3)),  # INE-BEA with its right key
        ("1234A12345B", "1234A12345B"),  # INE-SIFA
        ("1234D12345K", "1234D12345K"),  # INE-SIFA provisoire
        ("0A1B2C3D4E5", "0A1B2C3D4E5"),  # INE-BASE
    ],
)
def test_valid_ine_kept(ine, stored):
    parsed = pupils_of(one_pupil(ine=ine, last_name="N'DIAYE", first_name="Cœlia"))
    assert parsed.problems == []
    assert parsed.pupils[0].ine == stored


@pytest.mark.parametrize(
    "ine",
    [
        "12345",  # too short
        "123456789012",  # too long
        bea_with_wrong_key("1200000003"),  # INE-BEA, wrong key
        "ABCDEFGHIJK",  # no form
        "123456789AI",  # RNIE letters exclude I
    ],
)
def test_invalid_ine_warns_naming_the_pupil_and_imports_without_ine(ine):
    parsed = pupils_of(one_pupil(ine=ine, last_name="ŒUVRAY", first_name="Cœlia"))
    [problem] = parsed.problems
    assert problem.level is Level.WARNING
    assert problem.code == "invalid_ine"
    assert "ŒUVRAY Cœlia" in problem.message
    assert ine.strip().upper() in problem.message
    assert "sans INE" in problem.message
    [record] = parsed.pupils
    assert record.ine == ""
    assert record.last_name == "ŒUVRAY"


def test_ine_rnie_element_used_when_id_national_is_empty():
    content = gen.pupils_xml(one_pupil(ine=""))
    content = content.replace(
        b"<ID_NATIONAL></ID_NATIONAL>",
        b"<ID_NATIONAL></ID_NATIONAL><INE_RNIE>123456789AB</INE_RNIE>",
    )
    parsed = parse_pupils(content, "ElevesSansAdresses.xml")
    assert parsed.problems == []
    assert parsed.pupils[0].ine == "123456789AB"


def test_duplicate_ine_is_an_error_naming_both_pupils():
    e = school(pupils=4)
    e.pupils[3].ine = e.pupils[0].ine  # ŒUVRAY Cœlia and the 4th pupil
    parsed = pupils_of(e)
    [problem] = by_code(parsed.problems, "duplicate_ine")
    assert problem.level is Level.ERROR
    assert e.pupils[0].ine in problem.message
    assert "ŒUVRAY Cœlia" in problem.message
    assert f"{e.pupils[3].last_name} {e.pupils[3].first_name}" in problem.message
    assert len(parsed.pupils) == 4  # the import service refuses; the parser reports


def test_duplicate_eleve_id_is_an_error_naming_both_pupils():
    e = school(pupils=3)
    e.pupils[2].eleve_id = e.pupils[0].eleve_id
    e.pupils[2].ine = ""
    parsed = pupils_of(e)
    [problem] = by_code(parsed.problems, "duplicate_eleve_id")
    assert problem.level is Level.ERROR
    assert e.pupils[0].eleve_id in problem.message
    assert "ŒUVRAY Cœlia" in problem.message
    assert "CŒUR Maëlys" in problem.message
    # The first one is kept, once.
    assert [r.eleve_id for r in parsed.pupils] == [e.pupils[0].eleve_id, e.pupils[1].eleve_id]
    assert parsed.pupils[0].last_name == "ŒUVRAY"


# --- Dates ---------------------------------------------------------------------------------


def test_empty_birth_date_warns_naming_the_pupil():
    parsed = pupils_of(one_pupil(birth="", last_name="CŒUR", first_name="Maëlys"))
    [problem] = parsed.problems
    assert (problem.level, problem.code) == (Level.WARNING, "birth_date_missing")
    assert "CŒUR Maëlys" in problem.message
    assert parsed.pupils[0].birth_date is None


@pytest.mark.parametrize(
    "birth", ["31/02/2010", "2010-02-03", "03/02/10", "jj/mm/aaaa", "00/00/0000"]
)
def test_malformed_birth_date_warns_naming_the_pupil(birth):
    parsed = pupils_of(one_pupil(birth=birth, last_name="N'DIAYE", first_name="Éloïse"))
    [problem] = parsed.problems
    assert (problem.level, problem.code) == (Level.WARNING, "bad_date")
    assert "N'DIAYE Éloïse" in problem.message
    assert birth in problem.message
    assert "naissance" in problem.message
    [record] = parsed.pupils
    assert record.birth_date is None
    assert record.last_name == "N'DIAYE"


def test_exit_date_parsed():
    parsed = pupils_of(one_pupil(exit_date="15/01/2027"))
    assert parsed.problems == []
    assert parsed.pupils[0].exit_date == datetime.date(2027, 1, 15)


def test_malformed_exit_date_warns():
    parsed = pupils_of(one_pupil(exit_date="15/13/2027", last_name="ŒUVRAY", first_name="Noé"))
    [problem] = parsed.problems
    assert problem.code == "bad_date"
    assert "ŒUVRAY Noé" in problem.message
    assert "sortie" in problem.message
    assert parsed.pupils[0].exit_date is None


def test_date_helpers():
    assert parse_french_date(" 05/09/2026 ") == datetime.date(2026, 9, 5)
    assert parse_french_date("") is None
    assert parse_iso_date("1980-04-12") == datetime.date(1980, 4, 12)
    assert parse_iso_date("  ") is None
    with pytest.raises(ValueError):
        parse_french_date("2026-09-05")
    with pytest.raises(ValueError):
        parse_iso_date("12/04/1980")


# --- Structures of each pupil --------------------------------------------------------------


def test_structures_eleve_joins_division_and_groups():
    e = school(pupils=3)
    e.pupils[0].groups = ("GRP-B", "GRP-A", "GRP-A")
    e.pupils[1].groups = ()
    parsed = pupils_of(e)
    first, second, third = parsed.pupils
    assert (first.division, first.groups) == (e.pupils[0].division, ("GRP-A", "GRP-B"))
    assert (second.division, second.groups) == (e.pupils[1].division, ())
    assert third.division == e.pupils[2].division


def test_pupil_without_structures_eleve_has_no_division():
    content = gen.pupils_xml(one_pupil())
    start = content.index(b"<STRUCTURES_ELEVE ")
    end = content.index(b"</STRUCTURES_ELEVE>") + len(b"</STRUCTURES_ELEVE>")
    parsed = parse_pupils(content[:start] + content[end:], "ElevesSansAdresses.xml")
    assert parsed.problems == []
    assert (parsed.pupils[0].division, parsed.pupils[0].groups) == ("", ())


def test_first_division_wins_and_structures_without_code_are_ignored():
    content = gen.pupils_xml(one_pupil(division="D001", groups=()))
    content = content.replace(
        b"<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>",
        b"<TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE>"
        b"<STRUCTURE><CODE_STRUCTURE>D999</CODE_STRUCTURE><TYPE_STRUCTURE>d</TYPE_STRUCTURE>"
        b"</STRUCTURE><STRUCTURE><CODE_STRUCTURE></CODE_STRUCTURE><TYPE_STRUCTURE>G"
        b"</TYPE_STRUCTURE></STRUCTURE>",
    )
    [record] = parse_pupils(content, "x.xml").pupils
    assert (record.division, record.groups) == ("D001", ())


# --- Versions, missing identifiers, unknown elements ---------------------------------------


def test_nom_fallback_for_older_versions():
    content = gen.pupils_xml(school(pupils=2))
    content = (
        content.replace(b'VERSION="3.0"', b'VERSION="1.7"')
        .replace(b"<NOM_DE_FAMILLE>", b"<NOM>")
        .replace(b"</NOM_DE_FAMILLE>", b"</NOM>")
        .replace(b"<NOM_USAGE></NOM_USAGE>", b"")
    )
    assert b"NOM_DE_FAMILLE" not in content
    parsed = parse_pupils(content, "ElevesSansAdresses.xml")
    assert parsed.problems == []
    assert [r.last_name for r in parsed.pupils] == ["ŒUVRAY", "N'DIAYE"]


def test_pupil_without_eleve_id_is_skipped_with_a_warning_naming_them():
    e = school(pupils=3)
    content = gen.pupils_xml(e).replace(
        f'<ELEVE ELEVE_ID="{e.pupils[1].eleve_id}"'.encode(), b'<ELEVE ELEVE_ID=" "', 1
    )
    parsed = parse_pupils(content, "ElevesSansAdresses.xml")
    [problem] = parsed.problems
    assert (problem.level, problem.code) == (Level.WARNING, "pupil_without_id")
    assert "N'DIAYE Éloïse" in problem.message
    assert [r.eleve_id for r in parsed.pupils] == [e.pupils[0].eleve_id, e.pupils[2].eleve_id]


def test_pupil_without_eleve_id_attribute_at_all():
    e = school(pupils=1)
    content = gen.pupils_xml(e).replace(
        f'<ELEVE ELEVE_ID="{e.pupils[0].eleve_id}"'.encode(), b"<ELEVE"
    )
    parsed = parse_pupils(content, "x.xml")
    assert codes(parsed.problems) == ["pupil_without_id"]
    assert parsed.pupils == []


def test_pupil_without_name_is_skipped_with_a_warning_giving_their_id():
    parsed = pupils_of(one_pupil(last_name="", first_name="Cœlia"))
    [problem] = parsed.problems
    assert (problem.level, problem.code) == (Level.WARNING, "pupil_without_name")
    assert "700000" in problem.message
    assert parsed.pupils == []


def test_pupil_without_id_nor_name():
    e = one_pupil(last_name="", first_name="")
    content = gen.pupils_xml(e).replace(b'<ELEVE ELEVE_ID="700000"', b"<ELEVE")
    parsed = parse_pupils(content, "x.xml")
    assert codes(parsed.problems) == ["pupil_without_id"]
    assert "sans nom" in parsed.problems[0].message


def test_unknown_elements_and_versions_are_tolerated():
    e = school(pupils=5)
    plain = parse_pupils(gen.pupils_xml(e), "x.xml")
    content = (
        gen.pupils_xml(e)
        .replace(b'VERSION="3.0"', b'VERSION="9.9" NOUVEL_ATTRIBUT="1"')
        .replace(
            b"<PRENOM2>", b"<NOUVEAU_CHAMP><SOUS_CHAMP>x</SOUS_CHAMP></NOUVEAU_CHAMP><PRENOM2>"
        )
        .replace(b"<ELEVES>", b"<BLOC_INCONNU><ELEMENT A='1'/></BLOC_INCONNU><ELEVES>")
        .replace(b"</HORODATAGE>", b"</HORODATAGE><PARAMETRE_NOUVEAU>2</PARAMETRE_NOUVEAU>")
    )
    parsed = parse_pupils(content, "x.xml")
    assert parsed.problems == []
    assert parsed.pupils == plain.pupils
    assert parsed.header == plain.header


def test_missing_school_year_warns():
    content = gen.pupils_xml(school(pupils=1)).replace(
        b"<ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>", b"<ANNEE_SCOLAIRE></ANNEE_SCOLAIRE>"
    )
    parsed = parse_pupils(content, "ElevesSansAdresses.xml")
    assert codes(parsed.problems) == ["year_missing"]
    assert "ElevesSansAdresses.xml" in parsed.problems[0].message
    assert parsed.header.school_year is None
    assert parsed.header.uaj == "0693046L"


# --- ElevesAvecAdresses: accepted, extra data never read -----------------------------------


def test_eleves_avec_adresses_parses_and_records_carry_no_contact_data():
    e = school(pupils=10)
    content = gen.pupils_xml(e, with_addresses=True)
    assert b"0601020304" in content and b"rue des Lilas" in content  # the file has them
    result = read_uploads([RawFile("ElevesAvecAdresses.xml", content)])

    assert result.problems == []
    [parsed] = result.files
    assert parsed.kind is FileKind.PUPILS
    assert [r.last_name for r in parsed.data.pupils] == [p.last_name for p in e.pupils]
    # Data minimisation: the record type has room for nothing else than this.
    assert {f.name for f in dataclasses.fields(PupilRecord)} == {
        "eleve_id",
        "elenoet",
        "ine",
        "last_name",
        "first_name",
        "birth_date",
        "sex",
        "mef",
        "entry_date",
        "exit_date",
        "previous_uai",
        "division",
        "groups",
        "line",  # where the record is in its file, for the plan's messages
    }
    everything = repr(result)
    for personal in ("0601020304", "example.invalid", "Lilas", "PARENT", "ADRESSE"):
        assert personal not in everything


# --- Nomenclature and structures -----------------------------------------------------------


def test_nomenclature_mef_labels():
    e = school(pupils=1)
    parsed = parse_nomenclature(gen.nomenclature_xml(e), "Nomenclature.xml")
    assert parsed.problems == []
    assert parsed.header.uaj == "0693046L"
    assert parsed.header.school_year == 2026
    assert parsed.mefs == {code: MefRecord(code, label) for code, label in gen.MEFS.items()}


def test_nomenclature_label_fallbacks_and_mef_without_code():
    content = (
        b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_NOMENCLATURES VERSION="1.7">'
        b"<PARAMETRES><UAJ>0693046L</UAJ><ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE></PARAMETRES>"
        b"<DONNEES><MATIERES><MATIERE CODE_MATIERE='050900'><LIBELLE_LONG>GENIE</LIBELLE_LONG>"
        b"</MATIERE></MATIERES><MEFS>"
        b'<MEF CODE_MEF="24725520310"><LIBELLE_EDITION>2nde pro \xe9lec</LIBELLE_EDITION></MEF>'
        b'<MEF CODE_MEF="50025524210"><FORMATION>1CAP2 ELEC</FORMATION></MEF>'
        b"<MEF><LIBELLE_LONG>SANS CODE</LIBELLE_LONG></MEF>"
        b'<MEF CODE_MEF="abc12345678"></MEF>'
        b"</MEFS></DONNEES></BEE_NOMENCLATURES>"
    )
    parsed = parse_nomenclature(content, "Nomenclature.xml")
    assert parsed.mefs == {
        "24725520310": MefRecord("24725520310", "2nde pro élec"),
        "50025524210": MefRecord("50025524210", "1CAP2 ELEC"),
        "ABC12345678": MefRecord("ABC12345678", ""),
    }


def test_structures_divisions_and_groups():
    e = school(pupils=100)  # 4 divisions
    parsed = parse_structures(gen.structures_xml(e), "Structures.xml")
    assert parsed.problems == []
    assert parsed.header.uaj == "0693046L"
    divisions = [s for s in parsed.structures if not s.is_group]
    groups = [s for s in parsed.structures if s.is_group]
    assert [(d.code, d.label, d.mefs, d.divisions) for d in divisions] == [
        (d.code, d.label, (d.mef,), ()) for d in e.divisions
    ]
    assert [(g.code, g.label, g.mefs, g.divisions) for g in groups] == [
        (f"G{d.code}A", f"Groupe A {d.code}", (), (d.code,)) for d in e.divisions
    ]


def test_structures_without_code_ignored_and_several_mefs_kept():
    content = (
        b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_STRUCTURES VERSION="2.0">'
        b"<PARAMETRES><UAJ>0693046l</UAJ><ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE></PARAMETRES>"
        b"<DONNEES><DIVISIONS>"
        b'<DIVISION CODE_STRUCTURE="1MELEC"><LIBELLE_LONG>1re \xbduvre \xbcUVRE</LIBELLE_LONG>'
        b"<MEFS_APPARTENANCE><MEF_APPARTENANCE><CODE_MEF>24725520320</CODE_MEF></MEF_APPARTENANCE>"
        b"<MEF_APPARTENANCE><CODE_MEF>24725520330</CODE_MEF></MEF_APPARTENANCE>"
        b"<MEF_APPARTENANCE><CODE_MEF></CODE_MEF></MEF_APPARTENANCE></MEFS_APPARTENANCE>"
        b"</DIVISION><DIVISION><LIBELLE_LONG>sans code</LIBELLE_LONG></DIVISION></DIVISIONS>"
        b'<GROUPES><GROUPE CODE_STRUCTURE="GR1"><LIBELLE_LONG>Groupe</LIBELLE_LONG>'
        b"<DIVISIONS_APPARTENANCE>"
        b"<DIVISION_APPARTENANCE><CODE_STRUCTURE>1MELEC</CODE_STRUCTURE></DIVISION_APPARTENANCE>"
        b"<DIVISION_APPARTENANCE><CODE_STRUCTURE>TMELEC</CODE_STRUCTURE></DIVISION_APPARTENANCE>"
        b"</DIVISIONS_APPARTENANCE></GROUPE></GROUPES></DONNEES></BEE_STRUCTURES>"
    )
    parsed = parse_structures(content, "Structures.xml")
    assert parsed.header.uaj == "0693046L"
    assert [(s.code, s.label, s.is_group, s.mefs, s.divisions) for s in parsed.structures] == [
        ("1MELEC", "1re œuvre ŒUVRE", False, ("24725520320", "24725520330"), ()),
        ("GR1", "Groupe", True, (), ("1MELEC", "TMELEC")),
    ]


# --- STS-web -------------------------------------------------------------------------------


def sts_school(**kwargs) -> gen.Establishment:
    e = gen.establishment(pupils=75, teachers=6, **kwargs)  # 3 divisions
    e.staff.append(gen.Staff("90004", "DOCUMENTALISTE", "Léa", "DOC"))
    return e


def test_sts_header_from_attributes():
    parsed = parse_sts(gen.sts_xml(sts_school(uai="0442953W", year=2027)), "sts.xml")
    assert parsed.header.uaj == "0442953W"  # from UAJ/@CODE, not its text
    assert parsed.header.school_year == 2027  # from ANNEE_SCOLAIRE/@ANNEE
    assert parsed.problems == []


def test_sts_functions_kept_and_individuals_without_function_skipped():
    e = sts_school()
    parsed = parse_sts(gen.sts_xml(e), "sts_emp_0693046L_2026.xml")
    by_id = {s.sts_id: s for s in parsed.staff}
    assert {s.sts_id: s.function for s in parsed.staff} == {
        "90001": "DIR",
        "90002": "EDU",
        "90004": "DOC",
        **{str(91000 + n): "ENS" for n in range(6)},
    }
    assert [(r.sts_id, r.display_name) for r in parsed.skipped] == [("90003", "CONGE Anne")]
    assert "90003" not in by_id
    assert by_id["90001"] == StaffRecord(
        sts_id="90001",
        civility="Mme",
        last_name="PROVISEUR",
        first_name="Claire",
        birth_date=datetime.date(1980, 4, 12),
        function="DIR",
        line=by_id["90001"].line,
    )
    assert by_id["90001"].line > 0
    assert by_id["90002"].civility == "M."
    assert by_id["91001"].first_name == "Léa"


def test_sts_teachers_per_division():
    e = sts_school()
    parsed = parse_sts(gen.sts_xml(e), "sts.xml")
    assert [(s.code, s.label, s.is_group, s.mefs, s.teacher_ids) for s in parsed.structures] == [
        (
            d.code,
            d.label,
            False,
            (d.mef,),
            tuple(sorted(s.sts_id for s in e.staff if d.code in s.divisions)),
        )
        for d in e.divisions
    ]
    assert all(s.teacher_ids for s in parsed.structures)


def test_sts_iso_8859_1():
    e = sts_school()
    e.staff.append(gen.Staff("90005", "LEFÈVRE", "Anaïs", "ENS", divisions=("D000",)))
    content = gen.sts_xml(e, encoding="ISO-8859-1")
    assert b'encoding="ISO-8859-1"' in content
    parsed = parse_sts(content, "sts.xml")
    assert parsed.problems == []
    assert parsed.staff[-1].display_name == "LEFÈVRE Anaïs"
    assert "90005" in parsed.structures[0].teacher_ids


@pytest.mark.parametrize("birth", ["12/04/1980", "1980-13-01", "1980-4-1x"])
def test_sts_malformed_iso_date_warns(birth):
    e = sts_school()
    e.staff.append(gen.Staff("90006", "DURAND", "Noé", "ENS", birth=birth))
    parsed = parse_sts(gen.sts_xml(e, encoding="UTF-8"), "sts.xml")
    [problem] = parsed.problems
    assert (problem.level, problem.code) == (Level.WARNING, "bad_date")
    assert "DURAND Noé" in problem.message
    assert birth in problem.message
    record = next(s for s in parsed.staff if s.sts_id == "90006")
    assert record.birth_date is None


def test_sts_empty_birth_date_is_fine():
    e = sts_school()
    e.staff.append(gen.Staff("90006", "DURAND", "Noé", "ENS", birth=""))
    parsed = parse_sts(gen.sts_xml(e), "sts.xml")
    assert parsed.problems == []
    assert next(s for s in parsed.staff if s.sts_id == "90006").birth_date is None


def test_sts_duplicate_and_incomplete_individuals_warn():
    e = sts_school()
    e.staff.append(gen.Staff("90001", "AUTRE", "Claire", "ENS"))
    e.staff.append(gen.Staff("", "SANSID", "Paul", "ENS"))
    parsed = parse_sts(gen.sts_xml(e), "sts.xml")
    assert codes(parsed.problems) == ["duplicate_individual", "individual_incomplete"]
    assert "90001" in parsed.problems[0].message
    assert "SANSID Paul" in parsed.problems[1].message
    assert [s.last_name for s in parsed.staff if s.sts_id == "90001"] == ["PROVISEUR"]


def test_sts_year_missing_warns():
    content = gen.sts_xml(sts_school()).replace(b'ANNEE="2026"', b'ANNEE=""')
    parsed = parse_sts(content, "sts.xml")
    assert codes(parsed.problems) == ["year_missing"]
    assert parsed.header.school_year is None


def test_sts_unknown_elements_tolerated():
    e = sts_school()
    plain = parse_sts(gen.sts_xml(e), "sts.xml")
    content = (
        gen.sts_xml(e)
        .replace(b"<GRADE>", b"<NOUVEAU><UAJ CODE='0000000A'/></NOUVEAU><GRADE>")
        .replace(
            b"<INDIVIDUS>",
            b"<AUTRES><INDIVIDU ID='1'><NOM_USAGE>X</NOM_USAGE></INDIVIDU></AUTRES><INDIVIDUS>",
        )
    )
    parsed = parse_sts(content, "sts.xml")
    assert parsed.problems == []
    assert parsed.staff == plain.staff
    assert parsed.header == plain.header  # a UAJ elsewhere does not replace PARAMETRES/UAJ


# --- Detection by root element -------------------------------------------------------------

E = school(pupils=30)
MAKERS = {
    FileKind.PUPILS: gen.pupils_xml,
    FileKind.NOMENCLATURE: gen.nomenclature_xml,
    FileKind.STRUCTURES: gen.structures_xml,
    FileKind.STS: gen.sts_xml,
}


@pytest.mark.parametrize("kind", list(MAKERS))
@pytest.mark.parametrize(
    "name", ["ElevesSansAdresses.xml", "sts_emp_0693046L_2026.xml", "photo.png", "sans_extension"]
)
def test_kind_detected_by_root_whatever_the_name(kind, name):
    raw = RawFile(name, MAKERS[kind](E))
    assert detect_kind(raw) is kind
    parsed = parse_raw(raw)
    assert parsed.kind is kind
    assert parsed.uaj == "0693046L"
    assert parsed.school_year == 2026
    assert parsed.name == name
    assert parsed.size == len(raw.content)
    assert parsed.sha256 == raw.sha256
    assert parsed.summary()["kind"] == str(kind)


def test_read_uploads_with_swapped_names_parses_every_file():
    files = gen.all_files(E)
    names = list(files)
    contents = list(files.values())
    swapped = [RawFile(names[-1 - i], content) for i, content in enumerate(contents)]
    result = read_uploads(swapped)
    assert result.problems == []
    assert [f.kind for f in result.files] == list(MAKERS)
    assert len(result.files[0].data.pupils) == 30
    assert result.files[1].data.mefs
    assert result.files[2].data.structures
    assert result.files[3].data.staff


# --- Streaming: memory stays flat ----------------------------------------------------------


def test_parsing_3000_pupils_streams_without_keeping_the_tree(monkeypatch):
    e = gen.establishment(pupils=3000)
    content = gen.pupils_xml(e)
    assert 2_000_000 < len(content) < 4_000_000
    whole_tree = sum(1 for _ in etree.fromstring(content).iter())
    assert whole_tree > 50_000

    # libxml2's nodes live outside Python's allocator (tracemalloc cannot see them): count
    # the nodes still in the tree while parsing instead.
    live_nodes: list[int] = []

    def counting_iter_elements(content, name, tags):
        for n, element in enumerate(iter_elements(content, name, tags)):
            if n % 25 == 0:
                live_nodes.append(sum(1 for _ in element.getroottree().getroot().iter()))
            yield element

    monkeypatch.setattr(siecle, "iter_elements", counting_iter_elements)

    tracemalloc.start()
    try:
        parsed = parse_raw(RawFile("ElevesSansAdresses.xml", content))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(parsed.data.pupils) == 3000
    assert len(live_nodes) > 100
    # A window of a few hundred pupils at most (lxml reads ahead by chunks), never the file.
    assert max(live_nodes) < 10_000, max(live_nodes)
    # Python-side: the records themselves and little else.
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_sections_nobody_reads_do_not_pile_up(monkeypatch):
    """One OPTION per pupil and the addresses of ElevesAvecAdresses are dropped as parsed."""
    e = gen.establishment(pupils=3000)
    options = "".join(
        f'<OPTION ELEVE_ID="{p.eleve_id}"><OPTIONS_ELEVE><NUM_OPTION>1</NUM_OPTION>'
        "<CODE_MODALITE_ELECT>O</CODE_MODALITE_ELECT><CODE_MATIERE>030201</CODE_MATIERE>"
        "</OPTIONS_ELEVE></OPTION>"
        for p in e.pupils
    )
    content = gen.pupils_xml(e).replace(
        b"<OPTIONS></OPTIONS>", f"<OPTIONS>{options}</OPTIONS>".encode()
    )
    live_nodes: list[int] = []

    def counting_iter_elements(content, name, tags):
        for n, element in enumerate(iter_elements(content, name, tags)):
            if n % 25 == 0:
                live_nodes.append(sum(1 for _ in element.getroottree().getroot().iter()))
            yield element

    monkeypatch.setattr(siecle, "iter_elements", counting_iter_elements)
    parsed = parse_raw(RawFile("ElevesSansAdresses.xml", content))
    assert len(parsed.data.pupils) == 3000
    assert max(live_nodes) < 10_000, max(live_nodes)
