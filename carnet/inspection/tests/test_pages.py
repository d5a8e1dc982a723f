"""What the head and the inspector see: « Accès inspecteur » (a new inspector is e-mailed a
link to choose their password: the head never sees one), « Fermer l'accès » with its
confirmation, the homes, the establishment read-only."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from carnet.accounts.models import User
from carnet.accounts.tests.factories import UserFactory
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.profiles import Profile
from carnet.core.tests.html import soup, text
from carnet.directory.enums import StructureKind
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory
from carnet.inspection.models import InspectorGrant, school_year_end
from carnet.inspection.tests.factories import InspectorGrantFactory, days, today

GRANTS = reverse("inspection:grants")
HOME = reverse("web:home")
ESTABLISHMENT = reverse("inspection:establishment")
NEW_PASSWORD = "Inspection-Carnet-2027!"


def section(page, heading_id):
    return page.find("h2", id=heading_id).find_parent("section")


def rows(section_tag):
    return [
        [" ".join(td.get_text(" ").split()) for td in tr.find_all("td")]
        for tr in section_tag.select("tbody tr")
    ]


def form_data(**values):
    return {
        "email": "jeanne.dupre@ac-nantes.fr",
        "first_name": "Jeanne",
        "last_name": "Dupré",
        "starts_on": today().isoformat(),
        "ends_on": school_year_end(today()).isoformat(),
        "note": "Visite CCF",
        **values,
    }


@pytest.fixture
def chef_client(users, client_of):
    return client_of(users["chef"])


@pytest.fixture
def post_committed(django_capture_on_commit_callbacks):
    """post_committed(client, url, data) → client.post(..., follow=True), then what runs on
    commit (the invitation e-mail) runs, as it would after a real request."""

    def post(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, follow=True)

    return post


def e_mailed_link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def head_saw(responses) -> str:
    """Everything these answers gave the head's browser: headers, cookies, content."""
    return "\n".join(
        f"{response.headers}\n{response.cookies}\n{response.content.decode()}"
        for response in responses
    )


