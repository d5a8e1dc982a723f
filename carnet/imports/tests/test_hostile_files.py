"""Hostile and broken uploads: each refused with a clear French message, nothing read from it.

`read_uploads` is the entry point of the import service: it must report, never raise.
"""

import datetime
import functools
import io
import struct
import tracemalloc
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carnet.imports.parsers.common import FileKind, FileRefused, Level, parse_french_date
from carnet.imports.parsers.files import (
    MAX_ZIP_ENTRIES,
    RawFile,
    ReadResult,
    detect_kind,
    read_uploads,
    unpack,
)
from carnet.imports.parsers.siecle import parse_pupils
from carnet.imports.parsers.sts import parse_sts
from carnet.imports.tests import generator as gen

E = gen.establishment(pupils=30)
E.pupils[0].last_name, E.pupils[0].first_name = "ŒUVRAY", "Cœlia"
PUPILS = gen.pupils_xml(E)

HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def refused(*uploads: RawFile) -> ReadResult:
    """read_uploads on files that must all be refused: no records, only errors."""
    result = read_uploads(list(uploads))
    assert result.files == [], result.files
    assert result.problems
    assert all(p.level is Level.ERROR for p in result.problems), result.problems
    return result


def the_problem(*uploads: RawFile, code: str):
    result = refused(*uploads)
    [problem] = result.problems
    assert problem.code == code, problem
    return problem


def make_zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@functools.cache
def zeros_zip(megabytes: int) -> bytes:
    """A zip of `megabytes` MB of zeros, written by chunks (never all in memory)."""
    buffer = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("ElevesSansAdresses.xml", "w", force_zip64=True) as handle,
    ):
        for _ in range(megabytes):
            handle.write(chunk)
    return buffer.getvalue()


# --- Entities and DTDs ---------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<!DOCTYPE BEE_ELEVES [\n"
    b' <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n'
        % (level, (b"&lol%s;" % (b"%d" % (level - 1) if level > 1 else b"")) * 10)
        for level in range(1, 10)
    )
    + b"]>\n"
    b"<BEE_ELEVES><PARAMETRES><UAJ>0693046L</UAJ><ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>"
    b'</PARAMETRES><DONNEES><ELEVES><ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>&lol9;</NOM_DE_FAMILLE>'
    b"</ELEVE></ELEVES></DONNEES></BEE_ELEVES>\n"
)


def xxe(target: str, *, before_dtd: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + before_dtd
        + b'<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "'
        + target.encode()
        + b'"><!ENTITY % dtd SYSTEM "'
        + target.encode()
        + b'">%dtd;]>\n'
        b"<BEE_ELEVES><PARAMETRES><UAJ>&xxe;</UAJ><ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>"
        b'</PARAMETRES><DONNEES><ELEVES><ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>X&xxe;</NOM_DE_FAMILLE>'
        b"<PRENOM>&xxe;</PRENOM></ELEVE></ELEVES></DONNEES></BEE_ELEVES>\n"
    )


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("SECRET-MARQUEUR-4242\n")
    return path


def test_billion_laughs_refused():
    problem = the_problem(RawFile("ElevesSansAdresses.xml", BILLION_LAUGHS), code="dtd_refused")
    assert "DOCTYPE" in problem.message
    assert "ElevesSansAdresses.xml" in problem.message
    assert "Exportez-le de nouveau" in problem.message


def test_billion_laughs_never_expanded_even_past_the_envelope_check():
    """Defence in depth: the parser itself expands no entity."""
    try:
        parsed = parse_pupils(BILLION_LAUGHS, "x.xml")
    except FileRefused as refusal:
        assert refusal.problem.level is Level.ERROR
    else:
        assert "lollol" not in repr(parsed)


@pytest.mark.parametrize("scheme", ["file://", ""])
def test_external_entity_refused_and_never_read(secret_file, scheme):
    content = xxe(f"{scheme}{secret_file}")
    problem = the_problem(RawFile("ElevesSansAdresses.xml", content), code="dtd_refused")
    assert "DOCTYPE ou ENTITY" in problem.message
    assert "SECRET-MARQUEUR" not in repr(read_uploads([RawFile("e.xml", content)]))


def test_external_entity_to_etc_passwd_never_read():
    result = refused(RawFile("ElevesSansAdresses.xml", xxe("file:///etc/passwd")))
    assert [p.code for p in result.problems] == ["dtd_refused"]
    assert "root:" not in repr(result)


