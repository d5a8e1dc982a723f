"""Rate limits of « Mot de passe oublié » (per address, per account) and of invitations."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carnet.accounts.models import RateLimitHit, User
from carnet.accounts.ratelimits import RESET_PER_ADDRESS, limit_take
from carnet.accounts.services import account_invitation_issue
from carnet.accounts.tests.factories import UserFactory
from carnet.core.tests.html import text
from carnet.inspection.services import inspector_find_or_create

RESET = reverse("accounts:password_reset")
SAME_ANSWER = "Si un compte utilise cette adresse"


def ask(client: Client, email: str):
    response = client.post(RESET, {"email": email}, follow=True)
    assert response.status_code == 200 and SAME_ANSWER in text(response)
    return response


@pytest.fixture
def teacher(establishment):
    return UserFactory(username="prof.oubli", email="prof.oubli@ac-lyon.fr")


@pytest.mark.django_db
class TestForgottenPassword:
    def test_an_account_receives_three_links_an_hour_whoever_asks(self, teacher):
        for n in range(5):
            ask(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), "prof.oubli@ac-lyon.fr")
        assert len(mail.outbox) == 3
        assert {tuple(m.to) for m in mail.outbox} == {("prof.oubli@ac-lyon.fr",)}

    def test_one_address_is_served_five_times_an_hour_whatever_it_asks(self, establishment):
        for n in range(7):
            UserFactory(username=f"prof{n}", email=f"prof{n}@ac-lyon.fr")
        attacker = Client(REMOTE_ADDR="203.0.113.7")
        answers = [text(ask(attacker, f"prof{n}@ac-lyon.fr")) for n in range(7)]
        assert len(mail.outbox) == 5
        # The page answers the same, limit reached or not.
        assert answers[6] == answers[0]
        # Another address is served.
        ask(Client(REMOTE_ADDR="198.51.100.1"), "prof6@ac-lyon.fr")
        assert len(mail.outbox) == 6

    def test_an_hour_later_it_is_served_again(self, teacher):
        for _ in range(4):
            ask(Client(), "prof.oubli@ac-lyon.fr")
        assert len(mail.outbox) == 3
        RateLimitHit.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
        ask(Client(), "prof.oubli@ac-lyon.fr")
        assert len(mail.outbox) == 4

    def test_the_table_keeps_no_address_nor_account_in_clear(self, teacher):
        ask(Client(REMOTE_ADDR="203.0.113.7"), "prof.oubli@ac-lyon.fr")
        stored = " ".join(RateLimitHit.objects.values_list("key", flat=True))
        assert stored and "203.0.113.7" not in stored and str(teacher.pk) not in stored.split()

    def test_old_rows_are_deleted(self, db):
        old = timezone.now() - datetime.timedelta(hours=2)
        assert limit_take(RESET_PER_ADDRESS, "10.0.0.1", now=old)
        assert limit_take(RESET_PER_ADDRESS, "10.0.0.2")
        assert RateLimitHit.objects.count() == 1


@pytest.mark.django_db
class TestInvitations:
    def test_three_invitations_an_hour_per_account(
        self, users, admin_client_a, django_capture_on_commit_callbacks
    ):
        head = users["chef"]
        head.email = "chef.a@ac-nantes.fr"
        head.save()
        url = reverse("accounts:user_password", args=[head.pk])
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                admin_client_a.post(url)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client_a.post(url, follow=True)
        assert len(mail.outbox) == 3
        assert "3 liens ont déjà été envoyés à ce compte dans l'heure" in text(response)
        with pytest.raises(ValidationError, match="déjà été envoyés"):
            account_invitation_issue(user=head, actor=None, base_url="https://x.fr/")


@pytest.mark.django_db
class TestInvitationsPerSender:
    """A head creating inspector accounts one after another, each at a new address, or an
    administrator sending links to many accounts: counted per sender too."""

    def test_a_head_sends_at_most_the_limit_of_new_inspector_invitations(
        self, users, establishment, settings, django_capture_on_commit_callbacks
    ):
        settings.INVITATION_SENDER_LIMIT = 2
        before = User.objects.count()
        for n in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                inspector_find_or_create(
                    email=f"ien.{n}@ac-nantes.fr",
                    first_name="Inès",
                    last_name=f"Durand{'e' * n}",
                    actor=users["chef"],
                    establishment=establishment,
                    base_url="https://x.fr/",
                )
        with pytest.raises(ValidationError, match="2 invitations ou liens dans l'heure"):
            inspector_find_or_create(
                email="ien.3@ac-nantes.fr",
                first_name="Inès",
                last_name="Martin",
                actor=users["chef"],
                establishment=establishment,
                base_url="https://x.fr/",
            )
        assert len(mail.outbox) == 2
        # The third account was not kept either: no inspector without their invitation.
        assert User.objects.count() == before + 2
        assert not User.objects.filter(email="ien.3@ac-nantes.fr").exists()

    def test_another_sender_is_not_held_back(self, users, settings):
        settings.INVITATION_SENDER_LIMIT = 1
        teacher, head = users["enseignant"], users["chef"]
        for account, address in ((teacher, "prof.a@ac-nantes.fr"), (head, "chef.a@ac-nantes.fr")):
            account.email = address
            account.save()
        account_invitation_issue(
            user=teacher, actor=users["administrateur"], base_url="https://x.fr/"
        )
        with pytest.raises(ValidationError, match="1 invitation ou lien dans l'heure"):
            account_invitation_issue(
                user=head, actor=users["administrateur"], base_url="https://x.fr/"
            )
        account_invitation_issue(user=head, actor=users["chef"], base_url="https://x.fr/")
