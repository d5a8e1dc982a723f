"""« Importer une grille remplie »: a filled XLSX grid, previewed, then applied all or nothing.

The lifecycle of the establishment's other imports (carnet.imports.batches:
``preview_confirm``, ``written``): 24 hours to confirm a preview, « déjà appliqué » the
second time, applied under a lock — here of the evaluation (one import at a time) — in one
transaction, a constraint broken meanwhile refused in French. Its own: one preview open
per evaluation and user (a new upload abandons the earlier one), and a digest of the
changes it announced (the cells' values before and after): confirming applies it only if
exactly those changes are still to make. Every problem refuses the whole file, line by
line; the same file sent again changes nothing. Each certificative change is in the
evaluation's history with the file's name (results_record).
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carnet.evaluations.enums import GridImportStatus
from carnet.evaluations.grid import levels_of
from carnet.evaluations.models import Evaluation, EvaluationPupil, GridImport, Result
from carnet.evaluations.selectors import (
    assignments_of,
    columns_of,
    editable_assignments,
    scale_of,
)
from carnet.evaluations.services import CellChange, CommentChange, clean_text, results_record
from carnet.evaluations.spreadsheets import (
    Line,
    SheetColumn,
    SheetLevel,
    SheetRow,
    grid_xlsx,
    read_grid_file,
)
from carnet.imports.batches import PREVIEW_LIFETIME, preview_confirm, written

STALE = (
    "Les résultats de la grille ont changé depuis cet aperçu (un co-auteur a peut-être saisi "
    "entre-temps) : déposez de nouveau le fichier pour obtenir un aperçu à jour."
)


def sheet_levels(evaluation) -> list[SheetLevel]:
    return [
        SheetLevel(pk=lv.pk, key=lv.key, code=lv.code, label=lv.label, text=lv.text)
        for lv in levels_of(scale_of(diploma_id=evaluation.scenario.diploma_id))
    ]


def sheet_columns(evaluation) -> list[SheetColumn]:
    return [
        SheetColumn(target_id=c.target_id, code=c.code, label=c.label)
        for c in columns_of(evaluation=evaluation)
    ]


def grid_export(*, evaluation) -> bytes:
    """The XLSX export of the grid: its results and comments, to fill offline."""
    results: dict[int, dict] = {}
    for pupil, target, level in Result.objects.filter(evaluation=evaluation).values_list(
        "pupil_id", "target_id", "level_id"
    ):
        results.setdefault(pupil, {})[target] = level
    kind = evaluation.get_kind_display()
    if evaluation.unit_id:
        kind += f" {evaluation.unit.code}"
    return grid_xlsx(
        heading=f"{evaluation} — {evaluation.scenario.title} — évaluation {kind.lower()} du "
        f"{evaluation.date:%d/%m/%Y}",
        columns=sheet_columns(evaluation),
        levels=sheet_levels(evaluation),
        rows=[
            SheetRow(
                pupil_id=a.pupil_id,
                last_name=a.pupil.last_name,
                first_name=a.pupil.first_name,
                division=a.division.code if a.division_id else "",
                values=results.get(a.pupil_id, {}),
                comment=a.comment,
            )
            for a in assignments_of(evaluation=evaluation)
        ],
    )


# --- The plan -----------------------------------------------------------------------------------


@dataclass
class Plan:
    cells: list[CellChange] = field(default_factory=list)
    comments: list[CommentChange] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    digest: str = ""


def _lines_payload(lines: list[Line]) -> list[dict]:
    return [
        {
            "line": line.line,
            "pupil": line.pupil_id,
            "values": [[target, level] for target, level in line.values.items()],
            "comment": line.comment,
        }
        for line in lines
    ]


def _lines_of(payload: list[dict]) -> list[Line]:
    return [
        Line(
            line=item["line"],
            pupil_id=item["pupil"],
            values={target: level for target, level in item["values"]},
            comment=item["comment"],
        )
        for item in payload
    ]


def grid_plan(*, evaluation, actor, lines: list[Line]) -> Plan:
    """What the lines change, against the grid as it is (three queries): the cells whose
    level differs, the comments that differ. A change on a row the actor may not enter is a
    problem (the line said); the same value as the grid's is no change at all."""
    plan = Plan()
    editable = set(
        editable_assignments(evaluation=evaluation, user=actor).values_list("pupil_id", flat=True)
    )
    current = {
        (p, t): level
        for p, t, level in Result.objects.filter(evaluation=evaluation).values_list(
            "pupil_id", "target_id", "level_id"
        )
    }
    comments = dict(
        EvaluationPupil.objects.filter(evaluation=evaluation).values_list("pupil_id", "comment")
    )
    unchanged = 0
    before = []
    for line in lines:
        changes = []
        for target, level in line.values.items():
            if current.get((line.pupil_id, target)) == level:
                unchanged += 1
            else:
                changes.append(CellChange(line.pupil_id, target, level))
                before.append([line.pupil_id, target, current.get((line.pupil_id, target)), level])
        comment = None
        if line.comment is not None:
            text = clean_text(line.comment)
            if text != comments.get(line.pupil_id, ""):
                comment = CommentChange(line.pupil_id, text)
                before.append([line.pupil_id, "commentaire", comments.get(line.pupil_id, ""), text])
        if (changes or comment) and line.pupil_id not in editable:
            plan.problems.append(
                {
                    "line": line.line,
                    "message": f"Ligne {line.line} (élève n° {line.pupil_id}) : cette ligne est "
                    "en lecture seule pour vous (élève sorti, ou d'une division que vous "
                    "n'enseignez pas) : laissez-la telle qu'exportée, ou retirez-la du fichier.",
                }
            )
            continue
        plan.cells.extend(changes)
        if comment is not None:
            plan.comments.append(comment)
    plan.counts = {
        "set": sum(1 for c in plan.cells if c.level_id is not None),
        "cleared": sum(1 for c in plan.cells if c.level_id is None),
        "comments": len(plan.comments),
        "unchanged": unchanged,
    }
    plan.digest = hashlib.sha256(
        json.dumps(sorted(before, key=str), ensure_ascii=False).encode()
    ).hexdigest()
    return plan


