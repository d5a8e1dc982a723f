"""Permissions of the PFMP.

The teachers of a division set its periods and placements, read its pupils' fiches, choose
what the bilans entreprise assess and fill them; the head and an inspector with a live grant
read them; a pupil writes their own fiches; the administrator sees none of it (rule 1). The
tutor has no account: their page is public, opened by their personal link (tutor.py).
"""

import rules

from carnet.core.predicates import (
    is_head_of_establishment,
    is_learner_of_establishment,
    is_teacher_of_establishment,
    is_tenant,
    permission_holds,
)
from carnet.directory.models import Division
from carnet.directory.rules import teaches_division
from carnet.pfmp.models import TutorLink


def division_of(obj):
    """The division a PFMP object is about (an attachment, a fiche, a bilan, a placement, a
    period, a tutor's link), or None."""
    if isinstance(obj, TutorLink):
        obj = obj.review
    for attribute in ("sheet", "placement", "period", "division"):
        if not isinstance(obj, Division) and hasattr(obj, attribute):
            obj = getattr(obj, attribute)
    return obj if isinstance(obj, Division) else None


def pupil_of(obj):
    """The pupil a placement, a fiche or an attachment belongs to, or None."""
    for attribute in ("sheet", "placement"):
        if hasattr(obj, attribute):
            obj = getattr(obj, attribute)
    return getattr(obj, "pupil", None)


@rules.predicate
def teaches_the_division(user, obj) -> bool:
    """A teacher of the division the object is about. On an establishment: any teacher."""
    if is_tenant(obj):
        return is_teacher_of_establishment(user, obj)
    division = division_of(obj)
    return division is not None and teaches_division(user, division)


@rules.predicate
def is_the_pupil(user, obj) -> bool:
    """The pupil the placement or fiche belongs to. On an establishment: any pupil."""
    if not is_learner_of_establishment(user, obj):
        return False
    if is_tenant(obj):
        return True
    pupil = pupil_of(obj)
    return pupil is not None and pupil.user_id == user.pk


readers = is_head_of_establishment | permission_holds("inspection.read") | teaches_the_division

rules.add_perm("pfmp.read", readers)
rules.add_perm("pfmp.manage", teaches_the_division)
rules.add_perm("pfmp.write_own", is_the_pupil)
rules.add_perm("pfmp.view_sheet", readers | is_the_pupil)
