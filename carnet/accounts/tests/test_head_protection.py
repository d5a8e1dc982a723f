"""No path from the administrator to a head's credentials (carnet.accounts.protection).

The three takeover paths the administrator had, each replayed through the pages and with
the data an STS-web import leaves (its bulk writes call no save(): profile changes are
queryset updates, new accounts have no usable password and carry ``was_head`` when DIR):

(a) disable the head, create a new head (password shown), re-enable the first: two heads;
(b) import STS-web with the head as ENS, reset the now-teacher's password, re-import as DIR;
(c) import a new DIR individual, and « Générer les identifiants » of its account.
"""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from carnet.accounts.enums import DisabledReason
from carnet.accounts.models import User
from carnet.accounts.protection import ProtectedCredentials
from carnet.accounts.services import (
    staff_account_update,
    user_create,
    user_password_reset,
    user_set_active,
    users_bulk_create,
)
from carnet.accounts.tests.factories import TEST_PASSWORD, UserFactory
from carnet.core.profiles import Profile
from carnet.core.tests.html import soup, text
from carnet.directory.enums import StaffFunction, StaffSource
from carnet.directory.models import StaffMember
from carnet.directory.tests.factories import StaffMemberFactory
from carnet.imports.parsers.files import RawFile
from carnet.imports.services import siecle_import_run
from carnet.imports.tests import generator as gen

NEW_HEAD = reverse("accounts:head_new")


def password_url(user) -> str:
    return reverse("accounts:user_password", args=[user.pk])


def active_url(user) -> str:
    return reverse("accounts:user_active", args=[user.pk])


def edit_url(user) -> str:
    return reverse("accounts:user_edit", args=[user.pk])


def shows_a_password(response) -> bool:
    """Whether the administrator's page shows credentials (the one-time credentials page)."""
    return bool(soup(response).select("dl.credentials")) or "Mot de passe provisoire" in text(
        response
    )


def sts_import_sets(user, function: str) -> None:
    """What a re-import of STS-web does to an existing account: one queryset update."""
    profile = Profile.HEAD if function == StaffFunction.MANAGEMENT else Profile.TEACHER
    protected = {"was_head": True} if profile == Profile.HEAD else {}
    User.objects.filter(pk=user.pk).update(profile=profile, is_active=True, **protected)
    user.staff_member.__class__.objects.filter(pk=user.staff_member.pk).update(function=function)
    user.refresh_from_db()


@pytest.fixture
def signed_in_head(users, establishment):
    head = users["chef"]
    head.email = "chef.a@ac-nantes.fr"
    head.last_login = timezone.now()
    head.save()
    StaffMemberFactory(
        establishment=establishment,
        user=head,
        function=StaffFunction.MANAGEMENT,
        source=StaffSource.STS,
        last_name=head.last_name,
        first_name=head.first_name,
    )
    return head


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """post(client, url, data) → the page after the POST, its e-mails sent (on commit)."""

    def send(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, follow=True)

    return send


@pytest.fixture
def mails():
    return mail.outbox


