"""Paramètres › Établissement: the identity form, its checks, confirmation, audit."""

import pytest
from django.urls import reverse

from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.tests.html import soup, text
from carnet.directory.tests.factories import PupilFactory
from carnet.establishments.models import Establishment

URL = reverse("establishments:identity")

GOOD = {
    "name": "Lycée professionnel Jean Jaurès",
    "uai": "0442953W",
    "address": "3 rue de la Forge",
    "postal_code": "44000",
    "city": "Nantes",
    "academie": "nantes",
    "phone": "02 40 00 00 00",
    "email": "ce.0442953w@ac-nantes.fr",
}


def errors_of(response) -> str:
    return " ".join(
        p.get_text(" ", strip=True) for p in soup(response).select(".error, .alert-error")
    )


@pytest.mark.django_db
class TestIdentityTab:
    def test_page_shows_tabs_warning_and_labelled_fields(self, admin_client_a):
        page = soup(admin_client_a.get(URL))
        tabs = [a.get_text(strip=True) for a in page.select("nav.tabs a")]
        assert tabs == ["Établissement", "Transferts", "Masque de saisie", "Logo"]
        assert page.select_one('nav.tabs a[aria-current="page"]').get_text(strip=True) == (
            "Établissement"
        )
        warning = page.find(string=lambda s: s and "seront nécessaires" in s).parent.get_text()
        assert "nom, l'adresse électronique et le code UAI" in warning
        for label in ("Nom de l'établissement", "Code UAI (RNE)", "Adresse électronique"):
            tags = [
                t for t in page.find_all("label") if t.get_text(strip=True).rstrip("*") == label
            ]
            assert len(tags) == 1 and page.find(id=tags[0]["for"]) is not None
        assert page.find("button", string="Valider") is not None
        assert page.find(id="acces-inspecteur") is not None

    def test_valider_saves_and_audits_old_and_new_values(
        self, admin_client_a, establishment, users
    ):
        response = admin_client_a.post(URL, GOOD, follow=True)
        assert "ont été enregistrées" in text(response)
        establishment.refresh_from_db()
        assert establishment.name == GOOD["name"]
        assert establishment.city == "Nantes"
        event = AuditEvent.objects.get(action=AuditAction.IDENTITY_UPDATED)
        assert event.actor == users["administrateur"]
        assert event.changes["Nom de l'établissement"] == ["Lycée professionnel A", GOOD["name"]]
        assert event.changes["Commune"] == ["Lyon", "Nantes"]
        assert "Code UAI (RNE)" not in event.changes  # unchanged

    def test_same_values_again_change_nothing(self, admin_client_a):
        admin_client_a.post(URL, GOOD)
        response = admin_client_a.post(URL, GOOD, follow=True)
        assert "Aucune modification" in text(response)
        assert AuditEvent.objects.filter(action=AuditAction.IDENTITY_UPDATED).count() == 1

    def test_wrong_check_letter_is_refused_with_the_expected_letter(
        self, admin_client_a, establishment
    ):
        response = admin_client_a.post(URL, {**GOOD, "uai": "0693046P"})
        assert response.status_code == 200
        assert "Le code UAI 0693046P n'est pas valide : la lettre clé attendue est L." in errors_of(
            response
        )
        establishment.refresh_from_db()
        assert establishment.uai == "0442953W"
        assert establishment.name == "Lycée professionnel A"
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value", "expected"),
        [
            ("uai", "12345", "7 chiffres suivis"),
            ("uai", "", "obligatoire"),
            ("postal_code", "6900", "5 chiffres"),
            ("phone", "12", "10 chiffres"),
            ("email", "pas-une-adresse", "adresse électronique valide"),
        ],
    )
    def test_bad_input_gets_a_message_and_changes_nothing(
        self, admin_client_a, establishment, field, value, expected
    ):
        response = admin_client_a.post(URL, {**GOOD, field: value})
        assert expected in errors_of(response)
        establishment.refresh_from_db()
        assert establishment.name == "Lycée professionnel A"

    def test_uai_of_another_establishment_is_refused(self, admin_client_a, other_establishment):
        response = admin_client_a.post(URL, {**GOOD, "uai": other_establishment.uai})
        assert "déjà utilisé par un autre établissement" in errors_of(response)

    def test_lowercase_uai_is_normalised(self, admin_client_a, establishment):
        admin_client_a.post(URL, {**GOOD, "uai": " 0756036d "})
        establishment.refresh_from_db()
        assert establishment.uai == "0756036D"

    def test_changing_the_uai_with_pupils_asks_for_confirmation(
        self, admin_client_a, establishment
    ):
        PupilFactory(establishment=establishment)
        response = admin_client_a.post(URL, {**GOOD, "uai": "0756036D"})
        page = soup(response)
        assert "Cochez la case de confirmation" in errors_of(response)
        assert page.find("input", attrs={"name": "confirm_uai_change"}) is not None
        establishment.refresh_from_db()
        assert establishment.uai == "0442953W"

        admin_client_a.post(URL, {**GOOD, "uai": "0756036D", "confirm_uai_change": "on"})
        establishment.refresh_from_db()
        assert establishment.uai == "0756036D"
        event = AuditEvent.objects.get(action=AuditAction.IDENTITY_UPDATED)
        assert event.changes["Code UAI (RNE)"] == ["0442953W", "0756036D"]

    def test_changing_the_uai_without_pupils_needs_no_confirmation(
        self, admin_client_a, establishment
    ):
        admin_client_a.post(URL, {**GOOD, "uai": "0756036D"})
        assert Establishment.objects.get(pk=establishment.pk).uai == "0756036D"

    def test_the_name_cannot_be_emptied_once_set(self, admin_client_a, establishment):
        response = admin_client_a.post(URL, {**GOOD, "name": "   "})
        assert response.status_code == 200
        errors = soup(response).find(id="id_name_error").get_text(" ", strip=True)
        assert errors.startswith("Le nom de l'établissement ne peut pas être effacé")
        establishment.refresh_from_db()
        assert establishment.name == "Lycée professionnel A"
        assert not AuditEvent.objects.exists()
        # The field says it is required now.
        label = soup(admin_client_a.get(URL)).find("label", attrs={"for": "id_name"})
        assert label.find(class_="required") is not None

    def test_a_name_never_set_may_stay_empty(self, admin_client_a, establishment):
        Establishment.objects.filter(pk=establishment.pk).update(name="")
        response = admin_client_a.post(URL, {**GOOD, "name": "", "city": "Nantes"}, follow=True)
        assert "ont été enregistrées" in text(response)
        establishment.refresh_from_db()
        assert (establishment.name, establishment.city) == ("", "Nantes")

    def test_the_service_refuses_an_emptied_name_too(self, establishment, users):
        from django.core.exceptions import ValidationError

        from carnet.establishments.services import establishment_update_identity

        with pytest.raises(ValidationError) as caught:
            establishment_update_identity(
                establishment=establishment,
                data={**GOOD, "name": ""},
                actor=users["administrateur"],
            )
        assert caught.value.message_dict["name"] == [Establishment.NAME_CLEARED]
        establishment.refresh_from_db()
        assert establishment.name == "Lycée professionnel A"

    def test_every_problem_at_once(self, admin_client_a, other_establishment):
        """A bad phone number does not hide that the UAI is another establishment's, nor an
        emptied name."""
        response = admin_client_a.post(
            URL, {**GOOD, "phone": "12", "uai": other_establishment.uai, "name": ""}
        )
        page = soup(response)
        assert {tag["id"] for tag in page.select("form .errors")} == {
            "id_name_error",
            "id_uai_error",
            "id_phone_error",
        }
        assert "déjà utilisé par un autre établissement" in page.find(id="id_uai_error").text
        summary = [a["href"] for a in page.select(".alert-error a")]
        assert summary == ["#id_name", "#id_uai", "#id_phone"]

    def test_missing_identity_is_listed(self, admin_client_a, establishment):
        admin_client_a.post(URL, {**GOOD, "email": ""})
        page = text(admin_client_a.get(URL))
        assert "Il manque encore : l'adresse électronique." in page


