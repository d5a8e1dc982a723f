"""Reads of the directory (divisions, pupils, staff), always of one establishment."""

from django.db.models import Count, Exists, F, OuterRef, Q

from carnet.core.search import name_order, words_match
from carnet.directory.enums import PupilSource, PupilStatus, StaffFunction, StructureKind
from carnet.directory.models import Division, Pupil, StaffMember
from carnet.directory.school_years import school_year_start


def pupil_name_order() -> list:
    """Pupils in French order (last name, first name), on their stored keys."""
    return name_order(F("last_name_key"), F("first_name_key"))


def pupil_words_match(search: str) -> Q:
    """Pupils whose names hold every word of ``search`` (folded), or whose INE it is."""
    return words_match(search, F("last_name_key"), F("first_name_key"), exact=("ine",))


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
        .order_by("-school_year__start_year", *name_order("code"))
    )
    return queryset.filter(words_match(search, "code", "label"))


def division_ids(*, establishment, school_year) -> dict[str, int]:
    """code → pk of the establishment's divisions and groups of a school year."""
    return dict(
        Division.objects.of(establishment).filter(school_year=school_year).values_list("code", "pk")
    )


def pupils_list(*, establishment, search: str = "", division=None, status: str = ""):
    queryset = (
        Pupil.objects.of(establishment).select_related("division").order_by(*pupil_name_order())
    )
    if division is not None and division.kind == StructureKind.GROUP:
        queryset = queryset.filter(groups=division)
    elif division is not None:
        queryset = queryset.filter(division=division)
    if status in PupilStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.filter(pupil_words_match(search))


def pupil_counts(*, establishment) -> dict[str, int]:
    """``{"active": n, "without_ine": n}``: active pupils, and those of them without INE."""
    return Pupil.objects.of(establishment).aggregate(
        active=Count("pk", filter=Q(status=PupilStatus.ACTIVE)),
        without_ine=Count(
            "pk", filter=Q(status=PupilStatus.ACTIVE) & (Q(ine__isnull=True) | Q(ine=""))
        ),
    )


def teachers_count(*, establishment) -> int:
    return (
        StaffMember.objects.of(establishment)
        .filter(function=StaffFunction.TEACHER, is_active=True)
        .count()
    )


def teacher_divisions(*, user, today):
    """The divisions and groups a teacher teaches this school year (from STS or by hand)."""
    return (
        Division.objects.of(user.establishment)
        .filter(teachers__user=user, school_year__start_year=school_year_start(today))
        .select_related("diploma")
        .annotate(active_count=Count("pupils", filter=Q(pupils__status=PupilStatus.ACTIVE)))
        .order_by("kind", "code")
    )


def first_import_done(*, establishment) -> bool:
    """« Nouvel enseignant » needs a first SIECLE import (``first_import_at``, set by the
    import), or a hors-SIECLE division with a pupil (PRODUCT.md rule 2)."""
    if establishment.first_import_at is not None:
        return True
    return (
        Division.objects.of(establishment)
        .filter(source=PupilSource.OUTSIDE_SIECLE)
        .filter(Exists(Pupil.objects.filter(division=OuterRef("pk"))))
        .exists()
    )


# --- Learners « hors SIECLE » -----------------------------------------------------------


def outside_learners(*, establishment):
    """Hors-SIECLE learners with their division, by name."""
    return (
        Pupil.objects.of(establishment)
        .filter(source=PupilSource.OUTSIDE_SIECLE)
        .select_related("division__school_year")
        .order_by(*pupil_name_order())
    )


def outside_divisions(*, establishment):
    """Hors-SIECLE divisions, newest school year first, with their active learners counted."""
    return (
        Division.objects.of(establishment)
        .filter(source=PupilSource.OUTSIDE_SIECLE)
        .select_related("school_year", "diploma")
        .annotate(active_pupils=Count("pupils", filter=Q(pupils__status=PupilStatus.ACTIVE)))
        .order_by("-school_year__start_year", "code")
    )


def learner_division_choices(*, establishment, today, current=None):
    """Divisions a learner may be placed in: this school year's (SIECLE ones included, for
    mixed classes), plus the learner's current division if older."""
    condition = Q(school_year__start_year=school_year_start(today), kind=StructureKind.DIVISION)
    if current is not None:
        condition |= Q(pk=current.pk)
    return (
        Division.objects.of(establishment)
        .filter(condition)
        .select_related("school_year")
        .order_by("-school_year__start_year", "code")
    )
