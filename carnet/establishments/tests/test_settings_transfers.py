"""Paramètres › Transferts: CNIL number, Oui/Non, and the pupils without INE."""

import pytest
from django.urls import reverse

from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.tests.html import soup, text
from carnet.directory.tests.factories import DivisionFactory, PupilFactory

URL = reverse("establishments:transfers")


@pytest.mark.django_db
class TestTransfersTab:
    def test_page_shows_the_form_and_the_table(self, admin_client_a):
        page = soup(admin_client_a.get(URL))
        assert page.find("label", string=lambda s: s and "Numéro de déclaration CNIL" in s)
        legend = page.find("legend")
        assert legend.get_text(strip=True) == "Activer le transfert des données des élèves"
        radios = [
            r.find_parent("label").get_text(strip=True) for r in page.select("input[type=radio]")
        ]
        assert radios == ["Oui", "Non"]
        # The transfers module does not exist yet: nothing promises it (no disabled button).
        assert page.find("button", string="Visualiser les transferts effectués") is None
        assert "bientôt" not in page.get_text()
        assert page.find(
            "h3", string="Liste des élèves sans INE qui ne pourront pas être transférés"
        )
        assert "vérifiez qu'il est renseigné dans votre base SIECLE" in page.get_text()

    def test_oui_with_a_valid_number_activates_and_audits(self, admin_client_a, establishment):
        response = admin_client_a.post(
            URL, {"cnil_number": "1929152 v0", "enabled": "oui"}, follow=True
        )
        assert "Le transfert des données des élèves est activé." in text(response)
        establishment.refresh_from_db()
        assert establishment.transfers_enabled
        assert establishment.cnil_number == "1929152 v0"
        event = AuditEvent.objects.get(action=AuditAction.TRANSFERS_UPDATED)
        assert event.changes["Transfert des données des élèves"] == ["Non", "Oui"]
        assert "activé" in soup(admin_client_a.get(URL)).select_one(".state").get_text()

    def test_oui_without_a_number_is_refused(self, admin_client_a, establishment):
        response = admin_client_a.post(URL, {"cnil_number": "", "enabled": "oui"})
        assert "saisissez d'abord le numéro de la déclaration CNIL" in text(response)
        establishment.refresh_from_db()
        assert not establishment.transfers_enabled
        assert not AuditEvent.objects.exists()

    def test_invalid_number_is_refused_even_with_non(self, admin_client_a, establishment):
        response = admin_client_a.post(URL, {"cnil_number": "12AB", "enabled": "non"})
        assert "n'est pas valide" in text(response)
        establishment.refresh_from_db()
        assert establishment.cnil_number == ""

    def test_gdpr_register_reference_is_accepted_when_said_so(self, admin_client_a, establishment):
        data = {"cnil_number": "Registre RGPD n° 12", "enabled": "oui"}
        assert "n'est pas valide" in text(admin_client_a.post(URL, data))
        admin_client_a.post(URL, {**data, "register_reference": "on"})
        establishment.refresh_from_db()
        assert establishment.transfers_enabled and establishment.cnil_is_register_reference

    def test_non_deactivates(self, admin_client_a, establishment):
        admin_client_a.post(URL, {"cnil_number": "795360", "enabled": "oui"})
        admin_client_a.post(URL, {"cnil_number": "795360", "enabled": "non"})
        establishment.refresh_from_db()
        assert not establishment.transfers_enabled
        assert establishment.cnil_number == "795360"

    def test_missing_choice_is_refused(self, admin_client_a):
        response = admin_client_a.post(URL, {"cnil_number": "795360"})
        assert "Ce champ est obligatoire" in text(response)

    def test_missing_choice_does_not_hide_a_wrong_number(self, admin_client_a, establishment):
        page = soup(admin_client_a.post(URL, {"cnil_number": "12"}))
        assert {tag["id"] for tag in page.select("form .errors")} == {
            "id_cnil_number_error",
            "id_enabled_error",
        }
        assert "n'est pas valide" in page.find(id="id_cnil_number_error").get_text()
        # The summary links the radio group through its error message.
        assert [a["href"] for a in page.select(".alert-error a")] == [
            "#id_cnil_number",
            "#id_enabled_error",
        ]
        establishment.refresh_from_db()
        assert establishment.cnil_number == ""

    def test_table_lists_active_pupils_without_ine_only(
        self, admin_client_a, establishment, other_establishment
    ):
        division = DivisionFactory(establishment=establishment, code="1MELEC")
        PupilFactory(
            establishment=establishment,
            division=division,
            last_name="SANSINE",
            ine=None,
            first_name="Cœlia",
        )
        PupilFactory(establishment=establishment, last_name="AVECINE")
        PupilFactory(establishment=establishment, last_name="PARTI", ine=None, left=True)
        PupilFactory(establishment=other_establishment, last_name="AILLEURS", ine=None)
        rows = soup(admin_client_a.get(URL)).select("table tbody tr")
        assert [[td.get_text(strip=True) for td in row.find_all("td")] for row in rows] == [
            ["SANSINE", "Cœlia", "1MELEC", "17/05/2010"]
        ]

    def test_table_is_paginated(self, admin_client_a, establishment):
        for n in range(30):
            PupilFactory(establishment=establishment, last_name=f"SANS{n:02d}", ine=None)
        first = soup(admin_client_a.get(URL))
        assert len(first.select("table tbody tr")) == 25
        assert "30\u00a0élèves sans INE" in first.get_text()
        second = soup(admin_client_a.get(URL + "?page=2"))
        assert len(second.select("table tbody tr")) == 5