@pytest.mark.django_db
class TestTakeoverPaths:
    def test_a_disable_create_reenable_never_gives_two_heads_nor_a_password(
        self, admin_client_a, signed_in_head, establishment, mails, post
    ):
        admin_client_a.post(active_url(signed_in_head), {"active": "0"})
        signed_in_head.refresh_from_db()
        assert not signed_in_head.is_active
        assert signed_in_head.disabled_reason == DisabledReason.ADMIN

        response = post(
            admin_client_a,
            NEW_HEAD,
            {"last_name": "Complice", "first_name": "Paul", "email": "paul@exemple.fr"},
        )
        assert not shows_a_password(response)
        second = User.objects.get(last_name="Complice")
        assert second.profile == Profile.HEAD and second.was_head
        assert not second.has_usable_password()
        (invitation,) = mails
        assert invitation.to == ["paul@exemple.fr"]
        assert re.search(r"/mot-de-passe-oublie/[^/]+/[^/]+/", invitation.body)

        # Reactivating the first head while the second is active is refused, and said.
        response = admin_client_a.post(active_url(signed_in_head), {"active": "1"}, follow=True)
        assert "Un autre compte de chef d'établissement est actif" in text(response)
        signed_in_head.refresh_from_db()
        assert not signed_in_head.is_active
        heads = User.objects.of(establishment).filter(profile=Profile.HEAD, is_active=True)
        assert list(heads) == [second]

    def test_b_an_sts_round_trip_through_teacher_never_shows_the_heads_password(
        self, admin_client_a, signed_in_head, mails, post
    ):
        before = signed_in_head.password
        sts_import_sets(signed_in_head, StaffFunction.TEACHER)
        assert signed_in_head.profile == Profile.TEACHER and signed_in_head.was_head

        response = post(admin_client_a, password_url(signed_in_head))
        assert not shows_a_password(response)
        assert User.objects.get(pk=signed_in_head.pk).password == before
        # The link goes to the head's own address, which the administrator cannot change.
        (link,) = mails
        assert link.to == ["chef.a@ac-nantes.fr"]
        admin_client_a.post(
            edit_url(signed_in_head),
            {"last_name": "X", "first_name": "Y", "email": "admin@pirate.fr"},
        )
        assert User.objects.get(pk=signed_in_head.pk).email == "chef.a@ac-nantes.fr"

        sts_import_sets(signed_in_head, StaffFunction.MANAGEMENT)
        response = admin_client_a.post(password_url(signed_in_head), follow=True)
        assert not shows_a_password(response)
        assert User.objects.get(pk=signed_in_head.pk).password == before

    def test_b_also_for_a_head_who_never_signed_in(self, admin_client_a, users, establishment):
        head = users["chef"]  # never signed in, no e-mail
        StaffMemberFactory(establishment=establishment, user=head, function="DIR", source="sts")
        sts_import_sets(head, StaffFunction.TEACHER)
        response = admin_client_a.post(password_url(head), follow=True)
        assert not shows_a_password(response)
        assert "Renseignez d'abord l'adresse électronique" in text(response)

    def test_c_a_new_dir_from_sts_gets_an_invitation_never_a_password(
        self, admin_client_a, establishment, mails, post
    ):
        # As the STS-web import leaves it: a bulk-created account, no usable password.
        (new,) = User.objects.bulk_create(
            [
                User(
                    username="nouveau.dir",
                    first_name="Nadia",
                    last_name="DIRECTRICE",
                    profile=Profile.HEAD,
                    was_head=True,
                    establishment=establishment,
                    password="!sans-mot-de-passe",
                )
            ]
        )
        StaffMemberFactory(establishment=establishment, user=new, function="DIR", source="sts")
        page = soup(admin_client_a.get(edit_url(new)))
        button = page.find("form", attrs={"action": password_url(new)}).find("button")
        assert button.get_text(strip=True) == "Envoyer l'invitation par courriel"
        assert button.has_attr("disabled")  # no e-mail address yet

        response = admin_client_a.post(password_url(new), follow=True)
        assert not shows_a_password(response)
        assert not User.objects.get(pk=new.pk).has_usable_password()
        assert mails == []

        admin_client_a.post(
            edit_url(new),
            {"last_name": "DIRECTRICE", "first_name": "Nadia", "email": "nadia@ac-nantes.fr"},
        )
        response = post(admin_client_a, password_url(new))
        assert not shows_a_password(response)
        assert "Une invitation a été envoyée à nadia@ac-nantes.fr" in text(response)
        (invitation,) = mails
        assert invitation.to == ["nadia@ac-nantes.fr"] and "nouveau.dir" in invitation.body


@pytest.mark.django_db
class TestServicesRefuse:
    """The rules hold in the services, whatever page (or command) calls them."""

    def test_no_temporary_password_for_a_head_or_a_former_head(self, users, establishment):
        head = users["chef"]
        with pytest.raises(ProtectedCredentials):
            user_password_reset(user=head, actor=users["administrateur"])
        User.objects.filter(pk=head.pk).update(profile=Profile.TEACHER)  # was_head stays
        with pytest.raises(ProtectedCredentials):
            user_password_reset(user=User.objects.get(pk=head.pk), actor=None)
        assert User.objects.get(pk=head.pk).check_password(TEST_PASSWORD)

    def test_no_head_account_created_with_a_password(self, establishment):
        with pytest.raises(ProtectedCredentials):
            user_create(
                establishment=establishment,
                profile=Profile.HEAD,
                first_name="Anne",
                last_name="Chef",
                actor=None,
            )
        with pytest.raises(ProtectedCredentials):
            users_bulk_create(
                establishment=establishment, profile=Profile.HEAD, people=[("Anne", "Chef")]
            )
        assert not User.objects.filter(last_name="Chef").exists()

    def test_a_signed_in_heads_address_is_not_the_administrators_to_change(self, signed_in_head):
        data = {"last_name": "A", "first_name": "B", "email": "autre@exemple.fr"}
        with pytest.raises(ValidationError):
            staff_account_update(user=signed_in_head, data=data, actor=None)
        assert User.objects.get(pk=signed_in_head.pk).email == "chef.a@ac-nantes.fr"

    def test_a_head_is_not_reactivated_while_another_head_is_active(self, users, establishment):
        first = users["chef"]
        user_set_active(user=first, active=False, actor=None)
        UserFactory(username="chef.deux", head=True, establishment=establishment)
        with pytest.raises(ValidationError, match="Un autre compte de chef"):
            user_set_active(user=first, active=True, actor=None)
        assert not User.objects.get(pk=first.pk).is_active

    def test_the_database_refuses_a_head_without_its_protection(self, users):
        teacher = users["enseignant"]
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.filter(pk=teacher.pk).update(profile=Profile.HEAD)


