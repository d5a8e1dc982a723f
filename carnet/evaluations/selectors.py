"""Reads of the evaluations, always of one establishment, with their queries planned.

The grid of an evaluation (``grid_of``: six queries whatever its size), the lists (a
scenario's evaluations, the establishment's), a pupil's results (« Mes résultats », and the
dashboards of the next issue: ``pupil_results``), the history of a certificative
evaluation, and what the form of a new evaluation offers.
"""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from carnet.core.results import ResultMark, ResultRow
from carnet.core.tenancy import get_scoped_or_404
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Division, Pupil, StaffMember
from carnet.directory.school_years import school_year_start
from carnet.evaluations.enums import EvaluationKind
from carnet.evaluations.grid import Column, Grid, Row, build_grid, levels_of
from carnet.evaluations.models import (
    Evaluation,
    EvaluationPupil,
    EvaluationTarget,
    GridImport,
    Result,
    ResultChange,
)
from carnet.referentials.models import ScaleLevel
from carnet.scenarios.models import Scenario


def evaluation_get(*, establishment, pk: int) -> Evaluation:
    """One evaluation of the establishment, with what every page of it shows (404 if none)."""
    return get_scoped_or_404(
        Evaluation.objects.select_related("scenario__diploma", "unit"), establishment, pk=pk
    )


def scale_of(*, diploma_id: int) -> list[ScaleLevel]:
    return list(ScaleLevel.objects.filter(diploma_id=diploma_id).order_by("position"))


# --- Who may enter which row ----------------------------------------------------------------


def taught_structures(*, evaluation, user):
    """The evaluation's divisions and groups that ``user`` teaches (a subquery of ids): from
    STS-web, or set by the administrator (StaffMember.divisions)."""
    return Evaluation.divisions.through.objects.filter(
        evaluation_id=evaluation.pk, division__teachers__user=user
    ).values("division_id")


def editable_assignments(*, evaluation, user, pupil_ids=None):
    """The rows ``user`` may enter: ``user`` is the scenario's author or a co-author, and the
    pupil is active and belongs today to one of the evaluation's divisions or groups that
    ``user`` teaches. A pupil who left, or who moved to another division, keeps their
    results, read-only. (May yield a row twice.)"""
    structures = taught_structures(evaluation=evaluation, user=user)
    co_author = Scenario.co_authors.through.objects.filter(
        scenario_id=OuterRef("evaluation__scenario_id"), user_id=user.pk
    )
    rows = (
        EvaluationPupil.objects.filter(evaluation=evaluation, pupil__status=PupilStatus.ACTIVE)
        .filter(Q(pupil__division__in=structures) | Q(pupil__groups__in=structures))
        # The author or a co-author (the views check it too: the rows say it again).
        .filter(Q(evaluation__scenario__author=user) | Exists(co_author))
    )
    if pupil_ids is not None:
        rows = rows.filter(pupil_id__in=pupil_ids)
    return rows


# --- The grid -------------------------------------------------------------------------------


def columns_of(*, evaluation) -> list[Column]:
    rows = (
        EvaluationTarget.objects.filter(evaluation=evaluation)
        .order_by("position", "pk")
        .values_list(
            "pk", "competency__code", "competency__label", "criterion__position",
            "criterion__label", "indicator",
        )
    )  # fmt: skip
    return [
        Column(
            target_id=pk,
            code=f"{code}.{position}" if position is not None else code,
            label=criterion if position is not None else label,
            competency_code=code,
            indicator=indicator,
        )
        for pk, code, label, position, criterion, indicator in rows
    ]


def assignments_of(*, evaluation):
    """The grid's rows in the order shown: by name."""
    return (
        EvaluationPupil.objects.filter(evaluation=evaluation)
        .select_related("pupil", "division")
        .order_by("pupil__last_name", "pupil__first_name", "pupil_id")
    )


def grid_of(*, evaluation, user, can_evaluate: bool) -> Grid:
    """The whole grid, in six queries (five for a reader, who edits no row)."""
    columns = columns_of(evaluation=evaluation)
    assignments = (
        assignments_of(evaluation=evaluation)
        .values_list(
            "pupil_id", "pupil__last_name", "pupil__first_name", "pupil__status",
            "division__code", "comment",
        )
    )  # fmt: skip
    editable = set()
    if can_evaluate:
        editable = set(
            editable_assignments(evaluation=evaluation, user=user).values_list(
                "pupil_id", flat=True
            )
        )
    results = {
        (pupil, target): level
        for pupil, target, level in Result.objects.filter(evaluation=evaluation).values_list(
            "pupil_id", "target_id", "level_id"
        )
    }
    levels = levels_of(scale_of(diploma_id=evaluation.scenario.diploma_id))
    rows = [
        Row(
            pupil_id=pupil,
            name=f"{last_name} {first_name}",
            division=division or "",
            editable=pupil in editable,
            left=status == PupilStatus.LEFT,
            comment=comment,
        )
        for pupil, last_name, first_name, status, division, comment in assignments
    ]
    return build_grid(
        columns=columns, rows=rows, levels=levels, results=results, can_evaluate=can_evaluate
    )


