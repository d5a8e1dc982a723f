"""Permissions of the dashboards and the bilans.

Every teacher of the establishment reads every division's dashboards (as in the original
product), its head and an inspector with a live grant too; a teacher writes bilans only for
the pupils of the divisions they teach (object check on the pupil or the bilan); the head
unlocks a validated bilan terminal; a pupil reads their own dashboard and bilans. The
administrator sees none of it (PRODUCT.md rule 1).
"""

import rules

from carnet.core.predicates import (
    is_head_of_establishment,
    is_learner_of_establishment,
    is_teacher_of_establishment,
    is_tenant,
    permission_holds,
)
from carnet.directory.rules import teaches_division


def _pupil_of(obj):
    if getattr(obj, "_meta", None) is not None and obj._meta.label == "directory.Pupil":
        return obj
    return getattr(obj, "pupil", None)


@rules.predicate
def teaches_the_pupil(user, obj) -> bool:
    """A teacher in post of the pupil's division (``obj``: a pupil, a bilan). On the
    establishment (a page-level check): any teacher, the object check decides."""
    if is_tenant(obj):
        return is_teacher_of_establishment(user, obj)
    pupil = _pupil_of(obj)
    if pupil is None or pupil.division_id is None:
        return False
    return teaches_division(user, pupil.division)


@rules.predicate
def is_the_pupil(user, obj) -> bool:
    """The pupil's own account (``obj``: a bilan); on the establishment: any pupil."""
    if not is_learner_of_establishment(user, obj):
        return False
    if is_tenant(obj):
        return True
    pupil = _pupil_of(obj)
    if pupil is None or pupil.user_id != user.pk:
        return False
    # A bilan terminal reaches the pupil once validated.
    return getattr(obj, "kind", "") != "terminal" or obj.validated_at is not None


reads_dashboards = (
    is_teacher_of_establishment | is_head_of_establishment | permission_holds("inspection.read")
)

rules.add_perm("dashboards.read", reads_dashboards)
rules.add_perm("dashboards.read_own", is_learner_of_establishment)
rules.add_perm("dashboards.read_bilan", reads_dashboards | is_the_pupil)
rules.add_perm("dashboards.write_bilan", is_teacher_of_establishment & teaches_the_pupil)
rules.add_perm("dashboards.unlock_bilan", is_head_of_establishment)
