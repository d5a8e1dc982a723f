"""Reads of inspector access, for the head's pages and the inspector's."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from carnet.core.search import Folded, Sorted, words_match
from carnet.directory.enums import PupilStatus, StructureKind
from carnet.directory.models import Division
from carnet.directory.school_years import school_year_start
from carnet.inspection.models import InspectorGrant


@dataclass(frozen=True)
class GrantLists:
    live: list[InspectorGrant]
    future: list[InspectorGrant]
    closed: object  # a queryset, paginated by the page


def grants_of(*, establishment, today: datetime.date | None = None) -> GrantLists:
    """An establishment's grants: en cours, à venir, terminés ou fermés (latest first)."""
    today = today or timezone.localdate()
    grants = InspectorGrant.objects.of(establishment).select_related(
        "inspector", "granted_by", "revoked_by"
    )
    return GrantLists(
        live=list(grants.live(today).order_by("ends_on", "pk")),
        future=list(grants.future(today).order_by("starts_on", "pk")),
        closed=grants.closed(today).order_by("-ends_on", "-pk"),
    )


def grants_live_of(*, establishment, today: datetime.date | None = None) -> list[InspectorGrant]:
    """The inspectors who may read the establishment today (the head's home)."""
    return list(
        InspectorGrant.objects.of(establishment)
        .live(today)
        .select_related("inspector")
        .order_by("ends_on", "pk")
    )


def grants_live_for(*, inspector, today: datetime.date | None = None) -> list[InspectorGrant]:
    """The establishments an inspector may read today, one line per grant (inspector's home)."""
    return list(
        InspectorGrant.objects.live(today)
        .filter(inspector=inspector)
        .select_related("establishment")
        .order_by(Sorted(Folded("establishment__name")), "establishment__uai", "pk")
    )


def live_grant_for(*, inspector, establishment_id, today: datetime.date | None = None):
    """The inspector's live grant to that establishment (with it), or None."""
    if not isinstance(establishment_id, int):
        return None
    return (
        InspectorGrant.objects.live(today)
        .filter(inspector=inspector, establishment_id=establishment_id)
        .select_related("establishment")
        .order_by("-ends_on", "pk")
        .first()
    )


def divisions_of_current_year(*, establishment, today: datetime.date | None = None):
    """The establishment's divisions (classes, not groups) of the current school year, with
    their diploma and number of active pupils. No pupil is named."""
    today = today or timezone.localdate()
    return (
        Division.objects.of(establishment)
        .filter(kind=StructureKind.DIVISION, school_year__start_year=school_year_start(today))
        .select_related("diploma", "school_year")
        .annotate(active_pupils=Count("pupils", filter=Q(pupils__status=PupilStatus.ACTIVE)))
        .order_by("code")
    )


def school_year_label(today: datetime.date | None = None) -> str:
    start = school_year_start(today or timezone.localdate())
    return f"{start}-{start + 1}"


def inspector_grants(*, establishment, search: str = ""):
    """Inspectors granted access to the establishment, for the administrator's list (the head
    manages them)."""
    return (
        InspectorGrant.objects.of(establishment)
        .select_related("inspector", "granted_by")
        .filter(
            words_match(search, "inspector__last_name", "inspector__first_name", "inspector__email")
        )
        .order_by("-starts_on", "-pk")
    )
