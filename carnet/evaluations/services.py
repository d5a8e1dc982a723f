"""Writes of the evaluations: create one, enter its results, publish it.

Every function is keyword-only and atomic, and judges its input itself: a page or a
request built by hand gets the same refusals, in French. Results are written by
``results_record``, one request of the grid at a time: it re-checks, for every cell, the
pupil (a row the actor may enter), the column (of this evaluation) and the level (of the
diploma's scale), in one query; the last write of a cell wins.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, FilteredRelation, Q, TextField, Value
from django.utils import timezone

from carnet.audit.services import actor_label
from carnet.directory.enums import StructureKind
from carnet.directory.models import Division, Pupil
from carnet.directory.school_years import SCHOOL_YEAR_FIRST_MONTH, school_year_start
from carnet.evaluations.enums import EvaluationKind, Grain
from carnet.evaluations.grid import level_text
from carnet.evaluations.models import (
    Evaluation,
    EvaluationPupil,
    EvaluationTarget,
    Result,
    ResultChange,
)
from carnet.evaluations.selectors import editable_assignments, structure_pupils
from carnet.referentials.models import Competency, ScaleLevel

MAX_COLUMNS = 200
MAX_PUPILS = 300
MAX_CELLS = 20_000  # one request of the grid (44 pupils × 80 criteria is 3,520)
COMMENT_MAX = 2_000
ENTRY = "Saisie dans la grille"


def school_year_bounds(start_year: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(start_year, SCHOOL_YEAR_FIRST_MONTH, 1)
    return first, datetime.date(start_year + 1, SCHOOL_YEAR_FIRST_MONTH, 1) - datetime.timedelta(
        days=1
    )


# --- A new evaluation -----------------------------------------------------------------------


def default_targets(*, scenario) -> tuple[list[int], list[int]]:
    """The competencies and criteria a new evaluation of ``scenario`` proposes: those of its
    « Liaison avec le référentiel »."""
    return (
        list(scenario.competencies.values_list("pk", flat=True)),
        list(scenario.criteria.values_list("pk", flat=True)),
    )


def _columns(*, scenario, grain, unit, competencies, criteria) -> list[tuple[Competency, object]]:
    """(competency, criterion or None) of each column, in the référentiel's order.

    Per criterion: each criterion chosen, and every criterion of a competency chosen without
    any of its criteria. Per competency: each competency chosen, or one of whose criteria is.
    """
    chosen_competencies = set(competencies)
    chosen_criteria = set(criteria)
    all_competencies = list(
        Competency.objects.filter(diploma_id=scenario.diploma_id).prefetch_related("criteria")
    )
    known = {c.pk for c in all_competencies}
    known_criteria = {k.pk for c in all_competencies for k in c.criteria.all()}
    if chosen_competencies - known or chosen_criteria - known_criteria:
        raise ValidationError(
            {"targets": "Choisissez des compétences et des critères du référentiel du scénario."}
        )
    columns = []
    for competency in all_competencies:
        picked = [k for k in competency.criteria.all() if k.pk in chosen_criteria]
        if competency.pk not in chosen_competencies and not picked:
            continue
        if grain == Grain.COMPETENCY:
            columns.append((competency, None))
        else:
            columns.extend((competency, k) for k in (picked or competency.criteria.all()))
    if not columns:
        raise ValidationError(
            {"targets": "Choisissez au moins un critère ou une compétence à évaluer."}
        )
    if len(columns) > MAX_COLUMNS:
        raise ValidationError(
            {"targets": f"Une évaluation porte sur {MAX_COLUMNS} colonnes au plus."}
        )
    if unit is not None:
        allowed = set(unit.competencies.values_list("pk", flat=True))
        outside = sorted({c.code for c, _ in columns if allowed and c.pk not in allowed})
        if outside:
            raise ValidationError(
                {
                    "targets": f"L'unité {unit.code} n'évalue pas "
                    + ", ".join(outside)
                    + " : retirez-les, ou choisissez une autre unité."
                }
            )
    return columns


def _structures(*, scenario, divisions, today) -> list[Division]:
    ids = {d.pk if isinstance(d, Division) else int(d) for d in divisions}
    if not ids:
        raise ValidationError({"divisions": "Choisissez au moins une division ou un groupe."})
    found = list(
        Division.objects.of(scenario.establishment_id).filter(
            pk__in=ids, school_year__start_year=school_year_start(today)
        )
    )
    if len(found) != len(ids):
        raise ValidationError(
            {"divisions": "Choisissez des divisions ou des groupes de cette année scolaire."}
        )
    other = [d.code for d in found if d.diploma_id and d.diploma_id != scenario.diploma_id]
    if other:
        raise ValidationError(
            {
                "divisions": "Ces divisions préparent un autre diplôme que celui du scénario : "
                + ", ".join(sorted(other))
                + "."
            }
        )
    return found


def _pupils(*, scenario, structures, pupils) -> list[tuple[Pupil, Division]]:
    """Each pupil once, with the structure they are evaluated in (their division if it is
    one of those chosen, else the first of their groups chosen)."""
    offered = structure_pupils(establishment=scenario.establishment_id, structures=structures)
    if pupils is not None:
        wanted = {p.pk if isinstance(p, Pupil) else int(p) for p in pupils}
        if wanted - {p.pk for p in offered}:
            raise ValidationError(
                {"pupils": "Choisissez des élèves présents dans les divisions ou groupes choisis."}
            )
        offered = [p for p in offered if p.pk in wanted]
    if not offered:
        raise ValidationError(
            {
                "pupils": "Aucun élève à évaluer : choisissez des divisions ou des groupes qui "
                "ont des élèves."
            }
        )
    if len(offered) > MAX_PUPILS:
        raise ValidationError({"pupils": f"Une évaluation porte sur {MAX_PUPILS} élèves au plus."})
    by_pk = {s.pk: s for s in structures}
    groups = [s.pk for s in structures if s.kind == StructureKind.GROUP]
    memberships = {}
    if groups:
        for pupil_id, group_id in (
            Pupil.groups.through.objects.filter(
                pupil_id__in=[p.pk for p in offered], division_id__in=groups
            )
            .order_by("division__code")
            .values_list("pupil_id", "division_id")
        ):
            memberships.setdefault(pupil_id, group_id)
    return [
        (p, by_pk[p.division_id] if p.division_id in by_pk else by_pk[memberships[p.pk]])
        for p in offered
    ]


@transaction.atomic
def evaluation_create(
    *,
    scenario,
    actor,
    kind: str,
    date: datetime.date,
    grain: str,
    divisions,
    competencies=(),
    criteria=(),
    unit=None,
    title: str = "",
    pupils=None,
    today: datetime.date | None = None,
) -> Evaluation:
    """« Nouvelle évaluation » in ``scenario``: its columns, its pupils (all the active pupils
    of ``divisions`` unless ``pupils`` says which), and for a certificative one, its unit —
    its pupils are then assigned to that unit (PRODUCT.md rule 6)."""
    if not rules.has_perm("evaluations.evaluate", actor, scenario):
        raise ValidationError(
            "Seuls l'auteur du scénario et ses co-auteurs y créent des évaluations."
        )
    today = today or timezone.localdate()
    errors = {}
    if kind not in EvaluationKind.values:
        errors["kind"] = "Choisissez une évaluation formative ou certificative."
    if grain not in Grain.values:
        errors["grain"] = "Choisissez une évaluation par critère ou par compétence."
    if kind == EvaluationKind.CERTIFICATIVE:
        if unit is None:
            errors["unit"] = "Une évaluation certificative porte sur une unité du diplôme."
        elif unit.diploma_id != scenario.diploma_id:
            errors["unit"] = "Choisissez une unité du diplôme du scénario."
    else:
        unit = None
    first, last = school_year_bounds(school_year_start(today))
    if date is None or not first <= date <= last:
        errors["date"] = (
            f"La date doit être dans l'année scolaire en cours (du {first:%d/%m/%Y} au "
            f"{last:%d/%m/%Y})."
        )
    title = " ".join((title or "").split())
    if len(title) > 200:
        errors["title"] = "L'intitulé tient en 200 caractères au plus."
    structures = columns = rows = None
    try:
        structures = _structures(scenario=scenario, divisions=divisions, today=today)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        columns = _columns(
            scenario=scenario,
            grain=grain,
            unit=unit if "unit" not in errors else None,
            competencies=competencies,
            criteria=criteria,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if structures is not None:
        try:
            rows = _pupils(scenario=scenario, structures=structures, pupils=pupils)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    evaluation = Evaluation.objects.create(
        establishment_id=scenario.establishment_id,
        scenario=scenario,
        kind=kind,
        unit=unit,
        title=title,
        date=date,
        grain=grain,
        created_by=actor,
    )
    evaluation.divisions.set(structures)
    EvaluationTarget.objects.bulk_create(
        EvaluationTarget(
            evaluation=evaluation, competency=competency, criterion=criterion, position=position
        )
        for position, (competency, criterion) in enumerate(columns, 1)
    )
    EvaluationPupil.objects.bulk_create(
        EvaluationPupil(evaluation=evaluation, pupil=pupil, division=structure)
        for pupil, structure in rows
    )
    return evaluation


@transaction.atomic
def evaluation_update(
    *, evaluation, actor, title: str, date: datetime.date, indicators: dict[int, str]
) -> Evaluation:
    """« Modifier l'évaluation »: its title, its date, the success indicators of its columns."""
    errors = {}
    title = " ".join((title or "").split())
    if len(title) > 200:
        errors["title"] = "L'intitulé tient en 200 caractères au plus."
    if date is None:
        errors["date"] = "Indiquez la date de l'évaluation."
    targets = {t.pk: t for t in EvaluationTarget.objects.filter(evaluation=evaluation)}
    changed = []
    for pk, text in indicators.items():
        text = " ".join(clean_text(text or "").split())
        if pk not in targets:
            errors["indicators"] = "Ces colonnes ne sont pas celles de l'évaluation."
        elif len(text) > 300:
            errors["indicators"] = "Un indicateur de réussite tient en 300 caractères au plus."
        elif targets[pk].indicator != text:
            targets[pk].indicator = text
            changed.append(targets[pk])
    if errors:
        raise ValidationError(errors)
    evaluation.title, evaluation.date = title, date
    evaluation.save(update_fields=["title", "date", "updated_at"])
    EvaluationTarget.objects.bulk_update(changed, ["indicator"])
    return evaluation


