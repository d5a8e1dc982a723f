"""« Gestion des utilisateurs »: lists, « Nouvel enseignant », the head's account, credentials."""

import datetime

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone

from carnet.accounts.models import UsedLogin, User
from carnet.accounts.tests.factories import UserFactory
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.profiles import Profile
from carnet.core.tests.html import labels, soup, text
from carnet.directory.enums import PupilSource, StaffSource
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory

USERS = reverse("accounts:users")
NEW_TEACHER = reverse("accounts:teacher_new")
NEW_HEAD = reverse("accounts:head_new")
TEACHER = {
    "civility": "Mme",
    "last_name": "N'Diaye",
    "first_name": "Cœlia",
    "birth_date": "1985-03-04",
    "email": "coelia.ndiaye@ac-nantes.fr",
    "discipline": "Génie électrique",
}


@pytest.fixture
def imported(establishment):
    """A first SIECLE import was applied: « Nouvel enseignant » is offered."""
    establishment.first_import_at = timezone.now()
    establishment.save(update_fields=["first_import_at"])
    return establishment


def credentials_of(response) -> tuple[str, str]:
    page = soup(response)
    values = {
        div.dt.get_text(strip=True): div.dd.get_text(strip=True)
        for div in page.select("dl.credentials > div")
    }
    return values["Identifiant"], values["Mot de passe provisoire"]


@pytest.mark.django_db
class TestNewTeacherGate:
    def test_hidden_until_name_email_and_a_first_import(self, admin_client_a, establishment):
        page = soup(admin_client_a.get(USERS))
        assert page.find("a", string="Nouvel enseignant") is None
        warning = page.select_one(".alert-warning").get_text(" ", strip=True)
        assert "Importez d'abord les fichiers SIECLE" in warning
        assert page.select_one(".alert-warning a[href='/imports/siecle/']")
        response = admin_client_a.get(NEW_TEACHER)
        assert "n'est pas encore possible" in text(response)
        assert soup(response).find("form") is None or not soup(response).select("main form")
        admin_client_a.post(NEW_TEACHER, TEACHER)
        assert not User.objects.filter(last_name="N'Diaye").exists()

    def test_missing_name_and_email_are_said(self, admin_client_a, establishment, imported):
        establishment.name = ""
        establishment.email = ""
        establishment.save()
        warning = text(admin_client_a.get(USERS))
        assert "Renseignez le nom et l'adresse électronique de l'établissement." in warning
        assert "Importez d'abord" not in warning

    def test_a_hors_siecle_division_with_a_pupil_opens_it(self, admin_client_a, establishment):
        division = DivisionFactory(establishment=establishment, source=PupilSource.OUTSIDE_SIECLE)
        PupilFactory(
            establishment=establishment, division=division, source=PupilSource.OUTSIDE_SIECLE
        )
        assert soup(admin_client_a.get(USERS)).find("a", string="Nouvel enseignant")


