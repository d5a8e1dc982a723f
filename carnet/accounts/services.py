"""Writes on accounts: creation with generated credentials, passwords, enabling/disabling.

Temporary passwords are returned once to the caller (to show or print) and never stored in
clear; every account they open must choose its own password at the next sign-in.
"""

from collections.abc import Collection

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from carnet.accounts.credentials import (
    login_ever_given,
    logins_for,
    logins_reserve,
    temporary_password,
)
from carnet.accounts.enums import DisabledReason
from carnet.accounts.hashers import TemporaryPasswordHasher
from carnet.accounts.models import User
from carnet.accounts.protection import (
    EMAIL_LOCKED_MESSAGE,
    ProtectedCredentials,
    credentials_protected,
    email_locked,
)
from carnet.accounts.ratelimits import (
    INVITATION_PER_ACCOUNT,
    INVITATION_PER_SENDER,
    limit_reached,
    limit_take,
)
from carnet.audit.diff import audit_changes
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.core.profiles import Profile
from carnet.directory.enums import StaffFunction
from carnet.directory.models import StaffMember
from carnet.directory.services import (
    BATCH_SIZE,
    chunks,
    staff_member_create,
    staff_member_update,
)

TEMPORARY_HASHER = TemporaryPasswordHasher.algorithm


def password_set_temporary(user: User) -> str:
    """Give ``user`` a new random temporary password (not saved here). Returns it, once.

    Refused (ProtectedCredentials) for an account that is or was a head, or an inspector:
    every temporary password is shown or printed for someone else (carnet.accounts.protection).
    """
    if credentials_protected(user):
        raise ProtectedCredentials()
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
    with_password: bool = True,
) -> tuple[User, str]:
    """Create an account with a generated login and temporary password. Returns both.

    ``establishment`` is None for an inspector (platform-wide); ``audit_establishment``
    says where the creation is recorded (the establishment of the person who made it).
    Without ``with_password`` the account gets no password at all ("" is returned): its
    owner chooses one through the link ``account_invitation_send`` e-mails.
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
    if with_password:
        password = password_set_temporary(user)
    else:
        password = ""
        user.set_unusable_password()
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


def administrator_account_problems(*, login: str, password: str, email: str) -> list[str]:
    """What prevents creating an establishment's administrator with this login and password
    (French sentences; empty when nothing does). Reads only."""
    problems = []
    if not login:
        problems.append("L'identifiant de l'administrateur est obligatoire.")
    elif login_ever_given(login):
        problems.append(f"L'identifiant « {login} » est déjà utilisé : choisissez-en un autre.")
    admin = User(username=login, profile=Profile.ADMIN, email=email, last_name="Administrateur")
    if login:
        try:
            admin.clean_fields(exclude=["password", "establishment"])
        except ValidationError as exc:
            problems.extend(exc.messages)
    try:
        password_validation.validate_password(password, admin)
    except ValidationError as exc:
        problems.extend(exc.messages)
    return problems


@transaction.atomic
def administrator_account_create(*, establishment, login: str, password: str) -> User:
    """The establishment's single administrator (checked by administrator_account_problems)."""
    admin = User(
        username=login,
        profile=Profile.ADMIN,
        email=establishment.email,
        last_name="Administrateur",
        establishment=establishment,
    )
    admin.set_password(password)
    admin.save()
    return admin


