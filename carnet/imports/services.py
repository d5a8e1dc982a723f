"""Imports of SIECLE/STS files: preview (a batch), then apply in one transaction.

The preview is kept as a batch bound to the files' SHA-256 and to a fingerprint of the
changes it announced; applying recomputes the changes in the transaction and refuses if
they are no longer exactly those previewed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carnet.audit.enums import AuditAction
from carnet.audit.services import actor_label, audit_event_record
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.files import RawFile
from carnet.imports.reading import Reading, read_siecle_files
from carnet.imports.siecle import Plan, siecle_apply, siecle_plan

# The order counts are shown in (PostgreSQL's jsonb does not keep a dict's key order).
COUNT_ORDER = {
    "pupils": ("created", "updated", "unchanged", "left"),
    "divisions": ("created", "updated", "unchanged"),
    "staff": ("created", "updated", "unchanged", "skipped", "left"),
}
EMPTY_COUNTS = {kind: dict.fromkeys(actions, 0) for kind, actions in COUNT_ORDER.items()}


def siecle_import_read(
    *, establishment, uploads: list[RawFile], today: datetime.date | None = None
) -> tuple[Reading, Plan | None]:
    """Read and plan, writing nothing (a dry run)."""
    reading = read_siecle_files(
        uai=establishment.uai, uploads=uploads, today=today or timezone.localdate()
    )
    if reading.refused:
        return reading, None
    return reading, siecle_plan(establishment=establishment, payload=reading.payload)


def siecle_import_preview(
    *, establishment, uploads: list[RawFile], actor, today: datetime.date | None = None
) -> ImportBatch:
    """Record the preview of an import (or its refusal) as a batch; changes no data."""
    reading, plan = siecle_import_read(establishment=establishment, uploads=uploads, today=today)
    batch = ImportBatch(
        establishment=establishment,
        kind=BatchKind.SIECLE,
        created_by=actor,
        created_by_label=actor_label(actor),
        files=reading.files,
        problems=[p.as_dict() for p in reading.problems],
    )
    if plan is None:
        batch.status = BatchStatus.REFUSED
        batch.counts = EMPTY_COUNTS
    else:
        batch.status = BatchStatus.PREVIEW
        batch.counts = plan.counts
        batch.changes = plan.changes
        batch.payload = {**reading.payload, "digest": plan.digest}
    batch.save_as_only_preview()
    return batch


@transaction.atomic
def siecle_import_apply(*, batch: ImportBatch, actor) -> ImportBatch:
    """Apply a previewed batch, all or nothing. Raises ValidationError (French) if it can't."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEW or batch.kind != BatchKind.SIECLE:
        raise ValidationError(
            "Cet aperçu a déjà été appliqué ou annulé : déposez de nouveau les fichiers."
        )
    establishment = batch.establishment
    payload = batch.payload
    plan = siecle_plan(establishment=establishment, payload=payload)
    if plan.digest != payload.get("digest"):
        raise ValidationError(
            "Les données de l'établissement ont changé depuis cet aperçu (un autre import a "
            "peut-être eu lieu) : déposez de nouveau les fichiers pour obtenir un aperçu à jour."
        )
    siecle_apply(establishment=establishment, payload=payload, plan=plan)
    if plan.writes_anything:
        audit_event_record(
            establishment=establishment,
            actor=actor,
            action=AuditAction.IMPORT_APPLIED,
            subject=", ".join(f["name"] for f in batch.files),
            changes=_counts_for_audit(plan.counts),
        )
    batch.status = BatchStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.counts = plan.counts
    batch.payload = {}
    batch.save(update_fields=["status", "applied_at", "counts", "payload"])
    return batch


@transaction.atomic
def import_batch_cancel(*, batch: ImportBatch) -> None:
    if batch.status == BatchStatus.PREVIEW:
        batch.status = BatchStatus.CANCELLED
        batch.payload = {}
        batch.save(update_fields=["status", "payload"])


COUNT_LABELS = {
    "pupils": "Élèves",
    "divisions": "Divisions et groupes",
    "staff": "Personnels",
    "created": "créés",
    "updated": "modifiés",
    "unchanged": "inchangés",
    "left": "sortis",
    "skipped": "ignorés",
}


def _counts_for_audit(counts: dict) -> dict:
    return {
        COUNT_LABELS[kind]: [
            "",
            ", ".join(f"{n} {COUNT_LABELS[action]}" for action, n in actions.items() if n),
        ]
        for kind, actions in counts.items()
        if any(actions.values())
    }


@transaction.atomic
def siecle_import_run(
    *,
    establishment,
    uploads: list[RawFile],
    actor=None,
    dry_run: bool = False,
    today: datetime.date | None = None,
) -> tuple[str, dict, list[dict]]:
    """Read, plan and (unless dry_run) apply in one go, for the command line.

    Returns (status, counts, problems) with status "applied", "preview" or "refused".
    Applied imports are recorded in the import history like those of the web page.
    """
    reading, plan = siecle_import_read(establishment=establishment, uploads=uploads, today=today)
    problems = [p.as_dict() for p in reading.problems]
    if plan is None:
        return "refused", EMPTY_COUNTS, problems
    if dry_run:
        return "preview", plan.counts, problems
    batch = ImportBatch.objects.create(
        establishment=establishment,
        kind=BatchKind.SIECLE,
        status=BatchStatus.APPLIED,
        created_by=actor,
        created_by_label=actor_label(actor),
        applied_at=timezone.now(),
        files=reading.files,
        problems=problems,
        counts=plan.counts,
        changes=plan.changes,
    )
    siecle_apply(establishment=establishment, payload=reading.payload, plan=plan)
    if plan.writes_anything:
        audit_event_record(
            establishment=establishment,
            actor=actor,
            action=AuditAction.IMPORT_APPLIED,
            subject=", ".join(f["name"] for f in batch.files),
            changes=_counts_for_audit(plan.counts),
        )
    return "applied", plan.counts, problems