@pytest.mark.django_db
class TestOperatorAdmin:
    def test_operator_edit_is_audited_and_transfers_are_read_only(
        self, users, client_of, establishment
    ):
        client = client_of(users["operateur"])
        url = reverse("admin:establishments_establishment_change", args=[establishment.pk])
        page = soup(client.get(url))
        assert page.find("input", attrs={"name": "cnil_number"}) is None
        assert page.find("input", attrs={"name": "transfers_enabled"}) is None
        data = {**GOOD, "transfers_enabled": "on", "cnil_number": "123"}
        response = client.post(url, data)
        assert response.status_code == 302
        establishment.refresh_from_db()
        assert establishment.name == GOOD["name"]
        assert not establishment.transfers_enabled and establishment.cnil_number == ""
        event = AuditEvent.objects.get(action=AuditAction.IDENTITY_UPDATED)
        assert event.actor == users["operateur"]
        assert event.changes["Nom de l'établissement"] == ["Lycée professionnel A", GOOD["name"]]

    def test_operator_admin_refuses_an_invalid_uai(self, users, client_of):
        client = client_of(users["operateur"])
        response = client.post(
            reverse("admin:establishments_establishment_add"), {**GOOD, "uai": "0693046P"}
        )
        assert "la lettre clé attendue est L" in text(response)
        assert not AuditEvent.objects.exists()
