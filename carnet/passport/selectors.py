"""Reads of the passeport professionnel, with their queries planned (a fixed number of
queries whatever the number of entries)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from carnet.core.tenancy import get_scoped_or_404
from carnet.directory.models import Division, Pupil
from carnet.directory.school_years import school_year_start
from carnet.evaluations.models import EvaluationPupil
from carnet.passport.enums import EntryStatus
from carnet.passport.models import Attachment, Entry
from carnet.pfmp.models import ActivitySheet, Placement
from carnet.referentials.models import Activity, Competency, Task


def pupil_of_user(*, establishment, user) -> Pupil | None:
    """The pupil whose account ``user`` is (None: an account linked to no pupil)."""
    if establishment is None or not user.is_authenticated:
        return None
    return (
        Pupil.objects.of(establishment)
        .select_related("division__diploma")
        .filter(user=user)
        .first()
    )


def pupil_get(*, establishment, pk: int) -> Pupil:
    return get_scoped_or_404(
        Pupil.objects.select_related("division__diploma"), establishment, pk=pk
    )


def entries_of(*, pupil: Pupil):
    """The pupil's entries with everything their pages and the PDF show: 6 queries."""
    return (
        Entry.objects.filter(pupil=pupil)
        .select_related("activity", "placement", "validated_by")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=Task.objects.select_related("activity").order_by(
                    "activity__position", "position"
                ),
            ),
            Prefetch("competencies", queryset=Competency.objects.order_by("position")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "pk")),
        )
        .order_by("starts_on", "pk")
    )


@dataclass
class ActivityGroup:
    activity: Activity | None
    entries: list


def grouped_by_activity(entries) -> list[ActivityGroup]:
    """Entries by the activity of the référentiel they are linked to, in the référentiel's
    order; those linked to none last."""
    groups: dict = {}
    for entry in entries:
        groups.setdefault(entry.activity_id, ActivityGroup(entry.activity, [])).entries.append(
            entry
        )
    return sorted(
        groups.values(),
        key=lambda g: (g.activity is None, g.activity.position if g.activity else 0),
    )


def entry_get(*, establishment, pk: int) -> Entry:
    return get_scoped_or_404(
        Entry.objects.select_related("pupil__division__diploma", "activity", "placement"),
        establishment,
        pk=pk,
    )


def entry_detail(*, entry: Entry):
    """An entry with its tasks, competencies, attachments and history."""
    return entries_of(pupil=entry.pupil).prefetch_related("events").get(pk=entry.pk)


def attachment_get(*, establishment, entry_pk: int, pk: int) -> Attachment:
    return get_scoped_or_404(
        Attachment.objects.select_related("entry__pupil"), establishment, pk=pk, entry_id=entry_pk
    )


def referential_choices(*, pupil: Pupil) -> dict:
    """What the entry form offers: the activities, tasks and competencies of the pupil's
    diploma (3 queries), and the pupil's placements."""
    diploma_id = pupil.division.diploma_id if pupil.division_id else None
    if diploma_id is None:
        activities, competencies = [], []
    else:
        activities = list(
            Activity.objects.filter(diploma_id=diploma_id)
            .prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("position")))
            .order_by("position")
        )
        competencies = list(Competency.objects.filter(diploma_id=diploma_id).order_by("position"))
    placements = list(
        Placement.objects.filter(pupil=pupil).select_related("period").order_by("period__starts_on")
    )
    return {"activities": activities, "competencies": competencies, "placements": placements}


def convertible_evaluations(*, pupil: Pupil):
    """The evaluations the pupil took part in, newest first, with their scenario and
    whether they already became an entry (never their results)."""
    converted = Entry.objects.filter(pupil=pupil, source_evaluation=OuterRef("evaluation_id"))
    return (
        EvaluationPupil.objects.filter(pupil=pupil)
        .select_related("evaluation__scenario")
        .annotate(converted=Exists(converted))
        .order_by("-evaluation__date", "-pk")
    )


def convertible_sheets(*, pupil: Pupil):
    converted = Entry.objects.filter(pupil=pupil, source_sheet=OuterRef("pk"))
    return (
        ActivitySheet.objects.filter(placement__pupil=pupil)
        .select_related("placement")
        .annotate(converted=Exists(converted))
        .order_by("-starts_on", "-pk")
    )


def followed_divisions(*, establishment, user, teacher: bool):
    """The divisions of the follow-up page's drop-down: those the teacher teaches (this
    year and before), or all of this year's for the head and an inspector."""
    divisions = Division.objects.of(establishment)
    if teacher:
        divisions = divisions.filter(teachers__user=user, teachers__is_active=True)
    else:
        divisions = divisions.filter(
            school_year__start_year=school_year_start(timezone.localdate())
        )
    return (
        divisions.select_related("school_year")
        .distinct()
        .order_by("-school_year__start_year", "code")
    )


def pupils_with_counts(*, division: Division) -> list[Pupil]:
    pupils = list(
        Pupil.objects.filter(Q(division=division) | Q(groups=division))
        .distinct()
        .order_by("last_name_key", "first_name_key", "pk")
    )
    counts = {
        row["pupil_id"]: row
        for row in Entry.objects.filter(pupil__in=[p.pk for p in pupils])
        .values("pupil_id")
        .annotate(
            total=Count("pk"),
            waiting=Count("pk", filter=Q(status=EntryStatus.SUBMITTED)),
            validated=Count("pk", filter=Q(status=EntryStatus.VALIDATED)),
        )
    }
    for pupil in pupils:
        row = counts.get(pupil.pk, {})
        pupil.entry_total = row.get("total", 0)
        pupil.entry_waiting = row.get("waiting", 0)
        pupil.entry_validated = row.get("validated", 0)
    return pupils


def waiting_entries(*, pupils: list[Pupil]):
    """Entries sent and waiting for a teacher's answer, oldest first."""
    return (
        Entry.objects.filter(pupil__in=[p.pk for p in pupils], status=EntryStatus.SUBMITTED)
        .select_related("pupil", "activity")
        .order_by("submitted_at", "pk")
    )


def task_summary(entries) -> list[dict]:
    """The table tasks × entries of the PDF: each task met, in the référentiel's order,
    with the numbers of the entries (1-based, in the passport's order) that met it."""
    rows: dict = {}
    for number, entry in enumerate(entries, start=1):
        for task in entry.tasks.all():
            rows.setdefault(task.pk, {"task": task, "numbers": []})["numbers"].append(number)
    return sorted(rows.values(), key=lambda r: (r["task"].activity.position, r["task"].position))
