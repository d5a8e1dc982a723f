"""In Chromium: each cell of the grid says its own saving state, in words as well as with its
mark (« en cours d'enregistrement », « enregistrée », « non enregistrée, refusée : … »);
quick keystrokes go together in one small request, one request at a time; a comment saves
itself a moment after the teacher stops typing."""

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from carnet.directory.enums import PupilStatus
from carnet.evaluations.models import EvaluationPupil
from carnet.evaluations.tests.test_browser_grid import (
    cell,
    grid_url,
    level_ids,
    stored,
    wait_saved,
)

pytestmark = pytest.mark.browser

SAVING = "en cours d'enregistrement"
SAVED = "enregistrée"


def state_of(page: Page, evaluation, pupil, position: int):
    """The cell's <td>: its data-state, and its words for screen readers (.cell-state)."""
    return cell(page, evaluation, pupil, position).locator("xpath=..")


class SaveRequests:
    """The grid's save requests (POST to its « cases » address): each one's JSON body, and,
    while ``hold`` is on, the requests held back (not sent on until ``release``)."""

    def __init__(self, page: Page, evaluation, live_server):
        self.page = page
        self.bodies: list[dict] = []
        self.held: list = []
        self.hold = True
        url = live_server.url + reverse("evaluations:cells", args=[evaluation.pk])
        page.route(url, self._handle)

    def _handle(self, route, request):
        self.bodies.append(json.loads(request.post_data))
        if self.hold:
            self.held.append(route)
        else:
            route.continue_()

    def wait_for(self, count: int) -> None:
        """Until ``count`` requests were made (the handler runs while Playwright waits)."""
        for _ in range(100):
            if len(self.bodies) >= count:
                return
            self.page.wait_for_timeout(50)
        pytest.fail(f"{count} requête(s) d'enregistrement attendue(s), {len(self.bodies)} vue(s)")

    def release(self) -> None:
        self.hold = False
        while self.held:
            self.held.pop(0).continue_()


@pytest.fixture
def evaluation(school):
    return school.evaluate()


def test_being_saved_while_the_request_is_held_back_then_saved_in_one_small_request(
    live_server, page: Page, school, evaluation, log_in
):
    log_in(page, live_server.url, school.teacher)
    page.goto(grid_url(live_server, evaluation))
    requests = SaveRequests(page, evaluation, live_server)
    pupil, targets = school.pupils[0], list(evaluation.targets.order_by("position"))
    ids = level_ids(school)

    # Three quick keystrokes on three cells of the first row (the cursor moves right).
    cell(page, evaluation, pupil, 1).focus()
    for key in ("3", "4", "a"):
        page.keyboard.press(key)
    requests.wait_for(1)
    # One request, with only these three cells: not the grid, not one request per cell.
    assert requests.bodies == [
        {
            "cells": [
                {"pupil": pupil.pk, "target": targets[0].pk, "level": int(ids["3"])},
                {"pupil": pupil.pk, "target": targets[1].pk, "level": int(ids["4"])},
                {"pupil": pupil.pk, "target": targets[2].pk, "level": int(ids["absent"])},
            ],
            "comments": [],
        }
    ]
    # Held back by the network: each cell says it is being saved, and nothing is saved yet.
    for position in (1, 2, 3):
        td = state_of(page, evaluation, pupil, position)
        expect(td).to_have_attribute("data-state", "saving")
        expect(td.locator(".cell-state")).to_have_text(SAVING)
    expect(state_of(page, evaluation, pupil, 4)).not_to_have_attribute("data-state", "saving")
    expect(page.locator("#grid-status")).to_have_text("Enregistrement en cours…")
    assert stored(evaluation) == {}

    # One request at a time: a fourth cell typed meanwhile waits for the first to be answered.
    page.keyboard.press("2")
    page.wait_for_timeout(800)  # twice the script's grouping delay
    assert len(requests.bodies) == 1
    expect(state_of(page, evaluation, pupil, 4)).to_have_attribute("data-state", "saving")

    requests.release()
    wait_saved(page)
    for position in (1, 2, 3, 4):
        td = state_of(page, evaluation, pupil, position)
        expect(td).to_have_attribute("data-state", "saved")
        expect(td.locator(".cell-state")).to_have_text(SAVED)
    # The fourth went on its own, once the first request was answered.
    assert len(requests.bodies) == 2
    assert requests.bodies[1]["cells"] == [
        {"pupil": pupil.pk, "target": targets[3].pk, "level": int(ids["2"])}
    ]
    assert stored(evaluation) == {
        (pupil.pk, 1): "3",
        (pupil.pk, 2): "4",
        (pupil.pk, 3): "absent",
        (pupil.pk, 4): "2",
    }


