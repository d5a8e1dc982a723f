"""Every page × every profile: allowed, refused (403), not found (404) or sent to the login page.

A user of another establishment never sees establishment A's data.
"""

import pytest
from django.urls import reverse

from carnet.core.tests.factories import DivisionFactory, PupilFactory, UserFactory
from carnet.inspection.session import SESSION_KEY
from carnet.inspection.tests.factories import InspectorGrantFactory

PROFILES = [
    "administrateur",
    "chef",
    "enseignant",
    "apprenant",
    "inspecteur",  # no grant
    "inspecteur_accredite",  # a live grant to A, and A chosen with « Consulter »
    "admin_autre",
    "operateur",
]

ADMIN_ONLY = {
    "administrateur": 200,
    "chef": 403,
    "enseignant": 403,
    "apprenant": 403,
    "inspecteur": 403,
    "inspecteur_accredite": 403,
    "admin_autre": 200,  # their own establishment's page
    "operateur": 403,  # a superuser gets no shortcut into an establishment
}
EVERYONE = dict.fromkeys(PROFILES, 200)

PAGES = {
    "core:home": EVERYONE,
    "accounts:password_change": EVERYONE,
    "establishments:identity": ADMIN_ONLY,
    "establishments:transfers": ADMIN_ONLY,
    "establishments:masks": ADMIN_ONLY,
    "establishments:logo": ADMIN_ONLY,
    "directory:divisions": ADMIN_ONLY,
    "directory:pupils": ADMIN_ONLY,
    "audit:events": {**ADMIN_ONLY, "chef": 200},
    "referentials:list": EVERYONE,
    "imports:siecle": ADMIN_ONLY,
    "imports:history": ADMIN_ONLY,
    "imports:outside_list": ADMIN_ONLY,
    "imports:outside_upload": ADMIN_ONLY,
    "accounts:users": ADMIN_ONLY,
    "accounts:pupil_access": ADMIN_ONLY,
    "inspection:grants": {**dict.fromkeys(PROFILES, 403), "chef": 200},
    "inspection:establishment": {
        **dict.fromkeys(PROFILES, 403),
        "inspecteur_accredite": 200,
    },
}


@pytest.fixture
def users(users, establishment):
    """The shared users, plus an inspector with a live grant to A who chose A."""
    inspector = UserFactory(username="ien.accredite", inspector=True)
    InspectorGrantFactory(establishment=establishment, inspector=inspector)
    return {**users, "inspecteur_accredite": inspector}


@pytest.fixture
def client_of(client_of):
    def make(user):
        client = client_of(user)
        if user.username == "ien.accredite":
            session = client.session
            session[SESSION_KEY] = user.inspector_grants.get().establishment_id
            session.save()
        return client

    return make


@pytest.fixture
def data_of_a(establishment, diplomas):
    division = DivisionFactory(establishment=establishment, code="TMELEC-A", label="Terminale A")
    PupilFactory(establishment=establishment, division=division, last_name="ZORGLUB", ine=None)
    return division


@pytest.mark.django_db
class TestPageMatrix:
    @pytest.mark.parametrize("url_name", PAGES)
    @pytest.mark.parametrize("profile", PROFILES)
    def test_status_and_isolation(self, url_name, profile, users, client_of, data_of_a):
        response = client_of(users[profile]).get(reverse(url_name))
        assert response.status_code == PAGES[url_name][profile]
        if profile == "admin_autre":
            body = response.content.decode()
            for secret in ("Lycée professionnel A", "ZORGLUB", "TMELEC-A", "0442953W"):
                assert secret not in body

    @pytest.mark.parametrize("url_name", [*PAGES, "establishments:settings"])
    def test_anonymous_is_sent_to_login(self, client, url_name):
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    def test_settings_entry_redirects_the_administrator_to_the_first_tab(self, admin_client_a):
        response = admin_client_a.get(reverse("establishments:settings"))
        assert response.status_code == 302
        assert response.url == reverse("establishments:identity")

    @pytest.mark.parametrize("profile", ["chef", "enseignant", "apprenant", "inspecteur"])
    def test_settings_entry_refused_to_others(self, profile, users, client_of):
        assert client_of(users[profile]).get(reverse("establishments:settings")).status_code == 403

    def test_referential_page_for_everyone(self, users, client_of, diplomas):
        url = reverse("referentials:detail", args=["BP-MELEC"])
        for profile in PROFILES:
            assert client_of(users[profile]).get(url).status_code == 200
        unknown = reverse("referentials:detail", args=["INCONNU"])
        assert client_of(users["enseignant"]).get(unknown).status_code == 404


