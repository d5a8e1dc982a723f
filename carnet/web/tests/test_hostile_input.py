"""No 500 from what a request carries: odd digits in ids, NUL bytes anywhere.

Django accepts « ² » in ``str.isdigit()`` and ``int()`` then fails; PostgreSQL refuses a NUL
byte in any text it is sent. Every place an id, a page number or a search term comes from
the request is tried here (run on SQLite and on PostgreSQL: CI runs both).
"""

import pytest
from django.urls import reverse

from carnet.core.search import REFUSED
from carnet.core.tests.html import soup, text
from carnet.directory.tests.factories import DivisionFactory, PupilFactory

PUPILS = reverse("directory:pupils")
DIVISIONS = reverse("directory:divisions")
ODD_DIGITS = ["²", "١", "𝟏", "1²", "⁰", "٣٤", "12" * 20, "-1", " 1", "1.0"]


@pytest.fixture
def division(establishment):
    division = DivisionFactory(establishment=establishment, code="2MELEC")
    PupilFactory(establishment=establishment, division=division, last_name="DUPONT")
    return division


@pytest.mark.django_db
class TestIdsAreAsciiDigits:
    @pytest.mark.parametrize("value", ODD_DIGITS)
    def test_division_filter_of_the_pupils_list(self, admin_client_a, division, value):
        assert admin_client_a.get(PUPILS, {"division": value}).status_code == 404

    def test_a_real_division_still_filters(self, admin_client_a, division):
        response = admin_client_a.get(PUPILS, {"division": str(division.pk)})
        assert response.status_code == 200 and "de la division 2MELEC" in text(response)

    @pytest.mark.parametrize("value", ODD_DIGITS)
    def test_pupil_of_the_password_reset(self, admin_client_a, division, value):
        url = reverse("accounts:pupil_access_reset", args=[division.pk])
        response = admin_client_a.post(url, {"pupil": value}, follow=True)
        assert response.status_code == 200
        assert "Aucun élève actif avec un compte actif n'a été choisi." in text(response)

    @pytest.mark.parametrize(
        "url",
        [
            reverse("directory:pupils"),
            reverse("directory:divisions"),
            reverse("accounts:users"),
            reverse("imports:history"),
            reverse("imports:outside_list"),
            reverse("audit:events"),
        ],
    )
    @pytest.mark.parametrize("value", ["²", "١", "9" * 30, "-3", "0"])
    def test_page_numbers(self, admin_client_a, client_of, users, division, url, value):
        # The audit trail is the head's.
        client = client_of(users["chef"]) if url == reverse("audit:events") else admin_client_a
        assert client.get(url, {"page": value}).status_code == 200

    def test_a_page_number_in_other_digits_is_the_first_page(self, admin_client_a, establishment):
        for n in range(30):
            PupilFactory(establishment=establishment, last_name=f"E{n:02d}")
        first = soup(admin_client_a.get(PUPILS)).select("tbody tr")
        second = soup(admin_client_a.get(PUPILS, {"page": "2"})).select("tbody tr")
        arabic = soup(admin_client_a.get(PUPILS, {"page": "٢"})).select("tbody tr")
        assert len(second) == 5 and arabic == first


@pytest.mark.django_db
class TestNulBytes:
    @pytest.mark.parametrize(
        "query",
        [
            "statut=%00",
            "division=%00",
            "page=%00",
            "q=%00",
            "%00=1",
            "diplome=%00",
            "type=a%00",
        ],
    )
    def test_in_a_query_string_answers_400(self, admin_client_a, division, query):
        for url in (PUPILS, reverse("establishments:masks"), reverse("imports:history")):
            response = admin_client_a.get(f"{url}?{query}")
            assert response.status_code == 400
            assert "caractère nul" in text(response)

    @pytest.mark.parametrize(
        "path",
        [
            "/imports/%00/",
            "/imports/ab%00cd/confirmer/",
            "/imports/hors-siecle/apercu/%00/",
            "/parametres/logo/%00/telecharger/",
            "/etablissement/images/logo%00/",
            "/utilisateurs/liste/%00/",
            "/mot-de-passe-oublie/%00/%00/",
        ],
    )
    def test_in_the_path_answers_400(self, admin_client_a, path):
        assert admin_client_a.get(path).status_code == 400
        assert admin_client_a.post(path).status_code == 400

    def test_anonymous_get_a_400_too(self, client):
        assert client.get("/connexion/?next=%00").status_code == 400

    @pytest.mark.parametrize(
        "url",
        [
            reverse("directory:pupils"),
            reverse("directory:divisions"),
            reverse("accounts:users"),
            reverse("accounts:users_tab", args=["chef"]),
            reverse("accounts:users_tab", args=["personnels"]),
            reverse("accounts:users_tab", args=["inspecteurs"]),
        ],
    )
    def test_a_search_with_a_nul_is_refused_with_a_message(self, admin_client_a, division, url):
        admin_client_a.post(url, {"q": "dupont"})
        response = admin_client_a.post(url, {"q": "du\x00pont"}, follow=True)
        assert response.status_code == 200
        assert REFUSED in text(response)
        # Nothing changed: the previous search stays.
        assert soup(response).find("input", attrs={"name": "q"})["value"] == "dupont"

    @pytest.mark.parametrize(
        ("url", "key"),
        [
            (reverse("directory:pupils"), "pupils"),
            (reverse("directory:divisions"), "divisions"),
            (reverse("accounts:users"), "users"),
            (reverse("accounts:users"), "users:enseignants"),
        ],
    )
    def test_a_saved_search_with_a_nul_does_not_break_the_page(
        self, admin_client_a, division, url, key
    ):
        session = admin_client_a.session
        session[f"search:{key}"] = "DU\x00PONT"
        session.save()
        response = admin_client_a.get(url)
        assert response.status_code == 200
        assert "\x00" not in response.content.decode()

    def test_diploma_of_a_division(self, admin_client_a, division, diplomas):
        url = reverse("directory:division_diploma", args=[division.pk])
        response = admin_client_a.post(url, {"diplome": "BP\x00MELEC"}, follow=True)
        assert response.status_code == 200
        assert "Choisissez un diplôme dans la liste." in text(response)

    @pytest.mark.parametrize("field", ["username", "password"])
    def test_login_form(self, client, users, field):
        data = {"username": "admin.a", "password": "x", field: "admin\x00.a"}
        response = client.post(reverse("accounts:login"), data)
        assert response.status_code == 200

    def test_user_agent_of_a_failed_login(self, client, users):
        response = client.post(
            reverse("accounts:login"),
            {"username": "admin.a", "password": "mauvais"},
            HTTP_USER_AGENT="navigateur\x00",
        )
        assert response.status_code in (200, 400)

    def test_cookie(self, client, users):
        client.cookies["sessionid"] = "abcdefgh\x00ijkl"
        assert client.get(reverse("accounts:login")).status_code in (200, 400)
