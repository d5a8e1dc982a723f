"""« Imprimer les identifiants »: a division's login sheet, one cut-out card per pupil.

Eight cards per A4 page (2 columns × 4 rows). Passwords are not stored: the sheet is made
from the credentials just issued, and never kept.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from carnet.documents.pdf import html_to_pdf, image_data_uri, render_html

TEMPLATE = "documents/credentials.html"
CARDS_PER_PAGE = 8
CARDS_PER_ROW = 2
# What image_data_uri gives: the logo goes into the sheet's <style>, so nothing else may.
IMAGE_DATA_URI = re.compile(r"data:image/(png|jpeg);base64,[A-Za-z0-9+/]*={0,2}")
# Read the establishment's logo from storage (credentials_pdf's default).
STORED = object()


@dataclass(frozen=True)
class CredentialCard:
    full_name: str
    division: str
    login: str
    password: str


def _chunks(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def credentials_html(
    *,
    establishment,
    cards: list[CredentialCard],
    platform_url: str,
    logo: str | None = None,
    today: date | None = None,
) -> str:
    """The sheet's HTML. ``logo``: a data: URI of a PNG or JPEG (image_data_uri), or None."""
    if logo is not None and not IMAGE_DATA_URI.fullmatch(logo):
        raise ValueError("logo: a data: URI of a PNG or JPEG image is expected")
    pages = [_chunks(page, CARDS_PER_ROW) for page in _chunks(list(cards), CARDS_PER_PAGE)]
    return render_html(
        template=TEMPLATE,
        context={
            "establishment_name": establishment.name,
            "logo": logo,
            "pages": pages,
            "platform_name": settings.PLATFORM_NAME,
            "platform_url": platform_url,
            "today": today or timezone.localdate(),
        },
    )


def credentials_pdf(
    *,
    establishment,
    cards: list[CredentialCard],
    platform_url: str,
    logo=STORED,
    today: date | None = None,
) -> bytes:
    """The sheet as PDF bytes.

    The logo is read from storage unless given (a data: URI, or None for no logo): the
    establishment itself is only read (its name and logo's storage name), never queried.
    """
    if logo is STORED:
        logo = image_data_uri(establishment.logo)
    html = credentials_html(
        establishment=establishment, cards=cards, platform_url=platform_url, logo=logo, today=today
    )
    return html_to_pdf(html=html)