# --- Preview, apply, cancel ---------------------------------------------------------------------


def grid_import_previews_purge(*, now: datetime.datetime | None = None) -> int:
    """Abandon every preview older than 24 hours (all establishments). Returns how many."""
    limit = (now or timezone.now()) - PREVIEW_LIFETIME
    return GridImport.objects.filter(status=GridImportStatus.PREVIEW, created_at__lt=limit).update(
        status=GridImportStatus.CANCELLED, payload={}
    )


@transaction.atomic
def grid_import_preview(*, evaluation, actor, name: str, content: bytes) -> GridImport:
    """Read a filled grid and record what it would change (or why it is refused); changes
    no result."""
    grid_import_previews_purge()
    pupils = {
        a.pupil_id: (a.pupil.last_name, a.pupil.first_name)
        for a in assignments_of(evaluation=evaluation)
    }
    parsed = read_grid_file(
        content,
        name,
        columns=sheet_columns(evaluation),
        levels=sheet_levels(evaluation),
        pupils=pupils,
    )
    batch = GridImport(
        establishment_id=evaluation.establishment_id,
        evaluation=evaluation,
        created_by=actor,
        file_name=name[:200],
        file_size=len(content),
        file_sha256=hashlib.sha256(content).hexdigest(),
        problems=[p.as_dict() for p in parsed.problems],
    )
    if not parsed.problems:
        plan = grid_plan(evaluation=evaluation, actor=actor, lines=parsed.lines)
        batch.problems = plan.problems
        batch.counts = plan.counts
        if not plan.problems:
            batch.payload = {"lines": _lines_payload(parsed.lines), "digest": plan.digest}
    batch.status = GridImportStatus.REFUSED if batch.problems else GridImportStatus.PREVIEW
    if batch.status == GridImportStatus.PREVIEW:
        # At most one open preview per evaluation and user: the new upload replaces it.
        GridImport.objects.filter(
            evaluation=evaluation, created_by=actor, status=GridImportStatus.PREVIEW
        ).update(status=GridImportStatus.CANCELLED, payload={})
    batch.save()
    return batch


def _lock(evaluation) -> None:
    """One import (and one confirmation) at a time per evaluation."""
    Evaluation.objects.select_for_update().filter(pk=evaluation.pk).exists()


def grid_import_apply(*, grid_import: GridImport, actor) -> GridImport:
    """Apply a preview, all or nothing. Raises ValidationError (French) if it cannot, and
    AlreadyApplied (carnet.imports.batches) when it was applied already."""
    evaluation = grid_import.evaluation
    return preview_confirm(
        model=GridImport,
        batch=grid_import,
        lock=lambda: _lock(evaluation),
        apply=lambda batch: _apply(evaluation=evaluation, batch=batch, actor=actor),
        drop=grid_import_cancel_locked,
        upload_again="le fichier",
    )


def _apply(*, evaluation, batch: GridImport, actor) -> None:
    plan = grid_plan(evaluation=evaluation, actor=actor, lines=_lines_of(batch.payload["lines"]))
    if plan.problems or plan.digest != batch.payload.get("digest"):
        raise ValidationError(STALE)

    def record():
        outcome = results_record(
            evaluation=evaluation,
            actor=actor,
            cells=plan.cells,
            comments=plan.comments,
            source=f"Import du fichier {batch.file_name}",
        )
        if outcome.refused:
            # Only a change made in between can bring this: nothing of it is kept.
            raise ValidationError(STALE)

    written(record, refusal=STALE)
    batch.status = GridImportStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.counts = plan.counts
    batch.payload = {}
    batch.save(update_fields=["status", "applied_at", "counts", "payload"])


@transaction.atomic
def grid_import_cancel(*, grid_import: GridImport) -> None:
    """« Abandonner »: the preview keeps nothing of the file from then on."""
    grid_import_cancel_locked(GridImport.objects.select_for_update().get(pk=grid_import.pk))


def grid_import_cancel_locked(grid_import: GridImport) -> None:
    if grid_import.status == GridImportStatus.PREVIEW:
        grid_import.status = GridImportStatus.CANCELLED
        grid_import.payload = {}
        grid_import.save(update_fields=["status", "payload"])
