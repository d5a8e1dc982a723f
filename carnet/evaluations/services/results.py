"""Entering results: ``results_record``, the one way cells and comments are written (the
grid's page, its plain form, the re-import of a filled XLSX grid, the demo).

It judges every change itself, one request of the grid at a time: the pupil (a row the
actor may enter), the column (of this evaluation) and the level (of the diploma's scale)
are checked in one query; the evaluation is locked while its cells are read and written;
the last write of a cell wins.
"""

import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, FilteredRelation, Q, TextField, Value

from carnet.audit.services import actor_label
from carnet.directory.models import Pupil
from carnet.evaluations.grid import level_text
from carnet.evaluations.models import (
    Evaluation,
    EvaluationPupil,
    EvaluationTarget,
    Result,
    ResultChange,
)
from carnet.evaluations.selectors import editable_assignments
from carnet.referentials.models import ScaleLevel

MAX_CELLS = 20_000  # one request of the grid (44 pupils × 80 criteria is 3,520)
COMMENT_MAX = 2_000
ENTRY = "Saisie dans la grille"


@dataclass(frozen=True)
class CellChange:
    pupil_id: int
    target_id: int
    level_id: int | None  # None: « Non évalué », the cell emptied


@dataclass(frozen=True)
class CommentChange:
    pupil_id: int
    text: str


@dataclass
class RecordOutcome:
    """What became of each change: its key (``cell_key``/``comment_key``) saved or refused
    (with why). ``written``: cells whose level changed."""

    saved: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    written: int = 0


def cell_key(pupil_id: int, target_id: int) -> str:
    return f"{pupil_id}:{target_id}"


def comment_key(pupil_id: int) -> str:
    return f"{pupil_id}:commentaire"


# Kept out of comments: control characters (newline and tab aside), bidi overrides, zero-width.
_INVISIBLE = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200C,
                               0x200D, 0x2060, 0xFEFF)}  # fmt: skip


def clean_text(text: str) -> str:
    return "".join(
        c
        for c in text.replace("\r\n", "\n")
        if c in "\n\t" or (unicodedata.category(c) != "Cc" and c not in _INVISIBLE)
    ).strip()


READ_ONLY = (
    "{pupil} : ligne en lecture seule pour vous (élève sorti, ou d'une division que vous "
    "n'enseignez pas) ; rien n'a été enregistré pour cet élève."
)


def _read_only_refusals(*, evaluation, outcome: RecordOutcome, pupils: dict[str, int]) -> None:
    """The refusals of rows the actor may not enter, each naming its pupil as the grid shows
    them (one query, only when there are some: the grid's form lists them above the grid)."""
    if not pupils:
        return
    names = {
        pk: f"{last} {first}".strip()
        for pk, last, first in Pupil.objects.of(evaluation.establishment)
        .filter(pk__in=set(pupils.values()))
        .values_list("pk", "last_name", "first_name")
    }
    for key, pupil in pupils.items():
        who = names.get(pupil, "Un élève qui n'est pas de l'établissement")
        outcome.refused[key] = READ_ONLY.format(pupil=who)


def _references(*, evaluation, actor, pupil_ids, target_ids, level_ids) -> dict:
    """What the changes name, checked in one query: the rows the actor may enter (pupil →
    its row's id), the evaluation's columns among those named (→ competency), the levels of
    the diploma's scale among those named (→ their text)."""
    empty = Value("", output_field=TextField())
    parts = [
        editable_assignments(evaluation=evaluation, user=actor, pupil_ids=pupil_ids)
        .order_by()
        .annotate(kind=Value(1), ref=F("pupil_id"), extra=F("pk"), code=empty, label=empty)
        .values_list("kind", "ref", "extra", "code", "label"),
        EvaluationTarget.objects.filter(evaluation=evaluation, pk__in=target_ids)
        .order_by()
        .annotate(kind=Value(2), ref=F("pk"), extra=F("competency_id"), code=empty, label=empty)
        .values_list("kind", "ref", "extra", "code", "label"),
        ScaleLevel.objects.filter(diploma_id=evaluation.scenario.diploma_id, pk__in=level_ids)
        .order_by()
        .annotate(kind=Value(3), ref=F("pk"), extra=F("value"), lcode=F("code"), llabel=F("label"))
        .values_list("kind", "ref", "extra", "lcode", "llabel"),
    ]
    found = {1: {}, 2: {}, 3: {}}
    for kind, ref, extra, code, label in parts[0].union(*parts[1:], all=True):
        found[kind][ref] = level_text(code, label, extra) if kind == 3 else extra
    return {"rows": found[1], "targets": found[2], "levels": found[3]}


