"""Permissions of the passeport professionnel.

The passport is the pupil's: they write their entries and export it. Their teachers (the
teachers in post of the pupil's division or groups) read it and validate its entries; the
head and an inspector with a live grant read it. The administrator sees none of it
(PRODUCT.md rule 1). Predicates on an establishment answer True: the object check decides.
"""

import rules
from django.db.models import Q

from carnet.accounts.former_pupils import former_pupil_of
from carnet.core.predicates import (
    is_head_of_establishment,
    is_learner_of_establishment,
    is_teacher_of_establishment,
    is_tenant,
    permission_holds,
    tenant_id,
)
from carnet.directory.models import Pupil, StaffMember


def pupil_of(obj) -> Pupil | None:
    """The pupil ``obj`` is, or whose passport it belongs to (an entry, an attachment)."""
    if isinstance(obj, Pupil):
        return obj
    if hasattr(obj, "entry"):
        obj = obj.entry
    return getattr(obj, "pupil", None)


@rules.predicate
def is_own_passport(user, obj) -> bool:
    if not is_learner_of_establishment(user, obj):
        return False
    if is_tenant(obj):
        return True
    pupil = pupil_of(obj)
    return pupil is not None and pupil.user_id == user.pk


@rules.predicate
def teaches_pupil(user, obj) -> bool:
    """A teacher in post of the pupil's division or of one of their groups (as
    carnet.directory's ``teaches_division``)."""
    if not is_teacher_of_establishment(user, obj):
        return False
    if is_tenant(obj):
        return True
    pupil = pupil_of(obj)
    if pupil is None:
        return False
    return (
        StaffMember.objects.filter(user=user, is_active=True)
        .filter(Q(divisions__pupils=pupil) | Q(divisions__group_pupils=pupil))
        .exists()
    )


@rules.predicate
def is_former_own_passport(user, obj) -> bool:
    """A pupil who left, while their window is open (carnet/accounts/former_pupils.py): their
    account is disabled, so every other permission refuses them; this one reads their own
    passport (read and export only)."""
    establishment_id = tenant_id(obj)
    if establishment_id is None or getattr(user, "establishment_id", None) != establishment_id:
        return False
    former = former_pupil_of(user)
    if former is None:
        return False
    if is_tenant(obj):
        return True
    pupil = pupil_of(obj)
    return pupil is not None and pupil.pk == former.pk


readers = is_head_of_establishment | permission_holds("inspection.read")

# The pupil's own passport: write entries, send them, convert, export.
rules.add_perm("passport.own", is_own_passport)
# One's own passport page, to read and export: the pupil, and a pupil who left (for a while).
rules.add_perm("passport.mine", is_own_passport | is_former_own_passport)
# Read a pupil's passport (and export it): the pupil (also after leaving, for a while), their
# teachers, the head, an inspector.
rules.add_perm("passport.read", is_own_passport | is_former_own_passport | teaches_pupil | readers)
# The follow-up page (a division's pupils, entries to validate).
rules.add_perm("passport.follow", is_teacher_of_establishment | readers)
# Validate an entry, or ask for changes.
rules.add_perm("passport.validate", teaches_pupil)