def test_a_cell_the_server_refuses_says_so_and_why(
    live_server, page: Page, school, evaluation, log_in
):
    log_in(page, live_server.url, school.teacher)
    page.goto(grid_url(live_server, evaluation))
    # While the grid is open, the last pupil leaves the school: their row is read-only now.
    leaver, stayer = school.pupils[9], school.pupils[8]
    leaver.status = PupilStatus.LEFT
    leaver.save(update_fields=["status"])
    requests = SaveRequests(page, evaluation, live_server)
    requests.hold = False

    cell(page, evaluation, stayer, 5).focus()
    page.keyboard.press("4")  # then on to the next row: the leaver's first cell
    page.keyboard.press("3")
    requests.wait_for(1)

    refused = state_of(page, evaluation, leaver, 1)
    expect(refused).to_have_attribute("data-state", "refused")
    why = (
        f"{leaver.last_name} {leaver.first_name} : ligne en lecture seule pour vous (élève "
        "sorti, ou d'une division que vous n'enseignez pas) ; rien n'a été enregistré pour cet "
        "élève."
    )
    expect(refused.locator(".cell-state")).to_have_text(f"non enregistrée, refusée : {why}")
    expect(refused).to_have_attribute("title", why)  # for the mouse, as the « ! » invites
    # The screen reader hears it with the cell itself.
    expect(cell(page, evaluation, leaver, 1)).to_have_accessible_description(
        re.compile("non enregistrée, refusée")
    )
    expect(state_of(page, evaluation, stayer, 5)).to_have_attribute("data-state", "saved")
    status = page.locator("#grid-status")
    expect(status).to_have_text(
        "1 modification refusée : survolez ou parcourez les cases marquées « ! » pour savoir "
        "pourquoi."
    )
    expect(status).to_have_class(re.compile(r"\bis-failed\b"))
    assert len(requests.bodies) == 1  # one request for both: one saved, one refused
    assert stored(evaluation) == {(stayer.pk, 5): "4"}


def test_a_comment_saves_itself_after_typing_and_is_there_after_a_reload(
    live_server, page: Page, school, evaluation, log_in
):
    log_in(page, live_server.url, school.teacher)
    page.goto(grid_url(live_server, evaluation))
    pupil = school.pupils[1]
    comment = page.get_by_role("textbox", name=re.compile(f"Commentaire {pupil}"))
    td = comment.locator("xpath=..")
    comment.click()
    comment.press_sequentially("Soigneux ; à revoir : le serrage des bornes.")
    # Still in the field (no change event): the pause after typing is what saves it.
    expect(td).to_have_attribute("data-state", "saved")
    expect(td.locator(".cell-state")).to_have_text(SAVED)
    expect(comment).to_be_focused()
    wait_saved(page)
    row = EvaluationPupil.objects.get(evaluation=evaluation, pupil=pupil)
    assert row.comment == "Soigneux ; à revoir : le serrage des bornes."

    page.reload()
    expect(comment).to_have_value("Soigneux ; à revoir : le serrage des bornes.")
    others = page.locator("textarea[name^='comment-']")
    expect(others).to_have_count(10)
    for n in range(10):
        if n != 1:
            expect(others.nth(n)).to_have_value("")
