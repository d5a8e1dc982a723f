"""French error pages: 403 and 404 in the layout, 500 and the CSRF failure without anything
from the request (Django renders them without context processors; 500 maybe without a
database)."""

import pytest
from bs4 import BeautifulSoup
from django.template import loader
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults
from django.views.csrf import csrf_failure


def page(html: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def words(node) -> str:
    return " ".join(node.get_text(" ").split())


class TestWithoutRequestNorDatabase:
    """No django_db mark: any query would fail these tests."""

    def test_500_renders_from_nothing_in_french(self):
        html = page(loader.get_template("500.html").render())
        assert html.html["lang"] == "fr"
        assert words(html.h1) == "Une erreur est survenue"
        assert "Réessayez dans quelques minutes" in words(html)

    def test_djangos_own_500_view_uses_it(self):
        response = defaults.server_error(RequestFactory().get("/"))
        assert response.status_code == 500
        assert words(page(response.content).h1) == "Une erreur est survenue"

    def test_a_csrf_failure_is_explained_in_french(self):
        response = csrf_failure(RequestFactory().post("/"), reason="CSRF token missing.")
        assert response.status_code == 403
        html = page(response.content)
        assert words(html.h1) == "Formulaire expiré"
        assert "Rien n'a été enregistré" in words(html)
        assert "CSRF" not in words(html)


@pytest.mark.django_db
class TestInTheLayout:
    def test_403(self, users, client_of):
        response = client_of(users["enseignant"]).get(reverse("accounts:users"))
        assert response.status_code == 403
        html = page(response.content)
        assert words(html.h1) == "Accès refusé"
        assert "Votre profil ne donne pas accès à cette page." in words(html)
        assert html.find("nav", attrs={"aria-label": "Menu principal"})  # the usual layout

    def test_404(self, users, client_of):
        response = client_of(users["enseignant"]).get("/cette-page-n-existe-pas/")
        assert response.status_code == 404
        html = page(response.content)
        assert words(html.h1) == "Page introuvable"
        assert "ne fait pas partie de votre établissement" in words(html)
