"""In Chromium: a teacher creates evaluations and fills the grid by keyboard only; columns
and rows filled at once; offline then back online without losing a cell; the same grid
without JavaScript; two co-authors in two browsers."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from carnet.evaluations.models import Evaluation, Result
from carnet.evaluations.selectors import scale_of

pytestmark = pytest.mark.browser

SAVED = "Tout est enregistré."


def grid_url(live_server, evaluation) -> str:
    return live_server.url + reverse("evaluations:grid", args=[evaluation.pk])


def cell(page: Page, evaluation, pupil, position: int):
    target = evaluation.targets.get(position=position)
    return page.locator(f'select[name="c-{target.pk}-{pupil.pk}"]')


def level_ids(school) -> dict[str, str]:
    return {level.code: str(level.pk) for level in scale_of(diploma_id=school.diploma.pk)}


def stored(evaluation) -> dict:
    return {
        (r.pupil_id, r.target.position): r.level.code
        for r in Result.objects.filter(evaluation=evaluation).select_related("level", "target")
    }


def wait_saved(page: Page):
    expect(page.get_by_role("status").filter(has_text=re.compile("enregistr"))).to_have_text(SAVED)


# What the teacher types, row by row (5 columns): the scale's keys, « n », a letter of AZERTY.
TYPED = [
    ["1", "2", "3", "4", "a"],
    ["3", "3", "d", "4", "2"],
    ["4", "4", "4", "4", "4"],
    ["2", "n", "3", "1", "3"],
    ["a", "a", "a", "a", "a"],
    ["3", "2", "1", "2", "3"],
    ["4", "3", "3", "3", "4"],
    ["1", "1", "2", "2", "1"],
    ["d", "3", "4", "n", "2"],
    ["3", "4", "3", "4", "3"],
]
CODES = {"a": "absent", "d": "dispense"}


def test_a_formative_evaluation_filled_by_keyboard_then_a_certificative_one_on_u31(
    live_server, page: Page, school, log_in
):
    log_in(page, live_server.url, school.teacher)
    page.goto(live_server.url + reverse("evaluations:create", args=[school.scenario.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle évaluation")
    # The teacher's division is ticked, its ten pupils listed (htmx refreshes them).
    expect(page.get_by_label("2MELEC-A (division, 10 élèves, votre classe)")).to_be_checked()
    page.get_by_label("GR-ATELIER (groupe, 0 élève)").check()
    both = ",".join(sorted(str(pk) for pk in (school.division.pk, school.group.pk)))
    expect(page.locator("input[name=pupils_for]")).to_have_value(both)
    expect(page.locator("#pupils-field input[name=pupils]:checked")).to_have_count(10)
    page.get_by_label("GR-ATELIER (groupe, 0 élève)").uncheck()
    # The list is made again for the division alone (a list made for other divisions would
    # be shown again before anything is created).
    expect(page.locator("input[name=pupils_for]")).to_have_value(str(school.division.pk))
    page.get_by_label("Intitulé").fill("Câblage du tableau, séance 1")
    page.get_by_role("button", name="Créer l'évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Câblage du tableau, séance 1")
    evaluation = Evaluation.objects.get()

    # Keyboard only: focus the first cell, then type every level (the cursor moves right,
    # then on to the next pupil); on AZERTY, « & » is the 1 key without Shift.
    cell(page, evaluation, school.pupils[0], 1).focus()
    for n, row in enumerate(TYPED):
        for m, key in enumerate(row):
            if n == 0 and m == 0:
                page.keyboard.down("Shift")  # nothing: a modifier alone types no level
                page.keyboard.up("Shift")
            page.keyboard.press(key)
    wait_saved(page)
    expect(cell(page, evaluation, school.pupils[0], 1).locator("xpath=..")).to_have_attribute(
        "data-state", "saved"
    )
    page.reload()
    for n, row in enumerate(TYPED):
        for m, key in enumerate(row):
            select = cell(page, evaluation, school.pupils[n], m + 1)
            shown = "" if key == "n" else level_ids(school)[CODES.get(key, key)]
            expect(select).to_have_value(shown)
    assert len(stored(evaluation)) == 48

    # Then a certificative one, on U31.
    page.goto(live_server.url + reverse("evaluations:create", args=[school.scenario.pk]))
    page.get_by_role("radio", name="Certificative").check()
    page.get_by_label("Unité certificative").select_option(label="U31 — Réalisation")
    page.get_by_role("button", name="Créer l'évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Certificative U31")
    certificative = Evaluation.objects.get(kind="certificative")
    assert certificative.assignments.count() == 10


@pytest.fixture
def evaluation(school):
    return school.evaluate()


def test_keys_arrows_enter_delete_and_a_column_then_a_row_filled_at_once(
    live_server, page: Page, school, evaluation, log_in
):
    log_in(page, live_server.url, school.teacher)
    page.goto(grid_url(live_server, evaluation))
    ids = level_ids(school)
    first = cell(page, evaluation, school.pupils[0], 1)
    first.focus()
    # On AZERTY, the « 1 » key without Shift types « & » (Playwright's keyboard is QWERTY:
    # the event is sent as that key would send it).
    first.dispatch_event("keydown", {"key": "&", "code": "Digit1", "bubbles": True})
    expect(first).to_have_value(ids["1"])
    first.focus()
    page.keyboard.press("Delete")
    expect(first).to_have_value("")
    page.keyboard.press("Enter")  # down
    page.keyboard.press("ArrowRight")
    expect(cell(page, evaluation, school.pupils[1], 2)).to_be_focused()
    page.keyboard.press("x")  # not a key of the scale: nothing
    expect(cell(page, evaluation, school.pupils[1], 2)).to_have_value("")

    # « tous à 3 » in the first column (its « Compléter » cell, above), then adjust.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    fill_column = page.get_by_label("Compléter les cases vides de la colonne C2.1")
    expect(fill_column).to_be_focused()
    page.keyboard.press("3")
    expect(page.get_by_role("status")).to_contain_text(
        "10 cases vides complétées avec « 3 Maîtrisé »."
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("4")  # the second pupil: 4 instead
    # A row: « Compléter les cases vides de la ligne » of the third pupil, with « a ».
    row_fill = page.get_by_label(f"Compléter les cases vides de la ligne de {school.pupils[2]}")
    row_fill.focus()
    page.keyboard.press("a")
    wait_saved(page)
    page.reload()
    values = stored(evaluation)
    assert [values[p.pk, 1] for p in school.pupils] == ["3", "4"] + ["3"] * 8
    assert [values[school.pupils[2].pk, n] for n in range(1, 6)] == ["3"] + ["absent"] * 4
    assert len(values) == 14
    expect(cell(page, evaluation, school.pupils[2], 5)).to_have_value(ids["absent"])


@pytest.fixture
def offline_page(browser):
    """A page whose requests may fail (offline): those failures are what the test is about,
    any other console error or JavaScript error still fails it (as ``new_page`` does)."""
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"erreur JavaScript : {error}"))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and "ERR_INTERNET_DISCONNECTED" not in m.text
            and problems.append(m.text)
        ),
    )
    yield page
    context.close()
    assert problems == []


def test_offline_then_back_online_without_losing_a_cell(
    live_server, offline_page, school, evaluation, log_in
):
    page = offline_page
    log_in(page, live_server.url, school.teacher)
    page.goto(grid_url(live_server, evaluation))
    cell(page, evaluation, school.pupils[0], 1).focus()
    page.keyboard.press("2")
    wait_saved(page)

    page.context.set_offline(True)
    for key in ("3", "4", "a", "1", "2"):  # the rest of the first row, then the second's
        page.keyboard.press(key)
    status = page.get_by_role("status")
    expect(status).to_contain_text("non enregistrée")
    failed = page.locator('td[data-state="failed"]')
    expect(failed).to_have_count(5)
    expect(failed.first.locator(".cell-state")).to_have_text(
        "non enregistrée, nouvel essai automatique"
    )
    # Leaving now would lose them: the page asks first (and stays).
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.evaluate("() => { setTimeout(() => location.reload(), 0); }")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(failed).to_have_count(5)
    assert len(stored(evaluation)) == 1

    page.keyboard.press("d")  # one more while offline (the second pupil's second cell)
    page.context.set_offline(False)
    wait_saved(page)
    expect(page.locator('td[data-state="failed"]')).to_have_count(0)
    page.reload()
    values = stored(evaluation)
    assert [values[school.pupils[0].pk, n] for n in range(1, 6)] == ["2", "3", "4", "absent", "1"]
    assert [values[school.pupils[1].pk, n] for n in (1, 2)] == ["2", "dispense"]


def test_without_javascript_the_grid_is_a_form(live_server, new_page, school, evaluation, log_in):
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, school.teacher)
    page.goto(grid_url(live_server, evaluation))
    expect(page.locator("#grid-toolbar")).to_be_hidden()
    ids = level_ids(school)
    cell(page, evaluation, school.pupils[0], 1).select_option(ids["4"])
    cell(page, evaluation, school.pupils[3], 5).select_option(label="Absent")
    page.get_by_label("Compléter les cases vides de la colonne C2.2").select_option(
        label="2 Insuffisamment maîtrisé"
    )
    page.get_by_role("textbox", name=re.compile(f"Commentaire {school.pupils[0]}")).fill(
        "Rigoureux"
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Grille enregistrée : 12 cases enregistrées et 1 commentaire enregistré."
    )
    expect(cell(page, evaluation, school.pupils[0], 1)).to_have_value(ids["4"])
    expect(cell(page, evaluation, school.pupils[9], 2)).to_have_value(ids["2"])
    values = stored(evaluation)
    assert values[school.pupils[3].pk, 5] == "absent" and len(values) == 12


def test_two_co_authors_in_two_browsers(live_server, new_page, school, log_in):
    for pupil in school.pupils[:3]:
        pupil.groups.add(school.group)
    evaluation = school.evaluate(divisions=[school.division, school.group])
    teacher, co_author = new_page(), new_page()
    log_in(teacher, live_server.url, school.teacher)
    log_in(co_author, live_server.url, school.co_author)
    for page in (teacher, co_author):
        page.goto(grid_url(live_server, evaluation))
    ids = level_ids(school)

    cell(teacher, evaluation, school.pupils[0], 1).focus()
    teacher.keyboard.press("2")  # then moves to column 2
    teacher.keyboard.press("2")
    # (One save after the other: the test database, SQLite in memory, refuses two writers
    # at once, where a real one makes the second wait; test_concurrency.py runs them at
    # once on PostgreSQL.)
    wait_saved(teacher)
    cell(co_author, evaluation, school.pupils[1], 1).focus()
    co_author.keyboard.press("4")
    wait_saved(co_author)
    # The same cell, the co-author after the teacher: the later write wins.
    cell(co_author, evaluation, school.pupils[0], 1).focus()
    co_author.keyboard.press("3")
    wait_saved(co_author)
    # The co-author's rows are only the group's: the others are read-only there.
    expect(co_author.locator(f'select[name$="-{school.pupils[5].pk}"]')).to_have_count(0)

    for page in (teacher, co_author):
        page.reload()
        expect(cell(page, evaluation, school.pupils[0], 1)).to_have_value(ids["3"])
        expect(cell(page, evaluation, school.pupils[0], 2)).to_have_value(ids["2"])
        expect(cell(page, evaluation, school.pupils[1], 1)).to_have_value(ids["4"])
    assert stored(evaluation) == {
        (school.pupils[0].pk, 1): "3",
        (school.pupils[0].pk, 2): "2",
        (school.pupils[1].pk, 1): "4",
    }
