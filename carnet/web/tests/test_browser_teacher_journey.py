"""In Chromium, the teacher's journey of issue 8 from end to end: a scenario written in its
four sections (with the establishment's own label of the masque de saisie), C2 and C4
criteria linked, a PDF attached; from the scenario's page a formative evaluation whose grid
of ten pupils is filled by keyboard only; a reload finds every value; then a certificative
evaluation on U31."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.establishments.enums import ContextField
from carnet.establishments.models import EntryMaskLabel
from carnet.evaluations.models import Evaluation, Result
from carnet.scenarios.models import Scenario
from carnet.scenarios.tests import corpus

pytestmark = pytest.mark.browser
MELEC = "Baccalauréat professionnel Métiers de l’électricité et de ses environnements connectés"
LABEL = "Situation de travail proposée"
# Ten pupils × four criteria, typed in order (the cursor moves right, then down).
TYPED = ["1", "2", "3", "4"] * 5 + ["a", "d", "n", "3"] * 5
CODES = {"a": "absent", "d": "dispense"}


@pytest.fixture
def division(establishment, users, diplomas):
    EntryMaskLabel.objects.create(
        establishment=establishment,
        diploma=diplomas["BP-MELEC"],
        field=ContextField.DESCRIPTION,
        label=LABEL,
    )
    division = DivisionFactory(
        establishment=establishment,
        code="2MELEC-B",
        school_year__start_year=school_year_start(timezone.localdate()),
        diploma=diplomas["BP-MELEC"],
    )
    for n in range(10):
        PupilFactory(establishment=establishment, division=division, last_name=f"PUPILLE{n:02d}")
    StaffMemberFactory(establishment=establishment, user=users["enseignant"]).divisions.set(
        [division]
    )
    return division


def link_two_criteria(page: Page, code: str) -> None:
    block = page.locator("details[data-competency]").filter(has_text=re.compile(rf"^\s*{code} "))
    block.locator("summary").click()
    boxes = block.locator("input[data-criterion]")
    boxes.nth(0).check()
    boxes.nth(1).check()


def test_a_teacher_runs_a_scenario_from_writing_to_grades(
    live_server, page: Page, users, division, log_in, tmp_path
):
    log_in(page, live_server.url, users["enseignant"])
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Scénarios pédagogiques"
    ).click()
    page.get_by_role("link", name="Nouveau scénario").click()
    page.get_by_role("textbox", name="Titre").fill("Câblage d'un coffret de chantier")
    page.get_by_label("Diplôme").select_option(label=MELEC)
    page.get_by_label("Niveau de classe").select_option(label="Seconde")
    page.get_by_role("button", name="Créer le scénario").click()

    # Contexte: the establishment's own label.
    page.get_by_label(LABEL).fill("Un artisan prépare un coffret pour un chantier.")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    # Liaison: two criteria of C2, two of C4.
    link_two_criteria(page, "C2")
    link_two_criteria(page, "C4")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    # Ressources: a PDF.
    pdf = tmp_path / "schéma du coffret.pdf"
    pdf.write_bytes(corpus.real_pdf())
    page.get_by_label("Fichiers à joindre").set_input_files(pdf)
    page.get_by_role("button", name="Joindre", exact=True).click()
    expect(page.get_by_role("link", name="schéma du coffret.pdf")).to_be_visible()
    page.get_by_role("link", name="Voir le scénario", exact=True).click()
    scenario = Scenario.objects.get()
    assert sorted(c.competency.code for c in scenario.criteria.all()) == ["C2", "C2", "C4", "C4"]

    # From the scenario's page: a formative evaluation of the division.
    page.get_by_role("link", name="Nouvelle évaluation").click()
    page.get_by_label("Intitulé").fill("Coffret, séance 1")
    page.get_by_role("button", name="Créer l'évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Coffret, séance 1")
    evaluation = Evaluation.objects.get()
    assert evaluation.assignments.count() == 10 and evaluation.targets.count() == 4

    # The grid, by keyboard only.
    page.locator("select[name^='c-']").first.focus()
    for key in TYPED:
        page.keyboard.press(key)
    expect(page.get_by_role("status").filter(has_text=re.compile("enregistr"))).to_have_text(
        "Tout est enregistré."
    )
    page.reload()
    pupils = [a.pupil for a in evaluation.assignments.order_by("pupil__last_name")]
    targets = list(evaluation.targets.order_by("position"))
    levels = {lv.code: str(lv.pk) for lv in scenario.diploma.scale.all()}
    for index, key in enumerate(TYPED):
        pupil, target = pupils[index // 4], targets[index % 4]
        shown = "" if key == "n" else levels[CODES.get(key, key)]
        expect(page.locator(f'select[name="c-{target.pk}-{pupil.pk}"]')).to_have_value(shown)
    assert Result.objects.filter(evaluation=evaluation).count() == 35  # 5 « n » left empty

    # Then a certificative one, on U31 (C2 and C4 are certified there).
    page.goto(live_server.url + reverse("scenarios:detail", args=[scenario.pk]))
    page.get_by_role("link", name="Nouvelle évaluation").click()
    page.get_by_role("radio", name="Certificative").check()
    page.get_by_label("Unité certificative").select_option(label="U31 — Réalisation")
    page.get_by_role("button", name="Créer l'évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Certificative U31")
    certificative = Evaluation.objects.get(kind="certificative")
    assert certificative.unit.code == "U31" and certificative.assignments.count() == 10
