"""« Générer les accès » in a real browser: the page shows the new state, the PDF downloads."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from carnet.directory.tests.factories import DivisionFactory, PupilFactory

pytestmark = pytest.mark.browser

SAME_DOCUMENT = "() => { window.__carnetSameDocument = true; }"
STILL_SAME = "() => window.__carnetSameDocument === true"


@pytest.fixture
def division(establishment):
    division = DivisionFactory(
        establishment=establishment, code="2NDE MELEC", school_year__start_year=2026
    )
    PupilFactory.create_batch(3, establishment=establishment, division=division)
    return division


def test_the_pdf_downloads_while_the_page_shows_the_new_state(
    live_server, page, users, log_in, division
):
    log_in(page, live_server.url, users["administrateur"])
    url = live_server.url + reverse("accounts:pupil_access_division", args=[division.pk])
    page.goto(url)
    page.evaluate(SAME_DOCUMENT)
    with page.expect_download() as info:
        page.get_by_role(
            "button", name="Générer les accès (3) et imprimer les identifiants"
        ).click()
    download = info.value
    assert re.fullmatch(r"identifiants-2NDE-MELEC-\d{8}-\d{4}\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    expect(page.get_by_role("status")).to_contain_text("3 accès générés.")
    expect(page.get_by_role("cell", name="jamais connecté")).to_have_count(3)
    expect(page.get_by_role("button", name=re.compile("^Générer les accès"))).to_be_disabled()
    expect(page).to_have_url(url)
    assert page.evaluate(STILL_SAME), "la page a été rechargée au lieu d'être mise à jour"


def test_without_javascript_the_link_downloads_it(live_server, new_page, users, log_in, division):
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, users["administrateur"])
    page.goto(live_server.url + reverse("accounts:pupil_access_division", args=[division.pk]))
    page.get_by_role("button", name="Générer les accès (3) et imprimer les identifiants").click()
    expect(page.get_by_role("cell", name="jamais connecté")).to_have_count(3)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^téléchargez identifiants-2NDE-MELEC-")).click()
    assert info.value.suggested_filename.startswith("identifiants-2NDE-MELEC-")
