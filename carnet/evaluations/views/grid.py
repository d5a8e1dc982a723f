"""The entry grid: the page (GET), its plain form (« Enregistrer », without JavaScript) and
the background save of the grid's script (a small JSON request per batch of changes)."""

import json

import rules
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from carnet.evaluations.grid import parse_loaded
from carnet.evaluations.selectors import grid_of
from carnet.evaluations.services import (
    MAX_CELLS,
    CellChange,
    CommentChange,
    results_record,
)
from carnet.evaluations.views.common import evaluate_required, read_required, scenario_url

SHOWN_REFUSALS = 5


@require_GET
@read_required
def grid(request, pk: int, obj):
    evaluation = obj
    can_evaluate = rules.has_perm("evaluations.evaluate", request.user, evaluation)
    data = grid_of(evaluation=evaluation, user=request.user, can_evaluate=can_evaluate)
    return render(
        request,
        "evaluations/grid.html",
        {
            "evaluation": evaluation,
            "scenario": evaluation.scenario,
            "scenario_url": scenario_url(evaluation.scenario),
            "divisions": list(evaluation.divisions.all()),
            "grid": data,
            "levels_json": json.dumps(data.levels_json, ensure_ascii=False),
            "can_evaluate": can_evaluate,
        },
    )


def _digits(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


def form_changes(post) -> tuple[list[CellChange], list[CommentChange], int]:
    """The changes a plain form of the grid carries: the cells whose value differs from the
    one on the page when it was made (``loaded``), after the « Compléter » selections filled
    the cells left empty (a column's first, then a row's); the comments changed. The third
    value counts the fields that did not read."""
    loaded = parse_loaded(post.get("loaded", ""))
    fill_columns, fill_rows, cells, comments, unreadable = {}, {}, [], [], 0
    for name, value in post.items():
        kind, _, ref = name.rpartition("-")
        if kind in ("fill-col", "fill-row") and _digits(ref) is not None and value:
            (fill_columns if kind == "fill-col" else fill_rows)[int(ref)] = _digits(value)
    for name in post:
        parts = name.split("-")
        if len(parts) == 3 and parts[0] == "c":
            target, pupil = _digits(parts[1]), _digits(parts[2])
            value = post.get(name, "")
            level = _digits(value) if value else None
            if target is None or pupil is None or (value and level is None):
                unreadable += 1
                continue
            if level is None:
                level = fill_columns.get(target) or fill_rows.get(pupil)
            if level != loaded.get((pupil, target)):
                cells.append(CellChange(pupil_id=pupil, target_id=target, level_id=level))
        elif len(parts) == 2 and parts[0] == "comment" and _digits(parts[1]) is not None:
            text = post.get(name, "")
            if (
                text.replace("\r\n", "\n").strip()
                != post.get(f"comment-was-{parts[1]}", "").replace("\r\n", "\n").strip()
            ):
                comments.append(CommentChange(pupil_id=int(parts[1]), text=text))
    return cells, comments, unreadable


@require_POST
@evaluate_required
def grid_save(request, pk: int, obj):
    """« Enregistrer » without JavaScript: every cell and comment changed on the page."""
    cells, comments, unreadable = form_changes(request.POST)
    try:
        outcome = results_record(evaluation=obj, actor=request.user, cells=cells, comments=comments)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evaluations:grid", pk=obj.pk)
    saved_cells = outcome.written
    saved_comments = sum(1 for key in outcome.saved if key.endswith(":commentaire"))
    if saved_cells or saved_comments:
        parts = []
        if saved_cells:
            parts.append(
                f"{saved_cells} case" + (" enregistrée" if saved_cells == 1 else "s enregistrées")
            )
        if saved_comments:
            parts.append(
                f"{saved_comments} commentaire"
                + (" enregistré" if saved_comments == 1 else "s enregistrés")
            )
        messages.success(request, "Grille enregistrée : " + " et ".join(parts) + ".")
    elif not outcome.refused and not unreadable:
        messages.info(request, "Aucune modification à enregistrer.")
    refusals = list(dict.fromkeys(outcome.refused.values()))
    if unreadable:
        cases = "case illisible" if unreadable == 1 else "cases illisibles"
        refusals.insert(0, f"{unreadable} {cases} : rechargez la page puis recommencez.")
    if refusals:
        more = len(refusals) - SHOWN_REFUSALS
        messages.error(
            request,
            "Non enregistré : "
            + " ".join(refusals[:SHOWN_REFUSALS])
            + (
                f" (et {more} {'autre refus' if more == 1 else 'autres refus'})" if more > 0 else ""
            ),
        )
    return redirect(reverse("evaluations:grid", args=[obj.pk]) + "#grille")


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**53


@require_POST
@evaluate_required
def cells(request, pk: int, obj):
    """The grid's script saves here: ``{"cells": [{"pupil", "target", "level"}…],
    "comments": [{"pupil", "text"}…]}`` → ``{"saved": [keys], "refused": {key: why}}``."""
    try:
        data = json.loads(request.body)
    except RequestDataTooBig:
        return _json_error("Trop de modifications à la fois : enregistrez-les en plusieurs fois.")
    except ValueError:
        return _json_error("Requête illisible : rechargez la page.")
    if not isinstance(data, dict):
        return _json_error("Requête illisible : rechargez la page.")
    raw_cells, raw_comments = data.get("cells", []), data.get("comments", [])
    if not isinstance(raw_cells, list) or not isinstance(raw_comments, list):
        return _json_error("Requête illisible : rechargez la page.")
    if len(raw_cells) > MAX_CELLS or len(raw_comments) > MAX_CELLS:
        return _json_error("Trop de modifications à la fois : enregistrez-les en plusieurs fois.")
    changes, comments = [], []
    for item in raw_cells:
        if not (
            isinstance(item, dict)
            and _is_id(item.get("pupil"))
            and _is_id(item.get("target"))
            and (item.get("level") is None or _is_id(item.get("level")))
        ):
            return _json_error("Case illisible : rechargez la page.")
        changes.append(CellChange(item["pupil"], item["target"], item.get("level")))
    for item in raw_comments:
        if not (
            isinstance(item, dict)
            and _is_id(item.get("pupil"))
            and isinstance(item.get("text"), str)
        ):
            return _json_error("Commentaire illisible : rechargez la page.")
        comments.append(CommentChange(item["pupil"], item["text"]))
    try:
        outcome = results_record(
            evaluation=obj, actor=request.user, cells=changes, comments=comments
        )
    except ValidationError as exc:
        return _json_error(" ".join(exc.messages))
    return JsonResponse({"saved": outcome.saved, "refused": outcome.refused})
