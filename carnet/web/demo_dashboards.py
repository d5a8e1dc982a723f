"""The demo's bilans: a bilan intermédiaire for the demo pupil and the next one of their
division, made by a teacher of that division from the dashboard's proposals (one level
decided otherwise), so that the dashboards, the bilans' list and their PDF show something.

Written through the service a teacher's page uses. Idempotent: a pupil who already has a
bilan is left as they are.
"""

import datetime

from carnet.dashboards.enums import BilanKind
from carnet.dashboards.models import Bilan
from carnet.dashboards.selectors import pupil_proposals
from carnet.dashboards.services import bilan_create
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil, StaffMember


def demo_dashboards_load(*, establishment, today: datetime.date) -> int:
    """Returns how many bilans were created."""
    first = (
        Pupil.objects.of(establishment)
        .filter(user__isnull=False, status=PupilStatus.ACTIVE, division__diploma__isnull=False)
        .select_related("division__diploma")
        .order_by("pk")
        .first()
    )
    if first is None:
        return 0
    teacher = (
        StaffMember.objects.of(establishment)
        .filter(divisions=first.division, user__isnull=False, is_active=True)
        .select_related("user")
        .order_by("sts_id")
        .first()
    )
    if teacher is None:
        return 0
    pupils = list(
        Pupil.objects.of(establishment)
        .filter(division=first.division, status=PupilStatus.ACTIVE)
        .select_related("division__diploma")
        .order_by("last_name_key", "first_name_key", "pk")
    )
    chosen = [first, *[p for p in pupils if p.pk != first.pk][:1]]
    created = 0
    for pupil in chosen:
        if Bilan.objects.of(establishment).filter(pupil=pupil).exists():
            continue
        views, scale, _ = pupil_proposals(
            establishment=establishment, pupil=pupil, diploma_id=pupil.division.diploma_id
        )
        by_value = {level.value: level.pk for level in scale if level.value is not None}
        decided = {
            view.competency.pk: by_value.get(view.proposal.value)
            for view in views
            if view.proposal.value is not None
        }
        # The teacher decides one level otherwise: one step up, where the scale allows.
        for view in views:
            value = view.proposal.value
            if value is not None and value + 1 in by_value:
                decided[view.competency.pk] = by_value[value + 1]
                break
        bilan_create(
            establishment=establishment,
            pupil=pupil,
            actor=teacher.user,
            kind=BilanKind.INTERMEDIATE,
            date=today,
            comment="Bilan de mi-trimestre : des progrès réguliers en atelier.",
            decided=decided,
        )
        created += 1
    return created