@transaction.atomic
def user_password_reset(*, user: User, actor) -> str:
    """A new temporary password, shown once; the user changes it at the next sign-in."""
    password = password_set_temporary(user)
    user.save(update_fields=["password", "must_change_password"])
    audit_event_record(
        establishment=user.establishment,
        actor=actor,
        action=AuditAction.PASSWORD_RESET,
        subject=f"{user.get_full_name()} ({user.username})",
    )
    return password


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor, subject: str = "") -> bool:
    """The administrator disables (cannot sign in, keeps its data) or reactivates an account.

    A disabled account says why (``disabled_reason`` ADMIN: no import enables it again);
    reactivating clears the reason. A head account is not reactivated while another head
    account of the establishment is active (ValidationError): the administrator could
    otherwise disable the head, create a head account of their own, and reactivate the
    first one, leaving two heads and nobody warned.

    ``subject`` names the account in the audit trail (a pupil is named by number: the trail
    never holds a pupil's name); by default the staff member's name and login.
    """
    if user.is_active == active:
        return False
    if active and user.profile == Profile.HEAD:
        other = (
            User.objects.of(user.establishment)
            .filter(profile=Profile.HEAD, is_active=True)
            .exclude(pk=user.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                f"Un autre compte de chef d'établissement est actif ({other.display_name}, "
                f"{other.username}) : un seul compte de chef d'établissement est réactivé à la "
                "main à la fois. Désactivez d'abord l'autre compte si c'est bien lui qui doit "
                "céder la place."
            )
    user.is_active = active
    user.disabled_reason = "" if active else DisabledReason.ADMIN
    user.save(update_fields=["is_active", "disabled_reason"])
    audit_event_record(
        establishment=user.establishment,
        actor=actor,
        action=AuditAction.ACCOUNT_ENABLED if active else AuditAction.ACCOUNT_DISABLED,
        subject=subject or f"{user.get_full_name()} ({user.username})",
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


# --- Staff accounts (« Gestion des utilisateurs ») ---------------------------------------


@transaction.atomic
def staff_account_create(
    *, establishment, profile: Profile, data: dict, actor
) -> tuple[StaffMember, User, str]:
    """A teacher (or the head) SIECLE/STS did not bring: staff record + account + password.

    ``data``: civility, last_name, first_name, birth_date, email, discipline, divisions.
    A head account gets no password ("" is returned): it needs an e-mail address, where
    ``account_invitation_issue`` sends its owner the link to choose one.
    """
    function = StaffFunction.TEACHER if profile == Profile.TEACHER else StaffFunction.MANAGEMENT
    if (
        profile == Profile.HEAD
        and User.objects.of(establishment).filter(profile=Profile.HEAD, is_active=True).exists()
    ):
        raise ValidationError(
            "L'établissement a déjà un compte de chef d'établissement actif : modifiez-le "
            "plutôt que d'en créer un autre."
        )
    if profile == Profile.HEAD and not data.get("email", "").strip():
        raise ValidationError(
            {
                "email": "L'adresse électronique du chef d'établissement est obligatoire : il "
                "y reçoit le lien pour choisir son mot de passe."
            }
        )
    user, password = user_create(
        establishment=establishment,
        profile=profile,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data.get("email", ""),
        actor=actor,
        with_password=profile != Profile.HEAD,
    )
    member = staff_member_create(
        establishment=establishment,
        function=function,
        data={**data, "last_name": user.last_name, "first_name": user.first_name},
        user=user,
    )
    return member, user, password


STAFF_ACCOUNT_LABELS = {
    "last_name": "Nom",
    "first_name": "Prénom",
    "email": "Adresse électronique",
    "divisions": "Classes",
}


@transaction.atomic
def staff_account_update(*, user: User, data: dict, actor) -> dict[str, list[str]]:
    """Names, e-mail, and for a staff member: civility, birth date, discipline, classes."""
    member = getattr(user, "staff_member", None)
    if email_locked(user) and data.get("email", "").strip() != user.email:
        raise ValidationError({"email": EMAIL_LOCKED_MESSAGE})
    before = {name: getattr(user, name) for name in ("last_name", "first_name", "email")}
    user.last_name = " ".join(data["last_name"].split())
    user.first_name = " ".join(data["first_name"].split())
    user.email = data.get("email", "").strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["last_name", "first_name", "email"])
    after = {name: getattr(user, name) for name in ("last_name", "first_name", "email")}
    if member is not None:
        # The form offers this year's divisions: those of earlier years stay as they are.
        before["divisions"], divisions = staff_member_update(
            member=member,
            data={**data, "last_name": user.last_name, "first_name": user.first_name},
            today=timezone.localdate(),
        )
        if divisions is not None:
            after["divisions"] = divisions
    changes = audit_changes(before, after, labels=STAFF_ACCOUNT_LABELS)
    if changes:
        audit_event_record(
            establishment=user.establishment,
            actor=actor,
            action=AuditAction.ACCOUNT_UPDATED,
            subject=f"{user.get_full_name()} ({user.username})",
            changes=changes,
        )
    return changes


def account_invitation_send(
    *,
    user: User,
    sender: User | None,
    base_url: str,
    template: str = "accounts/invitation_email.txt",
) -> None:
    """E-mail ``user`` their login and a link to choose their password (Django's reset token).

    Nobody else ever sees a password of that account. The link works once, for
    PASSWORD_RESET_TIMEOUT; afterwards « Mot de passe oublié » with the same address sends
    another one. Sent once the transaction commits. Limited per account reached
    (INVITATION_ACCOUNT_LIMIT an hour) and per ``sender`` (INVITATION_SENDER_LIMIT).
    """
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = render_to_string(
        template,
        {
            "user": user,
            "link": base_url.rstrip("/") + path,
            "login_url": base_url.rstrip("/") + reverse("accounts:login"),
            "platform_name": settings.PLATFORM_NAME,
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )
    if sender is not None and limit_reached(INVITATION_PER_SENDER, sender.pk):
        count = INVITATION_PER_SENDER.count
        plural = "s" if count > 1 else ""
        raise ValidationError(
            f"Vous avez envoyé {count} invitation{plural} ou lien{plural} dans l'heure, le plus "
            "que la plateforme permet : attendez une heure avant d'en envoyer d'autres."
        )
    if not limit_take(INVITATION_PER_ACCOUNT, user.pk):
        count = INVITATION_PER_ACCOUNT.count
        raise ValidationError(
            f"{count} lien{'s' if count > 1 else ''} {'ont' if count > 1 else 'a'} déjà été "
            f"envoyé{'s' if count > 1 else ''} à ce compte dans l'heure : attendez avant d'en "
            "envoyer un autre. Les liens déjà envoyés restent valables une heure."
        )
    if sender is not None:
        limit_take(INVITATION_PER_SENDER, sender.pk)
    subject = f"{settings.PLATFORM_NAME} : " + (
        "votre compte" if template.endswith("invitation_email.txt") else "nouveau mot de passe"
    )
    # robust: a mail server down must not turn a saved account into an error page (the
    # failure is logged; « Mot de passe oublié » sends another link).
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]), robust=True)


