"""Predicates every app composes its permissions from (django-rules), one idea each.

A predicate takes ``(user, obj)``: ``obj`` is the establishment a page is about, or an object
of an establishment (a division, a scenario…) for object-level checks. ``tenant_id(obj)``
says which establishment either belongs to. Each app declares its own permissions in its
``rules.py`` (autodiscovered by django-rules) from these predicates and its own.

An app refers to a permission of another app by name (``permission_holds("inspection.read")``),
never by importing it: the lower app need not know the upper one, and a permission of an app
that is not installed simply does not hold.
"""

import rules

from carnet.core.profiles import Profile


def tenant_id(obj) -> int | None:
    """The pk of the establishment ``obj`` is, or belongs to (None for None)."""
    if obj is None:
        return None
    if getattr(obj, "is_tenant", False):
        return obj.pk
    return getattr(obj, "establishment_id", None)


def is_tenant(obj) -> bool:
    """Whether ``obj`` is an establishment itself (a page-level check) rather than one of its
    objects (an object-level check)."""
    return getattr(obj, "is_tenant", False)


def _member_with_profile(user, obj, profile) -> bool:
    establishment_id = tenant_id(obj)
    return (
        establishment_id is not None
        and user.is_authenticated
        and user.is_active
        and user.profile == profile
        and user.establishment_id == establishment_id
    )


@rules.predicate
def is_establishment_admin(user, obj) -> bool:
    return _member_with_profile(user, obj, Profile.ADMIN)


@rules.predicate
def is_head_of_establishment(user, obj) -> bool:
    return _member_with_profile(user, obj, Profile.HEAD)


@rules.predicate
def is_teacher_of_establishment(user, obj) -> bool:
    return _member_with_profile(user, obj, Profile.TEACHER)


@rules.predicate
def is_learner_of_establishment(user, obj) -> bool:
    return _member_with_profile(user, obj, Profile.LEARNER)


@rules.predicate
def is_member_of_establishment(user, obj) -> bool:
    """Any account of the establishment (administrator, head, teacher, pupil)."""
    establishment_id = tenant_id(obj)
    return (
        establishment_id is not None
        and user.is_authenticated
        and user.is_active
        and user.establishment_id == establishment_id
    )


def permission_holds(name: str) -> rules.Predicate:
    """A predicate true when the permission ``name`` (declared by any app) holds."""

    def check(user, obj) -> bool:
        return rules.has_perm(name, user, obj)

    return rules.Predicate(check, name=f"permission:{name}")