@transaction.atomic
def evaluation_pupils_set(*, evaluation, actor, pupils) -> tuple[int, int]:
    """The pupils of the evaluation become ``pupils`` (a new pupil of a division added, a
    pupil removed), among the active pupils of its divisions and groups. A pupil with
    results is never removed (nor one who left: their results stay). Returns (added,
    removed)."""
    structures = list(evaluation.divisions.all())
    wanted = {p.pk if isinstance(p, Pupil) else int(p) for p in pupils}
    assigned = {a.pupil_id: a for a in EvaluationPupil.objects.filter(evaluation=evaluation)}
    with_results = set(
        Result.objects.filter(evaluation=evaluation).values_list("pupil_id", flat=True)
    )
    offered = {
        p.pk
        for p in structure_pupils(establishment=evaluation.establishment_id, structures=structures)
    }
    removed = [pk for pk in assigned if pk not in wanted and pk in offered]
    kept = sorted(pk for pk in removed if pk in with_results)
    if kept:
        raise ValidationError(
            {
                "pupils": "Ces élèves ont déjà des résultats : ils restent dans l'évaluation "
                "(effacez d'abord leurs résultats) — élèves n° " + ", ".join(map(str, kept)) + "."
            }
        )
    new = wanted - set(assigned)
    if new - offered:
        raise ValidationError(
            {
                "pupils": "Choisissez des élèves présents dans les divisions ou groupes de "
                "l'évaluation."
            }
        )
    if not (set(assigned) - set(removed)) | new:
        raise ValidationError({"pupils": "Une évaluation garde au moins un élève."})
    if len(set(assigned) - set(removed) | new) > MAX_PUPILS:
        raise ValidationError({"pupils": f"Une évaluation porte sur {MAX_PUPILS} élèves au plus."})
    if new:
        rows = _pupils(scenario=evaluation.scenario, structures=structures, pupils=new)
        EvaluationPupil.objects.bulk_create(
            EvaluationPupil(evaluation=evaluation, pupil=pupil, division=structure)
            for pupil, structure in rows
        )
    EvaluationPupil.objects.filter(evaluation=evaluation, pupil_id__in=removed).delete()
    return len(new), len(removed)