def test_external_entity_never_resolved_even_past_the_envelope_check(secret_file):
    """Defence in depth: the parser loads no external entity, no external DTD."""
    content = xxe(f"file://{secret_file}")
    try:
        parsed = parse_pupils(content, "x.xml")
    except FileRefused as refusal:
        assert "SECRET-MARQUEUR" not in refusal.problem.message
    else:
        assert "SECRET-MARQUEUR" not in repr(parsed)


def test_dtd_hidden_after_a_processing_instruction_refused(secret_file):
    """A « > » inside a processing instruction must not end the prolog early."""
    trick = b"<?trick a>b<BEE_ELEVES ?>\n"
    content = xxe(f"file://{secret_file}", before_dtd=trick)
    result = refused(RawFile("ElevesSansAdresses.xml", content))
    assert [p.code for p in result.problems] == ["dtd_refused"]
    assert "SECRET-MARQUEUR" not in repr(result)


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE BEE_ELEVES SYSTEM "http://example.invalid/bee.dtd">',
        b"<!doctype BEE_ELEVES>",
        b"<!-- commentaire -->\n<!DOCTYPE BEE_ELEVES []>",
    ],
)
def test_dtd_refused(doctype):
    content = PUPILS.replace(b"?>\n", b"?>\n" + doctype + b"\n", 1)
    problem = the_problem(RawFile("ElevesSansAdresses.xml", content), code="dtd_refused")
    assert "DOCTYPE" in problem.message


# --- Not the right file --------------------------------------------------------------------


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.1])
def test_truncated_xml_refused_with_its_line(cut):
    content = PUPILS[: int(len(PUPILS) * cut)]
    last_line = content.count(b"\n") + 1
    problem = the_problem(RawFile("ElevesSansAdresses.xml", content), code="malformed_xml")
    assert f"(ligne {last_line})" in problem.message
    assert "incomplet ou mal formé" in problem.message
    assert "tronqué" in problem.message


def test_wrong_root_refused_by_name():
    content = PUPILS.replace(b"BEE_ELEVES", b"LISTE_ELEVES")
    problem = the_problem(RawFile("ElevesSansAdresses.xml", content), code="unknown_root")
    assert "« LISTE_ELEVES »" in problem.message
    assert "n'est pas un export SIECLE" in problem.message


def test_vendor_edt_sts_file_refused():
    content = gen.sts_xml(E, root="EDT_STS")
    assert b"<APPLICATION_SOURCE>" in content
    problem = the_problem(RawFile("emp_sts_0693046L_2026.xml", content), code="vendor_sts_file")
    assert "exportez le fichier depuis STS-web" in problem.message
    assert "EDT_STS" in problem.message
    assert "emp_sts_0693046L_2026.xml" in problem.message


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n"])
def test_empty_file_refused(content):
    problem = the_problem(RawFile("ElevesSansAdresses.xml", content), code="empty_file")
    assert problem.message == "Le fichier ElevesSansAdresses.xml est vide."


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        "NOM;PRÉNOM\nMARTIN;Léa\n".encode("cp1252"),
        "\ufeff<?xml".encode("utf-16"),
    ],
    ids=["png", "pdf", "csv", "utf16"],
)
def test_not_xml_refused(content):
    problem = the_problem(RawFile("ElevesSansAdresses.xml", content), code="not_xml")
    assert "n'est pas un fichier XML" in problem.message
    assert "ElevesSansAdresses.xml" in problem.message


def test_no_element_refused():
    content = b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- rien -->\n'
    problem = the_problem(RawFile("vide.xml", content), code="not_xml")
    assert "aucun élément XML" in problem.message


# --- Encodings -----------------------------------------------------------------------------


def test_utf8_bytes_declared_iso_8859_15_refused_with_line():
    content = gen.pupils_xml(E, encoding="UTF-8").replace(
        b'encoding="UTF-8"', b'encoding="ISO-8859-15"', 1
    )
    first_accent = content.index("Œ".encode())
    line = content.count(b"\n", 0, first_accent) + 1
    problem = the_problem(RawFile("ElevesSansAdresses.xml", content), code="encoding_mismatch")
    assert f"ligne {line}" in problem.message
    assert "ISO-8859-15" in problem.message
    assert "UTF-8" in problem.message


