"""Paramètres › Masque de saisie: labels per establishment × diploma, reset after confirmation."""

import pytest
from django.urls import reverse

from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.tests.html import soup, text
from carnet.establishments.enums import ContextField
from carnet.establishments.models import EntryMaskLabel
from carnet.establishments.selectors import effective_mask_labels

URL = reverse("establishments:masks")
RESET = reverse("establishments:masks_reset")
DEFAULTS = {field.value: field.label for field in ContextField}


def values(response) -> dict[str, str]:
    return {
        field.value: soup(response).find("input", attrs={"name": field.value})["value"]
        for field in ContextField
    }


@pytest.mark.django_db
class TestMasksTab:
    def test_drop_down_lists_the_loaded_diplomas(self, admin_client_a, diplomas):
        page = soup(admin_client_a.get(URL))
        select = page.find("select", attrs={"name": "diplome"})
        assert page.find("label", attrs={"for": select["id"]}).get_text(strip=True) == "Diplôme"
        options = [o["value"] for o in select.find_all("option")]
        assert set(options) == {"", "BP-MELEC", "CAP-ELEC"}
        assert page.find("input", attrs={"name": "description"}) is None

    def test_choosing_a_diploma_shows_the_default_labels_and_the_reset_arrow(
        self, admin_client_a, diplomas
    ):
        response = admin_client_a.get(URL + "?diplome=BP-MELEC")
        assert values(response) == DEFAULTS
        arrow = soup(response).find(
            "a", attrs={"aria-label": "Réinitialiser les masques de saisie"}
        )
        assert arrow["href"] == RESET + "?diplome=BP-MELEC"

    def test_valider_keeps_the_labels_per_establishment_and_diploma(
        self, admin_client_a, establishment, other_establishment, diplomas
    ):
        labels = {**DEFAULTS, "description": "Situation professionnelle"}
        response = admin_client_a.post(
            URL + "?diplome=BP-MELEC", {**labels, "diplome": "BP-MELEC"}, follow=True
        )
        assert "ont été enregistrés" in text(response)
        assert values(admin_client_a.get(URL + "?diplome=BP-MELEC")) == labels
        # The other diploma and the other establishment keep the defaults.
        assert values(admin_client_a.get(URL + "?diplome=CAP-ELEC")) == DEFAULTS
        other = effective_mask_labels(
            establishment=other_establishment, diploma=diplomas["BP-MELEC"]
        )
        assert other[ContextField.DESCRIPTION] == ContextField.DESCRIPTION.label
        event = AuditEvent.objects.get(action=AuditAction.MASK_UPDATED)
        assert event.changes == {
            ContextField.DESCRIPTION.label: [
                ContextField.DESCRIPTION.label,
                "Situation professionnelle",
            ]
        }

    def test_empty_label_is_refused_and_nothing_changes(
        self, admin_client_a, establishment, diplomas
    ):
        labels = {**DEFAULTS, "liens": "   ", "description": "Autre"}
        response = admin_client_a.post(URL + "?diplome=BP-MELEC", {**labels, "diplome": "BP-MELEC"})
        assert "ne peut pas être vide" in text(response)
        current = effective_mask_labels(establishment=establishment, diploma=diplomas["BP-MELEC"])
        assert current[ContextField.DESCRIPTION] == ContextField.DESCRIPTION.label

    def test_reset_asks_for_confirmation_then_restores_the_defaults(
        self, admin_client_a, establishment, diplomas
    ):
        labels = {**DEFAULTS, "espaces": "Ateliers"}
        admin_client_a.post(URL + "?diplome=BP-MELEC", {**labels, "diplome": "BP-MELEC"})
        confirm = soup(admin_client_a.get(RESET + "?diplome=BP-MELEC"))
        assert "Réinitialiser les masques de saisie du diplôme" in confirm.get_text()
        assert confirm.find("button", string="Réinitialiser") is not None
        # Still custom until confirmed (GET never writes).
        assert values(admin_client_a.get(URL + "?diplome=BP-MELEC"))["espaces"] == "Ateliers"
        response = admin_client_a.post(
            RESET + "?diplome=BP-MELEC", {"diplome": "BP-MELEC"}, follow=True
        )
        assert "ont été réinitialisés" in text(response)
        assert values(response) == DEFAULTS
        event = AuditEvent.objects.get(action=AuditAction.MASK_RESET)
        assert event.changes == {ContextField.SPACES.label: ["Ateliers", ContextField.SPACES.label]}

    def test_unknown_diploma_shows_only_the_drop_down(self, admin_client_a, diplomas):
        page = soup(admin_client_a.get(URL + "?diplome=NOPE"))
        assert page.find("input", attrs={"name": "description"}) is None
        response = admin_client_a.post(URL + "?diplome=NOPE", {**DEFAULTS, "diplome": "NOPE"})
        assert response.status_code == 200
        assert not AuditEvent.objects.exists()

    def test_no_diploma_loaded_says_so(self, admin_client_a):
        assert "Aucun référentiel n'est chargé" in text(admin_client_a.get(URL))

    def test_typing_the_default_back_stores_nothing(self, admin_client_a, establishment, diplomas):
        url = URL + "?diplome=BP-MELEC"
        admin_client_a.post(url, {**DEFAULTS, "liens": "Ressources", "diplome": "BP-MELEC"})
        assert EntryMaskLabel.objects.of(establishment).count() == 1
        admin_client_a.post(url, {**DEFAULTS, "diplome": "BP-MELEC"})
        assert EntryMaskLabel.objects.of(establishment).count() == 0
        assert values(admin_client_a.get(url)) == DEFAULTS
