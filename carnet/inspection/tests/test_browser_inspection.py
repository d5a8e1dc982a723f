"""In Chromium, the journey of the issue: the head opens an access for a new inspector (who
is e-mailed a link: the head never sees a password), the inspector follows the link, chooses
their password, signs in, consults the establishment; the head closes the access; the
inspector's next page is refused."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory
from carnet.inspection.models import school_year_end
from carnet.inspection.tests.factories import today

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Inspection-Carnet-2027!"


def field(page: Page, label: str):
    """The field of that label; a required field's label ends with « * »."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def invitation_to(address: str):
    """The one e-mail sent to ``address``: the live server runs in this process, and the test
    settings' locmem backend keeps what it sends in ``django.core.mail.outbox``."""
    (message,) = [m for m in mail.outbox if address in m.to]
    return message


@pytest.fixture
def inspector_page(browser):
    """A page of its own for the inspector, JavaScript on, French, Paris time.

    Not ``new_page``: its final load is *meant* to be refused, and chromium reports any 403
    page as a console error, which ``new_page`` turns into a failure. Console errors and
    JavaScript errors are collected here instead; the test says which one it expects.
    """
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []

    def console(message):
        if message.type == "error":
            page.problems.append(f"{message.text} ({message.location.get('url') or ''})")

    page.on("pageerror", lambda error: page.problems.append(f"erreur JavaScript : {error}"))
    page.on("console", console)
    yield page
    context.close()


def test_open_consult_close(
    live_server, new_page, inspector_page, users, establishment, diplomas, log_in
):
    division = DivisionFactory(
        establishment=establishment,
        code="TMELEC",
        label="Terminale MELEC",
        school_year__start_year=school_year_start(today()),
        diploma=diplomas["BP-MELEC"],
    )
    PupilFactory.create_batch(2, establishment=establishment, division=division)

    # The head opens the access.
    head = new_page()
    log_in(head, live_server.url, users["chef"])
    head.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Accès inspecteur"
    ).click()
    expect(head.get_by_role("heading", level=1)).to_have_text("Accès inspecteur")
    field(head, "Adresse électronique de l'inspecteur").fill("jeanne.dupre@ac-nantes.fr")
    field(head, "Prénom").fill("Jeanne")
    field(head, "Nom").fill("Dupré")
    expect(field(head, "Date de début")).to_have_value(today().isoformat())
    field(head, "Date de fin").fill(school_year_end(today()).isoformat())
    field(head, "Note").fill("Visite des CCF")
    head.get_by_role("button", name="Ouvrir l'accès").click()
    # Back on the list: the account is created, the inspector is told by e-mail.
    expect(head.get_by_role("heading", level=1)).to_have_text("Accès inspecteur")
    expect(head.get_by_role("status")).to_contain_text(
        "Le compte de Jeanne Dupré a été créé et son accès est ouvert du "
        f"{today():%d/%m/%Y} au {school_year_end(today()):%d/%m/%Y}. Un message a été envoyé "
        "à jeanne.dupre@ac-nantes.fr pour que l'inspecteur choisisse son mot de passe : le "
        "lien est valable une heure"
    )
    current = head.get_by_role("region", name="Accès en cours")
    expect(current.get_by_role("row", name=re.compile("Jeanne Dupré"))).to_contain_text(
        f"{school_year_end(today()):%d/%m/%Y}"
    )
    message = invitation_to("jeanne.dupre@ac-nantes.fr")
    assert len(mail.outbox) == 1
    assert "Votre identifiant : jeanne.dupre" in message.body
    link = re.search(r"https?://\S+", message.body).group(0)
    assert link.startswith(live_server.url + "/mot-de-passe-oublie/"), link
    token = link.rstrip("/").rsplit("/", 1)[-1]
    # The head's page holds neither the link nor a password.
    assert token not in head.content()
    expect(head.get_by_text(re.compile("mot de passe provisoire", re.IGNORECASE))).to_have_count(0)

    # The inspector follows the link and chooses their password.
    inspector = inspector_page
    inspector.goto(link)
    expect(inspector.get_by_role("heading", level=1)).to_have_text("Nouveau mot de passe")
    inspector.get_by_label(re.compile("^Nouveau mot de passe")).fill(NEW_PASSWORD)
    inspector.get_by_label(re.compile("^Confirmation du nouveau mot de passe")).fill(NEW_PASSWORD)
    inspector.get_by_role("button", name="Valider").click()
    expect(inspector.get_by_role("status")).to_contain_text(
        "Votre nouveau mot de passe est enregistré."
    )
    assert token not in inspector.url  # Django's view hides the token from the address bar
    inspector.get_by_role("link", name="Se connecter").click()

    # Then signs in with it: no password change asked, straight to their home.
    inspector.get_by_label("Identifiant").fill("jeanne.dupre")
    inspector.get_by_label("Mot de passe").fill(NEW_PASSWORD)
    inspector.get_by_role("button", name="Se connecter").click()

    # The establishments granted, « Consulter », the establishment read-only.
    expect(inspector.get_by_role("heading", level=1)).to_have_text("Établissements accessibles")
    inspector.get_by_role("button", name="Consulter Lycée professionnel A").click()
    expect(inspector.get_by_role("heading", level=1)).to_have_text("Lycée professionnel A")
    row = inspector.get_by_role("row", name=re.compile("^TMELEC"))
    expect(row).to_contain_text(diplomas["BP-MELEC"].title)
    expect(row.get_by_role("cell").last).to_have_text("2")
    expect(inspector.locator("main form")).to_have_count(0)

    # The head closes the access (confirmation step).
    head.get_by_role("link", name="Fermer l'accès de Jeanne Dupré").click()
    expect(head.get_by_role("heading", level=1)).to_have_text("Fermer l'accès d'un inspecteur")
    head.get_by_role("button", name="Fermer l'accès", exact=True).click()
    expect(head.get_by_role("status")).to_contain_text("L'accès de Jeanne Dupré est fermé")
    expect(head.get_by_role("region", name="Accès en cours")).to_contain_text(
        "Aucun inspecteur ne peut consulter"
    )

    # The inspector's next page load is refused.
    response = inspector.reload()
    assert response.status == 403
    expect(inspector.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    expect(inspector.get_by_text("TMELEC")).to_have_count(0)
    inspector.get_by_role("link", name="Revenir à l'accueil").click()
    expect(inspector.get_by_text("Aucun établissement ne vous a ouvert d'accès")).to_be_visible()
    # Nothing went wrong in the inspector's browser but that one refusal.
    refused = live_server.url + "/inspection/etablissement/"
    assert inspector.problems == [
        f"Failed to load resource: the server responded with a status of 403 (Forbidden) "
        f"({refused})"
    ]