def test_utf8_bytes_declared_latin_refused_even_when_the_first_megabyte_is_ascii():
    e = gen.establishment(pupils=2000)
    for pupil in e.pupils:
        pupil.last_name, pupil.first_name = "MARTIN", "Lucas"
    e.pupils[-1].last_name = "LEFÈVRE"
    content = gen.pupils_xml(e, encoding="UTF-8").replace(
        b'encoding="UTF-8"', b'encoding="ISO-8859-15"', 1
    )
    first_accent = content.index("È".encode())
    assert first_accent > 1_000_000
    line = content.count(b"\n", 0, first_accent) + 1
    problem = the_problem(RawFile("ElevesSansAdresses.xml", content), code="encoding_mismatch")
    assert f"ligne {line}" in problem.message


def test_declared_utf8_holding_latin1_bytes_refused_with_line():
    content = PUPILS.replace(b'encoding="ISO-8859-15"', b'encoding="UTF-8"', 1)
    first_accent = next(i for i, byte in enumerate(content) if byte >= 0x80)
    line = content.count(b"\n", 0, first_accent) + 1
    problem = the_problem(RawFile("ElevesSansAdresses.xml", content), code="undecodable")
    assert f"ligne {line}" in problem.message
    assert "caractères illisibles" in problem.message


@pytest.mark.parametrize("encoding", ["UTF-16", "Shift_JIS", "EBCDIC-FR", "x-inconnu"])
def test_unknown_declared_encoding_refused(encoding):
    content = PUPILS.replace(b"ISO-8859-15", encoding.encode(), 1)
    problem = the_problem(RawFile("ElevesSansAdresses.xml", content), code="encoding_unknown")
    assert f"« {encoding.lower()} »" in problem.message
    assert "ISO-8859-15 ou UTF-8" in problem.message


def test_odd_digits_in_school_year_do_not_crash():
    pupils = PUPILS.replace(b"<ANNEE_SCOLAIRE>2026<", "<ANNEE_SCOLAIRE>²²²²<".encode("latin-1"))
    sts = gen.sts_xml(E).replace(b'ANNEE="2026"', 'ANNEE="²²²²"'.encode("latin-1"))
    result = read_uploads([RawFile("eleves.xml", pupils), RawFile("sts.xml", sts)])
    assert [f.school_year for f in result.files] == [None, None]
    assert [p.code for p in result.problems] == ["year_missing", "year_missing"]


# --- Zips ----------------------------------------------------------------------------------


def test_zip_bomb_refused_without_inflating_it():
    bomb = zeros_zip(50)
    assert len(bomb) < 500_000  # 50 MB of zeros, compressed more than 100:1
    tracemalloc.start()
    try:
        problem = the_problem(RawFile("ExportXML_ElevesSansAdresses.zip", bomb), code="zip_bomb")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "volume anormal" in problem.message
    assert "50 Mo" in problem.message
    assert "ExportXML_ElevesSansAdresses.zip" in problem.message
    assert peak < 10 * 1024 * 1024  # never inflated


def test_zip_over_the_uncompressed_limit_refused(monkeypatch):
    from carnet.imports.parsers import files

    monkeypatch.setattr(files, "MAX_UNCOMPRESSED", len(PUPILS) - 1)
    archive = make_zip({"ElevesSansAdresses.xml": PUPILS})
    problem = the_problem(RawFile("export.zip", archive), code="zip_bomb")
    assert "volume anormal" in problem.message


@pytest.mark.parametrize(
    "name",
    [
        "../ElevesSansAdresses.xml",
        "../../../etc/cron.d/ElevesSansAdresses.xml",
        "export/../../ElevesSansAdresses.xml",
        "..\\..\\ElevesSansAdresses.xml",
        "/etc/ElevesSansAdresses.xml",
        "C:\\Windows\\ElevesSansAdresses.xml",
    ],
)
def test_zip_with_forbidden_paths_refused(name):
    archive = make_zip({"Nomenclature.xml": gen.nomenclature_xml(E), name: PUPILS})
    problem = the_problem(RawFile("export.zip", archive), code="zip_path_traversal")
    assert "chemin interdit" in problem.message
    assert f"« {name} »" in problem.message
    with pytest.raises(FileRefused):
        unpack(RawFile("export.zip", archive))


def test_zip_with_too_many_entries_refused():
    archive = make_zip({f"fichier{n:02d}.xml": PUPILS[:200] for n in range(MAX_ZIP_ENTRIES + 1)})
    problem = the_problem(RawFile("export.zip", archive), code="zip_too_many_entries")
    assert f"{MAX_ZIP_ENTRIES + 1} fichiers" in problem.message
    assert f"au plus {MAX_ZIP_ENTRIES}" in problem.message


