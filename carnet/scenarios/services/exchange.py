"""Importing a ``scenario/1`` file: a preview first, then the scenario, the importer's own.

The file sent is checked whole (archive.py, exchange.py) before it is kept, under a random
token bound to the teacher who sent it (its storage name holds their id: another account's
token finds nothing), until « Créer le scénario » or « Abandonner »; a file left there is
deleted after a day, when a next file is sent. Creating re-checks everything (the
référentiel may have changed in between) and re-checks each resource by its content, as
an upload.
"""

import datetime
import re
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from carnet.accounts.models import User
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.scenarios.archive import ArchiveRefused, archive_read
from carnet.scenarios.exchange import ResolvedArchive, archive_resolve
from carnet.scenarios.models import Scenario, ScenarioResource
from carnet.scenarios.services.resources import STORAGE_DIR, resource_rows
from carnet.scenarios.services.scenarios import (
    check_teacher,
    scenario_create,
    scenario_update_links,
    title_fields,
)

IMPORT_DIR = f"{STORAGE_DIR}/imports"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEPT_FOR = datetime.timedelta(days=1)


def _staged_name(actor: User, token: str) -> str | None:
    return f"{IMPORT_DIR}/{actor.pk}-{token}.zip" if TOKEN.match(token or "") else None


def archive_check(*, data: bytes) -> ResolvedArchive:
    """The file's scenario, every check passed; raises ValidationError (French message)."""
    try:
        resolved = archive_resolve(archive=archive_read(data))
    except ArchiveRefused as refused:
        raise ValidationError(refused.message) from None
    archive = resolved.archive
    _, errors = title_fields(
        title=archive.title, diploma=resolved.diploma, class_level=archive.class_level
    )
    if errors:
        raise ValidationError(" ".join(errors.values()))
    return resolved


def _purge_stale() -> None:
    try:
        _, names = default_storage.listdir(IMPORT_DIR)
    except (FileNotFoundError, NotADirectoryError):
        return
    limit = timezone.now() - KEPT_FOR
    for name in names:
        path = f"{IMPORT_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def scenario_import_stage(
    *, establishment, actor: User, data: bytes
) -> tuple[str, ResolvedArchive]:
    """Check the file and keep it for the preview. Returns (its token, what it holds)."""
    check_teacher(establishment=establishment, user=actor)
    resolved = archive_check(data=data)
    _purge_stale()
    token = secrets.token_hex(16)
    default_storage.save(_staged_name(actor, token), ContentFile(data))
    return token, resolved


def scenario_import_staged(*, actor: User, token: str) -> bytes | None:
    """The file kept under ``token`` for ``actor``; None when there is none (abandoned,
    created, or someone else's)."""
    name = _staged_name(actor, token)
    if name is None or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as staged:
        return staged.read()


def scenario_import_discard(*, actor: User, token: str) -> None:
    name = _staged_name(actor, token)
    if name is not None:
        default_storage.delete(name)


def scenario_import_create(
    *, establishment, actor: User, data: bytes, token: str | None = None
) -> Scenario:
    """Create the file's scenario as ``actor``'s, of the current school year, with its
    resources; the file kept under ``token`` (if any) is deleted once it is created."""
    check_teacher(establishment=establishment, user=actor)
    resolved = archive_check(data=data)
    archive = resolved.archive
    stored: list[str] = []
    try:
        with transaction.atomic():
            scenario = scenario_create(
                establishment=establishment,
                author=actor,
                title=archive.title,
                diploma=resolved.diploma,
                class_level=archive.class_level,
                co_intervention=archive.co_intervention,
                context=archive.context,
            )
            scenario_update_links(
                scenario=scenario,
                actor=actor,
                tasks=resolved.tasks,
                competencies=resolved.competencies,
                criteria=resolved.criteria,
                attitudes=resolved.attitudes,
            )
            files = [(item.name, item.checked) for item in archive.resources]
            ScenarioResource.objects.bulk_create(
                resource_rows(scenario=scenario, actor=actor, files=files, stored=stored)
            )
            audit_event_record(
                establishment=establishment,
                actor=actor,
                action=AuditAction.SCENARIO_IMPORTED,
                subject=scenario.title,
                changes={
                    "Diplôme": ["", resolved.diploma.title],
                    "Ressources jointes": ["", str(len(files))],
                },
            )
            if token:
                transaction.on_commit(lambda: scenario_import_discard(actor=actor, token=token))
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return scenario
