"""Reads of the PFMP pages, each in a fixed number of queries whatever the pupils or fiches."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from carnet.core.profiles import Profile
from carnet.core.results import ResultRow
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Division, Pupil
from carnet.directory.school_years import school_year_start
from carnet.directory.selectors import pupil_name_order, teacher_divisions
from carnet.pfmp.enums import ReviewStatus, SheetStatus
from carnet.pfmp.models import (
    ActivitySheet,
    CompanyReview,
    Period,
    Placement,
    ReviewResult,
    ReviewTarget,
    SheetAttachment,
)
from carnet.pfmp.weeks import RequiredWeeks, required_weeks
from carnet.referentials.models import Activity, Competency, ScaleLevel, Task

ENTREPRISE = ("entreprise", "Bilan entreprise")


def pfmp_divisions(*, user, establishment, today):
    """The divisions of the drop-down: a teacher's own this year; for the head and an
    inspector every division of the year prepared for a diploma."""
    if user.profile == Profile.TEACHER:
        return teacher_divisions(user=user, today=today).filter(diploma__isnull=False)
    return (
        Division.objects.of(establishment)
        .filter(school_year__start_year=school_year_start(today), diploma__isnull=False)
        .select_related("diploma")
        .order_by("kind", "code")
    )


def division_periods(*, division):
    return Period.objects.filter(division=division).order_by("starts_on", "pk")


@dataclass(frozen=True)
class PupilWeeks:
    pupil: Pupil
    weeks: int
    required: RequiredWeeks | None
    sheets: int  # fiches sent to the teacher

    @property
    def reached(self) -> bool:
        return self.required is not None and self.required.reached(self.weeks)


def weeks_done(placements) -> dict[int, int]:
    """Weeks done per pupil: the placement's weeks done, or else its period's weeks."""
    totals: dict[int, int] = defaultdict(int)
    for pupil_id, done, period_weeks in placements:
        totals[pupil_id] += period_weeks if done is None else done
    return totals


def division_pupils(*, division) -> list[PupilWeeks]:
    """The pupils at the left of the teacher's page: weeks done in every PFMP of theirs
    (this division or an earlier one) against the diploma's, and their fiches sent. Three
    queries."""
    pupils = list(
        Pupil.objects.filter(division=division, status=PupilStatus.ACTIVE).order_by(
            *pupil_name_order()
        )
    )
    ids = [p.pk for p in pupils]
    totals = weeks_done(
        Placement.objects.filter(pupil_id__in=ids).values_list(
            "pupil_id", "weeks_done", "period__weeks"
        )
    )
    sent = dict(
        ActivitySheet.objects.filter(placement__pupil_id__in=ids, status=SheetStatus.SENT)
        .values_list("placement__pupil_id")
        .annotate(n=Count("pk"))
    )
    required = required_weeks(division.diploma.level if division.diploma_id else "")
    return [PupilWeeks(p, totals.get(p.pk, 0), required, sent.get(p.pk, 0)) for p in pupils]


def division_sheets(*, division):
    """Every fiche sent by the division's pupils, for the division's list (two queries)."""
    return (
        ActivitySheet.objects.filter(placement__period__division=division, status=SheetStatus.SENT)
        .select_related("placement__pupil", "placement__period")
        .annotate(task_count=Count("tasks", distinct=True))
        .order_by("-starts_on", "-pk")
    )


def pupil_placements(*, pupil, division=None):
    """The pupil's placements (latest period first) with their fiches and bilan."""
    placements = Placement.objects.filter(pupil=pupil)
    if division is not None:
        placements = placements.filter(period__division=division)
    return (
        placements.select_related("period__division__diploma", "referent", "review")
        .prefetch_related(
            Prefetch("sheets", ActivitySheet.objects.order_by("starts_on", "pk")),
        )
        .order_by("-period__starts_on", "-pk")
    )


def sheet_get(*, establishment, pk: int):
    return (
        ActivitySheet.objects.of(establishment)
        .select_related("placement__period__division__diploma", "placement__pupil")
        .get(pk=pk)
    )


