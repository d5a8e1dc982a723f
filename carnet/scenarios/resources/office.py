"""Office documents (ODT, DOCX, XLSX) accepted by what they are, read from their bytes.

Each is a zip (read by ``zips.open_zip``: no bomb, no traversal, no encryption) whose
structure says its type: an OpenDocument text has a first entry ``mimetype`` holding
``application/vnd.oasis.opendocument.text``; a Word or Excel file has a
``[Content_Types].xml`` (read by a hardened parser: no DTD, no entity, no network) whose
main part is a document or a workbook, and that part is present.

Refused: documents with macros (a macro-enabled main part, a VBA project, ActiveX
controls, OpenDocument Basic or script libraries or events calling scripts), embedded OLE
programs, templates fetched from elsewhere (an external « attachedTemplate »), and every
other type (presentations, old binary .doc/.xls…).

Pure: bytes in, the kind out, or ``OfficeRefused`` with a French message.
"""

import re

from lxml import etree

from carnet.scenarios.resources.zips import MB, ZipLimits, ZipRefused, open_zip

LIMITS = ZipLimits(max_entries=1000, max_total=100 * MB, max_entry=60 * MB, max_ratio=100)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata", "activex", "ms-office.vba")
EXTERNAL_RISKY = re.compile(
    rb"Type=\"[^\"]*/(attachedTemplate|oleObject|subDocument|frame)\"[^>]*TargetMode=\"External\""
    rb"|TargetMode=\"External\"[^>]*Type=\"[^\"]*/(attachedTemplate|oleObject|subDocument|frame)\"",
    re.IGNORECASE,
)
# Events bound to macros (an empty <office:scripts/> is in every LibreOffice document).
ODF_SCRIPT = re.compile(rb"vnd\.sun\.star\.script:|macro:///|<script:event-listener", re.I)
ACCEPTED = "un texte OpenDocument (.odt), un document Word (.docx) ou un classeur Excel (.xlsx)"
MACROS = (
    "Le document contient des macros ou des contrôles actifs : il est refusé. Enregistrez-le "
    "sans macros (format .docx, .xlsx ou .odt) puis réessayez."
)


class OfficeRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _content_types(xml: bytes) -> dict[str, str]:
    """``{part name (lower case): content type}`` of an OOXML package (Overrides, and the
    Defaults by extension under the key ``*.ext``)."""
    if b"<!DOCTYPE" in xml.upper() or b"<!ENTITY" in xml.upper():
        raise OfficeRefused("Le document est malformé (déclaration DTD) : il est refusé.")
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError:
        raise OfficeRefused(
            "Le document est endommagé (table des types illisible) : enregistrez-le de nouveau."
        ) from None
    types = {}
    for element in root:
        tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
        content_type = (element.get("ContentType") or "").strip().lower()
        if tag == "Override":
            types[(element.get("PartName") or "").lstrip("/").lower()] = content_type
        elif tag == "Default":
            types["*." + (element.get("Extension") or "").lower()] = content_type
    return types


def _check_ooxml(package, names: list[str]) -> str:
    types = _content_types(package.read("[Content_Types].xml"))
    lowered = [name.lower() for name in names]
    if any(marker in value for value in types.values() for marker in MACRO_MARKERS) or any(
        name.endswith(("vbaproject.bin", "vbadata.xml")) or "/activex/" in f"/{name}"
        for name in lowered
    ):
        raise OfficeRefused(MACROS)
    if any("/embeddings/" in f"/{name}" and name.endswith(".bin") for name in lowered):
        raise OfficeRefused(
            "Le document contient des objets OLE incorporés (programmes ou anciens objets) : "
            "il est refusé. Enregistrez-le sans ces objets puis réessayez."
        )
    mains = {part: MAIN_TYPES[value] for part, value in types.items() if value in MAIN_TYPES}
    if len(mains) != 1:
        raise OfficeRefused(f"Ce document n'est pas {ACCEPTED} : il est refusé.")
    ((part, kind),) = mains.items()
    if part not in lowered:
        raise OfficeRefused("Le document est incomplet ou endommagé : enregistrez-le de nouveau.")
    for name in names:
        if name.lower().endswith(".rels") and EXTERNAL_RISKY.search(package.read(name)):
            raise OfficeRefused(
                "Le document va chercher un modèle ou un objet sur un autre site : il est "
                "refusé. Enregistrez-le de nouveau sans modèle externe."
            )
    return kind


def _check_odt(package, names: list[str]) -> str:
    if package.read("mimetype").strip() != ODT_MIMETYPE:
        raise OfficeRefused(f"Ce document OpenDocument n'est pas un texte : envoyez {ACCEPTED}.")
    if "content.xml" not in names:
        raise OfficeRefused("Le document est incomplet ou endommagé : enregistrez-le de nouveau.")
    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        raise OfficeRefused(MACROS)
    for name in names:
        if name.endswith(".xml") and ODF_SCRIPT.search(package.read(name)):
            raise OfficeRefused(MACROS)
    return "odt"


def check_office(data: bytes) -> str:
    """``"odt"``, ``"docx"`` or ``"xlsx"``; raises OfficeRefused for anything else."""
    try:
        package = open_zip(data, limits=LIMITS, what="Le document")
        names = package.names
        if "mimetype" in names and names[0] == "mimetype":
            return _check_odt(package, names)
        if "[Content_Types].xml" in names:
            return _check_ooxml(package, names)
    except ZipRefused as refused:
        raise OfficeRefused(refused.message) from None
    raise OfficeRefused(f"Ce fichier compressé n'est pas {ACCEPTED} : il est refusé.")
