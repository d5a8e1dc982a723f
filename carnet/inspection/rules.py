"""Permissions of inspector access: opened and closed by the head; read by an inspector while
their grant is live."""

import rules

from carnet.core.predicates import is_head_of_establishment, tenant_id
from carnet.core.profiles import Profile
from carnet.core.request_cache import request_memo
from carnet.inspection.models import InspectorGrant


@rules.predicate
def has_live_inspector_grant(user, obj) -> bool:
    """An inspector whose access to the establishment (of ``obj``) is live today, asked of the
    database at every call: a revocation or the end date takes effect at the next request."""
    establishment_id = tenant_id(obj)
    if not (
        establishment_id is not None
        and user.is_authenticated
        and user.is_active
        and user.profile == Profile.INSPECTOR
    ):
        return False
    # Asked once per request (a menu and a page ask several permissions that come down to
    # this one), and afresh at every request: a revocation takes effect at the next one.
    return request_memo(
        ("live_grant", user.pk, establishment_id),
        lambda: (
            InspectorGrant.objects.live()
            .filter(establishment_id=establishment_id, inspector=user)
            .exists()
        ),
    )


rules.add_perm("inspection.manage_grants", is_head_of_establishment)
rules.add_perm("inspection.read", has_live_inspector_grant)
