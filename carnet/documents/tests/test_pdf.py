"""Printable documents: the data:-only URL fetcher, stored images, the credential sheet.

Texts are checked in the HTML the template renders (BeautifulSoup): WeasyPrint does not
extract text from a PDF. Pages are counted on WeasyPrint's laid-out document, the one
``credentials_pdf`` writes.
"""

import base64
import builtins
import io
import logging
import random
import re
import socket
import urllib.request
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageFile
from weasyprint.formatting_structure.boxes import InlineReplacedBox, ParentBox, TextBox

from carnet.documents.credentials import (
    CredentialCard,
    credentials_html,
    credentials_pdf,
)
from carnet.documents.pdf import (
    DataOnlyURLFetcher,
    ResourceRefused,
    establishment_images,
    html_document,
    html_to_pdf,
    image_data_uri,
)
from carnet.establishments.images import ImageRefused, clean_image
from carnet.establishments.models import Establishment

PLATFORM_URL = "https://carnet-pro.ac-lyon.fr/"
TODAY = date(2026, 9, 5)
PASSWORD = "Ab3dEfGh7kMnPq"
INSTRUCTION = (
    "À la première connexion, choisissez votre mot de passe personnel. "
    "Ne le communiquez à personne."
)


def png_bytes(size=(120, 60), color=(10, 60, 140)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def png_uri() -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes()).decode("ascii")


def make_cards(count: int, division: str = "2MELEC1") -> list[CredentialCard]:
    return [
        CredentialCard(
            full_name=f"Prénom{n} NOM{n}",
            division=division,
            login=f"prenom{n}.nom{n}",
            password=PASSWORD,
        )
        for n in range(count)
    ]


def text(node) -> str:
    """Visible text, spaces collapsed (non-breaking ones included)."""
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def unsaved_establishment(**fields) -> Establishment:
    return Establishment(uai="0693046L", name="Lycée professionnel Marie-Curie", **fields)


def boxes(box):
    yield box
    if isinstance(box, ParentBox):
        for child in box.children:
            yield from boxes(child)


def card_boxes(page):
    # Page._page_box: WeasyPrint's laid-out tree of the page (not public API, read only).
    return [
        box
        for box in boxes(page._page_box)
        if box.element_tag == "td" and "card" in (box.element.get("class") or "").split()
    ]


class TestDataOnlyURLFetcher:
    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "FILE:///etc/passwd",
            "http://example.org/x.png",
            "https://example.org/x.png",
            "ftp://example.org/x.png",
            "etc/passwd",
            "../../etc/passwd",
            "/etc/passwd",
        ],
    )
    def test_everything_but_data_uris_is_refused(self, url):
        fetcher = DataOnlyURLFetcher()
        with pytest.raises(ResourceRefused):
            fetcher.fetch(url)
        with pytest.raises(ResourceRefused):
            fetcher(url)
        with pytest.raises(ResourceRefused):
            fetcher.open(url)

    def test_a_data_uri_is_answered(self):
        response = DataOnlyURLFetcher().fetch(png_uri())
        assert response.content_type == "image/png"
        assert response.read() == png_bytes()

    def test_no_urllib_handler_is_left(self):
        fetcher = DataOnlyURLFetcher()
        assert fetcher.handlers == []
        assert fetcher.handle_open == {}

    @pytest.fixture
    def watched(self, monkeypatch):
        """Records every attempt to read /etc/passwd or to reach the network."""
        attempts = []
        real_open = builtins.open

        def watching_open(file, *args, **kwargs):
            if "passwd" in str(file):
                attempts.append(("open", str(file)))
                raise PermissionError("lecture interdite pendant le test")
            return real_open(file, *args, **kwargs)

        def no_network(*args, **kwargs):
            attempts.append(("network", args))
            raise OSError("réseau interdit pendant le test")

        def no_opener(self, request, *args, **kwargs):
            attempts.append(("urllib", getattr(request, "full_url", request)))
            raise OSError("urllib interdit pendant le test")

        monkeypatch.setattr(builtins, "open", watching_open)
        monkeypatch.setattr(socket, "create_connection", no_network)
        monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_opener)
        return attempts

    HOSTILE_HTML = (
        "<!DOCTYPE html><html><head>"
        '<link rel="stylesheet" href="http://example.org/style.css">'
        "<style>body { background: url(file:///etc/passwd) }</style></head><body>"
        '<p>Texte</p><img src="file:///etc/passwd"><img src="http://example.org/x.png">'
        '<img src="passwd"><img src="../etc/passwd">'
        "</body></html>"
    )

    def test_a_document_naming_files_and_urls_renders_without_reading_them(self, watched, caplog):
        with caplog.at_level(logging.ERROR, logger="weasyprint"):
            pdf = html_to_pdf(html=self.HOSTILE_HTML, base_url="file:///etc/")
        assert pdf.startswith(b"%PDF-")
        assert watched == []
        assert "seules les URI data: sont admises" in caplog.text
        assert "file:///etc/passwd" in caplog.text

    def test_the_watch_does_see_weasyprint_s_own_fetcher_read_the_file(self, watched):
        # Control: without our fetcher, WeasyPrint opens the file (here refused by the
        # watch), so an empty ``watched`` above does mean that nothing was read.
        from weasyprint import HTML

        HTML(string='<img src="file:///etc/passwd">').render()
        assert ("urllib", "file:///etc/passwd") in watched

    def test_an_image_in_a_data_uri_is_drawn(self):
        document = html_document(html=f'<p><img src="{png_uri()}" alt="logo"></p>')
        images = [b for b in boxes(document.pages[0]._page_box) if isinstance(b, InlineReplacedBox)]
        assert len(images) == 1
        assert (images[0].width, images[0].height) == (120, 60)