@pytest.mark.django_db
class TestObjectsOfAnotherEstablishment:
    def test_division_of_a_is_not_found_for_b(self, users, client_of, data_of_a):
        url = reverse("directory:pupils") + f"?division={data_of_a.pk}"
        assert client_of(users["administrateur"]).get(url).status_code == 200
        assert client_of(users["admin_autre"]).get(url).status_code == 404

    def test_malformed_division_id_is_not_found(self, admin_client_a):
        response = admin_client_a.get(reverse("directory:pupils") + "?division=abc")
        assert response.status_code == 404

    def test_post_endpoints_refuse_other_profiles(self, users, client_of):
        for url in (
            reverse("establishments:image_upload", args=["logo"]),
            reverse("establishments:image_delete", args=["logo"]),
            reverse("establishments:masks") + "?diplome=BP-MELEC",
            reverse("establishments:masks_reset") + "?diplome=BP-MELEC",
            reverse("establishments:identity"),
            reverse("establishments:transfers"),
        ):
            for profile in ("chef", "enseignant", "apprenant", "inspecteur", "operateur"):
                assert client_of(users[profile]).post(url, {}).status_code == 403

    def test_operator_gets_no_establishment_image(self, users, client_of):
        url = reverse("establishments:image", args=["logo"])
        assert client_of(users["operateur"]).get(url).status_code == 403

    def test_platform_admin_is_open_to_the_operator(self, users, client_of):
        assert client_of(users["operateur"]).get("/plateforme/").status_code == 200

    def test_platform_admin_is_closed_to_establishment_accounts(self, users, client_of):
        response = client_of(users["administrateur"]).get("/plateforme/")
        assert response.status_code == 302
        assert "/plateforme/login/" in response.url


@pytest.fixture
def objects_of_a(establishment, users):
    """A teacher account and a division of A, with one pupil, for the URLs that take an id."""
    division = DivisionFactory(
        establishment=establishment, code="OBJ-A", school_year__start_year=2026
    )
    PupilFactory(establishment=establishment, division=division, last_name="OBJET")
    return {"teacher": users["enseignant"], "division": division}


OBJECT_GETS = ["accounts:user_edit", "accounts:pupil_access_division"]
OBJECT_POSTS = [
    "accounts:user_password",
    "accounts:user_active",
    "accounts:pupil_access_generate",
    "accounts:pupil_access_reset",
]


def object_url(name, objects):
    key = "teacher" if name.startswith("accounts:user") else "division"
    return reverse(name, args=[objects[key].pk])


@pytest.mark.django_db
class TestObjectPages:
    """Pages about one object of A: its administrator only; B's administrator gets 404."""

    @pytest.mark.parametrize("name", OBJECT_GETS)
    @pytest.mark.parametrize("profile", PROFILES)
    def test_get(self, name, profile, users, client_of, objects_of_a):
        expected = {"administrateur": 200, "admin_autre": 404}.get(profile, 403)
        response = client_of(users[profile]).get(object_url(name, objects_of_a))
        assert response.status_code == expected
        if profile == "admin_autre":
            assert "OBJET" not in response.content.decode()

    @pytest.mark.parametrize("name", OBJECT_POSTS)
    @pytest.mark.parametrize(
        "profile",
        [p for p in PROFILES if p != "administrateur"],
    )
    def test_post_refused(self, name, profile, users, client_of, objects_of_a):
        expected = 404 if profile == "admin_autre" else 403
        response = client_of(users[profile]).post(object_url(name, objects_of_a), {"active": "0"})
        assert response.status_code == expected
        teacher = objects_of_a["teacher"]
        teacher.refresh_from_db()
        assert (
            teacher.is_active
            and not objects_of_a["division"].pupils.filter(user__isnull=False).exists()
        )