@pytest.mark.django_db
class TestHeadPage:
    def test_grants_sorted_in_three_lists_with_french_dates(
        self, chef_client, users, establishment
    ):
        ien = users["inspecteur"]
        live = InspectorGrantFactory(
            establishment=establishment, inspector=ien, note="Visite CCF", granted_by=users["chef"]
        )
        InspectorGrantFactory(
            establishment=establishment,
            inspector=UserFactory(username="ien.futur", inspector=True, last_name="FUTUR"),
            future=True,
        )
        InspectorGrantFactory(
            establishment=establishment,
            inspector=UserFactory(username="ien.passe", inspector=True, last_name="PASSE"),
            expired=True,
        )
        InspectorGrantFactory(
            establishment=establishment,
            inspector=UserFactory(username="ien.ferme", inspector=True, last_name="FERME"),
            revoked=True,
            revoked_by=users["chef"],
        )
        page = soup(chef_client.get(GRANTS))
        assert page.h1.get_text() == "Accès inspecteur"
        current = rows(section(page, "en-cours"))
        assert current == [
            [
                ien.display_name,
                ien.email or "—",
                f"{live.starts_on:%d/%m/%Y}",
                f"{live.ends_on:%d/%m/%Y}",
                "Visite CCF",
                users["chef"].display_name,
                "Fermer l'accès",
            ]
        ]
        link = section(page, "en-cours").find("a", string="Fermer l'accès")
        assert link["href"] == reverse("inspection:grant_revoke", args=[live.pk])
        future = rows(section(page, "a-venir"))
        assert len(future) == 1 and "FUTUR" in future[0][0]
        assert future[0][2] == f"{days(1):%d/%m/%Y}"
        closed = rows(section(page, "termines"))
        # Latest end first: the revoked one ended (on paper) in 3 days, the other yesterday.
        assert [r[0].split()[-1] for r in closed] == ["FERME", "PASSE"]
        states = {r[0].split()[-1]: r[-1] for r in closed}
        assert states["PASSE"] == "Terminé"
        assert states["FERME"].startswith(f"Fermé le {today():%d/%m/%Y} par ")
        assert not section(page, "termines").find("a", string="Fermer l'accès")

    def test_empty_lists_say_so(self, chef_client):
        page = text(chef_client.get(GRANTS))
        assert "Aucun inspecteur ne peut consulter l'établissement aujourd'hui." in page
        assert "Aucun accès à venir." in page
        assert "Aucun accès terminé ou fermé." in page

    def test_form_fields_and_native_date_inputs(self, chef_client):
        form = soup(chef_client.get(GRANTS)).find("form", attrs={"action": GRANTS})
        assert form["method"] == "post"
        labels = [
            " ".join(label.get_text(" ").replace("*", "").split())
            for label in form.find_all("label")
        ]
        assert labels == [
            "Adresse électronique de l'inspecteur",
            "Prénom",
            "Nom",
            "Date de début",
            "Date de fin",
            "Note",
        ]
        starts = form.find("input", attrs={"name": "starts_on"})
        assert starts["type"] == "date"
        assert starts["value"] == today().isoformat()
        assert starts["min"] == today().isoformat()
        assert starts["max"] == school_year_end(today()).isoformat()
        ends = form.find("input", attrs={"name": "ends_on"})
        assert ends["type"] == "date" and not ends.get("value")
        assert form.find("button", string="Ouvrir l'accès")
        explained = section(soup(chef_client.get(GRANTS)), "ouvrir").find(class_="help")
        assert (
            "un message lui est envoyé à cette adresse pour qu'il choisisse lui-même son mot "
            "de passe" in " ".join(explained.get_text().split())
        )
        assert "provisoire" not in explained.get_text()

    def test_new_inspector_invited_by_email_the_head_sees_no_password(
        self, chef_client, users, establishment, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            answer = chef_client.post(GRANTS, form_data())
        assert answer.status_code == 302 and answer.url == GRANTS
        response = chef_client.get(GRANTS)
        inspector = User.objects.get(email="jeanne.dupre@ac-nantes.fr")
        assert inspector.username == "jeanne.dupre"
        assert inspector.profile == Profile.INSPECTOR and inspector.establishment is None
        assert not inspector.has_usable_password()
        status = soup(response).find(class_="message-success").get_text(" ", strip=True)
        assert status == (
            f"Le compte de {inspector.display_name} a été créé et son accès est ouvert du "
            f"{today():%d/%m/%Y} au {school_year_end(today()):%d/%m/%Y}. Un message a été "
            "envoyé à jeanne.dupre@ac-nantes.fr pour que l'inspecteur choisisse son mot de "
            "passe : le lien est valable une heure ; passé ce délai, il en demande un autre "
            "avec «\u00a0Mot de passe oublié\u00a0», sur la page de connexion, avec cette adresse."
        )
        # Exactly one message, to the inspector only, with the login and the link.
        (message,) = mail.outbox
        assert message.to == ["jeanne.dupre@ac-nantes.fr"]
        assert not message.cc and not message.bcc
        assert "Votre identifiant : jeanne.dupre" in message.body
        link = e_mailed_link(message)
        assert link.startswith("http://testserver/mot-de-passe-oublie/")
        token = link.rstrip("/").rsplit("/", 1)[-1]
        assert len(token) > 20
        # Nothing the head receives (now or later) holds the link, its token, or a password.
        seen = head_saw([answer, response, chef_client.get(GRANTS), chef_client.get(HOME)])
        for secret in (link, token, "Mot de passe provisoire", "mot de passe provisoire"):
            assert secret not in seen, secret
        journal = chef_client.get(reverse("audit:events")).content.decode()
        assert token not in journal
        grant = InspectorGrant.objects.get()
        assert grant.inspector == inspector and grant.establishment == establishment
        assert grant.note == "Visite CCF"

        # The inspector follows the link, chooses a password and signs in with it.
        anonymous = Client()
        assert (
            anonymous.post(
                reverse("accounts:login"), {"username": "jeanne.dupre", "password": ""}
            ).status_code
            == 200
        )
        form_page = anonymous.get(link, follow=True)
        assert "Nouveau mot de passe" in text(form_page)
        done = anonymous.post(
            form_page.wsgi_request.path,
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            follow=True,
        )
        assert "Votre nouveau mot de passe est enregistré." in text(done)
        signed_in = anonymous.post(
            reverse("accounts:login"),
            {"username": "jeanne.dupre", "password": NEW_PASSWORD},
            follow=True,
        )
        assert signed_in.context["user"] == inspector
        # Their own password: no change asked, straight to the establishments granted.
        assert signed_in.redirect_chain == [(HOME, 302)]
        assert "Lycée professionnel A" in text(signed_in)
        # The link works once.
        anonymous.post(reverse("accounts:logout"))
        assert "Ce lien n'est plus valable" in text(anonymous.get(link, follow=True))
        assert NEW_PASSWORD not in head_saw([chef_client.get(GRANTS)])

    def test_link_to_the_platform_address_when_set(self, chef_client, settings, post_committed):
        settings.PLATFORM_URL = "https://carnet-pro.ac-nantes.fr/"
        post_committed(chef_client, GRANTS, form_data())
        (message,) = mail.outbox
        assert e_mailed_link(message).startswith(
            "https://carnet-pro.ac-nantes.fr/mot-de-passe-oublie/"
        )
        assert "https://carnet-pro.ac-nantes.fr/connexion/" in message.body

    def test_known_inspector_redirect_no_password_no_e_mail(
        self, chef_client, users, post_committed
    ):
        inspector = users["inspecteur"]
        inspector.email = "ien.x@ac-nantes.fr"
        inspector.save()
        before = User.objects.count()
        response = post_committed(
            chef_client, GRANTS, form_data(email="IEN.X@ac-nantes.fr", first_name="", last_name="")
        )
        assert response.redirect_chain == [(GRANTS, 302)]
        assert User.objects.count() == before
        assert f"L'accès de {inspector.display_name} est ouvert du {today():%d/%m/%Y}" in text(
            response
        )
        assert "L'inspecteur se connecte avec son compte habituel." in text(response)
        assert "a été créé" not in text(response)
        assert rows(section(soup(response), "en-cours"))[0][0] == inspector.display_name
        assert mail.outbox == []

    def test_inspector_created_by_one_head_granted_by_another_no_e_mail(
        self, chef_client, users, client_of, post_committed
    ):
        post_committed(chef_client, GRANTS, form_data())
        assert len(mail.outbox) == 1
        response = post_committed(
            client_of(users["chef_autre"]),
            GRANTS,
            form_data(email="Jeanne.Dupre@ac-nantes.fr", first_name="", last_name=""),
        )
        assert "L'inspecteur se connecte avec son compte habituel." in text(response)
        assert len(mail.outbox) == 1
        assert InspectorGrant.objects.filter(inspector__username="jeanne.dupre").count() == 2
        assert User.objects.filter(profile=Profile.INSPECTOR, username="jeanne.dupre").exists()

    def test_overlapping_grant_error_under_the_start_date(self, chef_client, users, establishment):
        users["inspecteur"].email = "ien.x@ac-nantes.fr"
        users["inspecteur"].save()
        InspectorGrantFactory(establishment=establishment, inspector=users["inspecteur"])
        response = chef_client.post(GRANTS, form_data(email="ien.x@ac-nantes.fr"))
        assert response.status_code == 200
        page = soup(response)
        assert "a déjà un accès à l'établissement" in page.find(id="id_starts_on_error").get_text()
        summary = page.find("form", attrs={"action": GRANTS}).find_previous(class_="alert-error")
        assert summary.find("a", string="Date de début")["href"] == "#id_starts_on"
        assert InspectorGrant.objects.count() == 1

    def test_every_error_at_once_each_under_its_field(self, chef_client):
        """A missing e-mail address does not hide a period that ends before it starts, nor
        an unknown inspector's missing names a missing end date."""
        response = chef_client.post(
            GRANTS,
            form_data(
                email="",
                starts_on=days(3).isoformat(),
                ends_on=days(1).isoformat(),
            ),
        )
        page = soup(response)
        errors = {
            tag["id"].removeprefix("id_").removesuffix("_error"): tag.get_text(" ", strip=True)
            for tag in page.select("form .errors")
        }
        assert errors == {
            "email": "Indiquez l'adresse électronique de l'inspecteur.",
            "ends_on": "La date de fin doit être postérieure ou égale à la date de début.",
        }
        response = chef_client.post(
            GRANTS,
            form_data(email="inconnue@ac-nantes.fr", first_name="", last_name="", ends_on=""),
        )
        errors = {tag["id"] for tag in soup(response).select("form .errors")}
        assert errors == {"id_first_name_error", "id_last_name_error", "id_ends_on_error"}
        summary = [a["href"] for a in soup(response).select(".alert-error a")]
        assert summary == ["#id_first_name", "#id_last_name", "#id_ends_on"]
        assert not InspectorGrant.objects.exists()

    def test_a_start_in_the_past_and_a_bad_address_together(self, chef_client):
        response = chef_client.post(
            GRANTS, form_data(email="pas-une-adresse", starts_on=days(-2).isoformat())
        )
        errors = {tag["id"] for tag in soup(response).select("form .errors")}
        assert errors == {"id_email_error", "id_starts_on_error"}

    @pytest.mark.parametrize(
        ("values", "field", "message"),
        [
            ({"email": "pas-une-adresse"}, "email", "Saisissez une adresse électronique valide."),
            ({"first_name": "", "last_name": ""}, "last_name", "indiquez son nom"),
            ({"ends_on": "31/13/2026"}, "ends_on", "Saisissez une date valide (jj/mm/aaaa)."),
            ({"ends_on": ""}, "ends_on", "Indiquez la date de fin de l'accès (jj/mm/aaaa)."),
            ({"starts_on": ""}, "starts_on", "Indiquez la date de début de l'accès"),
            ({"starts_on": "2000-01-03", "ends_on": "2000-01-04"}, "starts_on", "passée"),
            (
                {"ends_on": (school_year_end(today()) + datetime.timedelta(days=1)).isoformat()},
                "ends_on",
                f"le {school_year_end(today()):%d/%m/%Y}",
            ),
            (
                {"starts_on": "2029-09-03", "ends_on": "2029-09-04"}
                if school_year_end(today()) < datetime.date(2029, 9, 3)
                else {"starts_on": "2099-09-03", "ends_on": "2099-09-04"},
                "starts_on",
                "L'accès commence au plus tard à la fin de l'année scolaire en cours, le "
                f"{school_year_end(today()):%d/%m/%Y}.",
            ),
        ],
    )
    def test_errors_in_french_under_the_field_nothing_created(
        self, chef_client, values, field, message, django_capture_on_commit_callbacks
    ):
        before = User.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            response = chef_client.post(GRANTS, form_data(**values))
        assert response.status_code == 200
        errors = soup(response).find(id=f"id_{field}_error")
        assert errors is not None, field
        assert message in errors.get_text(" ")
        assert User.objects.count() == before
        assert not InspectorGrant.objects.exists()
        assert mail.outbox == []

    def test_french_dates_accepted_too(self, chef_client):
        response = chef_client.post(
            GRANTS,
            form_data(
                starts_on=f"{today():%d/%m/%Y}", ends_on=f"{school_year_end(today()):%d/%m/%Y}"
            ),
        )
        assert response.status_code == 302
        assert InspectorGrant.objects.get().ends_on == school_year_end(today())

    def test_query_count_bounded(self, chef_client, establishment, django_assert_max_num_queries):
        for n in range(8):
            InspectorGrantFactory(
                establishment=establishment,
                inspector=UserFactory(username=f"ien.{n}", inspector=True),
                expired=n % 2 == 0,
            )
        with django_assert_max_num_queries(10):
            assert chef_client.get(GRANTS).status_code == 200


@pytest.mark.django_db
class TestClose:
    def test_confirmation_step_then_post(self, chef_client, users, establishment):
        grant = InspectorGrantFactory(establishment=establishment, inspector=users["inspecteur"])
        url = reverse("inspection:grant_revoke", args=[grant.pk])
        response = chef_client.get(url)
        box = soup(response).find(class_="confirm-box")
        assert users["inspecteur"].display_name in box.get_text()
        form = box.find("form")
        assert form["method"] == "post" and form["action"] == url
        assert form.find("button", string="Fermer l'accès")
        assert box.find("a", string="Annuler")["href"] == GRANTS
        grant.refresh_from_db()
        assert grant.revoked_at is None  # GET never writes
        response = chef_client.post(url, follow=True)
        assert response.redirect_chain == [(GRANTS, 302)]
        assert "est fermé" in text(response)
        grant.refresh_from_db()
        assert grant.revoked_by == users["chef"]
        assert rows(section(soup(response), "termines"))[0][-1].startswith("Fermé le")

    def test_future_grant_is_cancelled(self, chef_client, establishment):
        grant = InspectorGrantFactory(establishment=establishment, future=True)
        url = reverse("inspection:grant_revoke", args=[grant.pk])
        assert "n'a pas encore commencé" in text(chef_client.get(url))
        chef_client.post(url)
        grant.refresh_from_db()
        assert grant.revoked_at is not None

    @pytest.mark.parametrize("trait", ["expired", "revoked"])
    def test_closed_grant_not_closed_again(self, chef_client, establishment, trait):
        grant = InspectorGrantFactory(establishment=establishment, **{trait: True})
        url = reverse("inspection:grant_revoke", args=[grant.pk])
        response = chef_client.get(url, follow=True)
        assert response.redirect_chain == [(GRANTS, 302)]
        assert "déjà terminé ou fermé" in text(response)
        response = chef_client.post(url, follow=True)
        assert "déjà" in text(response)
        assert not AuditEvent.objects.filter(action=AuditAction.INSPECTOR_REVOKED).exists()

    def test_grant_of_another_establishment_not_found(self, chef_client, other_establishment):
        grant = InspectorGrantFactory(establishment=other_establishment)
        url = reverse("inspection:grant_revoke", args=[grant.pk])
        assert chef_client.get(url).status_code == 404
        assert chef_client.post(url).status_code == 404
        grant.refresh_from_db()
        assert grant.revoked_at is None


@pytest.mark.django_db
class TestAuditSeenByTheHead:
    def test_grant_visit_revoke_in_the_journal(self, chef_client, users, client_of, establishment):
        chef_client.post(GRANTS, form_data())
        inspector = User.objects.get(username="jeanne.dupre")
        client_of(inspector).post(reverse("inspection:consult", args=[establishment.pk]))
        grant = InspectorGrant.objects.get()
        chef_client.post(reverse("inspection:grant_revoke", args=[grant.pk]))
        journal = text(chef_client.get(reverse("audit:events")))
        for label in (
            "Compte créé",
            "Accès inspecteur ouvert",
            "Consultation par un inspecteur",
            "Accès inspecteur fermé",
        ):
            assert label in journal, label
        actions = list(
            AuditEvent.objects.of(establishment).order_by("pk").values_list("action", flat=True)
        )
        assert actions == [
            AuditAction.ACCOUNT_CREATED,
            AuditAction.INSPECTOR_GRANTED,
            AuditAction.INSPECTOR_VISIT,
            AuditAction.INSPECTOR_REVOKED,
        ]


@pytest.mark.django_db
class TestHeadHome:
    def test_live_grants_listed_with_a_link(self, chef_client, users, establishment):
        live = InspectorGrantFactory(establishment=establishment, inspector=users["inspecteur"])
        InspectorGrantFactory(
            establishment=establishment,
            inspector=UserFactory(username="ien.plus.tard", inspector=True, last_name="PLUSTARD"),
            future=True,
        )
        part = section(soup(chef_client.get(HOME)), "inspecteurs")
        items = [" ".join(li.get_text(" ").split()) for li in part.find_all("li")]
        assert items == [
            f"{users['inspecteur'].display_name} — du {live.starts_on:%d/%m/%Y} au "
            f"{live.ends_on:%d/%m/%Y}"
        ]
        assert part.find("a", string="Gérer les accès inspecteur")["href"] == GRANTS
        assert "bientôt" not in part.get_text()

    def test_menu_entry_is_a_link(self, chef_client):
        nav = soup(chef_client.get(HOME)).find("nav", attrs={"aria-label": "Menu principal"})
        assert nav.find("a", string="Accès inspecteur")["href"] == GRANTS

    def test_none_today(self, chef_client):
        part = section(soup(chef_client.get(HOME)), "inspecteurs")
        assert "Aucun inspecteur ne peut consulter l'établissement aujourd'hui." in part.get_text()


@pytest.mark.django_db
class TestInspectorPages:
    @pytest.fixture
    def inspector(self, users, establishment, other_establishment):
        inspector = users["inspecteur"]
        self.grant = InspectorGrantFactory(
            establishment=establishment, inspector=inspector, note="NOTE-SECRETE-A"
        )
        InspectorGrantFactory(establishment=other_establishment, inspector=inspector, expired=True)
        return inspector

    def test_home_lists_the_live_grants_with_consulter(
        self, inspector, client_of, establishment, other_establishment
    ):
        establishment.city = "Nantes"
        establishment.save()
        page = soup(client_of(inspector).get(HOME))
        assert page.h1.get_text() == "Établissements accessibles"
        lines = rows(page)
        assert lines == [
            [
                "Lycée professionnel A",
                "0442953W",
                "Nantes",
                f"{self.grant.starts_on:%d/%m/%Y}",
                f"{self.grant.ends_on:%d/%m/%Y}",
                "Consulter",
            ]
        ]
        form = page.find(
            "form", attrs={"action": reverse("inspection:consult", args=[establishment.pk])}
        )
        assert form["method"] == "post"
        assert "Lycée professionnel B" not in text(client_of(inspector).get(HOME))
        assert "NOTE-SECRETE-A" not in text(client_of(inspector).get(HOME))

    def test_consult_then_read_only_page(
        self, inspector, client_of, establishment, diplomas, django_assert_max_num_queries
    ):
        year = school_year_start(today())
        melec = DivisionFactory(
            establishment=establishment,
            code="TMELEC",
            label="Terminale MELEC",
            school_year__start_year=year,
            diploma=diplomas["BP-MELEC"],
        )
        PupilFactory.create_batch(3, establishment=establishment, division=melec)
        PupilFactory(establishment=establishment, division=melec, left=True, last_name="PARTI")
        DivisionFactory(establishment=establishment, code="CAP1", school_year__start_year=year)
        DivisionFactory(
            establishment=establishment, code="ANCIENNE", school_year__start_year=year - 1
        )
        DivisionFactory(
            establishment=establishment,
            code="GRP-ATELIER",
            kind=StructureKind.GROUP,
            school_year__start_year=year,
        )
        client = client_of(inspector)
        response = client.post(reverse("inspection:consult", args=[establishment.pk]), follow=True)
        assert response.redirect_chain == [(ESTABLISHMENT, 302)]
        page = soup(response)
        assert page.h1.get_text() == "Lycée professionnel A"
        assert page.find(id="establishment-name").get_text() == "Lycée professionnel A"
        figures = {
            div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True)
            for div in page.select("dl.figures > div")
        }
        assert figures["Code UAI (RNE)"] == "0442953W"
        assert figures["Adresse électronique"] == "ce.a@ac-nantes.fr"
        assert f"Divisions de l'année scolaire {year}-{year + 1}" in text(response)
        assert rows(page) == [
            ["CAP1", "Division CAP1", "diplôme non rattaché", "0"],
            ["TMELEC", "Terminale MELEC", diplomas["BP-MELEC"].title, "3"],
        ]
        body = text(response)
        # Modules still to come are not promised.
        assert "dès que ces modules" not in body and "bientôt" not in body
        for absent in ("ANCIENNE", "GRP-ATELIER", "PARTI", "Léa", "NOTE-SECRETE-A"):
            assert absent not in body
        main = page.find("main")
        assert main.find("form") is None and main.find("input") is None
        with django_assert_max_num_queries(8):
            assert client.get(ESTABLISHMENT).status_code == 200

    def test_home_marks_the_establishment_consulted(self, inspector, client_of, establishment):
        client = client_of(inspector)
        client.post(reverse("inspection:consult", args=[establishment.pk]))
        assert "(consulté)" in text(client.get(HOME))

    def test_without_choice_the_page_is_refused(self, inspector, client_of):
        assert client_of(inspector).get(ESTABLISHMENT).status_code == 403

    def test_new_inspector_must_change_password_first(self, users, establishment, client_of):
        inspector = UserFactory(username="ien.neuf", inspector=True, must_change_password=True)
        InspectorGrantFactory(establishment=establishment, inspector=inspector)
        client = client_of(inspector)
        response = client.post(reverse("inspection:consult", args=[establishment.pk]))
        assert response.status_code == 302
        assert response.url == reverse("accounts:password_change")
        assert not AuditEvent.objects.exists()
