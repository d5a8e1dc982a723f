"""« Mot de passe oublié »: a link by e-mail, valid once."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from carnet.accounts.tests.factories import UserFactory
from carnet.core.tests.html import soup, text

RESET = reverse("accounts:password_reset")
NEW = "Nouveau-mot-de-passe-2026!"


@pytest.fixture
def teacher(db):
    return UserFactory(username="prof.oubli", email="prof.oubli@ac-lyon.fr")


@pytest.mark.django_db
class TestPasswordReset:
    def test_link_on_the_login_page(self, client):
        link = soup(client.get(reverse("accounts:login"))).find("a", string="Mot de passe oublié ?")
        assert link["href"] == RESET

    def test_the_e_mailed_link_sets_a_new_password_once(self, client, teacher):
        response = client.post(RESET, {"email": "PROF.OUBLI@ac-lyon.fr"}, follow=True)
        assert "Si un compte utilise cette adresse" in text(response)
        (message,) = mail.outbox
        assert message.to == ["prof.oubli@ac-lyon.fr"]
        assert "prof.oubli" in message.body and "dans l'heure" in message.body
        link = re.search(r"https?://\S+", message.body).group(0)
        form_page = client.get(link, follow=True)
        assert "Nouveau mot de passe" in text(form_page)
        response = client.post(
            form_page.wsgi_request.path,
            {"new_password1": NEW, "new_password2": NEW},
            follow=True,
        )
        assert "Votre nouveau mot de passe est enregistré." in text(response)
        signed_in = client.post(
            reverse("accounts:login"), {"username": "prof.oubli", "password": NEW}
        )
        assert signed_in.status_code == 302 and signed_in.url == reverse("web:home")
        client.post(reverse("accounts:logout"))
        again = client.get(link, follow=True)
        assert "Ce lien n'est plus valable" in text(again)

    def test_the_same_answer_for_an_unknown_address_and_no_mail(self, client, teacher):
        response = client.post(RESET, {"email": "personne@ac-lyon.fr"}, follow=True)
        assert "Si un compte utilise cette adresse" in text(response)
        assert mail.outbox == []

    def test_weak_new_password_is_refused(self, client, teacher):
        client.post(RESET, {"email": "prof.oubli@ac-lyon.fr"})
        link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
        form_page = client.get(link, follow=True)
        response = client.post(
            form_page.wsgi_request.path, {"new_password1": "court", "new_password2": "court"}
        )
        assert "au moins 12 caractères" in text(response)

    def test_an_account_without_password_yet_gets_a_link(self, client, teacher):
        """An invited inspector whose first link expired asks for another one."""
        teacher.set_unusable_password()
        teacher.save()
        client.post(RESET, {"email": "prof.oubli@ac-lyon.fr"})
        assert len(mail.outbox) == 1

    def test_a_disabled_account_gets_nothing_and_its_old_link_is_dead(self, client, teacher):
        client.post(RESET, {"email": "prof.oubli@ac-lyon.fr"})
        link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
        teacher.is_active = False
        teacher.save()
        assert "Ce lien n'est plus valable" in text(client.get(link, follow=True))
        client.post(RESET, {"email": "prof.oubli@ac-lyon.fr"})
        assert len(mail.outbox) == 1
