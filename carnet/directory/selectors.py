"""Reads of the directory (divisions, pupils, staff), always of one establishment."""

from django.db.models import Count, Q

from carnet.directory.enums import PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil


def establishment_has_pupils(*, establishment) -> bool:
    return Pupil.objects.of(establishment).exists()


def divisions_list(*, establishment, search: str = ""):
    queryset = (
        Division.objects.of(establishment)
        .select_related("school_year", "diploma")
        .annotate(
            active_pupils=Count(
                "pupils", filter=Q(pupils__status=PupilStatus.ACTIVE), distinct=True
            ),
            active_group_pupils=Count(
                "group_pupils", filter=Q(group_pupils__status=PupilStatus.ACTIVE), distinct=True
            ),
        )
        .order_by("-school_year__start_year", "code")
    )
    if search:
        queryset = queryset.filter(Q(code__icontains=search) | Q(label__icontains=search))
    return queryset


def pupils_list(*, establishment, search: str = "", division=None, status: str = ""):
    queryset = (
        Pupil.objects.of(establishment)
        .select_related("division")
        .order_by("last_name", "first_name", "pk")
    )
    if division is not None and division.kind == StructureKind.GROUP:
        queryset = queryset.filter(groups=division)
    elif division is not None:
        queryset = queryset.filter(division=division)
    if status in PupilStatus.values:
        queryset = queryset.filter(status=status)
    for word in search.split():
        queryset = queryset.filter(
            Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(ine__iexact=word)
        )
    return queryset