@transaction.atomic
def evaluation_publish(*, evaluation, actor) -> Evaluation:
    """« Publier »: the results of a certificative evaluation reach its pupils."""
    if not evaluation.is_certificative:
        raise ValidationError(
            "Seule une évaluation certificative se publie : les élèves voient les résultats "
            "d'une évaluation formative dès leur saisie."
        )
    now = timezone.now()
    done = Evaluation.objects.filter(pk=evaluation.pk, published_at__isnull=True).update(
        published_at=now, published_by=actor
    )
    evaluation.refresh_from_db(fields=["published_at", "published_by"])
    if not done:
        raise ValidationError(
            "Cette évaluation est déjà publiée (le "
            f"{timezone.localtime(evaluation.published_at):%d/%m/%Y à %H:%M})."
        )
    return evaluation


# --- Entering results -------------------------------------------------------------------------


@dataclass(frozen=True)
class CellChange:
    pupil_id: int
    target_id: int
    level_id: int | None  # None: « Non évalué », the cell emptied


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
    "Élève n° {pupil} : sa ligne est en lecture seule pour vous (élève sorti, ou d'une "
    "division que vous n'enseignez pas) ; rien n'a été enregistré pour lui."
)


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
    # Model rows, not values(): « FOR UPDATE OF » needs them (the join's side stays unlocked).
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
    for (pupil, target), change in latest_cells.items():
        key = cell_key(pupil, target)
        if pupil not in refs["rows"]:
            outcome.refused[key] = READ_ONLY.format(pupil=pupil)
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
            outcome.refused[key] = READ_ONLY.format(pupil=pupil)
        elif len(text) > COMMENT_MAX:
            outcome.refused[key] = f"Un commentaire tient en {COMMENT_MAX} caractères au plus."
        else:
            outcome.saved.append(key)
            rows_changed.append(EvaluationPupil(pk=refs["rows"][pupil], comment=text))
    if rows_changed:
        EvaluationPupil.objects.bulk_update(rows_changed, ["comment"])
    return outcome


def evaluation_readable_by_pupil(*, evaluation) -> bool:
    """Whether a pupil of the evaluation may see its results: formative ones at once,
    certificative ones once published."""
    return not evaluation.is_certificative or evaluation.published_at is not None
