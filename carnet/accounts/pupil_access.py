"""Writes of « Gestion des accès élèves »: pupils' accounts per division, new passwords.

Passwords are returned once, to be printed (carnet.documents.credentials), never stored.
"""

from dataclasses import dataclass

from django.db import transaction

from carnet.accounts.models import User
from carnet.accounts.services import password_set_temporary, users_bulk_create
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.core.profiles import Profile
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil
from carnet.directory.selectors import pupil_name_order
from carnet.directory.services import pupils_update
from carnet.documents.credentials import CARDS_PER_PAGE


@dataclass(frozen=True)
class IssuedCredential:
    pupil: Pupil
    login: str
    password: str


# At most this many accounts per « Générer les accès »: seven full sheets of eight cards.
# A bigger division is served in batches, one PDF each (the hashing and the PDF of one
# batch take about a second; a whole 300-learner « division » of apprentices would not).
GENERATE_BATCH = 7 * CARDS_PER_PAGE
ALREADY_GENERATED = (
    "Les accès de ces élèves ont déjà été générés (par une demande envoyée juste avant "
    "celle-ci) : leurs identifiants sont dans le PDF de cette première demande. Rien n'a "
    "été changé."
)


class AccessAlreadyGenerated(Exception):
    """The batch asked for has its accounts already: a second click, or a double submit."""

    message = ALREADY_GENERATED


@transaction.atomic
def pupils_access_generate(
    *, division, actor, pupil_ids: list[int] | None = None, limit: int = GENERATE_BATCH
) -> list[IssuedCredential]:
    """Accounts for the division's active pupils who have none, at most ``limit`` of them
    (the first by name). Passwords returned once.

    ``pupil_ids``: the batch the page offered; only those pupils get an account, and when
    none of them still lacks one, AccessAlreadyGenerated is raised and nothing changes (the
    same form sent twice gives accounts once, never the next batch).
    """
    # Locked rows (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises the transactions): a
    # second request waits for the first, then finds nobody of its batch left without one.
    queryset = Pupil.objects.select_for_update().filter(
        division=division, status=PupilStatus.ACTIVE, user__isnull=True
    )
    if pupil_ids is not None:
        queryset = queryset.filter(pk__in=pupil_ids)
    pupils = list(queryset.order_by(*pupil_name_order())[:limit])
    if not pupils and pupil_ids:
        raise AccessAlreadyGenerated
    created = users_bulk_create(
        establishment=division.establishment,
        profile=Profile.LEARNER,
        people=[(p.first_name, p.last_name) for p in pupils],
    )
    for pupil, (user, _) in zip(pupils, created, strict=True):
        pupil.user = user
    pupils_update(rows=[(p.pk, {"user_id": p.user.pk}) for p in pupils], fields=["user_id"])
    _audit_access(division=division, actor=actor, created=len(pupils), reset=0)
    return [
        IssuedCredential(pupil, user.username, password)
        for pupil, (user, password) in zip(pupils, created, strict=True)
    ]


@transaction.atomic
def pupils_password_reset(*, division, pupils: list[Pupil], actor) -> list[IssuedCredential]:
    """New temporary passwords for these pupils of ``division`` (with an account, active)."""
    pupils = [
        p
        for p in pupils
        if p.division_id == division.pk
        and p.user_id
        and p.user.is_active
        and p.status == PupilStatus.ACTIVE
    ]
    issued = []
    users = []
    for pupil in pupils:
        password = password_set_temporary(pupil.user)
        users.append(pupil.user)
        issued.append(IssuedCredential(pupil, pupil.user.username, password))
    User.objects.bulk_update(users, ["password", "must_change_password"])
    _audit_access(division=division, actor=actor, created=0, reset=len(pupils))
    return issued


def _audit_access(*, division, actor, created: int, reset: int) -> None:
    if not created and not reset:
        return
    changes = {}
    if created:
        changes["Comptes créés"] = ["", str(created)]
    if reset:
        changes["Mots de passe réinitialisés"] = ["", str(reset)]
    # Counts only: the audit trail never holds a pupil's name.
    audit_event_record(
        establishment=division.establishment,
        actor=actor,
        action=AuditAction.PUPIL_ACCESS_GENERATED,
        subject=f"Division {division.code}",
        changes=changes,
    )