@pytest.mark.django_db
class TestNewTeacher:
    def test_creates_the_account_and_shows_the_credentials_once(
        self, admin_client_a, establishment, imported, users
    ):
        division = DivisionFactory(
            establishment=establishment, code="TMELEC", school_year__start_year=2026
        )
        form_page = soup(admin_client_a.get(NEW_TEACHER))
        assert {
            "Civilité",
            "Nom",
            "Prénom",
            "Date de naissance",
            "Adresse électronique",
            "Discipline enseignée",
        } <= labels(form_page)
        assert form_page.find("legend", string="Classes")
        response = admin_client_a.post(NEW_TEACHER, {**TEACHER, "divisions": [division.pk]})
        login, password = credentials_of(response)
        assert login == "coelia.ndiaye"
        assert len(password) >= 12 and not set(password) & set("0O1lIi")
        user = User.objects.get(username=login)
        assert user.profile == Profile.TEACHER and user.establishment == establishment
        assert user.must_change_password
        assert (
            password not in user.password
            and identify_hasher(user.password).algorithm == "argon2_temporaire"
        )
        member = user.staff_member
        assert member.source == StaffSource.MANUAL and member.discipline == "Génie électrique"
        assert member.birth_date == datetime.date(1985, 3, 4)
        assert list(member.divisions.values_list("code", flat=True)) == ["TMELEC"]
        assert UsedLogin.objects.filter(username=login).exists()
        assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_CREATED).count() == 1
        # The password is shown nowhere else.
        assert (
            password
            not in admin_client_a.get(
                reverse("accounts:user_edit", args=[user.pk])
            ).content.decode()
        )

    def test_someone_who_looks_like_an_existing_person_gets_a_warning(
        self, admin_client_a, establishment, imported
    ):
        StaffMemberFactory(
            establishment=establishment,
            last_name="N'DIAYE",
            first_name="cœlia",
            birth_date=datetime.date(1985, 3, 4),
        )
        response = admin_client_a.post(NEW_TEACHER, TEACHER)
        assert "ressemble à un personnel déjà enregistré" in text(response)
        assert "réimportez" in text(response)
        assert not User.objects.filter(profile=Profile.TEACHER, last_name="N'Diaye").exists()
        confirmed = admin_client_a.post(NEW_TEACHER, {**TEACHER, "confirm_similar": "on"})
        assert credentials_of(confirmed)[0] == "coelia.ndiaye"

    def test_bad_input_changes_nothing(self, admin_client_a, imported):
        response = admin_client_a.post(
            NEW_TEACHER,
            {**TEACHER, "last_name": "", "email": "pas-une-adresse", "birth_date": "2999-01-01"},
        )
        page = text(response)
        assert "Ce champ est obligatoire." in page
        assert "Saisissez une adresse électronique valide" in page
        assert "ne peut pas être dans le futur" in page
        assert not User.objects.filter(profile=Profile.TEACHER).exclude(username="prof.a").exists()

    def test_a_division_of_another_establishment_is_not_offered(
        self, admin_client_a, imported, other_establishment
    ):
        foreign = DivisionFactory(establishment=other_establishment, school_year__start_year=2026)
        response = admin_client_a.post(NEW_TEACHER, {**TEACHER, "divisions": [foreign.pk]})
        assert "n’en fait pas partie" in text(response)

    def test_login_is_never_given_twice_even_after_deletion(self, admin_client_a, imported):
        first = credentials_of(admin_client_a.post(NEW_TEACHER, TEACHER))[0]
        User.objects.get(username=first).delete()
        second = credentials_of(
            admin_client_a.post(NEW_TEACHER, {**TEACHER, "birth_date": "1990-01-01"})
        )[0]
        assert (first, second) == ("coelia.ndiaye", "coelia.ndiaye2")


@pytest.mark.django_db
class TestHeadAccount:
    def test_created_when_sts_brought_none(
        self, admin_client_a, establishment, users, django_capture_on_commit_callbacks
    ):
        from django.core import mail

        users["chef"].is_active = False
        users["chef"].save()
        page = soup(admin_client_a.get(USERS))
        assert page.find("a", string="Créer le compte du chef d'établissement")
        # Without an e-mail address: refused, the field says why.
        response = admin_client_a.post(NEW_HEAD, {"last_name": "Proviseure", "first_name": "Anne"})
        assert "adresse électronique" in text(response)
        assert not User.objects.filter(last_name="Proviseure").exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client_a.post(
                NEW_HEAD,
                {"last_name": "Proviseure", "first_name": "Anne", "email": "anne.p@ac-nantes.fr"},
                follow=True,
            )
        head = User.objects.get(last_name="Proviseure")
        assert head.profile == Profile.HEAD and head.staff_member.function == "DIR"
        assert head.was_head and not head.has_usable_password()
        # No password on the administrator's screen: an invitation to the head's address.
        assert soup(response).select("dl.credentials") == []
        assert "Une invitation a été envoyée à anne.p@ac-nantes.fr" in text(response)
        (message,) = mail.outbox
        assert message.to == ["anne.p@ac-nantes.fr"] and head.username in message.body

    def test_refused_when_a_head_exists(self, admin_client_a, users):
        response = admin_client_a.get(NEW_HEAD, follow=True)
        assert "existe déjà" in text(response)
        admin_client_a.post(NEW_HEAD, {"last_name": "Autre", "first_name": "Chef"})
        assert (
            User.objects.filter(
                profile=Profile.HEAD, establishment=users["chef"].establishment
            ).count()
            == 1
        )


