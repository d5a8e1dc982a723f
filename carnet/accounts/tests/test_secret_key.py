"""Production settings refuse a SECRET_KEY that `manage.py check --deploy` would judge weak."""

import secrets

import pytest

from carnet.accounts.tests import test_login

# Imported as a module: a test class imported by name would be collected here again.
run_manage = test_login.TestProductionSettings.run_manage


def check_with(key: str):
    return run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DEBUG="0",
        SECRET_KEY=key,
        ALLOWED_HOSTS="carnet.example.org",
    )


RANDOM_LOOKING = "q7Xp2LmZ9vR4tY8wB1nC6dF0gH3jK5sAe_Uo-Wi"


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("a" * 60, id="one-character"),
        pytest.param("abcd" * 20, id="four-characters"),
        # Django's generated development key, however long.
        pytest.param("django-insecure-" + RANDOM_LOOKING * 2, id="django-insecure"),
        pytest.param(RANDOM_LOOKING, id="too-short"),
    ],
)
def test_a_weak_key_is_refused_in_french(key):
    result = check_with(key)
    assert result.returncode != 0
    message = " ".join(result.stderr.split())
    assert "SECRET_KEY doit être défini (variable d'environnement)" in message
    assert "au moins 50 caractères aléatoires, dont au moins 5 différents" in message
    assert "django-insecure-" in message


def test_a_random_key_is_accepted():
    result = check_with(secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
