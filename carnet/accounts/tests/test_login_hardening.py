"""Login: the per-address limit on every login form, the same cost for every failure."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from carnet.accounts.hashers import TemporaryPasswordHasher
from carnet.accounts.models import User
from carnet.accounts.services import user_set_active
from carnet.accounts.tests.factories import TEST_PASSWORD, UserFactory
from carnet.accounts.tests.hashers import CountingHasher
from carnet.core.tests.html import text
from carnet.directory.enums import PupilStatus
from carnet.directory.tests.factories import PupilFactory

LOCKED = 429
LOGIN = reverse("accounts:login")
OPERATOR_LOGIN = reverse("admin:login")
GENERIC = "Identifiant ou mot de passe incorrect."


def sign_in(client: Client, url: str, username: str, password: str):
    return client.post(url, {"username": username, "password": password, "next": "/plateforme/"})


@pytest.mark.django_db
class TestAddressLimitOnEveryLoginForm:
    @pytest.fixture(autouse=True)
    def low_limit(self, settings):
        settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3

    def test_failures_on_the_operators_login_lock_the_address_there(self, users):
        attacker = Client()
        for n in range(3):
            response = sign_in(attacker, OPERATOR_LOGIN, f"inconnu.{n}", "mauvais")
            assert response.status_code == 200
        response = sign_in(Client(), OPERATOR_LOGIN, "operateur", TEST_PASSWORD)
        assert response.status_code == LOCKED
        assert "Compte temporairement bloqué" in text(response)
        assert not response.wsgi_request.user.is_authenticated
        # Another address still signs in.
        other = Client(REMOTE_ADDR="10.0.0.9")
        assert sign_in(other, OPERATOR_LOGIN, "operateur", TEST_PASSWORD).status_code == 302

    def test_failures_anywhere_count_together(self, users):
        attacker = Client()
        sign_in(attacker, OPERATOR_LOGIN, "inconnu.1", "mauvais")
        sign_in(attacker, LOGIN, "inconnu.2", "mauvais")
        sign_in(attacker, OPERATOR_LOGIN, "inconnu.3", "mauvais")
        assert sign_in(Client(), LOGIN, "prof.a", TEST_PASSWORD).status_code == LOCKED
        assert sign_in(Client(), OPERATOR_LOGIN, "operateur", TEST_PASSWORD).status_code == LOCKED


@pytest.mark.django_db
class TestEveryFailureCostsTheSame:
    """A failed login does the default hasher's work once, whatever the account's state.

    Counted, not timed: the default hasher of these tests counts the hashes it computes
    (with Argon2 in production each is about 250 ms; bench/bench_login_timing.py measures
    the milliseconds). The light hasher of temporary passwords is not the default one, so
    its cheap check alone would count zero.
    """

    @pytest.fixture(autouse=True)
    def counting(self, settings):
        settings.PASSWORD_HASHERS = [
            "carnet.accounts.tests.hashers.CountingHasher",
            "carnet.accounts.hashers.TemporaryPasswordHasher",
        ]
        CountingHasher.computed.clear()

    @pytest.fixture
    def accounts(self, establishment):
        temporary = make_password("Provisoire23abc", hasher=TemporaryPasswordHasher.algorithm)
        normal = UserFactory(username="normal", establishment=establishment)
        unusable = UserFactory(username="sans.mot.de.passe", establishment=establishment)
        unusable.set_unusable_password()
        unusable.save()
        fresh = UserFactory(username="provisoire", learner=True, establishment=establishment)
        fresh.password, fresh.must_change_password = temporary, True
        fresh.save()
        inactive = UserFactory(username="inactif", establishment=establishment)
        user_set_active(user=inactive, active=False, actor=None)
        inactive_fresh = UserFactory(username="inactif.provisoire", establishment=establishment)
        inactive_fresh.password = temporary
        inactive_fresh.save()
        user_set_active(user=inactive_fresh, active=False, actor=None)
        left = UserFactory(username="eleve.sorti", learner=True, establishment=establishment)
        PupilFactory(establishment=establishment, user=left, status=PupilStatus.LEFT)
        return [normal, unusable, fresh, inactive, inactive_fresh, left]

    def cost_of_a_failure(self, username: str) -> int:
        CountingHasher.computed.clear()
        response = sign_in(Client(), LOGIN, username, "Pas-le-bon-2026!")
        assert response.status_code == 200 and GENERIC in text(response)
        return len(CountingHasher.computed)

    def test_the_same_work_for_every_state(self, accounts):
        costs = {user.username: self.cost_of_a_failure(user.username) for user in accounts}
        costs["(inconnu)"] = self.cost_of_a_failure("personne.inconnue")
        assert costs == dict.fromkeys(costs, 1), costs

    def test_a_right_temporary_password_costs_the_same_too(self, accounts):
        CountingHasher.computed.clear()
        assert sign_in(Client(), LOGIN, "provisoire", "Provisoire23abc").status_code == 302
        # Re-hashed with the default hasher at first use.
        assert len(CountingHasher.computed) == 1
        assert User.objects.get(username="provisoire").password.startswith("compte$")