def test_zip_with_mac_junk_accepted_junk_skipped():
    files = gen.all_files(E)
    archive = gen.zipped(files, mac_junk=True)
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert any(n.startswith("__MACOSX/") for n in names) and ".DS_Store" in names
    assert [raw.name for raw in unpack(RawFile("Export.zip", archive))] == [
        f"Export.zip › {name}" for name in files
    ]
    result = read_uploads([RawFile("Export.zip", archive)])
    assert result.problems == []
    assert [f.kind for f in result.files] == [
        FileKind.PUPILS,
        FileKind.NOMENCLATURE,
        FileKind.STRUCTURES,
        FileKind.STS,
    ]


def test_zip_holding_the_four_files_all_parsed():
    files = gen.all_files(E)
    result = read_uploads([RawFile("ExportXML.zip", gen.zipped(files))])
    assert result.problems == []
    by_kind = {f.kind: f for f in result.files}
    assert set(by_kind) == set(FileKind)
    assert by_kind[FileKind.PUPILS].name == "ExportXML.zip › ElevesSansAdresses.xml"
    assert by_kind[FileKind.PUPILS].data.pupils[0].display_name == "ŒUVRAY Cœlia"
    assert len(by_kind[FileKind.PUPILS].data.pupils) == 30
    assert by_kind[FileKind.NOMENCLATURE].data.mefs
    assert by_kind[FileKind.STRUCTURES].data.structures
    assert by_kind[FileKind.STS].data.staff
    assert {f.uaj for f in result.files} == {"0693046L"}
    # Each file's own digest, not the zip's.
    assert by_kind[FileKind.PUPILS].sha256 == RawFile("x", files["ElevesSansAdresses.xml"]).sha256


def test_zip_of_junk_only_refused():
    archive = make_zip({"__MACOSX/._x.xml": b"junk", ".DS_Store": b"junk", "dossier/.cache": b""})
    problem = the_problem(RawFile("export.zip", archive), code="zip_empty")
    assert "ne contient aucun fichier" in problem.message


def test_damaged_zip_refused():
    problem = the_problem(RawFile("export.zip", b"PK\x03\x04" + b"\x00" * 100), code="bad_zip")
    assert "endommagée ou incomplète" in problem.message


def test_zip_with_corrupted_data_refused():
    archive = bytearray(make_zip({"ElevesSansAdresses.xml": PUPILS}))
    # Flip bytes in the middle of the compressed stream (headers intact).
    for offset in range(200, 260):
        archive[offset] ^= 0x55
    problem = the_problem(RawFile("export.zip", bytes(archive)), code="bad_zip")
    assert "export.zip" in problem.message


def _patch_central_and_local(archive: bytes, *, flag_bits=None, file_size=None) -> bytes:
    data = bytearray(archive)
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    if flag_bits is not None:
        struct.pack_into("<H", data, local + 6, flag_bits)
        struct.pack_into("<H", data, central + 8, flag_bits)
    if file_size is not None:
        struct.pack_into("<I", data, local + 22, file_size)
        struct.pack_into("<I", data, central + 24, file_size)
    return bytes(data)


def test_zip_lying_about_its_sizes_refused():
    archive = _patch_central_and_local(
        make_zip({"ElevesSansAdresses.xml": PUPILS}, zipfile.ZIP_STORED), file_size=100
    )
    result = refused(RawFile("export.zip", archive))
    assert [p.code for p in result.problems] in (["bad_zip"], ["zip_bomb"])


def test_encrypted_zip_refused():
    archive = _patch_central_and_local(
        make_zip({"ElevesSansAdresses.xml": PUPILS}, zipfile.ZIP_STORED), flag_bits=0x1
    )
    problem = the_problem(RawFile("export.zip", archive), code="zip_encrypted")
    assert "mot de passe" in problem.message


def test_zip_with_unsupported_compression_refused():
    archive = bytearray(make_zip({"ElevesSansAdresses.xml": PUPILS}, zipfile.ZIP_STORED))
    local = archive.index(b"PK\x03\x04")
    central = archive.index(b"PK\x01\x02")
    struct.pack_into("<H", archive, local + 8, 99)  # AES: not supported
    struct.pack_into("<H", archive, central + 10, 99)
    result = refused(RawFile("export.zip", bytes(archive)))
    assert [p.code for p in result.problems] == ["bad_zip"]


