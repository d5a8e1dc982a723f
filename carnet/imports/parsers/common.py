"""What every parser of national files shares: problems, hardened XML reading, dates.

No Django here: bytes in, typed records and problems out.
"""

import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from lxml import etree

from carnet.core.text import clean_text


class Level(StrEnum):
    ERROR = "error"  # the whole import is refused
    WARNING = "warning"  # reported; the administrator may go on


@dataclass(frozen=True)
class Problem:
    level: Level
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"level": str(self.level), "code": self.code, "message": self.message}


def error(code: str, message: str) -> Problem:
    return Problem(Level.ERROR, code, message)


def warning(code: str, message: str) -> Problem:
    return Problem(Level.WARNING, code, message)


class FileRefused(Exception):
    """The file cannot be read at all; ``problem`` says why, in French."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


class FileKind(StrEnum):
    PUPILS = "BEE_ELEVES"
    NOMENCLATURE = "BEE_NOMENCLATURES"
    STRUCTURES = "BEE_STRUCTURES"
    STS = "STS_EDT"


KIND_LABELS = {
    FileKind.PUPILS: "élèves (SIECLE)",
    FileKind.NOMENCLATURE: "nomenclatures (SIECLE)",
    FileKind.STRUCTURES: "structures (SIECLE)",
    FileKind.STS: "personnels et services (STS-web)",
}

# Roots of files that look like ours but are not: a timetable vendor's STS look-alike.
VENDOR_ROOTS = {"EDT_STS"}

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z_][\w.-]*)")
# Names libxml2 knows ("latin-1", with a hyphen, it does not).
LATIN_ENCODINGS = {"iso-8859-15", "iso-8859-1", "latin1", "windows-1252", "cp1252"}
ACCEPTED_ENCODINGS = LATIN_ENCODINGS | {"utf-8", "utf8"}


UTF8_BOM = b"\xef\xbb\xbf"


def declared_encoding(content: bytes) -> str:
    match = _DECLARATION.match(content[:200].removeprefix(UTF8_BOM))
    return match.group(1).decode("ascii").lower() if match else "utf-8"


def xml_prolog(content: bytes) -> bytes:
    """Bytes before the root element (declaration, comments, DOCTYPE if any)."""
    position = 0
    while True:
        start = content.find(b"<", position)
        if start < 0 or start + 1 >= len(content):
            return content
        following = content[start + 1 : start + 2]
        if following not in (b"?", b"!"):
            return content[:start]
        if content.startswith(b"<!--", start):
            end = content.find(b"-->", start)
        elif following == b"?":
            # A processing instruction ends at « ?> », not at a « > » inside it.
            end = content.find(b"?>", start + 2)
            end = end + 1 if end >= 0 else end
        else:
            end = content.find(b">", start)
        if end < 0:
            return content
        position = end + 1


def root_tag(content: bytes) -> str | None:
    prolog = xml_prolog(content)
    match = _FIRST_ELEMENT.match(content, len(prolog))
    return match.group(1).decode("ascii", "replace") if match else None


def check_xml_envelope(content: bytes, name: str) -> str:
    """Refuse what must never reach the XML parser; return the root element's name."""
    if not content.strip():
        raise FileRefused(error("empty_file", f"Le fichier {name} est vide."))
    if not content.removeprefix(UTF8_BOM).lstrip().startswith(b"<"):
        raise FileRefused(
            error(
                "not_xml",
                f"Le fichier {name} n'est pas un fichier XML (ni une archive zip) : "
                "exportez-le de nouveau depuis SIECLE ou STS-web.",
            )
        )
    prolog = xml_prolog(content)
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        raise FileRefused(
            error(
                "dtd_refused",
                f"Le fichier {name} contient une déclaration DOCTYPE ou ENTITY, que les "
                "exports SIECLE et STS-web ne contiennent jamais : il a été modifié ou ne "
                "vient pas de ces applications. Exportez-le de nouveau.",
            )
        )
    encoding = declared_encoding(content)
    if encoding not in ACCEPTED_ENCODINGS:
        raise FileRefused(
            error(
                "encoding_unknown",
                f"Le fichier {name} déclare l'encodage « {encoding} », qui n'est pas celui "
                "des exports nationaux (ISO-8859-15 ou UTF-8). Exportez-le de nouveau.",
            )
        )
    if encoding in LATIN_ENCODINGS:
        _refuse_utf8_declared_latin(content, name, encoding)
    tag = root_tag(content)
    if tag is None:
        raise FileRefused(error("not_xml", f"Le fichier {name} ne contient aucun élément XML."))
    return tag


