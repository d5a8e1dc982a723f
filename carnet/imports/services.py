"""Imports of SIECLE/STS files: preview (a batch), then apply in one transaction.

The preview is kept as a batch bound to the files' SHA-256 and to a fingerprint of the
changes it announced; applying recomputes the changes in the transaction and refuses if
they are no longer exactly those previewed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carnet.audit.enums import AuditAction
from carnet.audit.services import actor_label, audit_event_record
from carnet.establishments.models import Establishment
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


PREVIEW_LIFETIME = datetime.timedelta(hours=24)
STALE = (
    "Les données de l'établissement ont changé depuis cet aperçu (un autre import a peut-être "
    "eu lieu) : déposez de nouveau les fichiers pour obtenir un aperçu à jour."
)


def siecle_import_read(
    *, establishment, uploads: list[RawFile], today: datetime.date | None = None
) -> tuple[Reading, Plan | None]:
    """Read and plan, writing nothing (a dry run). The plan is None when refused."""
    reading = read_siecle_files(
        uai=establishment.uai, uploads=uploads, today=today or timezone.localdate()
    )
    if reading.refused:
        return reading, None
    plan = siecle_plan(establishment=establishment, payload=reading.payload)
    reading.problems.extend(plan.problems)
    return reading, None if plan.refused else plan


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
        batch.save()
        return batch
    batch.status = BatchStatus.PREVIEW
    batch.counts = plan.counts
    batch.changes = plan.changes
    batch.payload = {**reading.payload, "digest": plan.digest}
    batch.save_as_only_preview()
    return batch


def _lock(establishment) -> None:
    """One import at a time per establishment (page and command line alike)."""
    Establishment.objects.select_for_update().filter(pk=establishment.pk).exists()


def _apply(*, establishment, plan: Plan, files: list[dict], actor) -> None:
    try:
        with transaction.atomic():
            siecle_apply(establishment=establishment, plan=plan, actor=actor)
    except IntegrityError:
        # Only a change made in between can bring this (the plan checks what it writes).
        raise ValidationError(STALE) from None
    if establishment.first_import_at is None:
        # « Nouvel enseignant » waits for a first SIECLE import (PRODUCT.md rule 2).
        establishment.first_import_at = timezone.now()
        Establishment.objects.filter(pk=establishment.pk).update(
            first_import_at=establishment.first_import_at
        )
    if plan.writes_anything:
        audit_event_record(
            establishment=establishment,
            actor=actor,
            action=AuditAction.IMPORT_APPLIED,
            subject=", ".join(f["name"] for f in files),
            changes=counts_for_audit(plan.counts),
        )


@transaction.atomic
def siecle_import_apply(*, batch: ImportBatch, actor) -> ImportBatch:
    """Apply a previewed batch, all or nothing. Raises ValidationError (French) if it can't."""
    _lock(batch.establishment)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEW or batch.kind != BatchKind.SIECLE:
        raise ValidationError(
            "Cet aperçu a déjà été appliqué ou abandonné : déposez de nouveau les fichiers."
        )
    if timezone.now() - batch.created_at > PREVIEW_LIFETIME:
        import_batch_cancel(batch=batch)
        raise ValidationError(
            "Cet aperçu date de plus de 24 heures : déposez de nouveau les fichiers."
        )
    establishment = batch.establishment
    plan = siecle_plan(establishment=establishment, payload=batch.payload)
    if plan.refused or plan.digest != batch.payload.get("digest"):
        raise ValidationError(STALE)
    _apply(establishment=establishment, plan=plan, files=batch.files, actor=actor)
    batch.status = BatchStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.counts = plan.counts
    batch.payload = {}
    batch.save(update_fields=["status", "applied_at", "counts", "payload"])
    return batch


@transaction.atomic
def import_batch_cancel(*, batch: ImportBatch) -> None:
    """Abandon a preview: it keeps no pupil's data (names, INE) from then on."""
    if batch.status == BatchStatus.PREVIEW:
        batch.status = BatchStatus.CANCELLED
        batch.payload = {}
        batch.changes = []
        batch.save(update_fields=["status", "payload", "changes"])


def import_previews_purge(*, now: datetime.datetime | None = None) -> int:
    """Abandon every preview older than 24 hours, on the whole platform. Returns how many."""
    limit = (now or timezone.now()) - PREVIEW_LIFETIME
    return ImportBatch.objects.filter(status=BatchStatus.PREVIEW, created_at__lt=limit).update(
        status=BatchStatus.CANCELLED, payload={}, changes=[]
    )


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


def counts_for_audit(counts: dict, labels: dict[str, str] = COUNT_LABELS) -> dict:
    """An import's counts as audit changes: {"Élèves": ["", "3 créés, 1 sortis"]…}."""
    return {
        labels[kind]: [
            "",
            ", ".join(f"{n} {labels[a]}" for a, n in actions.items() if n and a in labels),
        ]
        for kind, actions in counts.items()
        if any(n for a, n in actions.items() if a not in ("unchanged", "skipped"))
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
    if not dry_run:
        _lock(establishment)
    reading, plan = siecle_import_read(establishment=establishment, uploads=uploads, today=today)
    problems = [p.as_dict() for p in reading.problems]
    if plan is None:
        return "refused", EMPTY_COUNTS, problems
    if dry_run:
        return "preview", plan.counts, problems
    ImportBatch.objects.create(
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
    _apply(establishment=establishment, plan=plan, files=reading.files, actor=actor)
    return "applied", plan.counts, problems
