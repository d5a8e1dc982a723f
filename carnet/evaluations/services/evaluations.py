"""Writes of an evaluation itself: create one, change its title, date, indicators and
pupils, publish it. Keyword-only and atomic, each judges its input itself: a page or a
request built by hand gets the same refusals, in French."""

import datetime

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carnet.directory.enums import StructureKind
from carnet.directory.models import Division, Pupil
from carnet.directory.school_years import SCHOOL_YEAR_FIRST_MONTH, school_year_start
from carnet.evaluations.enums import EvaluationKind, Grain
from carnet.evaluations.models import Evaluation, EvaluationPupil, EvaluationTarget, Result
from carnet.evaluations.selectors import structure_pupils
from carnet.evaluations.services.results import clean_text
from carnet.referentials.models import Competency

MAX_COLUMNS = 200
MAX_PUPILS = 300


def school_year_bounds(start_year: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(start_year, SCHOOL_YEAR_FIRST_MONTH, 1)
    return first, datetime.date(start_year + 1, SCHOOL_YEAR_FIRST_MONTH, 1) - datetime.timedelta(
        days=1
    )


# --- A new evaluation -----------------------------------------------------------------------


def default_targets(*, scenario) -> tuple[list[int], list[int]]:
    """The competencies and criteria a new evaluation of ``scenario`` proposes: those of its
    « Liaison avec le référentiel »."""
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
    """« Nouvelle évaluation » in ``scenario``: its columns, its pupils (all the active pupils
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
    """« Modifier l'évaluation »: its title, its date, the success indicators of its columns."""
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
    """« Publier »: the results of a certificative evaluation reach its pupils."""
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
