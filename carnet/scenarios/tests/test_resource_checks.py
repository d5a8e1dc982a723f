"""check_resource: what a file is, from its bytes alone; the hostile corpus and its messages."""

import io
import warnings
import zipfile

import pytest
from PIL import Image

from carnet.scenarios.enums import ResourceKind
from carnet.scenarios.resources import MAX_RESOURCE_BYTES, ResourceRefused, check_resource
from carnet.scenarios.resources.zips import ZipLimits, ZipRefused, open_zip
from carnet.scenarios.tests import corpus

ACCEPTED = [
    ("real_pdf", ResourceKind.PDF, "pdf"),
    ("plain_pdf", ResourceKind.PDF, "pdf"),
    ("pdf_with_url_in_string", ResourceKind.PDF, "pdf"),
    ("png", ResourceKind.IMAGE, "png"),
    ("jpeg_with_exif", ResourceKind.IMAGE, "jpg"),
    ("docx", ResourceKind.DOCX, "docx"),
    ("xlsx", ResourceKind.XLSX, "xlsx"),
    ("odt", ResourceKind.ODT, "odt"),
]

REFUSED = [
    # What a browser would run.
    ("svg", "les fichiers SVG, HTML ou XML ne sont pas acceptés"),
    ("html_named_pdf", "les fichiers SVG, HTML ou XML ne sont pas acceptés"),
    ("html_then_pdf", "les fichiers SVG, HTML ou XML ne sont pas acceptés"),
    ("pdf_with_html_in_comment", "les fichiers SVG, HTML ou XML ne sont pas acceptés"),
    ("pdf_with_html_far_inside", "le PDF contient du code HTML ou un script caché"),
    # Active PDFs.
    ("pdf_with_javascript", "le PDF contient du code JavaScript"),
    ("pdf_with_escaped_javascript", "le PDF contient du code JavaScript"),
    ("pdf_with_javascript_in_object_stream", "le PDF contient du code JavaScript"),
    ("pdf_with_launch", "une commande qui lance un programme"),
    ("pdf_with_embedded_file", "des fichiers cachés"),
    ("pdf_with_object_stream_bomb", "le PDF se décompresse en un volume anormal"),
    ("encrypted_pdf", "le PDF est protégé (chiffré)"),
    ("truncated_pdf", "le PDF est incomplet ou endommagé"),
    # Macros and their kin.
    ("docm", "le document contient des macros"),
    ("docx_with_vba_but_plain_type", "le document contient des macros"),
    ("docx_with_activex", "le document contient des macros ou des contrôles actifs"),
    ("xlsm", "le document contient des macros"),
    ("odt_with_basic_macro", "le document contient des macros"),
    ("odt_with_event_script", "le document contient des macros"),
    ("docx_with_ole_object", "objets OLE incorporés"),
    ("docx_with_remote_template", "va chercher un modèle ou un objet sur un autre site"),
    ("docx_with_doctype", "malformé (déclaration DTD)"),
    # Hostile zips.
    ("xlsx_bomb", "se décompresse en un volume anormal"),
    ("xlsx_announcing_gigabytes", "se décompresse en un volume anormal"),
    ("docx_with_lying_sizes", "le document"),
    ("docx_with_traversal", "contient un chemin interdit"),
    ("docx_encrypted_flag", "est protégé par un mot de passe"),
    ("too_many_entries", "fichiers internes (au plus 1000)"),
    ("docx_without_main_part", "incomplet ou endommagé"),
    # Other types.
    ("pptx", "n'est pas un texte OpenDocument (.odt), un document Word (.docx) ou un classeur"),
    ("ods", "ce document OpenDocument n'est pas un texte"),
    ("old_word_document", "les anciens formats Office (.doc, .xls) ne sont pas acceptés"),
    ("gif", "ce type de fichier n'est pas accepté"),
]


class TestAccepted:
    @pytest.mark.parametrize(("builder", "kind", "extension"), ACCEPTED)
    def test_kind_found_from_the_content(self, builder, kind, extension):
        checked = check_resource(getattr(corpus, builder)())
        assert (checked.kind, checked.extension) == (kind, extension)

    def test_pdf_and_office_files_are_kept_as_they_came(self):
        for builder in ("real_pdf", "docx", "xlsx", "odt"):
            data = getattr(corpus, builder)()
            assert check_resource(data).content == data

    def test_an_image_is_re_encoded_without_its_metadata(self):
        data = corpus.jpeg_with_exif()
        checked = check_resource(data)
        assert checked.content != data
        assert checked.content_type == "image/jpeg"
        reopened = Image.open(io.BytesIO(checked.content))
        assert reopened.size == (64, 48)
        assert dict(reopened.getexif()) == {}

    def test_an_image_may_weigh_more_than_a_logo(self):
        """Logos stop at 2 Mo; a resource image at 10 Mo (a photo of a switchboard)."""
        noise = Image.frombytes("RGB", (1400, 1000), bytes(range(256)) * 16407)
        out = io.BytesIO()
        noise.save(out, format="PNG", compress_level=0)
        assert 2 * 1024 * 1024 < len(out.getvalue()) < MAX_RESOURCE_BYTES
        assert check_resource(out.getvalue()).kind == ResourceKind.IMAGE


class TestRefused:
    @pytest.mark.parametrize(("builder", "message"), REFUSED)
    def test_refused_with_a_french_message(self, builder, message):
        with pytest.raises(ResourceRefused) as refused:
            check_resource(getattr(corpus, builder)())
        assert message in refused.value.message

    def test_empty(self):
        with pytest.raises(ResourceRefused, match="le fichier est vide"):
            check_resource(b"")

    def test_too_big_before_anything_is_read(self):
        with pytest.raises(ResourceRefused, match="une ressource pèse au plus 10 Mo"):
            check_resource(b"%PDF-" + b"0" * MAX_RESOURCE_BYTES)

    def test_a_pdf_name_is_no_pass(self):
        """The type comes from the bytes: a name never enters check_resource at all."""
        with pytest.raises(ResourceRefused):
            check_resource(corpus.html_named_pdf())


class TestZipReader:
    limits = ZipLimits(max_entries=5, max_total=1000, max_entry=600, max_ratio=10, ratio_from=0)

    def test_reads_within_the_limits(self):
        package = open_zip(corpus.zipped({"a.txt": b"x" * 50}), limits=self.limits, what="Le test")
        assert package.read("a.txt") == b"x" * 50

    def test_ratio(self):
        with pytest.raises(ZipRefused, match="volume anormal"):
            open_zip(corpus.zipped({"a.txt": b"x" * 500}), limits=self.limits, what="Le test")

    def test_a_duplicate_name(self):
        out = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate: it is the point
            with zipfile.ZipFile(out, "w") as archive:
                archive.writestr("a.txt", b"1")
                archive.writestr("a.txt", b"2")
        with pytest.raises(ZipRefused, match="deux fois"):
            open_zip(out.getvalue(), limits=self.limits, what="Le test")

    @pytest.mark.parametrize("name", ["/etc/passwd", "C:/x", "a\\..\\b", "a/../../b", "a\x01b"])
    def test_forbidden_paths(self, name):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(zipfile.ZipInfo(name), b"1")
        with pytest.raises(ZipRefused, match="chemin interdit"):
            open_zip(out.getvalue(), limits=self.limits, what="Le test")

    def test_not_a_zip(self):
        with pytest.raises(ZipRefused, match="endommagé"):
            open_zip(b"PK\x03\x04 nothing", limits=self.limits, what="Le test")
