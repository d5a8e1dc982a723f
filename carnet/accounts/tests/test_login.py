"""Signing in and out, django-axes lockout, password change (CNIL rule), production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django.urls import reverse

from carnet.accounts.forms import LoginForm
from carnet.accounts.passwords import RULE, password_problem
from carnet.accounts.tests.factories import TEST_PASSWORD, UserFactory

PROJECT_ROOT = Path(__file__).resolve().parents[3]
LOCKOUT_TITLE = "Compte temporairement bloqué"
LOCKED = 429


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def page_text(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def label_of(page: BeautifulSoup, field) -> str:
    label = page.find("label", attrs={"for": field["id"]})
    assert label is not None, f"no label for #{field['id']}"
    return " ".join(label.get_text(" ").replace("*", "").split())


def login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.fixture
def teacher(db):
    return UserFactory(username="prof.connexion", first_name="Camille")


@pytest.mark.django_db
class TestLoginPage:
    def test_fields_and_button(self, client):
        response = client.get(reverse("accounts:login"))
        assert response.status_code == 200
        page = soup(response)
        form = page.find("form", attrs={"action": reverse("accounts:login")})
        assert form is not None
        assert form["method"] == "post"
        username = form.find("input", attrs={"name": "username"})
        password = form.find("input", attrs={"name": "password"})
        assert label_of(page, username) == "Identifiant"
        assert label_of(page, password) == "Mot de passe"
        assert password["type"] == "password"
        assert username["autocomplete"] == "username"
        assert password["autocomplete"] == "current-password"
        button = form.find("button", attrs={"type": "submit"})
        assert button.get_text(strip=True) == "Se connecter"
        assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None

    def test_good_credentials_land_on_the_home_page(self, client, teacher):
        response = login(client, "prof.connexion", TEST_PASSWORD)
        assert response.status_code == 302
        assert response.url == reverse("web:home")
        home = client.get(response.url)
        assert home.status_code == 200
        assert home.wsgi_request.user == teacher
        assert "Bonjour Camille" in page_text(home)

    def test_next_is_followed(self, client, teacher):
        target = reverse("referentials:list")
        response = client.post(
            reverse("accounts:login") + f"?next={target}",
            {"username": "prof.connexion", "password": TEST_PASSWORD, "next": target},
        )
        assert response.status_code == 302
        assert response.url == target

    def test_next_to_another_site_is_ignored(self, client, teacher):
        response = client.post(
            reverse("accounts:login"),
            {
                "username": "prof.connexion",
                "password": TEST_PASSWORD,
                "next": "https://pirate.example.com/",
            },
        )
        assert response.status_code == 302
        assert response.url == reverse("web:home")

    @pytest.mark.parametrize(
        ("username", "password"),
        [
            ("prof.connexion", "Mauvais-mot-de-passe-1!"),
            ("inconnu", TEST_PASSWORD),
            ("prof.connexion", ""),
        ],
    )
    def test_bad_credentials_show_the_french_error(self, client, teacher, username, password):
        response = login(client, username, password)
        assert response.status_code == 200
        assert not response.wsgi_request.user.is_authenticated
        text = page_text(response)
        if password:
            assert LoginForm.error_messages["invalid_login"] in text
            assert "Identifiant ou mot de passe incorrect." in text
        else:
            assert "Le formulaire contient des erreurs" in text
        assert client.get(reverse("web:home")).status_code == 302

    def test_signed_in_user_is_sent_home(self, client, teacher):
        client.force_login(teacher, backend="carnet.accounts.backends.AccountBackend")
        response = client.get(reverse("accounts:login"))
        assert response.status_code == 302
        assert response.url == reverse("web:home")

    def test_disabled_account_cannot_sign_in(self, client, teacher):
        teacher.is_active = False
        teacher.save()
        response = login(client, "prof.connexion", TEST_PASSWORD)
        assert response.status_code == 200
        assert not response.wsgi_request.user.is_authenticated
        assert "Identifiant ou mot de passe incorrect." in page_text(response)
        assert client.get(reverse("web:home")).status_code == 302

    def test_disabled_account_loses_its_session(self, client, teacher):
        assert login(client, "prof.connexion", TEST_PASSWORD).status_code == 302
        teacher.is_active = False
        teacher.save()
        response = client.get(reverse("web:home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
class TestLockout:
    def fail(self, client, times: int, username: str = "prof.connexion"):
        return [login(client, username, f"Faux-{i}-mot-de-passe!") for i in range(times)]

    def test_five_failures_lock_the_login(self, client, teacher):
        responses = self.fail(client, 4)
        assert all(r.status_code == 200 for r in responses)
        fifth = self.fail(client, 1)[0]
        # django-axes 8 answers 429 Too Many Requests (AXES_HTTP_RESPONSE_CODE, not set here).
        assert fifth.status_code == LOCKED
        assert "accounts/lockout.html" in [t.name for t in fifth.templates]
        text = page_text(fifth)
        assert LOCKOUT_TITLE in text
        assert "la connexion est bloquée pendant 15 minutes" in text

        # Even the right password is refused now.
        right = login(client, "prof.connexion", TEST_PASSWORD)
        assert right.status_code == LOCKED
        assert LOCKOUT_TITLE in page_text(right)
        assert not right.wsgi_request.user.is_authenticated
        assert client.get(reverse("web:home")).status_code == 302

    def test_lockout_is_per_login_not_per_address(self, client, teacher):
        UserFactory(username="eleve.voisin", learner=True, establishment=teacher.establishment)
        self.fail(client, 5)
        # A pupil on the same school network (same address) still signs in.
        other = Client()
        response = login(other, "eleve.voisin", TEST_PASSWORD)
        assert response.status_code == 302
        assert response.url == reverse("web:home")

    def test_many_logins_failing_from_one_address_lock_that_address(
        self, client, teacher, settings
    ):
        settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
        for n in range(6):  # six different logins, one failure each: no login locked
            assert login(client, f"inconnu.{n}", "mauvais").status_code == 200
        response = login(Client(), "prof.connexion", TEST_PASSWORD)
        assert response.status_code == LOCKED
        assert LOCKOUT_TITLE in page_text(response)
        assert not response.wsgi_request.user.is_authenticated
        # Another address still signs in.
        other = Client(REMOTE_ADDR="10.0.0.9")
        assert login(other, "prof.connexion", TEST_PASSWORD).status_code == 302

    def test_behind_the_proxy_each_client_address_counts_not_the_proxys(self, teacher, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3

        def via_proxy(client_ip):
            # The client may send its own X-Forwarded-For; only the proxy's entry counts.
            return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client_ip}")

        attacker = via_proxy("203.0.113.7")
        for n in range(3):
            login(attacker, f"inconnu.{n}", "mauvais")
        assert (
            login(via_proxy("203.0.113.7"), "prof.connexion", TEST_PASSWORD).status_code == LOCKED
        )
        # Another school behind the same proxy still signs in.
        assert login(via_proxy("198.51.100.20"), "prof.connexion", TEST_PASSWORD).status_code == 302

    def test_success_resets_the_counter(self, client, teacher):
        self.fail(client, 4)
        assert login(client, "prof.connexion", TEST_PASSWORD).status_code == 302
        client.post(reverse("accounts:logout"))
        assert all(r.status_code == 200 for r in self.fail(client, 4))
        assert login(client, "prof.connexion", TEST_PASSWORD).status_code == 302

    def test_reset_unlocks(self, client, teacher):
        from axes.utils import reset

        self.fail(client, 5)
        assert login(client, "prof.connexion", TEST_PASSWORD).status_code == LOCKED
        reset(username="prof.connexion")
        assert login(client, "prof.connexion", TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
class TestLogout:
    def test_logout_by_post(self, client, teacher):
        assert login(client, "prof.connexion", TEST_PASSWORD).status_code == 302
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert response.url == reverse("accounts:login")
        assert client.get(reverse("web:home")).status_code == 302

    def test_logout_by_get_is_refused(self, client, teacher):
        assert login(client, "prof.connexion", TEST_PASSWORD).status_code == 302
        assert client.get(reverse("accounts:logout")).status_code == 405
        assert client.get(reverse("web:home")).status_code == 200

    def test_home_page_has_the_logout_button(self, client, teacher):
        login(client, "prof.connexion", TEST_PASSWORD)
        page = soup(client.get(reverse("web:home")))
        form = page.find("form", attrs={"action": reverse("accounts:logout")})
        assert form["method"] == "post"
        assert form.find("button").get_text(strip=True) == "Se déconnecter"


@pytest.mark.django_db
class TestPasswordChange:
    url = "accounts:password_change"

    @pytest.fixture
    def signed_in(self, client, teacher):
        assert login(client, "prof.connexion", TEST_PASSWORD).status_code == 302
        return client

    def post(self, client, old=TEST_PASSWORD, new="Nouveau-mot-de-passe-2027!", confirm=None):
        return client.post(
            reverse(self.url),
            {"old_password": old, "new_password1": new, "new_password2": confirm or new},
        )

    def test_page(self, signed_in):
        response = signed_in.get(reverse(self.url))
        assert response.status_code == 200
        page = soup(response)
        assert page.find("h1").get_text(strip=True) == "Changer mon mot de passe"
        fields = page.select("form input[type=password]")
        assert [f["name"] for f in fields] == ["old_password", "new_password1", "new_password2"]
        for field in fields:
            assert label_of(page, field)  # every field is labelled
        assert RULE in page_text(response)  # the rule is shown as help text

    def test_change_works(self, signed_in, teacher):
        response = self.post(signed_in)
        assert response.status_code == 302
        assert response.url == reverse("accounts:password_change_done")
        done = signed_in.get(response.url)
        assert "Votre mot de passe a été modifié." in page_text(done)
        teacher.refresh_from_db()
        assert teacher.check_password("Nouveau-mot-de-passe-2027!")
        # Still signed in, and the new password works on the login page.
        assert signed_in.get(reverse("web:home")).status_code == 200
        signed_in.post(reverse("accounts:logout"))
        assert login(Client(), "prof.connexion", "Nouveau-mot-de-passe-2027!").status_code == 302
        assert login(Client(), "prof.connexion", TEST_PASSWORD).status_code == 200

    @pytest.mark.parametrize(
        "weak",
        [
            "abcdefghijkl",
            "Court-2026!",  # 11 characters
            "Abcdefghij12",  # 12 characters without special character
            "Abcdefghijk12",  # 13 characters without special character
            "ABCDEFGHIJ-12",  # no lower case
            "abcdefghij-12",  # no upper case
            "Abcdefghijkl-!",  # no digit
        ],
    )
    def test_cnil_rule_is_applied(self, signed_in, teacher, weak):
        response = self.post(signed_in, new=weak)
        assert response.status_code == 200
        assert RULE in page_text(response)
        teacher.refresh_from_db()
        assert teacher.check_password(TEST_PASSWORD)

    def test_fourteen_characters_without_special_character(self, signed_in, teacher):
        response = self.post(signed_in, new="Abcdefghijklm1Xy")
        assert response.status_code == 302
        teacher.refresh_from_db()
        assert teacher.check_password("Abcdefghijklm1Xy")

    def test_wrong_old_password(self, signed_in, teacher):
        response = self.post(signed_in, old="Pas-le-bon-2026!")
        assert response.status_code == 200
        assert "Votre ancien mot de passe est incorrect." in page_text(response)
        teacher.refresh_from_db()
        assert teacher.check_password(TEST_PASSWORD)

    def test_confirmation_must_match(self, signed_in):
        response = self.post(signed_in, confirm="Autre-mot-de-passe-2027!")
        assert response.status_code == 200
        assert "Les deux mots de passe ne correspondent pas." in page_text(response)

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse(self.url))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


class TestPasswordRule:
    @pytest.mark.parametrize(
        "password",
        ["Abcdefghij1!", "Mot-de-passe-2026", "Abcdefghijkl12", "Électricité-2026"],
    )
    def test_accepted(self, password):
        assert password_problem(password) is None

    @pytest.mark.parametrize(
        "password",
        ["Abcdefgh1!", "Abcdefghijk1", "abcdefghij1!", "ABCDEFGHIJ1!", "Abcdefghijk!", ""],
    )
    def test_refused(self, password):
        assert password_problem(password) == RULE

    def test_rule_is_french(self):
        assert RULE.startswith("Le mot de passe doit comporter au moins 12 caractères")
        assert "recommandation de la CNIL" in RULE


class TestProductionSettings:
    def test_argon2_is_the_first_hasher(self):
        import config.settings.base as base

        assert "Argon2" in base.PASSWORD_HASHERS[0]
        # Tests use a fast hasher; production must not.
        assert "MD5" not in " ".join(base.PASSWORD_HASHERS)

    def test_argon2_works(self):
        hasher = Argon2PasswordHasher()
        encoded = hasher.encode("Mot-de-passe-2026!", hasher.salt())
        assert encoded.startswith("argon2$")
        assert hasher.verify("Mot-de-passe-2026!", encoded)
        assert not hasher.verify("Autre-mot-de-passe-2026!", encoded)

    def test_axes_is_configured(self):
        assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
        assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
        assert settings.AXES_FAILURE_LIMIT == 5
        assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]

    @staticmethod
    def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_"))
            and key not in ("DATABASE_URL", "PYTEST_CURRENT_TEST")
        }
        environment.update(env)
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def test_check_deploy_passes(self):
        result = self.run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(48),
            ALLOWED_HOSTS="carnet.example.org",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout

    def test_check_deploy_would_catch_a_missing_https_redirect(self):
        # The previous test is not vacuous: the same check fails without the HTTPS redirect.
        result = self.run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(48),
            ALLOWED_HOSTS="carnet.example.org",
            SECURE_SSL_REDIRECT="0",
        )
        assert result.returncode != 0
        assert "security.W008" in result.stderr + result.stdout

    def test_production_refuses_a_short_secret_key(self):
        result = self.run_manage(
            "check",
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DEBUG="0",
            SECRET_KEY="trop-court",
            ALLOWED_HOSTS="carnet.example.org",
        )
        assert result.returncode != 0
        assert "compter au moins 50 caractères aléatoires" in result.stderr

    def test_production_refuses_to_start_without_allowed_hosts(self):
        result = self.run_manage(
            "check",
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(48),
        )
        assert result.returncode != 0
        assert "ALLOWED_HOSTS doit être défini" in result.stderr

    def test_production_refuses_to_start_without_secret_key(self):
        result = self.run_manage(
            "check",
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DEBUG="0",
            ALLOWED_HOSTS="carnet.example.org",
        )
        assert result.returncode != 0
        assert "SECRET_KEY doit être défini (variable d'environnement)" in result.stderr

    def test_production_refuses_debug(self):
        result = self.run_manage(
            "check",
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DEBUG="1",
            SECRET_KEY=secrets.token_urlsafe(48),
            ALLOWED_HOSTS="carnet.example.org",
        )
        assert result.returncode != 0
        assert "DEBUG doit être désactivé en production." in result.stderr