def _refuse_utf8_declared_latin(content: bytes, name: str, encoding: str) -> None:
    """UTF-8 bytes in a file that says ISO-8859-15 would turn « é » into « Ã© »."""
    if content.isascii():
        return
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return  # genuinely Latin: fine
    first = next(i for i, byte in enumerate(content) if byte >= 0x80)
    line = content.count(b"\n", 0, first) + 1
    raise FileRefused(
        error(
            "encoding_mismatch",
            f"Le fichier {name} se déclare en {encoding.upper()} mais il est encodé en UTF-8 "
            f"(ligne {line}) : les accents des noms seraient abîmés. Exportez-le de nouveau "
            "depuis SIECLE sans l'ouvrir ni l'enregistrer dans un autre logiciel.",
        )
    )


# Record-level sections of SIECLE pupils files that no parser reads (options, and the
# persons and addresses of ElevesAvecAdresses): dropped as they are parsed.
DISCARDED = frozenset({"OPTION", "PERSONNE", "ADRESSE", "RESPONSABLE_ELEVE"})


def iter_elements(
    content: bytes, name: str, tags: set[str], discard: frozenset[str] = DISCARDED
) -> Iterator[etree._Element]:
    """Stream the elements named ``tags`` (at their end); memory stays flat.

    Elements named in ``discard`` are cleared without being yielded, so that sections
    nobody reads do not pile up. The parser resolves no entity, loads no DTD, never
    touches the network and refuses huge trees. Callers must not keep references to
    yielded elements: they are cleared.
    """
    parser_events = etree.iterparse(
        io.BytesIO(content),
        events=("end",),
        tag=tuple(tags | (discard - tags)),
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _, element in parser_events:
            if element.tag not in discard or element.tag in tags:
                yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else "?")
        detail = str(exc.msg or "").split(",")[0]
        if "encoding" in detail.lower() or "utf-8" in detail.lower() or "bytes" in detail.lower():
            message = (
                f"Le fichier {name} contient des caractères illisibles dans son encodage, "
                f"ligne {line}. Exportez-le de nouveau depuis SIECLE ou STS-web."
            )
            code = "undecodable"
        else:
            message = (
                f"Le fichier {name} est incomplet ou mal formé (ligne {line}). Il a peut-être "
                "été tronqué pendant le téléchargement : exportez-le de nouveau."
            )
            code = "malformed_xml"
        raise FileRefused(error(code, message)) from None


def children_text(element: etree._Element) -> dict[str, str]:
    """Text of each direct child, by tag (the first one of a tag), cleaned (``clean_text``:
    invisible characters dropped, white space collapsed)."""
    result: dict[str, str] = {}
    for child in element:
        if isinstance(child.tag, str) and child.tag not in result:
            result[child.tag] = clean_text(child.text)
    return result


def text_of(element: etree._Element, path: str) -> str:
    return clean_text(element.findtext(path))


def attribute_of(element: etree._Element, name: str) -> str:
    """An attribute, cleaned as texts are (``clean_text``)."""
    return clean_text(element.get(name))


_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_french_date(value: str) -> datetime.date | None:
    """« dd/mm/yyyy » (SIECLE). Raises ValueError when present but malformed."""
    value = value.strip()
    if not value:
        return None
    match = _FRENCH_DATE.match(value)
    if match is None:
        raise ValueError(value)
    day, month, year = (int(part) for part in match.groups())
    return datetime.date(year, month, day)


def parse_iso_date(value: str) -> datetime.date | None:
    """« yyyy-mm-dd » (STS-web). Raises ValueError when present but malformed."""
    value = value.strip()
    if not value:
        return None
    return datetime.date.fromisoformat(value)
