"""Section « Ressources »: files attached to a scenario, checked by their content
(carnet/scenarios/resources/), stored under random names.

A file is stored before the transaction that names it, and deleted again if that fails; a
file no row names any more is deleted once the transaction is committed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from carnet.accounts.models import User
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.scenarios.files import (
    file_store,
    files_delete_on_commit,
    files_removed_on_failure,
    megabytes,
    random_name,
    uploads_checked,
)
from carnet.scenarios.models import Scenario, ScenarioResource
from carnet.scenarios.resources import MAX_RESOURCES, MAX_SCENARIO_BYTES, CheckedResource
from carnet.scenarios.resources.zips import MB

STORAGE_DIR = "scenarios"


def storage_name(extension: str) -> str:
    """A new random name in the scenarios' storage (the file's name is never used)."""
    return random_name(STORAGE_DIR, extension)


def resource_rows(
    *, scenario: Scenario, actor: User, files: list[tuple[str, CheckedResource]], stored: list
) -> list[ScenarioResource]:
    """Rows for ``files``, each stored first (its name appended to ``stored``, so that the
    caller deletes them all if anything fails)."""
    return [
        ScenarioResource(
            establishment_id=scenario.establishment_id,
            scenario=scenario,
            kind=checked.kind,
            uploaded_by=actor,
            **file_store(name=name, checked=checked, directory=STORAGE_DIR, stored=stored),
        )
        for name, checked in files
    ]


def scenario_resources_add(
    *, scenario: Scenario, actor: User, uploads: list[tuple[str, bytes]]
) -> list[ScenarioResource]:
    """Section « Ressources »: attach files, each checked by its content (resources/), all or
    none: one refused file, or too many files or megabytes for the scenario, and nothing is
    stored. ``uploads``: (the file's name, its bytes)."""
    if not uploads:
        raise ValidationError("Choisissez au moins un fichier à joindre.")
    checked = uploads_checked(uploads)
    with files_removed_on_failure() as stored, transaction.atomic():
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
                f"ensemble : celles-ci en pèsent déjà {megabytes(total)}, les fichiers choisis "
                f"{megabytes(added)}. Réduisez-les ou supprimez d'abord une ressource."
            )
        rows = resource_rows(scenario=scenario, actor=actor, files=checked, stored=stored)
        created = ScenarioResource.objects.bulk_create(rows)
        Scenario.objects.filter(pk=scenario.pk).update(updated_at=timezone.now())
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
    files_delete_on_commit([resource.storage_name])
