"""Permissions of the directory's lists (divisions, pupils, staff)."""

import rules

from carnet.core.predicates import (
    is_establishment_admin,
    is_head_of_establishment,
    is_teacher_of_establishment,
    is_tenant,
    permission_holds,
)
from carnet.directory.models import Division, StaffMember


@rules.predicate
def teaches_division(user, obj) -> bool:
    """A teacher in post who teaches the division or group ``obj`` (STS-web services, or set
    by hand by the administrator).

    Given the establishment itself (the page-level check), any of its teachers: « some
    division, maybe »; the check on the division decides.
    """
    if not is_teacher_of_establishment(user, obj):
        return False
    if is_tenant(obj):
        return True
    if not isinstance(obj, Division):
        return False
    return StaffMember.objects.filter(user=user, is_active=True, divisions=obj).exists()


# The administrator's lists (with « Rattacher » a division to a diploma).
rules.add_perm("directory.view_lists", is_establishment_admin)

# Read-only lists of divisions, pupils and teachers: the head, and an inspector while their
# access to the establishment is live (carnet.inspection, named: it sits above us).
can_read_lists = is_head_of_establishment | permission_holds("inspection.read")
rules.add_perm("directory.read_lists", can_read_lists)

# One division's page (its pupils): those who read the lists, and its own teachers.
rules.add_perm("directory.view_division", can_read_lists | teaches_division)
# Learners and divisions « hors SIECLE » typed in by hand.
rules.add_perm("directory.manage_outside", is_establishment_admin)