# --- Lists ----------------------------------------------------------------------------------


def _count_of(model, **extra):
    counted = (
        model.objects.filter(evaluation=OuterRef("pk"), **extra)
        .order_by()
        .values("evaluation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(queryset):
    """Each evaluation's pupils, columns and filled cells (subqueries, not joins: a join of
    the three would multiply their rows)."""
    return queryset.annotate(
        pupil_count=_count_of(EvaluationPupil),
        column_count=_count_of(EvaluationTarget),
        filled_count=_count_of(Result),
    )


def scenario_evaluations(*, scenario) -> list[Evaluation]:
    """A scenario's evaluations, latest first, with their counts and divisions (2 queries)."""
    return list(
        with_counts(
            Evaluation.objects.of(scenario.establishment_id)
            .filter(scenario=scenario)
            .select_related("unit")
            .prefetch_related("divisions")
        ).order_by("-date", "-pk")
    )


def evaluations_list(*, establishment, user=None, search: str = ""):
    """The establishment's evaluations (``user``'s only when given), latest first."""
    queryset = Evaluation.objects.of(establishment).select_related("scenario", "unit")
    if user is not None:
        authored = Q(scenario__author=user) | Exists(
            Scenario.co_authors.through.objects.filter(
                scenario_id=OuterRef("scenario_id"), user_id=user.pk
            )
        )
        queryset = queryset.filter(authored)
    for word in search.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(scenario__title__icontains=word))
    return with_counts(queryset.prefetch_related("divisions")).order_by("-date", "-pk")


def result_history(*, evaluation):
    """The changes of a certificative evaluation's cells, latest first."""
    return (
        ResultChange.objects.filter(evaluation=evaluation)
        .select_related("target__competency", "target__criterion", "pupil")
        .order_by("-created_at", "-pk")
    )


def open_grid_import(*, evaluation, token: str) -> GridImport:
    return get_scoped_or_404(
        GridImport.objects.filter(evaluation=evaluation), evaluation.establishment, token=token
    )


# --- A new evaluation's form ------------------------------------------------------------------


def offered_structures(*, establishment, diploma, user, today: datetime.date):
    """The divisions and groups of the current school year a new evaluation may be about:
    those preparing the scenario's diploma (or none: groups, divisions not attached), the
    ones ``user`` teaches first, each with its count of active pupils."""
    active = Pupil.objects.filter(status=PupilStatus.ACTIVE)
    in_division = active.filter(division=OuterRef("pk")).order_by().values("division")
    in_group = active.filter(groups=OuterRef("pk")).order_by().values("groups")
    return (
        Division.objects.of(establishment)
        .filter(school_year__start_year=school_year_start(today))
        .filter(Q(diploma__isnull=True) | Q(diploma=diploma))
        .annotate(
            taught=Exists(
                StaffMember.divisions.through.objects.filter(
                    division_id=OuterRef("pk"), staffmember__user=user
                )
            ),
            active_count=Coalesce(
                Subquery(in_division.annotate(n=Count("pk")).values("n")), Value(0)
            )
            + Coalesce(Subquery(in_group.annotate(n=Count("pk")).values("n")), Value(0)),
        )
        .order_by("-taught", "kind", "code")
    )


def structure_pupils(*, establishment, structures) -> list[Pupil]:
    """The active pupils of these divisions or groups, each once, by name."""
    ids = [s.pk for s in structures]
    return list(
        Pupil.objects.of(establishment)
        .filter(status=PupilStatus.ACTIVE)
        .filter(Q(division__in=ids) | Q(groups__in=ids))
        .select_related("division")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


# --- A pupil's results (« Mes résultats », the dashboards) ------------------------------------


@dataclass(frozen=True)
class PupilResult:
    """One level a pupil reached: what the dashboards read, by competency."""

    competency_id: int
    competency_code: str
    competency_label: str
    criterion_label: str  # "" when the whole competency was evaluated
    column_code: str
    date: datetime.date
    evaluation_id: int
    evaluation_title: str
    scenario_id: int
    scenario_title: str
    kind: str  # EvaluationKind
    kind_label: str
    unit_code: str  # "" for a formative evaluation
    published: bool
    level_code: str
    level_label: str
    level_value: int | None  # None: recorded but counts for nothing (absent, dispensé)


def pupil_results(*, pupil, include_unpublished: bool = False) -> list[PupilResult]:
    """Every result of ``pupil``, by competency (référentiel order) then latest first, in
    one query. A certificative result is left out until its evaluation is published, unless
    ``include_unpublished`` (the teachers' dashboards; never the pupil's own pages)."""
    results = Result.objects.of(pupil.establishment_id).filter(pupil=pupil)
    if not include_unpublished:
        results = results.filter(
            Q(evaluation__kind=EvaluationKind.FORMATIVE) | Q(evaluation__published_at__isnull=False)
        )
    results = results.select_related(
        "competency", "level", "target__criterion", "evaluation__scenario", "evaluation__unit"
    ).order_by("competency__position", "-evaluation__date", "-evaluation_id", "target__position")
    return [
        PupilResult(
            competency_id=r.competency_id,
            competency_code=r.competency.code,
            competency_label=r.competency.label,
            criterion_label=r.target.criterion.label if r.target.criterion_id else "",
            column_code=(
                f"{r.competency.code}.{r.target.criterion.position}"
                if r.target.criterion_id
                else r.competency.code
            ),
            date=r.evaluation.date,
            evaluation_id=r.evaluation_id,
            evaluation_title=str(r.evaluation),
            scenario_id=r.evaluation.scenario_id,
            scenario_title=r.evaluation.scenario.title,
            kind=r.evaluation.kind,
            kind_label=r.evaluation.get_kind_display(),
            unit_code=r.evaluation.unit.code if r.evaluation.unit_id else "",
            published=r.evaluation.published_at is not None,
            level_code=r.level.code,
            level_label=r.level.label,
            level_value=r.level.value,
        )
        for r in results
    ]


def pupil_results_by_competency(*, pupil, include_unpublished: bool = False) -> list[dict]:
    """``pupil_results`` grouped: [{"code", "label", "results": [PupilResult…]}…]."""
    grouped = groupby(
        pupil_results(pupil=pupil, include_unpublished=include_unpublished),
        key=lambda r: (r.competency_code, r.competency_label),
    )
    return [
        {"code": code, "label": label, "results": list(rows)} for (code, label), rows in grouped
    ]


def pupil_comments(*, pupil, include_unpublished: bool = False):
    """The teachers' comments on ``pupil``, with the same rule as their results."""
    rows = EvaluationPupil.objects.filter(pupil=pupil).exclude(comment="")
    if not include_unpublished:
        rows = rows.filter(
            Q(evaluation__kind=EvaluationKind.FORMATIVE) | Q(evaluation__published_at__isnull=False)
        )
    return rows.select_related("evaluation__scenario").order_by("-evaluation__date", "-pk")


def unit_assignments(*, establishment, unit):
    """The pupils assigned to a certificative evaluation of ``unit`` (PRODUCT.md rule 6: a
    certification grid exists for them), with the evaluations, for the certification module."""
    return (
        EvaluationPupil.objects.filter(
            evaluation__establishment=establishment,
            evaluation__kind=EvaluationKind.CERTIFICATIVE,
            evaluation__unit=unit,
        )
        .select_related("pupil", "evaluation")
        .order_by("pupil__last_name", "pupil__first_name", "pupil_id", "evaluation__date")
    )


def _visible_results(establishment, pupil_ids, include_unpublished: bool):
    results = Result.objects.of(establishment).filter(pupil_id__in=list(pupil_ids))
    if not include_unpublished:
        results = results.filter(
            Q(evaluation__kind=EvaluationKind.FORMATIVE) | Q(evaluation__published_at__isnull=False)
        )
    return results


def result_marks(
    *, establishment, pupil_ids, include_unpublished: bool = False
) -> list[ResultMark]:
    """The same results as ``result_rows``, five columns of them (a class overview)."""
    rows = _visible_results(establishment, pupil_ids, include_unpublished).values_list(
        "pupil_id", "competency_id", "evaluation__date", "evaluation_id", "level__value"
    )
    return [
        ResultMark(pupil_id, competency_id, date, f"evaluation:{evaluation_id}", value)
        for pupil_id, competency_id, date, evaluation_id, value in rows
    ]


def result_rows(*, establishment, pupil_ids, include_unpublished: bool = False) -> list[ResultRow]:
    """The results of these pupils as the dashboards read them (carnet/core/results.py), in
    one query whatever their number. A certificative result of an evaluation not published
    yet is left out unless ``include_unpublished`` (the teachers' dashboards). Values, not
    model instances: a class overview reads some 12,000 of them."""
    rows = _visible_results(establishment, pupil_ids, include_unpublished).values_list(
        "pupil_id", "competency_id", "target__criterion_id", "competency__code",
        "target__criterion__position", "evaluation__date", "evaluation__kind", "evaluation_id",
        "evaluation__scenario__title", "evaluation__unit__code", "evaluation__published_at",
        "level__code", "level__label", "level__value",
    )  # fmt: skip
    kinds = dict(EvaluationKind.choices)
    formative = EvaluationKind.FORMATIVE
    # Positional (ResultRow's field order): twice as fast as keywords on 12,000 rows.
    return [
        ResultRow(
            pupil_id, competency_id, criterion_id,
            f"{code}.{position}" if criterion_id else code,
            date, kind, kinds[kind], f"evaluation:{evaluation_id}", title, unit_code or "",
            kind == formative or published_at is not None,
            level_code, level_label, level_value,
        )
        for (
            pupil_id, competency_id, criterion_id, code, position, date, kind, evaluation_id,
            title, unit_code, published_at, level_code, level_label, level_value,
        ) in rows
    ]  # fmt: skip