def _lock_and_read(*, evaluation, pupil_ids, target_ids) -> dict:
    """Lock the evaluation (writers of one grid go one after the other: two co-authors'
    saves can neither deadlock nor interleave) and read, in the same query, the cells the
    changes name: (pupil, column) → (result id, level id, level text)."""
    hits = FilteredRelation(
        "results",
        condition=Q(
            results__pupil_id__in=pupil_ids or [0], results__target_id__in=target_ids or [0]
        ),
    )
    # Model rows, not values(): « FOR UPDATE OF » needs them (the join's side stays unlocked).
    rows = (
        Evaluation.objects.filter(pk=evaluation.pk)
        .annotate(
            hit=hits,
            r_pk=F("hit__pk"),
            r_pupil=F("hit__pupil_id"),
            r_target=F("hit__target_id"),
            r_level=F("hit__level_id"),
            r_code=F("hit__level__code"),
            r_label=F("hit__level__label"),
            r_value=F("hit__level__value"),
        )
        .only("pk")
        .order_by()
    )
    if transaction.get_connection().features.has_select_for_update_of:
        rows = rows.select_for_update(of=("self",))
    return {
        (row.r_pupil, row.r_target): (
            row.r_pk,
            row.r_level,
            level_text(row.r_code, row.r_label, row.r_value),
        )
        for row in rows
        if row.r_pk is not None
    }


@transaction.atomic
def results_record(
    *, evaluation, actor, cells=(), comments=(), source: str = ENTRY
) -> RecordOutcome:
    """Write these cells and comments of the grid, each judged on its own: a change the actor
    may not make is refused (and said), the others are written together.

    The last change of a cell wins (in this list, and between two co-authors). A change of a
    certificative result is recorded in the evaluation's history (who, when, old → new, the
    pupil by number). The evaluation is locked meanwhile (one writer of a grid at a time).
    Four queries for a cell (five when certificative), whatever the number of changes.
    """
    latest_cells = {(c.pupil_id, c.target_id): c for c in cells}
    latest_comments = {c.pupil_id: c for c in comments}
    if len(latest_cells) > MAX_CELLS:
        raise ValidationError(f"Enregistrez au plus {MAX_CELLS} cases à la fois.")
    outcome = RecordOutcome()
    if not latest_cells and not latest_comments:
        return outcome
    pupil_ids = {p for p, _ in latest_cells} | set(latest_comments)
    target_ids = {t for _, t in latest_cells}
    refs = _references(
        evaluation=evaluation,
        actor=actor,
        pupil_ids=pupil_ids,
        target_ids=target_ids,
        level_ids={c.level_id for c in latest_cells.values() if c.level_id is not None},
    )
    existing = _lock_and_read(evaluation=evaluation, pupil_ids=pupil_ids, target_ids=target_ids)

    writes, deletes, history = [], [], []
    read_only: dict[str, int] = {}  # key → pupil
    for (pupil, target), change in latest_cells.items():
        key = cell_key(pupil, target)
        if pupil not in refs["rows"]:
            read_only[key] = pupil
        elif target not in refs["targets"]:
            outcome.refused[key] = "Cette colonne n'est pas (ou plus) dans l'évaluation."
        elif change.level_id is not None and change.level_id not in refs["levels"]:
            outcome.refused[key] = "Ce niveau n'est pas dans l'échelle du diplôme."
        else:
            outcome.saved.append(key)
            before = existing.get((pupil, target))
            if (before[1] if before else None) == change.level_id:
                continue
            outcome.written += 1
            if change.level_id is None:
                deletes.append(before[0])
            else:
                writes.append(
                    Result(
                        establishment_id=evaluation.establishment_id,
                        evaluation=evaluation,
                        target_id=target,
                        pupil_id=pupil,
                        competency_id=refs["targets"][target],
                        level_id=change.level_id,
                        updated_by=actor,
                    )
                )
            if evaluation.is_certificative:
                history.append(
                    ResultChange(
                        establishment_id=evaluation.establishment_id,
                        evaluation=evaluation,
                        target_id=target,
                        pupil_id=pupil,
                        old=before[2] if before else "",
                        new=refs["levels"].get(change.level_id, ""),
                        actor=actor,
                        actor_label=actor_label(actor),
                        source=source[:200],
                    )
                )
    if writes:
        Result.objects.bulk_create(
            writes,
            update_conflicts=True,
            unique_fields=["target", "pupil"],
            update_fields=["level", "updated_by", "updated_at"],
        )
    if deletes:
        Result.objects.filter(pk__in=deletes).delete()
    if history:
        ResultChange.objects.bulk_create(history)

    rows_changed = []
    for pupil, change in latest_comments.items():
        key = comment_key(pupil)
        text = clean_text(change.text)
        if pupil not in refs["rows"]:
            read_only[key] = pupil
        elif len(text) > COMMENT_MAX:
            outcome.refused[key] = f"Un commentaire tient en {COMMENT_MAX} caractères au plus."
        else:
            outcome.saved.append(key)
            rows_changed.append(EvaluationPupil(pk=refs["rows"][pupil], comment=text))
    if rows_changed:
        EvaluationPupil.objects.bulk_update(rows_changed, ["comment"])
    _read_only_refusals(evaluation=evaluation, outcome=outcome, pupils=read_only)
    return outcome
