"""In Chromium, across the demo's two establishments: Volta's administrator finds the pupil
who came from Ampère and asks for his record; Ampère's administrator accepts it; both see
the transfer in their history, and Volta's teachers read what arrived."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from carnet.directory.models import Pupil
from carnet.transfers.models import ReceivedItem
from carnet.web.demo import DEMO_PASSWORD, DEMO_UAI, demo_load
from carnet.web.demo_transfers import MOVER_SIECLE_ID, VOLTA_UAI

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(diplomas):
    demo_load()


def test_a_record_follows_its_pupil_to_the_other_demo_establishment(
    live_server, new_page, demo, log_in
):
    from carnet.accounts.models import User

    volta, ampere = new_page(), new_page()
    log_in(
        volta,
        live_server.url,
        User.objects.get(username=f"admin.{VOLTA_UAI.lower()}"),
        DEMO_PASSWORD,
    )
    log_in(
        ampere,
        live_server.url,
        User.objects.get(username=f"admin.{DEMO_UAI.lower()}"),
        DEMO_PASSWORD,
    )
    mover = Pupil.objects.get(establishment__uai=DEMO_UAI, siecle_eleve_id=MOVER_SIECLE_ID)

    # Volta: Paramètres › Transferts leads to the transfers' page.
    volta.goto(live_server.url + reverse("establishments:transfers"))
    volta.get_by_role("link", name="Transferts des dossiers d'élèves").click()
    arrivals = volta.locator(
        "section",
        has=volta.get_by_role(
            "heading", name="Élèves dont un autre établissement tient un dossier"
        ),
    )
    row = arrivals.get_by_role("row").filter(has_text=mover.last_name)
    expect(row).to_contain_text(DEMO_UAI)
    row.get_by_role("button", name="Demander le dossier").click()
    expect(volta.get_by_role("status").first).to_contain_text("est demandé")

    # Ampère: the request, with the pupil as Ampère knows him; accepted.
    ampere.goto(live_server.url + reverse("transfers:home"))
    received = ampere.locator("section", has=ampere.get_by_role("heading", name="Demandes reçues"))
    expect(received).to_contain_text(mover.ine)
    received.get_by_role("button", name="Accepter et transmettre").click()
    expect(ampere.get_by_role("status").first).to_contain_text("a été transmis")
    ampere.get_by_role("link", name="Visualiser les transferts effectués").click()
    expect(ampere.get_by_role("table")).to_contain_text("Envoyé")

    volta.goto(live_server.url + reverse("transfers:history"))
    expect(volta.get_by_role("table")).to_contain_text("Reçu")
    expect(volta.get_by_role("table")).to_contain_text(DEMO_UAI)
    assert ReceivedItem.objects.filter(pupil__establishment__uai=VOLTA_UAI).exists()
