"""Rate limits of « Mot de passe oublié » (per address, per account) and of invitations."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carnet.accounts.models import RateLimitHit
from carnet.accounts.ratelimits import RESET_PER_ADDRESS, limit_take
from carnet.accounts.services import account_invitation_issue
from carnet.accounts.tests.factories import UserFactory
from carnet.core.tests.html import text

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
