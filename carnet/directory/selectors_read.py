"""Reads of the read-only pages of the directory: the head's and the inspector's lists, a
division's pupils for its teachers, a pupil's own division.

These pages show who is who (names, division, whether the INE is known), never the INE
itself nor a birth date: the queries do not even load them (data minimisation). Searches
and orderings are those of the administrator's lists (``carnet.directory.selectors``), so
that both kinds of list find and sort alike.
"""

import datetime

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.utils import timezone

from carnet.directory.enums import PupilStatus, StaffFunction
from carnet.directory.models import Division, Pupil, StaffMember
from carnet.directory.school_years import school_year_start
from carnet.directory.selectors import divisions_list, pupils_list

# What a read-only list shows of a pupil.
PUPIL_FIELDS = ("last_name", "first_name", "division__code", "division__kind")
HAS_INE = ExpressionWrapper(Q(ine__isnull=False) & ~Q(ine=""), output_field=BooleanField())


def divisions_for_reading(*, establishment, search: str = ""):
    """Every division and group, latest school year first, with its active pupils."""
    return divisions_list(establishment=establishment, search=search)


def pupils_for_reading(*, establishment, search: str = "", division=None):
    """Active pupils (of ``division`` when given: its pupils, or a group's members), with
    ``has_ine`` instead of the INE."""
    return (
        pupils_list(
            establishment=establishment,
            search=search,
            division=division,
            status=PupilStatus.ACTIVE,
        )
        .annotate(has_ine=HAS_INE)
        .only(*PUPIL_FIELDS)
    )


def teachers_for_reading(*, establishment, search: str = "", today: datetime.date | None = None):
    """Teachers in post, each with the divisions and groups they teach this school year."""
    year = school_year_start(today or timezone.localdate())
    queryset = (
        StaffMember.objects.of(establishment)
        .filter(function=StaffFunction.TEACHER, is_active=True)
        .only("civility", "last_name", "first_name", "discipline")
        .prefetch_related(
            Prefetch(
                "divisions",
                queryset=Division.objects.filter(school_year__start_year=year)
                .only("code", "kind")
                .order_by("kind", "code"),
                to_attr="divisions_this_year",
            )
        )
        .order_by("last_name", "first_name", "pk")
    )
    for word in search.split():
        queryset = queryset.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(discipline__icontains=word)
        )
    return queryset


def division_teachers(*, division) -> list[StaffMember]:
    return list(
        division.teachers.filter(is_active=True)
        .only("civility", "last_name", "first_name", "discipline")
        .order_by("last_name", "first_name", "pk")
    )


def learner_record(*, user) -> Pupil | None:
    """The signed-in pupil's own record, with their division, its diploma and school year."""
    return (
        Pupil.objects.of(user.establishment)
        .filter(user=user)
        .select_related("division__diploma", "division__school_year")
        .first()
    )
