"""In Chromium, one journey of issue 8: a teacher writes a scenario whose Contexte carries
the establishment's own label (set beforehand for that diploma), links criteria of C2 and
C4, attaches a PDF; then, from that very scenario, « Nouvelle évaluation »: a formative one
whose 10-pupil grid is filled by keyboard only and found again after a reload, then a
certificative one on U31."""

import re

import pytest
from playwright.sync_api import Page, expect

from carnet.establishments.enums import ContextField
from carnet.evaluations.models import Evaluation
from carnet.evaluations.tests.test_browser_grid import (
    CODES,
    TYPED,
    cell,
    level_ids,
    stored,
    wait_saved,
)
from carnet.scenarios.models import Scenario
from carnet.scenarios.tests import corpus
from carnet.scenarios.tests.conftest import storage  # noqa: F401 (fresh uploads' storage)
from carnet.scenarios.tests.test_browser_scenario import (
    CUSTOM_LABEL,
    custom_mask,  # noqa: F401 (the fixture: Paramètres › Masque de saisie, set beforehand)
    write_title,
)

pytestmark = pytest.mark.browser
TITLE = "Mise en service d'un tableau"


def competency(page: Page, code: str):
    return page.locator("details[data-competency]").filter(has_text=re.compile(rf"^\s*{code} "))


def link_criteria(page: Page, code: str, count: int) -> None:
    """Tick the first ``count`` criteria of a competency (never the whole competency)."""
    group = competency(page, code)
    group.locator("summary").click()
    boxes = group.locator("input[data-criterion]")
    for n in range(count):
        boxes.nth(n).check()
    expect(group.get_by_label(f"Évaluer la compétence {code} entière")).not_to_be_checked()
    expect(group.locator("[data-counter]")).to_have_text(re.compile(rf"^{count} critères sur \d+$"))


def test_a_scenario_then_its_evaluations_formative_by_keyboard_and_certificative_on_u31(
    live_server,
    page: Page,
    school,
    custom_mask,  # noqa: F811
    log_in,
    tmp_path,
):
    log_in(page, live_server.url, school.teacher)

    # 1. Titre, then Contexte with the establishment's label (not the national default).
    write_title(page)
    expect(page.get_by_role("heading", level=2, name="Contexte")).to_be_visible()
    expect(page.get_by_label(ContextField.DESCRIPTION.label, exact=True)).to_have_count(0)
    page.get_by_label(CUSTOM_LABEL).fill("Un client veut un tableau en service.")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # 2. Liaison avec le référentiel: criteria of C2 and C4, not the whole competencies.
    expect(page.get_by_role("heading", level=2, name="Liaison avec le référentiel")).to_be_visible()
    link_criteria(page, "C2", 3)
    link_criteria(page, "C4", 2)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # 3. Ressources: a PDF.
    expect(page.get_by_role("heading", level=2, name="Ressources")).to_be_visible()
    pdf = tmp_path / "schéma unifilaire.pdf"
    pdf.write_bytes(corpus.real_pdf())
    page.get_by_label("Fichiers à joindre").set_input_files(pdf)
    page.get_by_role("button", name="Joindre", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Ressource jointe : « schéma unifilaire.pdf »"
    )

    # 4. The scenario as it reads, then « Nouvelle évaluation » from it.
    page.get_by_role("link", name="Voir le scénario", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    context = page.locator("section", has=page.get_by_role("heading", name="2. Contexte"))
    expect(context.get_by_text(CUSTOM_LABEL)).to_be_visible()
    expect(page.get_by_role("link", name="schéma unifilaire.pdf", exact=True)).to_be_visible()
    scenario = Scenario.objects.get(title=TITLE)
    linked = list(scenario.criteria.order_by("competency__code", "position"))
    assert [c.competency.code for c in linked] == ["C2"] * 3 + ["C4"] * 2
    assert not scenario.competencies.exists()

    page.get_by_role("link", name="Nouvelle évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle évaluation")
    expect(page.get_by_text(f"Scénario « {TITLE} »")).to_be_visible()
    # The scenario's five criteria are ticked beforehand, no whole competency.
    targets = page.locator("#targets-field")
    expect(targets.locator("input[name=criteria]:checked")).to_have_count(5)
    expect(targets.locator("input[name=competencies]:checked")).to_have_count(0)
    page.get_by_role("radio", name="Formative").check()
    expect(page.get_by_label("2MELEC-A (division, 10 élèves, votre classe)")).to_be_checked()
    expect(page.locator("#pupils-field input[name=pupils]:checked")).to_have_count(10)
    page.get_by_label("Intitulé").fill("Mise en service, séance 1")
    page.get_by_role("button", name="Créer l'évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mise en service, séance 1")
    formative = Evaluation.objects.get(scenario=scenario)
    columns = formative.targets.order_by("position")
    assert [t.criterion_id for t in columns] == [c.pk for c in linked]

    # 5. Keyboard only: the first cell, then every level (the cursor moves on by itself).
    cell(page, formative, school.pupils[0], 1).focus()
    for row in TYPED:
        for key in row:
            page.keyboard.press(key)
    wait_saved(page)
    page.reload()
    ids = level_ids(school)
    for n, row in enumerate(TYPED):
        for m, key in enumerate(row):
            shown = "" if key == "n" else ids[CODES.get(key, key)]
            expect(cell(page, formative, school.pupils[n], m + 1)).to_have_value(shown)
    assert stored(formative) == {
        (school.pupils[n].pk, m + 1): CODES.get(key, key)
        for n, row in enumerate(TYPED)
        for m, key in enumerate(row)
        if key != "n"
    }

    # 6. Back to the scenario (the grid's breadcrumb): a certificative one, on U31.
    page.locator(".breadcrumb").get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    evaluations = page.locator("section.scenario-evaluations")
    expect(
        evaluations.get_by_role("row", name=re.compile("Mise en service, séance 1"))
    ).to_contain_text("48 / 50")
    evaluations.get_by_role("link", name="Nouvelle évaluation").click()
    page.get_by_role("radio", name="Certificative").check()
    page.get_by_label("Unité certificative").select_option(label="U31 — Réalisation")
    page.get_by_role("button", name="Créer l'évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Certificative U31")
    expect(page.locator("#grid-form select[name^='c-']")).to_have_count(50)
    certificative = Evaluation.objects.get(scenario=scenario, kind="certificative")
    assert certificative.unit.code == "U31"
    assert certificative.assignments.count() == 10
    assert [t.criterion_id for t in certificative.targets.order_by("position")] == [
        c.pk for c in linked
    ]
    assert stored(certificative) == {}
