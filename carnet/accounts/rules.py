"""Named permission predicates (django-rules), one idea each, and the permissions they make.

Predicates take (user, establishment). Views check one permission, once.
"""

import rules

from carnet.accounts.enums import Profile


def _member_with_profile(user, establishment, profile) -> bool:
    return (
        establishment is not None
        and user.is_authenticated
        and user.is_active
        and user.profile == profile
        and user.establishment_id == establishment.pk
    )


@rules.predicate
def is_establishment_admin(user, establishment) -> bool:
    return _member_with_profile(user, establishment, Profile.ADMIN)


@rules.predicate
def is_head_of_establishment(user, establishment) -> bool:
    return _member_with_profile(user, establishment, Profile.HEAD)


@rules.predicate
def is_teacher_of_establishment(user, establishment) -> bool:
    return _member_with_profile(user, establishment, Profile.TEACHER)


@rules.predicate
def is_learner_of_establishment(user, establishment) -> bool:
    return _member_with_profile(user, establishment, Profile.LEARNER)


@rules.predicate
def has_live_inspector_grant(user, establishment) -> bool:
    """An inspector whose access to the establishment is live today (asked of the database
    at every call: a revocation or the end date takes effect at the next request)."""
    from carnet.inspection.models import InspectorGrant  # the inspection app imports this one

    return (
        establishment is not None
        and user.is_authenticated
        and user.is_active
        and user.profile == Profile.INSPECTOR
        and InspectorGrant.objects.of(establishment).live().filter(inspector=user).exists()
    )


@rules.predicate
def is_member_of_establishment(user, establishment) -> bool:
    return (
        establishment is not None
        and user.is_authenticated
        and user.is_active
        and user.establishment_id == establishment.pk
    )


# Paramètres, imports, directory lists: the administrator only.
rules.add_perm("establishments.manage_settings", is_establishment_admin)
rules.add_perm("directory.view_lists", is_establishment_admin)
# « Gestion des utilisateurs » and « Gestion des accès élèves »: the administrator only.
rules.add_perm("accounts.manage_users", is_establishment_admin)
rules.add_perm("accounts.manage_pupil_access", is_establishment_admin)
# Imports of SIECLE/STS files and of learners outside SIECLE: the administrator only.
rules.add_perm("imports.manage", is_establishment_admin)
# Audit trail of the establishment: its administrator and its head.
rules.add_perm("audit.view_events", is_establishment_admin | is_head_of_establishment)
# Logo and stamp images: any signed-in user of the establishment.
rules.add_perm("establishments.view_images", is_member_of_establishment)
# Inspector access: opened and closed by the head only (not the administrator); read by an
# inspector while their grant is live.
rules.add_perm("inspection.manage_grants", is_head_of_establishment)
rules.add_perm("inspection.read", has_live_inspector_grant)
