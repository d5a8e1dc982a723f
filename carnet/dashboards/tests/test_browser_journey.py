"""In Chromium: a teacher picks a division, arrows through three pupils by keyboard, filters
on U31, creates a bilan intermédiaire overriding one proposed level, and opens its PDF."""

import re

import pytest
from playwright.sync_api import Page, expect

from carnet.dashboards.models import Bilan
from carnet.dashboards.tests.builder import results_build
from carnet.dashboards.tests.conftest import first_day

pytestmark = pytest.mark.browser


def test_a_teacher_prepares_a_bilan_from_the_dashboard(live_server, page: Page, klass, log_in):
    results_build(
        scenario=klass.scenario,
        pupils=klass.pupils[:3],
        evaluations=8,
        criteria_per_evaluation=6,
        start=first_day(),
    )
    results_build(
        scenario=klass.scenario,
        pupils=klass.pupils[:3],
        evaluations=1,
        criteria_per_evaluation=4,
        start=first_day(),
        certificative_unit="U31",
        seed=2,
    )
    log_in(page, live_server.url, klass.teacher)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Tableaux de bord"
    ).click()
    page.get_by_label("Division", exact=True).select_option(label="1MELEC-A — Division 1MELEC-A")
    page.get_by_role("button", name="Afficher la division").click()
    page.get_by_label("Élève", exact=True).select_option(label="ÉLÈVE01 Léa")
    page.get_by_role("button", name="Afficher l'élève").click()
    expect(page.locator("#eleve-titre")).to_contain_text("ÉLÈVE01")
    # Two steps forward with the keyboard: the arrow is a link, focused then Enter.
    for expected in ("ÉLÈVE02", "ÉLÈVE03"):
        page.locator("#eleve-suivant").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#eleve-titre")).to_contain_text(expected)
    assert "ÉLÈVE" not in page.url and re.search(r"eleve=\d+", page.url)
    # A reload keeps the pupil.
    page.reload()
    expect(page.locator("#eleve-titre")).to_contain_text("ÉLÈVE03")

    page.get_by_role("checkbox", name=re.compile(r"^U31")).check()
    page.get_by_role("button", name="Filtrer").click()
    assert "unite=U31" in page.url
    expect(page.get_by_role("link", name="Tout afficher")).to_be_visible()
    expect(page.locator("td", has_text="Certificative U31").first).to_be_visible()

    page.get_by_role("link", name="Créer un bilan intermédiaire").first.click()
    select = page.locator("select[name^=niveau_]").first
    proposed = select.input_value()
    assert proposed  # pre-filled with the proposed level
    options = [o for o in select.locator("option").evaluate_all("os => os.map(o => o.value)")]
    other = next(value for value in options if value and value != proposed)
    select.select_option(other)
    page.get_by_label("Commentaire").fill("Bon trimestre.")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bilan intermédiaire du")

    bilan = Bilan.objects.get(pupil=klass.pupils[2])
    changed = bilan.levels.get(decided_id=int(other))
    assert changed.proposed_value is not None and changed.decided.pk == int(other)
    expect(
        page.locator(f'td.decided-level[data-competence="{changed.competency.code}"]')
    ).to_contain_text(changed.decided.label)
    href = page.locator("#bilan-pdf").get_attribute("href")
    answer = page.request.get(live_server.url + href)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
