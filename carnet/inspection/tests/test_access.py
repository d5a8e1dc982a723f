"""What each profile sees of inspector access, the inspectors' read-only rule on every URL of
the platform, and a revocation or an end date effective at the very next request.

(Who may open which page: the platform's one matrix, carnet/web/tests/test_access_matrix.py.)"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.inspection.models import InspectorGrant
from carnet.inspection.services import inspector_grant_revoke
from carnet.inspection.session import SESSION_KEY
from carnet.inspection.tests.conftest import PUPILS_A, PUPILS_B, SECRETS_A, SECRETS_B, choose

LOGIN = reverse("accounts:login")

# Who is who (users fixture + the inspectors of the grants fixture), and what each may read.
PROFILES = [
    "anonyme",
    "administrateur",
    "chef",
    "enseignant",
    "apprenant",
    "operateur",
    "admin_autre",
    "chef_autre",
    "inspecteur",  # no grant at all
    "inspecteur_actif",  # live grant to A, has chosen A
    "inspecteur_expire",  # grant to A ended yesterday, A still in their session
    "inspecteur_futur",  # grant to A starting tomorrow, A in their session
    "inspecteur_revoque",  # revoked grant to A, A in their session
    "inspecteur_autre",  # live grant to B, has chosen B
]
OF_A = {"administrateur", "chef", "enseignant", "apprenant", "inspecteur_actif"}
OF_B = {"admin_autre", "chef_autre", "inspecteur_autre"}
INSPECTORS = {p for p in PROFILES if p.startswith("inspecteur")}

# What the allowed pages do show (so that the isolation checks look at real pages).
SHOWN = {
    ("inspection:grants", "chef"): ("NOTE-SECRETE-A", "INSPECTEUR_ACTIF"),
    ("inspection:grants", "chef_autre"): ("NOTE-SECRETE-B", "INSPECTEUR_AUTRE"),
    ("inspection:grant_revoke", "chef"): ("INSPECTEUR_ACTIF",),
    ("inspection:establishment", "inspecteur_actif"): ("Lycée professionnel A", "DIVA-SECRET"),
    ("inspection:establishment", "inspecteur_autre"): ("Lycée professionnel B", "DIVB-SECRET"),
    ("web:home", "inspecteur_actif"): ("Lycée professionnel A", "0442953W"),
    ("web:home", "inspecteur_autre"): ("Lycée professionnel B",),
    ("web:home", "chef"): ("INSPECTEUR_ACTIF",),
    # The read-only lists of the directory: pupils' names, of A only, of B only.
    ("directory:read_pupils", "inspecteur_actif"): ("ZORGLUB", "Zéphyrine", "DIVA-SECRET"),
    ("directory:read_pupils", "inspecteur_autre"): ("MARSUPILAMI", "DIVB-SECRET"),
    ("directory:division", "inspecteur_actif"): ("ZORGLUB", "DIVA-SECRET"),
    ("directory:read_divisions", "inspecteur_actif"): ("DIVA-SECRET",),
}


@pytest.fixture
def clients(users, grants, establishment, other_establishment):
    everyone = {**users, **grants["inspectors"]}
    made = {"anonyme": Client()}
    for profile in PROFILES[1:]:
        client = Client()
        client.force_login(everyone[profile], backend="carnet.accounts.backends.AccountBackend")
        made[profile] = client
    for profile in ("inspecteur_actif", "inspecteur_expire", "inspecteur_futur"):
        choose(made[profile], establishment)
    choose(made["inspecteur_revoque"], establishment)
    choose(made["inspecteur_autre"], other_establishment)
    return made


def urls(grants, data):
    return {
        "directory:read_pupils": reverse("directory:read_pupils"),
        "directory:read_divisions": reverse("directory:read_divisions"),
        "directory:division": reverse("directory:division", args=[data["division_a"].pk]),
        "inspection:grants": reverse("inspection:grants"),
        "inspection:grant_revoke": reverse("inspection:grant_revoke", args=[grants["actif"].pk]),
        "inspection:establishment": reverse("inspection:establishment"),
        "web:home": reverse("web:home"),
    }


def assert_status(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)
    else:
        assert response.status_code == expected


def assert_isolated(profile, response):
    """No data of an establishment the profile may not read, its pupils' names included: an
    inspector reads those of the establishment their live access opens, and nothing of any
    other (an access ended, to come or revoked opens nothing)."""
    body = response.content.decode()
    forbidden = []
    if profile not in OF_A:
        forbidden += SECRETS_A + PUPILS_A
    if profile not in OF_B:
        forbidden += SECRETS_B + PUPILS_B
    for secret in forbidden:
        assert secret not in body, (profile, secret)


@pytest.mark.django_db
class TestMatrix:
    # Who may open each page: carnet/web/tests/test_access_matrix.py. Here: what they see.
    @pytest.mark.parametrize(("url_name", "profile"), sorted(SHOWN))
    def test_allowed_pages_show_their_data(self, url_name, profile, clients, grants, data):
        response = clients[profile].get(urls(grants, data)[url_name])
        assert response.status_code == 200
        assert_isolated(profile, response)
        for secret in SHOWN[(url_name, profile)]:
            assert secret in response.content.decode(), secret
        # GET never writes: the grant shown on the confirmation page is still open.
        assert InspectorGrant.objects.get(pk=grants["actif"].pk).revoked_at is None

    @pytest.mark.parametrize("profile", PROFILES)
    def test_pupils_names_only_to_whom_may_read_them(self, profile, clients, grants, data):
        pages = urls(grants, data)
        for name in ("directory:read_pupils", "directory:division", "web:home"):
            response = clients[profile].get(pages[name])
            assert_isolated(profile, response)
        if profile == "inspecteur_actif":
            assert (
                "ZORGLUB" in clients[profile].get(pages["directory:read_pupils"]).content.decode()
            )

    @pytest.mark.parametrize("profile", PROFILES)
    def test_consult_a(self, profile, clients, grants, data, establishment):
        url = reverse("inspection:consult", args=[establishment.pk])
        response = clients[profile].post(url)
        if profile == "anonyme":
            assert_status(response, "login")
        elif profile == "inspecteur_actif":
            assert response.status_code == 302
            assert response.url == reverse("inspection:establishment")
        else:
            assert response.status_code == 403
        assert_isolated(profile, response)
        visits = AuditEvent.objects.filter(action=AuditAction.INSPECTOR_VISIT)
        assert visits.count() == (1 if profile == "inspecteur_actif" else 0)

    @pytest.mark.parametrize("profile", sorted(INSPECTORS))
    def test_consult_is_post_only(self, profile, clients, establishment):
        url = reverse("inspection:consult", args=[establishment.pk])
        assert clients[profile].get(url).status_code == 405
        assert not AuditEvent.objects.exists()

    def test_consult_of_an_unknown_establishment_is_refused_alike(self, clients):
        url = reverse("inspection:consult", args=[999_999])
        assert clients["inspecteur_actif"].post(url).status_code == 403

    def test_consult_another_establishment_keeps_no_choice(self, clients, other_establishment):
        client = clients["inspecteur_actif"]
        url = reverse("inspection:consult", args=[other_establishment.pk])
        assert client.post(url).status_code == 403
        # Still on A, never B.
        response = client.get(reverse("inspection:establishment"))
        assert response.status_code == 200
        assert "Lycée professionnel A" in response.content.decode()
        assert_isolated("inspecteur_actif", response)

    @pytest.mark.parametrize(
        "profile", ["inspecteur_expire", "inspecteur_futur", "inspecteur_revoque"]
    )
    def test_stale_choice_is_forgotten(self, profile, clients):
        client = clients[profile]
        assert client.session[SESSION_KEY]
        assert client.get(reverse("web:home")).status_code == 200
        assert SESSION_KEY not in client.session

    def test_operator_gets_no_establishment(self, clients):
        assert clients["operateur"].get(reverse("inspection:grants")).status_code == 403


SAMPLES = {
    IntConverter: 1,
    UUIDConverter: "6f1b3c2e-8d4a-4f6e-9b1a-2c3d4e5f6a7b",
}


def route_urls():
    """Every named URL of the platform (except the operator's admin), with dummy arguments."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = getattr(pattern.pattern, "converters", {})
                kwargs = {name: SAMPLES.get(type(c), "x") for name, c in converters.items()}
                yield (
                    f"{namespace}{pattern.name}",
                    reverse(f"{namespace}{pattern.name}", kwargs=kwargs),
                )

    return sorted(set(walk(get_resolver().url_patterns, "")))


ALLOWED_POSTS = {
    "accounts:logout",
    "accounts:password_change",
    "inspection:consult",
    # Searches of the read-only lists: kept in the session, nothing else written.
    "directory:read_divisions",
    "directory:read_pupils",
    "directory:read_teachers",
}


@pytest.mark.django_db
class TestInspectorsAreReadOnly:
    def test_the_walk_finds_the_pages(self):
        names = {name for name, _ in route_urls()}
        assert {"inspection:grants", "establishments:identity", "web:home"} <= names
        assert names >= ALLOWED_POSTS

    @pytest.mark.parametrize("profile", ["inspecteur_actif", "inspecteur"])
    def test_post_refused_on_every_url(self, profile, clients, grants):
        client = clients[profile]
        refused = []
        for name, url in route_urls():
            if name in ALLOWED_POSTS:
                continue
            response = client.post(url, {"anything": "1"})
            if response.status_code != 403:
                refused.append((name, response.status_code))
        assert refused == []
        for url in ("/plateforme/", "/plateforme/login/", "/nulle-part/"):
            assert client.post(url).status_code == 403
        assert InspectorGrant.objects.count() == 5
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
    def test_other_methods_refused(self, method, clients):
        client = clients["inspecteur_actif"]
        for url in (reverse("inspection:establishment"), reverse("web:home")):
            assert getattr(client, method)(url).status_code == 403

    def test_allowed_posts(self, clients, establishment):
        client = clients["inspecteur_actif"]
        # Password change: the form answers (here: its errors), not a refusal.
        response = client.post(reverse("accounts:password_change"), {})
        assert response.status_code == 200
        consult = client.post(reverse("inspection:consult", args=[establishment.pk]))
        assert consult.status_code == 302
        logout = client.post(reverse("accounts:logout"))
        assert logout.status_code == 302
        assert client.get(reverse("web:home")).url.startswith(LOGIN)

    def test_other_profiles_still_post(self, clients):
        response = clients["chef"].post(reverse("inspection:grants"), {})
        assert response.status_code == 200  # the form and its errors


@pytest.mark.django_db
class TestRevocationAtTheNextRequest:
    def test_same_session_refused_once_revoked(self, users, client_of, establishment, data):
        from carnet.inspection.tests.factories import InspectorGrantFactory

        inspector = users["inspecteur"]
        grant = InspectorGrantFactory(establishment=establishment, inspector=inspector)
        client = client_of(inspector)
        assert (
            client.post(reverse("inspection:consult", args=[establishment.pk])).status_code == 302
        )
        page = reverse("inspection:establishment")
        assert client.get(page).status_code == 200
        assert "DIVA-SECRET" in client.get(page).content.decode()

        # The head closes the access from their page, in another session.
        head = client_of(users["chef"])
        closed = head.post(reverse("inspection:grant_revoke", args=[grant.pk]))
        assert closed.status_code == 302

        response = client.get(page)
        assert response.status_code == 403
        for secret in SECRETS_A:
            assert secret not in response.content.decode()
        home = client.get(reverse("web:home"))
        assert "Lycée professionnel A" not in home.content.decode()
        assert "Aucun établissement ne vous a ouvert d'accès" in home.content.decode()
        again = client.post(reverse("inspection:consult", args=[establishment.pk]))
        assert again.status_code == 403

    def test_end_date_passed_refused(self, users, client_of, establishment):
        from carnet.inspection.tests.factories import InspectorGrantFactory, days

        inspector = users["inspecteur"]
        grant = InspectorGrantFactory(establishment=establishment, inspector=inspector)
        client = client_of(inspector)
        client.post(reverse("inspection:consult", args=[establishment.pk]))
        assert client.get(reverse("inspection:establishment")).status_code == 200
        # The end date is behind us (as after midnight on the last day).
        InspectorGrant.objects.filter(pk=grant.pk).update(starts_on=days(-5), ends_on=days(-1))
        assert client.get(reverse("inspection:establishment")).status_code == 403

    def test_revoke_service_directly(self, users, client_of, establishment):
        from carnet.inspection.tests.factories import InspectorGrantFactory

        grant = InspectorGrantFactory(establishment=establishment, inspector=users["inspecteur"])
        client = client_of(users["inspecteur"])
        client.post(reverse("inspection:consult", args=[establishment.pk]))
        inspector_grant_revoke(grant=grant, actor=users["chef"])
        assert client.get(reverse("inspection:establishment")).status_code == 403