@pytest.mark.django_db
class TestHeadSeesEveryHeadAccount:
    def test_the_heads_home_lists_them_with_their_state(
        self, users, establishment, client_of, django_assert_max_num_queries
    ):
        head = users["chef"]
        disabled = UserFactory(
            username="ancien.chef", head=True, establishment=establishment, last_name="ANCIEN"
        )
        user_set_active(user=disabled, active=False, actor=None)
        former = UserFactory(username="ex.chef", head=True, establishment=establishment)
        User.objects.filter(pk=former.pk).update(profile=Profile.TEACHER)
        UserFactory(username="chef.autre.lycee", head=True)  # another establishment
        response = client_of(head).get(reverse("web:home"))
        section = soup(response).find("section", attrs={"aria-labelledby": "comptes-chef"})
        assert section is not None
        rows = {
            row.find_all("td")[1].get_text(strip=True): [
                td.get_text(" ", strip=True) for td in row.find_all("td")
            ]
            for row in section.select("tbody tr")
        }
        assert set(rows) == {"chef.a", "ancien.chef", "ex.chef"}
        assert rows["chef.a"][0].endswith("(vous)")
        assert rows["ancien.chef"][3] == "désactivé par l'administrateur"
        assert rows["ex.chef"][2] == "Enseignant"

    def test_only_the_head_sees_the_block(self, users, client_of):
        for profile in ("administrateur", "enseignant", "apprenant"):
            page = soup(client_of(users[profile]).get(reverse("web:home")))
            assert page.find("section", attrs={"aria-labelledby": "comptes-chef"}) is None


@pytest.mark.django_db
class TestTakeoverPathsThroughRealImports:
    """Paths (b) and (c) once more, with the STS-web files imported for real (the tests above
    stand for the import by the rows it leaves)."""

    TODAY = datetime.date(2026, 11, 28)

    def run(self, establishment, school, heads=("90001",)):
        files = [RawFile(name, content) for name, content in gen.all_files(school).items()]
        status, _, problems = siecle_import_run(
            establishment=establishment, uploads=files, today=self.TODAY, heads=heads
        )
        assert status == "applied", problems

    def head_of(self, school, sts_id="90001"):
        return next(s for s in school.staff if s.sts_id == sts_id)

    def test_b_head_imported_as_ens_then_dir_keeps_its_password_from_the_administrator(
        self, admin_client_a, establishment, diplomas, mails, post
    ):
        school = gen.establishment(uai=establishment.uai, pupils=5, teachers=2)
        self.run(establishment, school)
        head = StaffMember.objects.get(sts_id="90001").user
        # The head signs in and chooses a password through their invitation.
        head.email, head.last_login = "claire@ac-nantes.fr", timezone.now()
        head.set_password(TEST_PASSWORD)
        head.save()
        chosen = head.password

        self.head_of(school).function = "ENS"
        self.run(establishment, school, heads=())
        head.refresh_from_db()
        assert (head.profile, head.was_head) == (Profile.TEACHER, True)
        response = post(admin_client_a, password_url(head))
        assert not shows_a_password(response)
        assert User.objects.get(pk=head.pk).password == chosen
        assert [m.to for m in mails] == [["claire@ac-nantes.fr"]]

        self.head_of(school).function = "DIR"
        self.run(establishment, school)
        head.refresh_from_db()
        assert (head.profile, head.is_active, head.password) == (Profile.HEAD, True, chosen)
        response = post(admin_client_a, password_url(head))
        assert not shows_a_password(response)
        assert User.objects.get(pk=head.pk).password == chosen

    def test_c_a_new_dir_in_sts_never_has_its_password_shown(
        self, admin_client_a, establishment, diplomas, mails, post
    ):
        school = gen.establishment(uai=establishment.uai, pupils=5, teachers=2)
        self.run(establishment, school)
        school.staff.append(gen.Staff("90009", "ADJOINT", "Marc", "DIR"))
        self.run(establishment, school, heads=("90001", "90009"))
        deputy = StaffMember.objects.get(sts_id="90009").user
        assert (deputy.profile, deputy.was_head) == (Profile.HEAD, True)
        assert not deputy.has_usable_password()
        response = post(admin_client_a, password_url(deputy))
        assert not shows_a_password(response)
        assert "Renseignez d'abord l'adresse électronique" in text(response)
        assert not User.objects.get(pk=deputy.pk).has_usable_password() and mails == []
