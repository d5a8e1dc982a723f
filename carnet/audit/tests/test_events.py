import zoneinfo

import pytest
from django.urls import reverse

from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.core.tests.html import soup

URL = reverse("audit:events")


@pytest.mark.django_db
class TestAuditTrail:
    def test_admin_and_head_read_their_establishment_events_only(
        self, users, client_of, establishment, other_establishment
    ):
        audit_event_record(
            establishment=establishment,
            actor=users["administrateur"],
            action=AuditAction.IDENTITY_UPDATED,
            changes={"Commune": ["Lyon", "Villeurbanne"]},
        )
        audit_event_record(
            establishment=other_establishment,
            actor=users["admin_autre"],
            action=AuditAction.IDENTITY_UPDATED,
            changes={"Commune": ["Metz", "SECRETVILLE"]},
        )
        for profile in ("administrateur", "chef"):
            page = soup(client_of(users[profile]).get(URL))
            rows = page.select("tbody tr")
            assert len(rows) == 1
            cells = [td.get_text(" ", strip=True) for td in rows[0].find_all("td")]
            assert cells[1] == "Administrateur (Administrateur)"
            assert cells[2] == "Identité de l'établissement modifiée"
            assert "« Lyon » → « Villeurbanne »" in cells[3]
        page = client_of(users["chef_autre"]).get(URL).content.decode()
        assert "SECRETVILLE" in page and "Villeurbanne" not in page

    def test_dates_are_dd_mm_yyyy(self, users, client_of, establishment):
        event = audit_event_record(
            establishment=establishment, actor=None, action=AuditAction.MASK_RESET
        )
        first_cell = soup(client_of(users["chef"]).get(URL)).select_one("tbody td").get_text()
        paris = event.created_at.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
        assert first_cell == paris.strftime("%d/%m/%Y %H:%M")

    def test_actor_label_survives_the_account(self, users, client_of, establishment):
        audit_event_record(
            establishment=establishment, actor=users["enseignant"], action=AuditAction.MASK_RESET
        )
        label = f"{users['enseignant'].display_name} (Enseignant)"
        users["enseignant"].delete()
        assert label in client_of(users["chef"]).get(URL).content.decode()
