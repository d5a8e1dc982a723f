"""Printable documents: a Django template rendered to HTML, then to PDF by WeasyPrint.

WeasyPrint fetches every resource a document names (images, stylesheets, fonts,
attachments) through a URL fetcher. Ours, ``DataOnlyURLFetcher``, answers ``data:`` URIs
only: a document never reads the local disk or the network, whatever a template or a
value in it says (``file:///etc/passwd``, ``http://…``, a relative path resolved against
a base URL). Our media (logo, stamp) enter a document as ``data:`` URIs, read from
``default_storage`` by ``image_data_uri``.

A refused resource is left out (WeasyPrint logs it) and the document still renders.
"""

import base64
import posixpath
from urllib.request import DataHandler, Request

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from PIL import ImageFile
from weasyprint import HTML, Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process
# (weasyprint/images.py): establishments.images would then accept a truncated upload.
# Our documents only embed images Pillow re-encoded whole: Pillow's default is restored.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# Images embedded at 300 dpi at most (a print's resolution): a 4,000-pixel logo printed
# 9 mm high would otherwise weigh its full size in every PDF. Images are sized when the
# document is laid out, so render() needs the option as much as write_pdf().
PDF_OPTIONS = {"dpi": 300}
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class ResourceRefused(ValueError):
    """A document named a resource other than a data: URI (WeasyPrint leaves it out)."""


class DataOnlyURLFetcher(URLFetcher):
    """WeasyPrint's fetcher, cut down to ``data:`` URIs.

    Anything else raises ``ResourceRefused``: an ordinary exception, which WeasyPrint
    catches and logs, leaving the resource out (not a ``FatalURLFetchingError``, which
    would stop the rendering). No urllib handler is installed: ``fetch`` decodes the URI
    itself with the standard library's ``DataHandler``, which reads nothing but the URI.
    """

    def __init__(self):
        super().__init__(fail_on_errors=False)
        # URLFetcher installs urllib's file, HTTP, FTP… handlers: drop them all.
        self.handlers = []
        self.handle_open = {}
        self.handle_error = {}
        self.process_request = {}
        self.process_response = {}

    def fetch(self, url, headers=None):
        if not isinstance(url, str) or url[:5].lower() != "data:":
            raise ResourceRefused(f"seules les URI data: sont admises, pas {str(url)[:200]!r}")
        with DataHandler().data_open(Request(url)) as response:
            content_type = response.headers["Content-Type"]
            return URLFetcherResponse(url, response.read(), {"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):
        # OpenerDirector's entry point, in case WeasyPrint ever calls it: same rule.
        return self.fetch(url.full_url if isinstance(url, Request) else url)


def render_html(*, template: str, context: dict) -> str:
    return render_to_string(template, context)


def html_document(*, html: str, base_url=None) -> Document:
    """The laid-out document (pages, boxes): what tests inspect before it becomes a PDF.

    ``base_url`` only serves to resolve relative links: resources come from ``data:``
    URIs only, whatever it says.
    """
    fetcher = DataOnlyURLFetcher()
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(**PDF_OPTIONS)


def html_to_pdf(*, html: str, base_url=None) -> bytes:
    return html_document(html=html, base_url=base_url).write_pdf(**PDF_OPTIONS)


def render_pdf(*, template: str, context: dict, base_url=None) -> bytes:
    """``template`` rendered with ``context``, as PDF bytes."""
    return html_to_pdf(html=render_html(template=template, context=context), base_url=base_url)


def image_data_uri(name: str) -> str | None:
    """A stored image (``default_storage`` name) as a ``data:`` URI; None if absent.

    Only PNG and JPEG are stored (establishments.images re-encodes them): the type
    follows the extension; any other name gives None.
    """
    if not name:
        return None
    content_type = IMAGE_TYPES.get(posixpath.splitext(name)[1].lower())
    if content_type is None:
        return None
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    except OSError:  # FileNotFoundError included: the file is gone
        return None
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def establishment_images(establishment) -> dict:
    """``{"logo": …, "stamp": …}``: the establishment's images as data: URIs (or None)."""
    return {
        "logo": image_data_uri(establishment.logo),
        "stamp": image_data_uri(establishment.stamp),
    }