# --- Several bad files: every problem in one pass ------------------------------------------


def test_every_problem_of_several_files_in_one_pass():
    duplicate = gen.establishment(pupils=3)
    duplicate.pupils[2].ine = duplicate.pupils[0].ine
    duplicate.pupils[1].ine = "MAUVAIS"
    uploads = [
        RawFile("vide.xml", b""),
        RawFile("image.xml", b"\x89PNG\r\n\x1a\n"),
        RawFile("tronque.xml", PUPILS[:5000]),
        RawFile("emp_sts.xml", gen.sts_xml(E, root="EDT_STS")),
        RawFile("bombe.zip", zeros_zip(50)),
        RawFile("dtd.xml", BILLION_LAUGHS),
        RawFile("Nomenclature.xml", gen.nomenclature_xml(E)),
        RawFile("ElevesSansAdresses.xml", gen.pupils_xml(duplicate)),
    ]
    result = read_uploads(uploads)
    assert [p.code for p in result.problems] == [
        "empty_file",
        "not_xml",
        "malformed_xml",
        "vendor_sts_file",
        "zip_bomb",
        "dtd_refused",
        "invalid_ine",
        "duplicate_ine",
    ]
    for upload, problem in zip(uploads[:6], result.problems, strict=False):
        assert upload.name in problem.message
    assert [f.name for f in result.files] == ["Nomenclature.xml", "ElevesSansAdresses.xml"]


# --- Nothing ever raises -------------------------------------------------------------------


def assert_reported(result: ReadResult) -> None:
    assert isinstance(result, ReadResult)
    for problem in result.problems:
        assert problem.level in (Level.ERROR, Level.WARNING)
        assert problem.code and problem.message


@HYPOTHESIS
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_raise(content):
    assert_reported(read_uploads([RawFile("x.xml", content)]))


@HYPOTHESIS
@given(
    st.sampled_from([b"PK\x03\x04", b"<?xml", b"<", b"\xef\xbb\xbf<", b"<!DOCTYPE"]),
    st.binary(max_size=2000),
)
def test_arbitrary_bytes_after_a_plausible_start_never_raise(start, rest):
    assert_reported(read_uploads([RawFile("x", start + rest)]))


ROOTS = ["BEE_ELEVES", "BEE_NOMENCLATURES", "BEE_STRUCTURES", "STS_EDT", "EDT_STS", "AUTRE"]
TAGS = [
    "PARAMETRES", "UAJ", "ANNEE_SCOLAIRE", "DONNEES", "ELEVES", "ELEVE", "ID_NATIONAL",
    "NOM_DE_FAMILLE", "NOM", "PRENOM", "DATE_NAISS", "DATE_SORTIE", "CODE_SEXE", "CODE_MEF",
    "STRUCTURES", "STRUCTURES_ELEVE", "STRUCTURE", "CODE_STRUCTURE", "TYPE_STRUCTURE", "MEF",
    "DIVISION", "GROUPE", "INDIVIDUS", "INDIVIDU", "FONCTION", "DATE_NAISSANCE", "MEFS",
    "MEFS_APPARTENANCE", "MEF_APPARTENANCE", "SERVICES", "SERVICE", "ENSEIGNANTS", "ENSEIGNANT",
    "DIVISIONS", "GROUPES", "LIBELLE_LONG", "SCOLARITE_AN_DERNIER", "CODE_RNE",
]  # fmt: skip
ATTRIBUTES = ["ELEVE_ID", "ELENOET", "CODE", "ID", "ANNEE", "CODE_MEF", "CODE_STRUCTURE"]
TEXTS = st.text(
    alphabet=st.sampled_from(list("0123456789/-:ABDGÉéŒœ'<>&;\"x ²\n\t\x85\x00\ufffe")),
    max_size=12,
)


@st.composite
def xmlish(draw, depth=0):
    """A tree of real tag names with random attributes and text, sometimes broken."""
    tag = draw(st.sampled_from(TAGS))
    attributes = draw(st.dictionaries(st.sampled_from(ATTRIBUTES), TEXTS, max_size=2))
    attrs = "".join(
        f' {name}="{value.replace("&", "&amp;").replace("<", "&lt;").replace(chr(34), "&quot;")}"'
        for name, value in attributes.items()
    )
    if depth >= 3 or draw(st.booleans()):
        body = draw(TEXTS)
    else:
        body = "".join(draw(st.lists(xmlish(depth + 1), max_size=4)))
    closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", f"</{tag}>", "", "</AUTRE>"]))
    return f"<{tag}{attrs}>{body}{closing}"