@pytest.mark.django_db
class TestListsAndAccounts:
    def test_lists_per_profile_with_state_and_origin(self, admin_client_a, establishment, users):
        sts = UserFactory(username="sts.prof", establishment=establishment, last_name="STS")
        sts.set_unusable_password()
        sts.save()
        StaffMemberFactory(establishment=establishment, user=sts, source=StaffSource.STS)
        users["enseignant"].is_active = False
        users["enseignant"].save()
        rows = {
            r.find_all("td")[2].get_text(strip=True): [
                td.get_text(strip=True) for td in r.find_all("td")
            ]
            for r in soup(admin_client_a.get(USERS)).select("tbody tr")
        }
        assert (
            rows["sts.prof"][3] == "identifiants à générer"
            and rows["sts.prof"][4] == "Import STS-web"
        )
        assert rows["prof.a"][3] == "désactivé" and rows["prof.a"][4] == "Création manuelle"
        heads = soup(admin_client_a.get(reverse("accounts:users_tab", args=["chef"]))).select(
            "tbody tr"
        )
        assert [r.find_all("td")[2].get_text(strip=True) for r in heads] == ["chef.a"]
        StaffMemberFactory(establishment=establishment, last_name="CPE", function="EDU")
        staff = text(admin_client_a.get(reverse("accounts:users_tab", args=["personnels"])))
        assert "CPE" in staff and "Conseiller principal d'éducation" in staff

    def test_search_is_kept_out_of_the_url(self, admin_client_a, users):
        response = admin_client_a.post(
            reverse("accounts:users_tab", args=["enseignants"]), {"q": "prof.a"}
        )
        assert response.status_code == 302 and "prof" not in response.url
        rows = soup(admin_client_a.get(response.url)).select("tbody tr")
        assert len(rows) == 1

    def test_reset_password_disable_reactivate(self, admin_client_a, users, client):
        teacher = users["enseignant"]
        response = admin_client_a.post(reverse("accounts:user_password", args=[teacher.pk]))
        login, password = credentials_of(response)
        assert login == "prof.a"
        assert (
            client.post(
                reverse("accounts:login"), {"username": login, "password": password}
            ).status_code
            == 302
        )
        # First sign-in: the personal password comes first.
        assert client.get(reverse("web:home")).url == reverse("accounts:password_change")
        admin_client_a.post(reverse("accounts:user_active", args=[teacher.pk]), {"active": "0"})
        teacher.refresh_from_db()
        assert not teacher.is_active
        assert client.get(reverse("web:home")).status_code == 302  # signed out at once
        assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_DISABLED).exists()
        admin_client_a.post(reverse("accounts:user_active", args=[teacher.pk]), {"active": "1"})
        teacher.refresh_from_db()
        assert teacher.is_active

    def test_edit_names_email_and_classes(self, admin_client_a, establishment, users):
        teacher = users["enseignant"]
        member = StaffMemberFactory(establishment=establishment, user=teacher)
        division = DivisionFactory(
            establishment=establishment, code="1MELEC", school_year__start_year=2026
        )
        url = reverse("accounts:user_edit", args=[teacher.pk])
        admin_client_a.post(
            url,
            {
                "last_name": "Nouveau",
                "first_name": "Nom",
                "email": "n@x.fr",
                "divisions": [division.pk],
            },
        )
        teacher.refresh_from_db()
        member.refresh_from_db()
        assert (teacher.last_name, teacher.email) == ("Nouveau", "n@x.fr")
        assert member.last_name == "Nouveau"
        assert list(member.divisions.values_list("code", flat=True)) == ["1MELEC"]
        event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_UPDATED)
        assert event.changes["Classes"] == ["", "1MELEC"]

    def test_pupils_inspectors_admins_and_other_establishments_are_not_editable(
        self, admin_client_a, users
    ):
        for profile in ("apprenant", "inspecteur", "administrateur", "admin_autre", "chef_autre"):
            url = reverse("accounts:user_edit", args=[users[profile].pk])
            assert admin_client_a.get(url).status_code == 404, profile
            assert (
                admin_client_a.post(
                    reverse("accounts:user_password", args=[users[profile].pk])
                ).status_code
                == 404
            )

    def test_list_query_count_does_not_grow(
        self, admin_client_a, establishment, django_assert_max_num_queries
    ):
        divisions = [
            DivisionFactory(establishment=establishment, school_year__start_year=2026)
            for _ in range(3)
        ]
        for n in range(30):
            user = UserFactory(username=f"t{n}", establishment=establishment)
            StaffMemberFactory(establishment=establishment, user=user).divisions.set(divisions)
        with django_assert_max_num_queries(10):
            admin_client_a.get(USERS)