def sheet_detail(*, sheet: ActivitySheet) -> dict:
    """A fiche as the teacher reads it, and its table « Tâches/Compétences »: the diploma's
    activities and tasks (ticked: the teacher's check, or else the pupil's), each task's
    competencies and their criteria (ticked: the targets chosen)."""
    diploma_id = sheet.placement.period.division.diploma_id
    pupil_tasks = set(sheet.tasks.values_list("pk", flat=True))
    if sheet.checked_at:
        ticked = set(sheet.checked_tasks.values_list("pk", flat=True))
    else:
        ticked = pupil_tasks
    targets = list(sheet.targets.values_list("competency_id", "criterion_id"))
    activities = Activity.objects.filter(diploma_id=diploma_id).prefetch_related(
        Prefetch(
            "tasks",
            Task.objects.order_by("position").prefetch_related(
                Prefetch(
                    "competencies",
                    Competency.objects.order_by("position").prefetch_related("criteria"),
                )
            ),
        )
    )
    return {
        "activities": list(activities.order_by("position")),
        "pupil_tasks": pupil_tasks,
        "ticked_tasks": ticked,
        "whole_competencies": {c for c, k in targets if k is None},
        "criteria": {k for _, k in targets if k is not None},
        "attachments": list(SheetAttachment.objects.filter(sheet=sheet)),
    }


def diploma_tasks(*, diploma_id):
    return (
        Task.objects.filter(activity__diploma_id=diploma_id)
        .select_related("activity")
        .order_by("activity__position", "position")
    )


def review_get(*, establishment, pk: int) -> CompanyReview:
    return (
        CompanyReview.objects.of(establishment)
        .select_related("placement__period__division__diploma", "placement__pupil")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class ReviewLine:
    target: ReviewTarget
    level_id: int | None
    proposed_id: int | None


def review_lines(*, review: CompanyReview) -> list[ReviewLine]:
    targets = review.targets.select_related("competency", "criterion").order_by("position")
    results = dict(ReviewResult.objects.filter(review=review).values_list("target_id", "level_id"))
    proposed = {int(k): v for k, v in (review.tutor_proposal or {}).get("levels", {}).items()}
    return [ReviewLine(t, results.get(t.pk), proposed.get(t.pk)) for t in targets]


def scale_of(*, diploma_id) -> list[ScaleLevel]:
    return list(ScaleLevel.objects.filter(diploma_id=diploma_id).order_by("position"))


def reviews_of_period(*, period: Period) -> list[CompanyReview]:
    """The bilans of a period's pupils, for the division's paper forms (every placement
    gets its bilan: one query to create the missing ones is the service's)."""
    return list(
        CompanyReview.objects.filter(placement__period=period)
        .select_related("placement__pupil", "placement__period__division__diploma")
        .prefetch_related(
            Prefetch(
                "targets",
                ReviewTarget.objects.select_related("competency", "criterion").order_by("position"),
            )
        )
        .order_by(*[f"placement__pupil__{f}" for f in ("last_name", "first_name")], "pk")
    )


def pupil_of_user(*, establishment, user):
    return Pupil.objects.of(establishment).filter(user=user).select_related("division").first()


def result_rows(*, establishment, pupil_ids, include_unpublished: bool = False) -> list[ResultRow]:
    """The levels of the validated bilans entreprise, as the dashboards read them
    (carnet/core/results.py): one query whatever the number of pupils. A bilan is seen by
    its pupil once validated (no unpublished state)."""
    results = (
        ReviewResult.objects.filter(
            review__establishment=establishment,
            review__placement__pupil_id__in=list(pupil_ids),
            review__status=ReviewStatus.VALIDATED,
        )
        .filter(~Q(level__isnull=True))
        .select_related(
            "level", "target__competency", "target__criterion", "review__placement__period"
        )
    )
    rows = []
    for r in results:
        placement = r.review.placement
        target = r.target
        rows.append(
            ResultRow(
                pupil_id=placement.pupil_id,
                competency_id=target.competency_id,
                criterion_id=target.criterion_id,
                column_code=(
                    f"{target.competency.code}.{target.criterion.position}"
                    if target.criterion_id
                    else target.competency.code
                ),
                date=placement.period.ends_on,
                kind=ENTREPRISE[0],
                kind_label=ENTREPRISE[1],
                source=f"bilan:{r.review_id}",
                source_title=placement.company_name or str(placement.period),
                unit_code="",
                published=True,
                level_code=r.level.code,
                level_label=r.level.label,
                level_value=r.level.value,
            )
        )
    return rows
