"""Writes of inspector access: find or create the inspector, open, close, record a visit.

Every function is keyword-only and atomic, and writes its audit event on the establishment.
Grants are opened and closed by the establishment's head: the views check the permission
(``inspection.manage_grants``); visits are recorded for an inspector with a live grant.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carnet.accounts.models import User
from carnet.accounts.services import account_invitation_send, user_create
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.core.profiles import Profile
from carnet.inspection.models import InspectorGrant, period_errors, start_errors


@dataclass(frozen=True)
class InspectorFound:
    inspector: User
    # True when the account was just created (its owner was e-mailed a link to choose their
    # password); False when the inspector already had an account.
    created: bool = False


def _period(grant: InspectorGrant) -> str:
    return f"du {grant.starts_on:%d/%m/%Y} au {grant.ends_on:%d/%m/%Y}"


def _subject(inspector: User) -> str:
    return f"{inspector.get_full_name() or inspector.username} ({inspector.username})"


def inspector_by_email(email: str) -> User | None:
    """The inspector account of that e-mail address (case ignored), or None.

    Accounts of other profiles are never returned. There is at most one inspector account
    per address (the constraint ``one_inspector_per_email``).
    """
    email = email.strip()
    if not email:
        return None
    return User.objects.filter(profile=Profile.INSPECTOR, email__iexact=email).first()


def new_inspector_name_errors(first_name: str, last_name: str) -> dict[str, str]:
    """An inspector without an account yet is created: their first and last names are needed."""
    errors = {}
    if not " ".join((first_name or "").split()):
        errors["first_name"] = "Aucun inspecteur n'a cette adresse : indiquez son prénom."
    if not " ".join((last_name or "").split()):
        errors["last_name"] = "Aucun inspecteur n'a cette adresse : indiquez son nom."
    return errors


def inspector_access_problems(
    *,
    email: str | None,
    first_name: str,
    last_name: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    today: datetime.date | None = None,
) -> dict[str, str]:
    """What would make « Ouvrir l'accès » refuse, by field, before anything is written.

    The form asks it with whatever it could read (None for a value it could not): a missing
    field then hides no other field's problem. ``inspector_access_open`` checks all of it
    again, and what only the database can tell (an access overlapping another).
    """
    errors = {**period_errors(starts_on, ends_on), **start_errors(starts_on, today)}
    if email and inspector_by_email(email) is None:
        errors.update(new_inspector_name_errors(first_name, last_name))
    return errors


@transaction.atomic
def inspector_find_or_create(
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    actor,
    establishment,
    base_url: str,
) -> InspectorFound:
    """The inspector of that e-mail address, or a new platform-wide inspector account.

    A new account gets a generated login and no password: the inspector is e-mailed their
    login and a link (to ``base_url``) to choose their password, once the transaction
    commits. Nobody else ever sees a password of an inspector account: one inspector is
    granted by many establishments, so a head who knew it could read the others. The
    creation is recorded in ``establishment``'s audit trail (the head who created it).
    """
    email = email.strip()
    if not email:
        raise ValidationError({"email": "L'adresse électronique de l'inspecteur est obligatoire."})
    inspector = inspector_by_email(email)
    if inspector is not None:
        return InspectorFound(inspector)
    errors = new_inspector_name_errors(first_name, last_name)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            inspector, _ = user_create(
                establishment=None,
                profile=Profile.INSPECTOR,
                first_name=first_name,
                last_name=last_name,
                email=email,
                actor=actor,
                audit_establishment=establishment,
                with_password=False,
            )
            # Inside the savepoint: if it is rolled back, no e-mail is sent.
            account_invitation_send(user=inspector, sender=actor, base_url=base_url)
    except (IntegrityError, ValidationError) as exc:
        # Created at the same moment by another head (one inspector per address).
        inspector = inspector_by_email(email)
        if inspector is None:
            raise exc from None
        return InspectorFound(inspector)
    return InspectorFound(inspector, created=True)


@transaction.atomic
def inspector_grant_open(
    *,
    establishment,
    inspector: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
    actor,
    today: datetime.date | None = None,
) -> InspectorGrant:
    """Open ``inspector``'s read-only access to ``establishment`` from ``starts_on`` to ``ends_on``.

    The start is today or later, and at the latest the end of the current school year; the
    end is at most the end of the school year of the start (31 August); one inspector has at
    most one open access to an establishment over any given day.
    """
    if inspector.profile != Profile.INSPECTOR:
        raise ValidationError({"email": "Ce compte n'est pas un compte d'inspecteur."})
    if not inspector.is_active:
        raise ValidationError(
            {
                "email": "Le compte de cet inspecteur est désactivé : adressez-vous à "
                "l'opérateur de la plateforme."
            }
        )
    errors = start_errors(starts_on, today)
    if errors:
        raise ValidationError(errors)
    grant = InspectorGrant(
        establishment=establishment,
        inspector=inspector,
        starts_on=starts_on,
        ends_on=ends_on,
        note=" ".join(note.split()),
        granted_by=actor,
    )
    # The check constraint says what clean() says already (with the field named): not twice.
    grant.full_clean(exclude=["granted_by", "revoked_by"], validate_constraints=False)
    # Serialise the openings of one inspector's access (two heads, or a form sent twice).
    User.objects.select_for_update().filter(pk=inspector.pk).first()
    overlapping = (
        InspectorGrant.objects.of(establishment)
        .filter(inspector=inspector, revoked_at__isnull=True)
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .order_by("starts_on")
        .first()
    )
    if overlapping is not None:
        # Under the start date: choosing another period is one of the two ways out.
        raise ValidationError(
            {
                "starts_on": f"{inspector.get_full_name()} a déjà un accès à l'établissement "
                f"{_period(overlapping)} : fermez-le d'abord ou choisissez une autre période."
            }
        )
    grant.save()
    audit_event_record(
        establishment=establishment,
        actor=actor,
        action=AuditAction.INSPECTOR_GRANTED,
        subject=_subject(inspector),
        changes={"Période": ["", _period(grant)]},
    )
    return grant


@transaction.atomic
def inspector_grant_revoke(*, grant: InspectorGrant, actor) -> InspectorGrant:
    """Close an access now (a live one) or cancel it (one still to come).

    Effective at the inspector's next request: rights are read from the database each time.
    """
    grant = InspectorGrant.objects.select_for_update().select_related("inspector").get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError("Cet accès est déjà fermé.")
    if grant.ends_on < timezone.localdate():
        raise ValidationError("Cet accès est déjà terminé.")
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    audit_event_record(
        establishment=grant.establishment,
        actor=actor,
        action=AuditAction.INSPECTOR_REVOKED,
        subject=_subject(grant.inspector),
        changes={"Période": [_period(grant), f"fermé le {timezone.localdate():%d/%m/%Y}"]},
    )
    return grant


@transaction.atomic
def inspector_visit_record(*, inspector: User, establishment) -> InspectorGrant:
    """An inspector starts consulting ``establishment``: checked against a live grant, audited."""
    grant = (
        InspectorGrant.objects.of(establishment)
        .live()
        .filter(inspector=inspector, inspector__is_active=True)
        .first()
    )
    if grant is None or inspector.profile != Profile.INSPECTOR:
        raise PermissionDenied("Aucun accès en cours à cet établissement.")
    audit_event_record(
        establishment=establishment,
        actor=inspector,
        action=AuditAction.INSPECTOR_VISIT,
        subject=_subject(inspector),
        changes={"Accès": ["", _period(grant)]},
    )
    return grant


@transaction.atomic
def inspector_access_open(
    *,
    establishment,
    email: str,
    first_name: str = "",
    last_name: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
    actor,
    base_url: str,
) -> tuple[InspectorGrant, InspectorFound]:
    """« Ouvrir l'accès » of the head's page: find or create the inspector, then open the grant.

    All or nothing: when the grant is refused, no inspector account is left created and no
    invitation is sent (it is sent on commit). Every problem is reported at once, by field.
    """
    errors = {**period_errors(starts_on, ends_on), **start_errors(starts_on)}
    found = None
    try:
        found = inspector_find_or_create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            actor=actor,
            establishment=establishment,
            base_url=base_url,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    grant = inspector_grant_open(
        establishment=establishment,
        inspector=found.inspector,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        actor=actor,
    )
    return grant, found