@pytest.mark.django_db
class TestReviewFixes:
    def test_a_signed_in_head_gets_a_link_by_e_mail_never_a_password_for_the_admin(
        self, admin_client_a, users, django_capture_on_commit_callbacks
    ):
        from django.core import mail
        from django.utils import timezone

        head = users["chef"]
        head.email = "chef.a@ac-nantes.fr"
        head.last_login = timezone.now()
        head.save()
        before = User.objects.get(pk=head.pk).password
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client_a.post(
                reverse("accounts:user_password", args=[head.pk]), follow=True
            )
        assert (
            "Un lien pour choisir un nouveau mot de passe a été envoyé à chef.a@ac-nantes.fr."
            in text(response)
        )
        assert soup(response).select("dl.credentials") == []
        assert User.objects.get(pk=head.pk).password == before
        (message,) = mail.outbox
        assert message.to == ["chef.a@ac-nantes.fr"] and "chef.a" in message.body
        # Nor may the administrator redirect the head's e-mail to themselves.
        edit = reverse("accounts:user_edit", args=[head.pk])
        assert (
            soup(admin_client_a.get(edit))
            .find("input", attrs={"name": "email"})
            .has_attr("disabled")
        )
        admin_client_a.post(
            edit, {"last_name": head.last_name, "first_name": head.first_name, "email": "moi@x.fr"}
        )
        assert User.objects.get(pk=head.pk).email == "chef.a@ac-nantes.fr"

    def test_a_head_who_never_signed_in_gets_an_invitation_never_a_password(
        self, admin_client_a, users, django_capture_on_commit_callbacks
    ):
        from django.core import mail

        head = users["chef"]
        head.email = "chef.a@ac-nantes.fr"
        head.save()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client_a.post(
                reverse("accounts:user_password", args=[head.pk]), follow=True
            )
        assert soup(response).select("dl.credentials") == []
        assert "Une invitation a été envoyée à chef.a@ac-nantes.fr" in text(response)
        # Any password the account had no longer opens it: only the link does.
        assert not User.objects.get(pk=head.pk).has_usable_password()
        (message,) = mail.outbox
        assert message.to == ["chef.a@ac-nantes.fr"] and "chef.a" in message.body

    def test_the_temporary_password_cannot_be_kept(self, admin_client_a, users, client):
        login, password = credentials_of(
            admin_client_a.post(reverse("accounts:user_password", args=[users["enseignant"].pk]))
        )
        client.post(reverse("accounts:login"), {"username": login, "password": password})
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": password, "new_password1": password, "new_password2": password},
        )
        assert "différent de votre mot de passe actuel" in text(response)
        assert User.objects.get(username=login).must_change_password

    def test_editing_a_teacher_keeps_the_classes_of_earlier_years(
        self, admin_client_a, establishment, users
    ):
        from django.utils import timezone

        from carnet.directory.school_years import school_year_start

        year = school_year_start(timezone.localdate())
        old = DivisionFactory(
            establishment=establishment, code="ANCIENNE", school_year__start_year=year - 1
        )
        current = DivisionFactory(
            establishment=establishment, code="ACTUELLE", school_year__start_year=year
        )
        member = StaffMemberFactory(establishment=establishment, user=users["enseignant"])
        member.divisions.set([old, current])
        url = reverse("accounts:user_edit", args=[users["enseignant"].pk])
        admin_client_a.post(url, {"last_name": "PROF", "first_name": "Camille", "email": "p@x.fr"})
        assert sorted(member.divisions.values_list("code", flat=True)) == ["ANCIENNE"]

    def test_similar_names_are_found_whatever_the_accents_and_case(
        self, admin_client_a, establishment, imported
    ):
        StaffMemberFactory(
            establishment=establishment, last_name="DUPRE", first_name="ELODIE", birth_date=None
        )
        response = admin_client_a.post(
            NEW_TEACHER, {"last_name": "Dupré", "first_name": "Élodie", "birth_date": "1990-01-01"}
        )
        assert "ressemble à un personnel déjà enregistré" in text(response)

    def test_a_login_once_given_is_refused_by_create_establishment(self, users):
        from io import StringIO

        from django.core.management import CommandError, call_command

        users["enseignant"].delete()
        with pytest.raises(CommandError, match="déjà utilisé"):
            call_command(
                "create_establishment",
                "--uai",
                "0756036D",
                "--name",
                "Lycée C",
                "--email",
                "ce@c.fr",
                "--admin-login",
                "PROF.A",
                "--admin-password",
                "Mot-de-passe-solide-2026!",
                stdout=StringIO(),
            )
