"""« Imprimer les identifiants »: a division's login sheet, one cut-out card per pupil.

Eight cards per A4 page (2 columns × 4 rows), whatever the names: a long name, login or
establishment name is set smaller (sizes chosen by length, below) so that every card keeps
its height. Passwords are not stored: the sheet is made from the credentials just issued,
and never kept.
"""

import re
from collections import Counter
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


# (longest text, CSS size class): the first that holds the text; the last one beyond.
# Measured on the laid-out sheet (tests/test_pdf.py), with the widest letters: the name
# takes two lines at most in its largest size, three or four in the smaller ones.
NAME_SIZES = ((48, "l"), (64, "m"), (110, "s"), (10_000, "xs"))
LOGIN_SIZES = ((24, "l"), (10_000, "s"))
SCHOOL_SIZES = ((90, "l"), (10_000, "s"))
# Beyond this, a name is cut (« … »): the smallest size holds it on four lines. Names
# are at most 100 + 100 characters, so it never happens to a real one.
NAME_MAX = 200
SCHOOL_MAX = 100


@dataclass(frozen=True)
class CredentialCard:
    full_name: str
    division: str
    login: str
    password: str
    birth_date: date | None = None
    # Another pupil of the division has the same name (the card shows the birth date); two
    # cards of the same name in one sheet show it anyway.
    homonym: bool = False


def _size(text: str, sizes) -> str:
    return next(size for longest, size in sizes if len(text) <= longest)


def _cut(text: str, longest: int) -> str:
    return text if len(text) <= longest else text[: longest - 1].rstrip() + "…"


def _printed(cards: list[CredentialCard]) -> list[dict]:
    """What each card shows, with its sizes, and its birth date when the name is shared."""
    names = Counter(card.full_name.casefold() for card in cards)
    return [
        {
            "card": card,
            "name": _cut(card.full_name, NAME_MAX),
            "name_size": _size(card.full_name, NAME_SIZES),
            "login_size": _size(card.login, LOGIN_SIZES),
            "birth_date": card.birth_date
            if card.homonym or names[card.full_name.casefold()] > 1
            else None,
        }
        for card in cards
    ]


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
    printed = _printed(list(cards))
    pages = [_chunks(page, CARDS_PER_ROW) for page in _chunks(printed, CARDS_PER_PAGE)]
    return render_html(
        template=TEMPLATE,
        context={
            "establishment_name": _cut(establishment.name, SCHOOL_MAX),
            "school_size": _size(establishment.name, SCHOOL_SIZES),
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