@st.composite
def xml_documents(draw):
    encoding = draw(st.sampled_from(["ISO-8859-15", "ISO-8859-1", "UTF-8", "windows-1252"]))
    actual = draw(st.sampled_from([encoding, "utf-8", "iso-8859-15"]))
    root = draw(st.sampled_from(ROOTS))
    body = "".join(draw(st.lists(xmlish(), max_size=5)))
    prolog = draw(
        st.sampled_from(
            [
                f'<?xml version="1.0" encoding="{encoding}"?>\n',
                "",
                f'<?xml version="1.0" encoding="{encoding}"?>\n<!-- c -->\n',
                f'<?xml version="1.0" encoding="{encoding}"?>\n<?pi a>b?>\n',
            ]
        )
    )
    text = f"{prolog}<{root}>{body}</{root}>"
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut]
    return text.encode(actual, errors="replace")


@HYPOTHESIS
@given(xml_documents())
def test_arbitrary_xmlish_text_never_raises(content):
    result = read_uploads([RawFile("x.xml", content)])
    assert_reported(result)
    if result.files:
        [parsed] = result.files
        assert parsed.kind in set(FileKind)


@HYPOTHESIS
@given(
    st.sampled_from(list(gen.all_files(E).values())),
    st.data(),
)
def test_damaged_real_files_never_raise(content, data):
    """A real export, truncated, with bytes flipped or inserted, zipped or not."""
    position = data.draw(st.integers(0, len(content)))
    damage = data.draw(st.sampled_from(["truncate", "flip", "insert"]))
    if damage == "truncate":
        content = content[:position]
    elif damage == "flip":
        index = min(position, len(content) - 1)
        content = content[:index] + bytes([content[index] ^ 0xFF]) + content[index + 1 :]
    else:
        content = (
            content[:position] + data.draw(st.binary(min_size=1, max_size=8)) + content[position:]
        )
    if data.draw(st.booleans()):
        archive = bytearray(make_zip({"ElevesSansAdresses.xml": content}))
        index = data.draw(st.integers(0, len(archive) - 1))
        archive[index] ^= data.draw(st.integers(1, 255))
        content = bytes(archive)
    assert_reported(read_uploads([RawFile("x", content)]))


@HYPOTHESIS
@given(st.dates())
def test_any_valid_date_round_trips_dd_mm_yyyy(date):
    text = f"{date.day:02d}/{date.month:02d}/{date.year:04d}"
    assert parse_french_date(text) == date


@settings(max_examples=50, deadline=None, database=None)
@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_any_valid_birth_date_round_trips_through_a_pupils_file(date):
    e = gen.establishment(pupils=1)
    e.pupils[0].birth = f"{date.day:02d}/{date.month:02d}/{date.year:04d}"
    parsed = parse_pupils(gen.pupils_xml(e), "ElevesSansAdresses.xml")
    assert parsed.problems == []
    assert parsed.pupils[0].birth_date == date


@HYPOTHESIS
@given(st.dates())
def test_any_valid_iso_date_round_trips_through_an_sts_file(date):
    e = gen.establishment(pupils=1, teachers=1)
    e.staff = [gen.Staff("1", "DURAND", "Noé", "ENS", birth=date.isoformat())]
    parsed = parse_sts(gen.sts_xml(e), "sts.xml")
    assert parsed.problems == []
    assert parsed.staff[0].birth_date == date


def test_detect_kind_on_a_hostile_file_raises_file_refused_only():
    with pytest.raises(FileRefused) as refusal:
        detect_kind(RawFile("x.xml", BILLION_LAUGHS))
    assert refusal.value.problem.code == "dtd_refused"


def test_sts_root_with_an_application_source_is_a_vendor_file():
    """« EDT_STS / APPLICATION_SOURCE »: either marker means a timetable vendor's file."""
    e = gen.establishment(pupils=0, teachers=1)
    content = gen.sts_xml(e).replace(
        b"</PARAMETRES>", b"<APPLICATION_SOURCE>EDT PRIVE 12</APPLICATION_SOURCE></PARAMETRES>"
    )
    result = read_uploads([RawFile("sts_emp_0693046L_2026.xml", content)])
    assert result.files == []
    assert [p.code for p in result.problems] == ["vendor_sts_file"]
    assert "exportez le fichier depuis STS-web" in result.problems[0].message