class TestPillowLeftStrict:
    def test_a_truncated_upload_is_still_refused_after_a_pdf_was_made(self):
        # WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole
        # process; carnet.documents.pdf turns it back off (see there).
        html_to_pdf(html=f'<img src="{png_uri()}">')
        assert ImageFile.LOAD_TRUNCATED_IMAGES is False
        with pytest.raises(ImageRefused):
            clean_image(png_bytes(size=(300, 300))[:-40])


class TestStoredImages:
    def test_a_stored_png_or_jpeg_becomes_a_data_uri(self):
        png = png_bytes()
        name = default_storage.save("etablissements/logo-test.png", ContentFile(png))
        uri = image_data_uri(name)
        assert uri == "data:image/png;base64," + base64.b64encode(png).decode("ascii")

        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, format="JPEG")
        name = default_storage.save("etablissements/cachet-test.jpg", ContentFile(out.getvalue()))
        assert image_data_uri(name).startswith("data:image/jpeg;base64,/9j/")

    @pytest.mark.parametrize("name", ["", "etablissements/absent.png", "etablissements/x.svg"])
    def test_no_image_gives_none(self, name):
        if name.endswith(".svg"):
            name = default_storage.save(name, ContentFile(b"<svg/>"))
        assert image_data_uri(name) is None

    def test_establishment_images(self, establishment):
        establishment.logo = default_storage.save("etablissements/l.png", ContentFile(png_bytes()))
        images = establishment_images(establishment)
        assert images["logo"].startswith("data:image/png;base64,")
        assert images["stamp"] is None


class TestCredentialsHtml:
    def soup(self, cards, **kwargs):
        kwargs.setdefault("establishment", unsaved_establishment())
        kwargs.setdefault("platform_url", PLATFORM_URL)
        kwargs.setdefault("today", TODAY)
        return BeautifulSoup(credentials_html(cards=cards, **kwargs), "html.parser")

    def test_each_card_says_who_where_and_how(self):
        cards = [
            CredentialCard("Cœlia N'DIAYE", "2MELEC1", "coelia.ndiaye", "Ab3dEfGh7kMnPq"),
            CredentialCard("Anaïs LŒUILLET", "2MELEC1", "anais.loeuillet", "Zx9yWv8uTs7rQp"),
        ]
        soup = self.soup(cards)
        found = soup.select("td.card")
        assert len(found) == 2
        for card, node in zip(cards, found, strict=True):
            assert text(node.select_one(".card__pupil")) == card.full_name
            assert text(node.select_one(".card__division")) == "Division 2MELEC1"
            assert text(node.select_one(".card__school")) == "Lycée professionnel Marie-Curie"
            login, password = node.select(".card__fields tr")
            assert text(login) == f"Identifiant {card.login}"
            assert text(password) == f"Mot de passe provisoire {card.password}"
            assert "mono" in login.td["class"]
            assert "mono" in password.td["class"]
            assert text(node.select_one(".card__address")) == (
                f"Adresse de Carnet Pro : {PLATFORM_URL}"
            )
            assert text(node.select_one(".card__help")) == INSTRUCTION

    def test_footer_names_the_establishment_the_date_and_confidentiality(self):
        footer = text(self.soup(make_cards(1)).select_one(".footer"))
        assert "Document confidentiel — à remettre en main propre" in footer
        assert "Lycée professionnel Marie-Curie" in footer
        assert "05/09/2026" in footer

    def test_the_date_defaults_to_today_dd_mm_yyyy(self):
        footer = text(self.soup(make_cards(1), today=None).select_one(".footer"))
        assert re.search(r"le \d{2}/\d{2}/\d{4}$", footer)

    def test_values_are_escaped(self):
        card = CredentialCard("<b>Zoé</b> O'Connor", "2<i>A</i>", "zoe.oconnor", "A&b<c>")
        soup = self.soup([card])
        node = soup.select_one("td.card")
        assert node.find("b") is None and node.find("i") is None
        assert text(node.select_one(".card__pupil")) == "<b>Zoé</b> O'Connor"
        assert text(node.select(".card__fields td")[1]) == "A&b<c>"

    def test_eight_cards_per_page_two_per_row(self):
        soup = self.soup(make_cards(9))
        sheets = soup.select("table.sheet")
        assert [len(sheet.select("td.card")) for sheet in sheets] == [8, 1]
        rows = sheets[0].find_all("tr", class_="sheet__row")
        assert [len(row.select("td.card")) for row in rows] == [2, 2, 2, 2]

    def test_the_logo_is_a_data_uri_when_set(self):
        logo = png_uri()
        soup = self.soup(make_cards(3), logo=logo)
        assert logo in soup.style.string
        assert len(soup.select("td.card .card__logo")) == 3

    def test_no_logo_no_image(self):
        html = credentials_html(
            establishment=unsaved_establishment(),
            cards=make_cards(3),
            platform_url=PLATFORM_URL,
            logo=None,
        )
        assert "data:" not in html
        assert "url(" not in html
        assert BeautifulSoup(html, "html.parser").select(".card__logo") == []

    @pytest.mark.parametrize(
        "logo",
        [
            "file:///etc/passwd",
            "data:image/svg+xml;base64,PHN2Zy8+",
            'data:image/png;base64,AAAA"); } body { background: url("http://example.org/x',
        ],
    )
    def test_a_logo_must_be_an_image_data_uri(self, logo):
        with pytest.raises(ValueError):
            self.soup(make_cards(1), logo=logo)


