"""Writes on accounts: creation with generated credentials, passwords, enabling/disabling.

Temporary passwords are returned once to the caller (to show or print) and never stored in
clear; every account they open must choose its own password at the next sign-in.
"""

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction

from carnet.accounts.credentials import logins_for, logins_reserve, temporary_password
from carnet.accounts.enums import Profile
from carnet.accounts.models import User
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record

TEMPORARY_HASHER = "argon2_temporaire"


def password_set_temporary(user: User) -> str:
    """Give ``user`` a new random temporary password (not saved here). Returns it, once."""
    password = temporary_password()
    user.password = make_password(password, hasher=TEMPORARY_HASHER)
    user.must_change_password = True
    return password


@transaction.atomic
def user_create(
    *,
    establishment,
    profile: Profile,
    first_name: str,
    last_name: str,
    email: str = "",
    actor,
    audit_establishment=None,
) -> tuple[User, str]:
    """Create an account with a generated login and temporary password. Returns both.

    ``establishment`` is None for an inspector (platform-wide); ``audit_establishment``
    says where the creation is recorded (the establishment of the person who made it).
    """
    first_name, last_name = " ".join(first_name.split()), " ".join(last_name.split())
    if not last_name:
        raise ValidationError({"last_name": "Le nom est obligatoire."})
    (login,) = logins_for([(first_name, last_name)])
    user = User(
        username=login,
        first_name=first_name,
        last_name=last_name,
        email=email.strip(),
        profile=profile,
        establishment=establishment,
    )
    password = password_set_temporary(user)
    user.full_clean(exclude=["password"])
    user.save()
    audit_event_record(
        establishment=audit_establishment or establishment,
        actor=actor,
        action=AuditAction.ACCOUNT_CREATED,
        subject=f"{user.get_full_name()} ({user.get_profile_display()})",
        changes={"Identifiant": ["", login]},
    )
    return user, password


@transaction.atomic
def user_password_reset(*, user: User, actor, audit_establishment=None) -> str:
    """A new temporary password, shown once; the user changes it at the next sign-in."""
    password = password_set_temporary(user)
    user.save(update_fields=["password", "must_change_password"])
    audit_event_record(
        establishment=audit_establishment or user.establishment,
        actor=actor,
        action=AuditAction.PASSWORD_RESET,
        subject=f"{user.get_full_name()} ({user.username})",
    )
    return password


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor, audit_establishment=None) -> bool:
    """Disable (cannot sign in, keeps its data) or reactivate an account."""
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_event_record(
        establishment=audit_establishment or user.establishment,
        actor=actor,
        action=AuditAction.ACCOUNT_ENABLED if active else AuditAction.ACCOUNT_DISABLED,
        subject=f"{user.get_full_name()} ({user.username})",
    )
    return True


def users_bulk_create(
    *, establishment, profile: Profile, people: list[tuple[str, str]]
) -> list[tuple[User, str]]:
    """Accounts for many people at once (pupils of a division), in a fixed number of queries.

    Returns (user, temporary password) pairs in the order of ``people``. The caller audits.
    """
    logins = logins_for(people)
    created = []
    for (first, last), login in zip(people, logins, strict=True):
        user = User(
            username=login,
            first_name=first,
            last_name=last,
            profile=profile,
            establishment=establishment,
        )
        created.append((user, password_set_temporary(user)))
    User.objects.bulk_create([user for user, _ in created])
    logins_reserve(logins)
    return created
