"""Section « Ressources »: files attached to a scenario, checked by their content
(carnet/scenarios/resources/), stored under random names.

A file is stored before the transaction that names it, and deleted again if that fails; a
file no row names any more is deleted once the transaction is committed.
"""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from carnet.accounts.models import User
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.scenarios.archive import clean_file_name
from carnet.scenarios.models import Scenario, ScenarioResource
from carnet.scenarios.resources import (
    MAX_RESOURCES,
    MAX_SCENARIO_BYTES,
    CheckedResource,
    ResourceRefused,
    check_resource,
)
from carnet.scenarios.resources.zips import MB

STORAGE_DIR = "scenarios"


def storage_name(extension: str) -> str:
    """A new random name in the scenarios' storage (the file's name is never used)."""
    return f"{STORAGE_DIR}/{secrets.token_hex(16)}.{extension}"


def _store(checked: CheckedResource) -> str:
    return default_storage.save(storage_name(checked.extension), ContentFile(checked.content))


def delete_files_on_commit(names: list[str]) -> None:
    def delete():
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


def resource_rows(
    *, scenario: Scenario, actor: User, files: list[tuple[str, CheckedResource]], stored: list
) -> list[ScenarioResource]:
    """Rows for ``files``, each stored first (its name appended to ``stored``, so that the
    caller deletes them all if anything fails)."""
    rows = []
    for name, checked in files:
        stored.append(_store(checked))
        rows.append(
            ScenarioResource(
                establishment_id=scenario.establishment_id,
                scenario=scenario,
                name=clean_file_name(name, extension=checked.extension),
                storage_name=stored[-1],
                kind=checked.kind,
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=hashlib.sha256(checked.content).hexdigest(),
                uploaded_by=actor,
            )
        )
    return rows


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",")


def scenario_resources_add(
    *, scenario: Scenario, actor: User, uploads: list[tuple[str, bytes]]
) -> list[ScenarioResource]:
    """Section « Ressources »: attach files, each checked by its content (resources/), all or
    none: one refused file, or too many files or megabytes for the scenario, and nothing is
    stored. ``uploads``: (the file's name, its bytes)."""
    if not uploads:
        raise ValidationError("Choisissez au moins un fichier à joindre.")
    problems, checked = [], []
    for name, data in uploads:
        shown = clean_file_name(name)
        try:
            checked.append((name, check_resource(data)))
        except ResourceRefused as refused:
            problems.append(f"« {shown} » : {refused.message}")
    if problems:
        raise ValidationError(problems)
    stored: list[str] = []
    try:
        with transaction.atomic():
            Scenario.objects.select_for_update().filter(pk=scenario.pk).first()
            present = ScenarioResource.objects.filter(scenario=scenario).aggregate(
                count=Count("pk"), total=Sum("size")
            )
            count, total = present["count"], present["total"] or 0
            added = sum(len(item.content) for _, item in checked)
            if count + len(checked) > MAX_RESOURCES:
                raise ValidationError(
                    f"Un scénario a au plus {MAX_RESOURCES} ressources : celui-ci en a déjà "
                    f"{count}. Supprimez-en ou regroupez des fichiers."
                )
            if total + added > MAX_SCENARIO_BYTES:
                raise ValidationError(
                    f"Les ressources d'un scénario pèsent au plus {MAX_SCENARIO_BYTES // MB} Mo "
                    f"ensemble : celles-ci en pèsent déjà {_mb(total)}, les fichiers choisis "
                    f"{_mb(added)}. Réduisez-les ou supprimez d'abord une ressource."
                )
            rows = resource_rows(scenario=scenario, actor=actor, files=checked, stored=stored)
            created = ScenarioResource.objects.bulk_create(rows)
            Scenario.objects.filter(pk=scenario.pk).update(updated_at=timezone.now())
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return created


@transaction.atomic
def scenario_resource_delete(*, resource: ScenarioResource, actor: User) -> None:
    scenario = Scenario.objects.select_for_update().get(pk=resource.scenario_id)
    deleted, _ = ScenarioResource.objects.filter(pk=resource.pk).delete()
    if not deleted:
        return
    Scenario.objects.filter(pk=scenario.pk).update(updated_at=timezone.now())
    audit_event_record(
        establishment=scenario.establishment,
        actor=actor,
        action=AuditAction.RESOURCE_DELETED,
        subject=scenario.title,
        changes={"Ressource": [resource.name, ""]},
    )
    delete_files_on_commit([resource.storage_name])