class TestCredentialsPdf:
    def document(self, cards, logo=None):
        html = credentials_html(
            establishment=unsaved_establishment(),
            cards=cards,
            platform_url=PLATFORM_URL,
            logo=logo,
            today=TODAY,
        )
        return html_document(html=html)

    def test_the_pdf_is_made(self):
        pdf = credentials_pdf(
            establishment=unsaved_establishment(),
            cards=make_cards(2),
            platform_url=PLATFORM_URL,
            logo=png_uri(),
        )
        assert pdf.startswith(b"%PDF-")
        assert pdf.rstrip().endswith(b"%%EOF")

    def test_a_big_logo_is_embedded_at_print_resolution(self):
        # 1,200 × 500 pixels of noise (about 1.8 Mo of PNG), printed 22 mm wide: at
        # 300 dpi it needs 260 pixels, and the PDF carries those, not the 1.8 Mo.
        noise = Image.frombytes("RGB", (1200, 500), random.Random(0).randbytes(1200 * 500 * 3))
        out = io.BytesIO()
        noise.save(out, format="PNG")
        assert len(out.getvalue()) > 1_500_000
        pdf = credentials_pdf(
            establishment=unsaved_establishment(),
            cards=make_cards(8),
            platform_url=PLATFORM_URL,
            logo="data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii"),
        )
        assert len(pdf) < 300_000

    @pytest.mark.parametrize(("count", "pages"), [(1, 1), (8, 1), (9, 2), (35, 5)])
    def test_pages(self, count, pages):
        document = self.document(make_cards(count), logo=png_uri())
        assert len(document.pages) == pages
        per_page = [len(card_boxes(page)) for page in document.pages]
        assert per_page == [8] * (count // 8) + ([count % 8] if count % 8 else [])

    def test_a4_portrait(self):
        (page,) = self.document(make_cards(1)).pages
        # CSS pixels (96 per inch): 210 × 297 mm.
        assert (round(page.width * 25.4 / 96), round(page.height * 25.4 / 96)) == (210, 297)

    def assert_inside_their_card(self, document):
        for page in document.pages:
            for card in card_boxes(page):
                left = card.position_x
                right = left + card.border_width()
                top = card.position_y
                bottom = top + card.border_height()
                for box in boxes(card):
                    if isinstance(box, TextBox | InlineReplacedBox):
                        assert left <= box.position_x, box
                        assert box.position_x + box.width <= right + 0.01, box.text
                        assert top <= box.position_y
                        assert box.position_y + box.height <= bottom + 0.01, box

    def test_long_names_wrap_inside_the_card_and_keep_eight_cards_a_page(self):
        cards = [
            CredentialCard(
                "Marie-Éloïse Bénédicte DE LA ROCHEFOUCAULD-D'ARTAGNAN",
                "TMELEC-APPRENTIS",
                "marie-eloise.delarochefoucaulddartagnan",
                PASSWORD,
            ),
            CredentialCard(
                "Œdipe N'GUESSAN-KOUAMÉ", "1CAPELEC", "oedipe.nguessan-kouame", PASSWORD
            ),
        ] * 4
        document = self.document(cards, logo=png_uri())
        assert len(document.pages) == 1
        self.assert_inside_their_card(document)

    def test_an_absurdly_long_name_stays_in_one_whole_card(self):
        absurd = CredentialCard("Y" * 90 + " " + "Prénom " * 20, "2MELEC1", "y" * 120, PASSWORD)
        cards = [*make_cards(7), absurd]
        document = self.document(cards)
        self.assert_inside_their_card(document)
        # Each card is laid out on one page only (never split across two).
        elements = [card.element for page in document.pages for card in card_boxes(page)]
        assert len(elements) == len(set(map(id, elements))) == 8

    @pytest.mark.parametrize(
        "name",
        [
            "W" * 120,  # the widest letter, no space to break at
            ("MAXIMILIENNE-WOLFGANGA DE LA ROCHEFOUCAULD-D'ARTAGNAN Élisabeth " * 3)[:120],
            "Œ" * 200,  # as long as a family name and a given name can be
        ],
    )
    def test_a_120_character_name_keeps_eight_whole_cards_a_page(self, name):
        assert len(name) >= 120
        school = (
            "Lycée professionnel régional des métiers de l'électricité et du numérique "
            "Marie-Curie-Sklodowska"
        )
        cards = [
            CredentialCard(name, "TMELEC-APPRENTIS-2026-GROUPE-B", "w" * 30, PASSWORD, TODAY, True)
        ] * 8
        html = credentials_html(
            establishment=Establishment(uai="0693046L", name=school),
            cards=cards,
            platform_url=PLATFORM_URL,
            logo=png_uri(),
            today=TODAY,
        )
        document = html_document(html=html)
        assert len(document.pages) == 1
        (page,) = document.pages
        assert len(card_boxes(page)) == 8
        self.assert_inside_their_card(document)
        # Every card keeps its printed height (68 mm): none grew to push another away.
        heights = {round(card.border_height() * 25.4 / 96) for card in card_boxes(page)}
        assert heights == {68}

    def test_homonyms_in_the_sheet_show_their_birth_date(self):
        twins = [
            CredentialCard("MARTIN Lucas", "2MELEC1", "lucas.martin", PASSWORD, date(2010, 1, 3)),
            CredentialCard("Martin LUCAS", "2MELEC1", "lucas.martin2", PASSWORD, date(2010, 1, 4)),
            CredentialCard("DURAND Léa", "2MELEC1", "lea.durand", PASSWORD, date(2010, 5, 6)),
            CredentialCard("PETIT Zoé", "2MELEC1", "zoe.petit", PASSWORD, date(2010, 7, 8), True),
        ]
        html = credentials_html(
            establishment=unsaved_establishment(), cards=twins, platform_url=PLATFORM_URL
        )
        lines = [
            text(node) for node in BeautifulSoup(html, "html.parser").select(".card__division")
        ]
        assert lines == [
            "Division 2MELEC1 — né(e) le 03/01/2010",
            "Division 2MELEC1 — né(e) le 04/01/2010",
            "Division 2MELEC1",
            "Division 2MELEC1 — né(e) le 08/07/2010",  # a homonym elsewhere in the division
        ]

    def test_no_query_beyond_the_loaded_establishment(
        self, establishment, django_assert_max_num_queries
    ):
        establishment.logo = default_storage.save("etablissements/l.png", ContentFile(png_bytes()))
        establishment.save(update_fields=["logo"])
        loaded = Establishment.objects.get(pk=establishment.pk)
        cards = make_cards(35)
        with django_assert_max_num_queries(0):
            pdf = credentials_pdf(establishment=loaded, cards=cards, platform_url=PLATFORM_URL)
        assert pdf.startswith(b"%PDF-")

    def test_the_stored_logo_is_the_one_drawn(self, establishment, monkeypatch):
        establishment.logo = default_storage.save("etablissements/l.png", ContentFile(png_bytes()))
        seen = {}

        def spy(**kwargs):
            seen.update(kwargs)
            return credentials_html(**kwargs)

        monkeypatch.setattr("carnet.documents.credentials.credentials_html", spy)
        credentials_pdf(establishment=establishment, cards=make_cards(1), platform_url=PLATFORM_URL)
        assert seen["logo"] == image_data_uri(establishment.logo)
