"""The Paramètres tabs with htmx (partial = the same part of a full page) and their query counts."""

import json

import pytest
from django.urls import reverse

from carnet.core.tests.html import soup
from carnet.directory.models import Pupil
from carnet.directory.tests.factories import DivisionFactory, valid_ine

TAB_URLS = [
    reverse("establishments:identity"),
    reverse("establishments:transfers"),
    reverse("establishments:masks") + "?diplome=BP-MELEC",
    reverse("establishments:masks_reset") + "?diplome=BP-MELEC",
    reverse("establishments:logo"),
]
HTMX = {"HTTP_HX_REQUEST": "true"}


def panel(response) -> str:
    """#settings-panel without the CSRF token (which changes between requests)."""
    element = soup(response).select_one("#settings-panel")
    for token in element.select("input[name=csrfmiddlewaretoken]"):
        token["value"] = ""
    return str(element)


@pytest.fixture
def three_thousand_pupils(establishment, diplomas):
    divisions = [
        DivisionFactory(establishment=establishment, code=f"D{n:02d}", diploma=diplomas["BP-MELEC"])
        for n in range(100)
    ]
    Pupil.objects.bulk_create(
        Pupil(
            establishment=establishment,
            last_name=f"NOM{n:04d}",
            first_name="Prénom",
            ine=None if n % 3 == 0 else valid_ine(n),
            siecle_eleve_id=str(n),
            division=divisions[n % 100],
        )
        for n in range(3000)
    )


@pytest.mark.django_db
class TestHtmxTabs:
    @pytest.mark.parametrize("url", TAB_URLS)
    def test_partial_equals_the_panel_of_the_full_page(self, admin_client_a, diplomas, url):
        full = admin_client_a.get(url)
        partial = admin_client_a.get(url, **HTMX)
        assert "<html" not in partial.content.decode()
        assert panel(partial) == panel(full)
        assert partial["Vary"].count("HX-Request") == 1

    def test_full_page_has_hx_boost_on_the_panel_and_the_inspector_section(self, admin_client_a):
        page = soup(admin_client_a.get(TAB_URLS[0]))
        assert page.select_one("#settings-panel")["hx-boost"] == "true"
        assert page.select_one("#acces-inspecteur") is not None
        assert page.select_one("script[src*=htmx]") is not None

    def test_htmx_post_answers_with_the_fresh_panel_and_its_message(self, admin_client_a):
        response = admin_client_a.post(
            reverse("establishments:transfers"), {"cnil_number": "795360", "enabled": "oui"}, **HTMX
        )
        assert response.status_code == 200
        assert "Le transfert des données des élèves est activé." in panel(response)

    def test_htmx_save_of_the_name_updates_the_header_too(self, admin_client_a):
        data = {"name": "Lycée Nouveau Nom", "uai": "0442953W", "email": "ce@lycee.invalid"}
        response = admin_client_a.post(reverse("establishments:identity"), data, **HTMX)
        header = soup(response).find(id="establishment-name")
        assert header["hx-swap-oob"] == "true"
        assert header.get_text(strip=True) == "Lycée Nouveau Nom"

    def test_htmx_keeps_no_page_copy_in_the_browser(self, admin_client_a):
        """Shared school computers: htmx's history cache (localStorage) is off."""
        meta = soup(admin_client_a.get(TAB_URLS[0])).find("meta", attrs={"name": "htmx-config"})
        config = json.loads(meta["content"])
        assert config["historyCacheSize"] == 0
        assert config["allowEval"] is False

    def test_session_expired_htmx_request_redirects_the_whole_page(self, client):
        response = client.get(TAB_URLS[0], **HTMX)
        assert response.status_code == 200
        assert response["HX-Redirect"].startswith(reverse("accounts:login") + "?next=")
        assert response.content == b""


@pytest.mark.django_db
class TestQueryCounts:
    @pytest.mark.parametrize("url", TAB_URLS)
    def test_each_tab_is_bounded_with_3000_pupils(
        self, admin_client_a, three_thousand_pupils, django_assert_max_num_queries, url
    ):
        with django_assert_max_num_queries(8):
            response = admin_client_a.get(url)
        assert response.status_code == 200

    def test_transfers_tab_counts_the_pupils_without_ine(
        self, admin_client_a, three_thousand_pupils
    ):
        page = soup(admin_client_a.get(TAB_URLS[1]))
        assert "1\u00a0000\u00a0élèves sans INE" in page.get_text()
        assert len(page.select("table tbody tr")) == 25
