"""A scenario's resources: what a file is, found from its content alone.

``check_resource(data)`` says what the bytes are — PDF, PNG or JPEG image, OpenDocument
text, Word document, Excel workbook — or refuses them with a French message
(``ResourceRefused``): never from the file's name or its declared type. Images come out
re-encoded by Pillow (carnet.establishments.images: nothing but their pixels is kept);
other files come out as they came in, once checked (resources/pdf.py, resources/office.py).
The same check runs on an upload and on each resource of an imported scenario.
"""

import io
from dataclasses import dataclass

from PIL import Image

from carnet.establishments.images import ImageRefused, clean_image
from carnet.scenarios.enums import ResourceKind
from carnet.scenarios.resources.office import OfficeRefused, check_office
from carnet.scenarios.resources.pdf import PdfRefused, check_pdf
from carnet.scenarios.resources.zips import MB

MAX_RESOURCE_BYTES = 10 * MB
MAX_SCENARIO_BYTES = 50 * MB
MAX_RESOURCES = 30
ACCEPTED = "un PDF, une image PNG ou JPEG, un document ODT, DOCX ou XLSX"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KINDS = {
    "pdf": ResourceKind.PDF,
    "png": ResourceKind.IMAGE,
    "jpg": ResourceKind.IMAGE,
    "odt": ResourceKind.ODT,
    "docx": ResourceKind.DOCX,
    "xlsx": ResourceKind.XLSX,
}
# Kinds a browser may show in the page (images re-encoded, PDFs in its PDF viewer); office
# documents are always downloaded.
INLINE_KINDS = {ResourceKind.PDF, ResourceKind.IMAGE}


class ResourceRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedResource:
    kind: ResourceKind
    extension: str
    content_type: str
    content: bytes


def size_problem(size: int) -> str | None:
    if size == 0:
        return "le fichier est vide."
    if size > MAX_RESOURCE_BYTES:
        size_mb = f"{size / MB:.1f}".replace(".", ",")
        return (
            f"le fichier pèse {size_mb} Mo : une ressource pèse au plus "
            f"{MAX_RESOURCE_BYTES // MB} Mo. Réduisez-le ou découpez-le."
        )
    return None


def _detect(data: bytes) -> str:
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<", b"\xef\xbb\xbf<")) or b"<svg" in head or b"<html" in head:
        raise ResourceRefused(
            "les fichiers SVG, HTML ou XML ne sont pas acceptés : envoyez " + ACCEPTED + "."
        )
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        return "office"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ResourceRefused(
            "les anciens formats Office (.doc, .xls) ne sont pas acceptés : enregistrez le "
            "document au format .docx, .xlsx ou .odt."
        )
    raise ResourceRefused(f"ce type de fichier n'est pas accepté : envoyez {ACCEPTED}.")


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:]


def check_resource(data: bytes) -> CheckedResource:
    """What ``data`` is, cleaned; raises ResourceRefused (its message starts in lower case,
    to follow « « nom du fichier » : »)."""
    problem = size_problem(len(data))
    if problem:
        raise ResourceRefused(problem)
    detected = _detect(data)
    try:
        if detected == "pdf":
            check_pdf(data)
            extension, content = "pdf", data
        elif detected == "image":
            image = clean_image(data, max_bytes=MAX_RESOURCE_BYTES)
            extension, content = image.extension, image.content
        else:
            extension, content = check_office(data), data
    except (PdfRefused, ImageRefused, OfficeRefused) as refused:
        raise ResourceRefused(_lower_first(refused.message)) from None
    return CheckedResource(
        kind=KINDS[extension],
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        content=content,
    )


def check_received(data: bytes) -> CheckedResource:
    """A file a signed transfer package brings: checked where it was uploaded, and checked
    again here, its type found from its content — never taken from the package. PDFs and
    office documents go through the same checks as an upload; an image must open in Pillow
    as PNG or JPEG, and is kept as it is (the sender re-encoded it already: doing it again
    would cost a transfer of 30 photos more than a second)."""
    problem = size_problem(len(data))
    if problem:
        raise ResourceRefused(problem)
    detected = _detect(data)
    try:
        if detected == "pdf":
            check_pdf(data)
            extension = "pdf"
        elif detected == "image":
            extension = _verified_image(data)
        else:
            extension = check_office(data)
    except (PdfRefused, OfficeRefused) as refused:
        raise ResourceRefused(_lower_first(refused.message)) from None
    return CheckedResource(
        kind=KINDS[extension],
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        content=data,
    )


def _verified_image(data: bytes) -> str:
    try:
        with Image.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as image:
            image.verify()
            found = image.format
    except Exception:
        raise ResourceRefused(
            "l'image est endommagée ou n'est pas une image PNG ou JPEG."
        ) from None
    return "png" if found == "PNG" else "jpg"
