"""In Chromium: a teacher writes a scenario, section by section, whose Contexte carries the
establishment's own label; with JavaScript (htmx, live counters) and without."""

import re

import pytest
from playwright.sync_api import Page, expect

from carnet.establishments.enums import ContextField
from carnet.establishments.models import EntryMaskLabel
from carnet.scenarios.models import Scenario
from carnet.scenarios.tests import corpus

pytestmark = pytest.mark.browser
CUSTOM_LABEL = "Situation professionnelle de l'atelier"
MELEC = "Baccalauréat professionnel Métiers de l’électricité et de ses environnements connectés"


@pytest.fixture
def custom_mask(establishment, diplomas):
    return EntryMaskLabel.objects.create(
        establishment=establishment,
        diploma=diplomas["BP-MELEC"],
        field=ContextField.DESCRIPTION,
        label=CUSTOM_LABEL,
    )


def write_title(page: Page) -> None:
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Scénarios pédagogiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scénarios pédagogiques")
    page.get_by_role("link", name="Nouveau scénario").click()
    page.get_by_role("textbox", name="Titre").fill("Mise en service d'un tableau")
    page.get_by_label("Ce scénario s'intègre dans les enseignements de co-intervention").check()
    page.get_by_label("Diplôme").select_option(label=MELEC)
    page.get_by_label("Niveau de classe").select_option(label="Première")
    page.get_by_role("button", name="Créer le scénario").click()


def test_a_teacher_writes_a_scenario_in_four_sections(
    live_server, page: Page, users, custom_mask, log_in, tmp_path
):
    log_in(page, live_server.url, users["enseignant"])
    write_title(page)
    expect(page.get_by_role("status")).to_contain_text("Décrivez maintenant son contexte")
    expect(page.get_by_role("heading", level=2, name="Contexte")).to_be_visible()
    # The establishment's own label, from Paramètres › Masque de saisie.
    page.get_by_label(CUSTOM_LABEL).fill("Un client veut un devis.\n\n- relever\n- chiffrer")
    page.get_by_label(ContextField.EQUIPMENT.label).fill("Multimètre, pince ampèremétrique")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=2, name="Liaison avec le référentiel")).to_be_visible()
    c2 = page.locator("details[data-competency]").filter(has_text=re.compile(r"^\s*C2 "))
    c2.locator("summary").click()
    boxes = c2.locator("input[data-criterion]")
    boxes.nth(0).check()
    boxes.nth(2).check()
    expect(c2.locator("[data-counter]")).to_have_text(re.compile(r"^2 critères sur \d+$"))
    c4 = page.locator("details[data-competency]").filter(has_text=re.compile(r"^\s*C4 "))
    c4.locator("summary").click()
    c4.get_by_label("Évaluer la compétence C4 entière").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=2, name="Ressources")).to_be_visible()
    pdf = tmp_path / "dossier technique.pdf"
    pdf.write_bytes(corpus.real_pdf())
    page.get_by_label("Fichiers à joindre").set_input_files(pdf)
    page.get_by_role("button", name="Joindre", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Ressource jointe : « dossier technique.pdf »"
    )
    expect(page.get_by_role("link", name="dossier technique.pdf")).to_be_visible()

    page.get_by_role("link", name="Voir le scénario", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mise en service d'un tableau")
    context = page.locator("section", has=page.get_by_role("heading", name="2. Contexte"))
    expect(context.get_by_text(CUSTOM_LABEL)).to_be_visible()
    expect(context.locator("li")).to_have_text(["relever", "chiffrer"])
    links = page.locator("section", has=page.get_by_role("heading", name="3. Liaison"))
    expect(links).to_contain_text("compétence entière")
    scenario = Scenario.objects.get()
    assert scenario.co_intervention and scenario.criteria.count() == 2
    assert scenario.competencies.get().code == "C4"


def test_without_javascript(live_server, new_page, users, custom_mask, log_in):
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, users["enseignant"])
    write_title(page)
    page.get_by_label(CUSTOM_LABEL).fill("Paragraphe.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Section « Contexte » enregistrée.")
    expect(page.get_by_label(CUSTOM_LABEL)).to_have_value("Paragraphe.")
    page.get_by_role("link", name="3. Liaison avec le référentiel").click()
    first = page.locator("details[data-competency]").first
    first.locator("summary").click()  # a <details>: opens without JavaScript
    first.locator("input[data-criterion]").first.check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("[data-counter]").first).to_have_text(re.compile(r"^1 critère sur \d+$"))
    assert Scenario.objects.get().criteria.count() == 1
