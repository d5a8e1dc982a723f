"""Disabled accounts: the administrator's lists say why, the login page tells no one."""

import pytest
from django.test import Client
from django.urls import reverse

from carnet.accounts.models import User
from carnet.accounts.services import user_set_active
from carnet.accounts.tests.factories import TEST_PASSWORD, UserFactory
from carnet.core.tests.html import soup, text
from carnet.directory.tests.factories import DivisionFactory, PupilFactory

LOGIN = reverse("accounts:login")
GENERIC = "Identifiant ou mot de passe incorrect."


def sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
class TestDisabledAccounts:
    def test_the_administrator_disabling_says_why_and_reactivating_clears_it(self, users):
        teacher = users["enseignant"]
        assert user_set_active(user=teacher, active=False, actor=users["administrateur"])
        teacher.refresh_from_db()
        assert (teacher.is_active, teacher.disabled_reason) == (False, "administrateur")
        assert user_set_active(user=teacher, active=True, actor=users["administrateur"])
        teacher.refresh_from_db()
        assert (teacher.is_active, teacher.disabled_reason) == (True, "")

    def test_the_login_page_tells_no_one_an_account_is_disabled(self, users):
        user_set_active(user=users["enseignant"], active=False, actor=None)
        disabled = sign_in(Client(), "prof.a", TEST_PASSWORD)
        unknown = sign_in(Client(), "personne", TEST_PASSWORD)
        assert not disabled.wsgi_request.user.is_authenticated
        errors = [
            soup(r).select_one(".alert, .errorlist, [role=alert]") for r in (disabled, unknown)
        ]
        assert errors[0] is not None
        assert errors[0].get_text(" ", strip=True) == errors[1].get_text(" ", strip=True)
        assert GENERIC in text(disabled)
        assert "désactivé" not in text(disabled).lower()
        assert "inactif" not in text(disabled).lower()

    def test_the_users_list_says_why_an_account_is_inactive(self, admin_client_a, users):
        user_set_active(user=users["enseignant"], active=False, actor=users["administrateur"])
        rows = {
            row.find_all("td")[2].get_text(strip=True): row.find_all("td")[3].get_text(strip=True)
            for row in soup(admin_client_a.get(reverse("accounts:users"))).select("tbody tr")
        }
        assert rows["prof.a"] == "désactivé par l'administrateur"
        edit = admin_client_a.get(reverse("accounts:user_edit", args=[users["enseignant"].pk]))
        assert "désactivé par l'administrateur" in text(edit)

    def test_the_pupils_access_list_says_why(self, admin_client_a, establishment):
        division = DivisionFactory(establishment=establishment, school_year__start_year=2026)
        by_admin = UserFactory(username="e1", learner=True, establishment=establishment)
        by_import = UserFactory(username="e2", learner=True, establishment=establishment)
        PupilFactory(establishment=establishment, division=division, user=by_admin, last_name="A")
        PupilFactory(establishment=establishment, division=division, user=by_import, last_name="B")
        user_set_active(user=by_admin, active=False, actor=None)
        User.objects.filter(pk=by_import.pk).update(is_active=False, disabled_reason="parti")
        page = soup(
            admin_client_a.get(reverse("accounts:pupil_access_division", args=[division.pk]))
        )
        states = {
            row.find_all("td")[0].get_text(strip=True): row.find_all("td")[3].get_text(strip=True)
            for row in page.select("tbody tr")
        }
        assert states == {
            "A": "désactivé par l'administrateur",
            "B": "désactivé : absent du dernier fichier STS-web",
        }