# --- Accounts of the people an import brings (SIECLE, STS-web, hors SIECLE) ---------------
# Bulk writes in the import's transaction, in a fixed number of queries (chunks of
# BATCH_SIZE); the import audits. Queryset updates bypass User.save: was_head is set here.


def users_create_without_password(
    *, establishment, people: list[tuple[str, str, Profile]]
) -> list[User]:
    """Accounts for (first name, last name, profile), in that order, with no password at all:
    their owners receive their credentials by e-mail invitation, never on a screen."""
    logins = logins_for([(first, last) for first, last, _ in people])
    users = []
    for (first, last, profile), login in zip(people, logins, strict=True):
        user = User(
            username=login,
            first_name=first,
            last_name=last,
            profile=profile,
            establishment=establishment,
            was_head=profile == Profile.HEAD,
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    logins_reserve(logins)
    return users


def users_profile_set(*, establishment, profiles: dict[int, Profile]) -> None:
    """Give these accounts of the establishment a new profile (user pk → profile). An account
    given the head profile stays protected as a head for good (``was_head``)."""
    by_profile: dict[Profile, list[int]] = {}
    for pk, profile in profiles.items():
        by_profile.setdefault(profile, []).append(pk)
    for profile, pks in by_profile.items():
        extra = {"was_head": True} if profile == Profile.HEAD else {}
        for chunk in chunks(pks):
            User.objects.of(establishment).filter(pk__in=chunk).update(profile=profile, **extra)


def users_activity_set(
    *, establishment, disable: dict[int, DisabledReason], enable: Collection[int] = ()
) -> None:
    """Disable accounts of the establishment, saying why (user pk → reason), and enable
    others again. An account the administrator disabled is never enabled by an import, and
    keeps « Désactivé par l'administrateur » as its reason."""
    by_reason: dict[DisabledReason, list[int]] = {}
    for pk, reason in disable.items():
        by_reason.setdefault(reason, []).append(pk)
    accounts = User.objects.of(establishment).exclude(disabled_reason=DisabledReason.ADMIN)
    for reason, pks in by_reason.items():
        for chunk in chunks(pks):
            accounts.filter(pk__in=chunk).update(is_active=False, disabled_reason=reason)
    for chunk in chunks(list(enable)):
        accounts.filter(pk__in=chunk).update(is_active=True, disabled_reason="")


@transaction.atomic
def account_invitation_issue(*, user: User, actor, base_url: str) -> str:
    """The administrator has a link e-mailed to ``user``: before the first sign-in, an
    invitation to choose a password; after it, a link to choose a new one. Returns the address.

    The only way the administrator gives credentials to a protected account (a head, or a
    former head: carnet.accounts.protection). Before the first sign-in any password the
    account had is made unusable, so that only the link opens it. Limited per account
    (INVITATION_ACCOUNT_LIMIT an hour); recorded in the audit trail with the address, which
    the head reads there.
    """
    if not user.email:
        raise ValidationError(
            {
                "email": "Renseignez d'abord l'adresse électronique de ce compte (Modifier, "
                "ci-dessous) : le lien y est envoyé."
            }
        )
    if not user.is_active:
        raise ValidationError(
            "Ce compte est désactivé : réactivez-le avant de lui envoyer un lien."
        )
    first = user.last_login is None
    if first and user.has_usable_password():
        user.set_unusable_password()
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
    account_invitation_send(
        user=user,
        sender=actor,
        base_url=base_url,
        template="accounts/invitation_email.txt" if first else "accounts/reset_link_email.txt",
    )
    audit_event_record(
        establishment=user.establishment,
        actor=actor,
        action=AuditAction.ACCOUNT_UPDATED,
        subject=f"{user.get_full_name()} ({user.username})",
        changes={
            ("Invitation envoyée à" if first else "Lien de nouveau mot de passe envoyé à"): [
                "",
                user.email,
            ]
        },
    )
    return user.email
