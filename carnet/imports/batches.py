"""One lifecycle for every import (SIECLE/STS-web files, learners hors SIECLE).

Uploading records a preview: an ImportBatch holding the minimal payload to apply, the
changes it announces and their digest, nothing of the files themselves. « Confirmer
l'import » (or the command line, in one go) applies it in one transaction:

1. the establishment is locked: one import at a time, pages and command line alike (on
   SQLite every transaction already begins with BEGIN IMMEDIATE, config/settings/base.py);
2. the batch must still be a preview — else « déjà appliqué », or abandoned — and less than
   24 hours old (a preview holds pupils' names and INE);
3. the plan is computed again in the transaction, with the administrator's confirmations:
   it must be exactly the one previewed (same digest), else nothing is applied;
4. it is written all or nothing; a constraint another write broke in between becomes a
   French refusal, never an error page;
5. one audit event, and the batch saved as applied (its payload emptied).

Each kind of import plugs in its plan and apply functions and its count labels
(``ImportKind``): carnet.imports.services (SIECLE) and carnet.imports.outside. Steps 1, 2
and 4 are ``preview_confirm`` and ``written``, which the re-import of a filled evaluation
grid (carnet.evaluations.grid_imports: its own preview model, locked by evaluation) uses too.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from carnet.audit.enums import AuditAction
from carnet.audit.services import actor_label, audit_event_record
from carnet.establishments.models import Establishment
from carnet.imports.counts import CountRow, counts_for_audit
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.common import Problem

PREVIEW_LIFETIME = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class ImportKind:
    kind: BatchKind
    # plan(establishment=, payload=, choices=) → a plan (carnet.imports.plans.PlanChecks
    # with counts, accounts and writes_anything); choices: the administrator's confirmations.
    plan: Callable
    # apply(establishment=, plan=, actor=): writes the plan, in the caller's transaction.
    apply: Callable
    counts: tuple[CountRow, ...]
    empty_counts: dict
    upload_again: str  # « les fichiers », « le fichier »
    # after_apply(establishment=): what an applied import of this kind also marks.
    after_apply: Callable | None = None

    def stale(self) -> str:
        return (
            "Les données de l'établissement ont changé depuis cet aperçu (un autre import ou "
            f"une modification a eu lieu entre-temps) : déposez de nouveau {self.upload_again} "
            "pour obtenir un aperçu à jour."
        )


class AlreadyApplied(ValidationError):
    """The batch was applied already (a second « Confirmer l'import »): nothing to do."""


def establishment_lock(establishment) -> None:
    """One import at a time per establishment, until the transaction ends."""
    Establishment.objects.select_for_update().filter(pk=establishment.pk).exists()


def import_preview_record(
    *,
    kind: ImportKind,
    establishment,
    actor,
    files: list[dict],
    problems: list[Problem],
    plan,
    payload: dict,
) -> ImportBatch:
    """Record a preview of ``plan``, made from ``payload`` (or, ``plan`` None or refused, a
    refusal); changes no data. The newest upload of a kind closes the earlier open
    previews of that kind.
    """
    batch = ImportBatch(
        establishment=establishment,
        kind=kind.kind,
        created_by=actor,
        created_by_label=actor_label(actor),
        files=files,
        problems=[p.as_dict() for p in problems],
    )
    if plan is None or plan.refused:
        batch.status = BatchStatus.REFUSED
        batch.counts = kind.empty_counts
    else:
        batch.status = BatchStatus.PREVIEW
        batch.counts = plan.counts
        batch.changes = plan.changes_as_dicts()
        batch.payload = {**payload, "digest": plan.digest}
    batch.save_as_only_preview()
    return batch


def preview_confirm(
    *,
    model,
    batch,
    lock: Callable[[], None],
    apply: Callable[[Any], None],
    drop: Callable[[Any], None],
    upload_again: str,
    check: Callable[[Any], ValidationError | None] | None = None,
):
    """Confirm any preview (a row of ``model`` with status, created_at, applied_at): under
    ``lock``, the row locked too, still a preview (else « déjà appliqué », or abandoned) and
    less than 24 hours old (else ``drop``-ped, and said), then ``apply``-ed all or nothing.
    ``check``: a further refusal of that kind of preview. Returns the locked row; raises
    ValidationError (French), AlreadyApplied when it was applied already."""
    with transaction.atomic():
        lock()
        locked = model.objects.select_for_update().get(pk=batch.pk)
        refusal = (check(locked) if check else None) or status_refusal(locked, upload_again)
        if refusal is None and timezone.now() - locked.created_at > PREVIEW_LIFETIME:
            drop(locked)  # kept: the refusal is raised once this transaction commits
            refusal = ValidationError(
                f"Cet aperçu date de plus de 24 heures : déposez de nouveau {upload_again}."
            )
        if refusal is None:
            apply(locked)
            return locked
    raise refusal


def written(write: Callable[[], Any], *, refusal: str):
    """``write()`` in a savepoint; a constraint another write broke in between (the plans
    check what they write) becomes ``refusal``, a French ValidationError, nothing written."""
    try:
        with transaction.atomic():
            return write()
    except (IntegrityError, DataError):
        raise ValidationError(refusal) from None


def import_batch_apply(
    *, kind: ImportKind, batch: ImportBatch, actor, choices: dict | None = None
) -> ImportBatch:
    """Apply a preview, all or nothing. Raises ValidationError (French) when it can't, and
    AlreadyApplied when it was applied already."""
    return preview_confirm(
        model=ImportBatch,
        batch=batch,
        lock=lambda: establishment_lock(batch.establishment),
        check=lambda locked: _kind_refusal(kind, locked),
        apply=lambda locked: _apply_locked(kind, locked, actor, choices or {}),
        drop=_drop,
        upload_again=kind.upload_again,
    )


def _kind_refusal(kind: ImportKind, batch: ImportBatch) -> ValidationError | None:
    if batch.kind != kind.kind:
        return ValidationError(
            "Cet aperçu n'est pas celui d'un import de ce type : ouvrez-le depuis "
            "l'historique des imports."
        )
    return None


def status_refusal(batch, upload_again: str) -> ValidationError | None:
    """Why a preview can't be confirmed any more (applied, abandoned, refused), or None."""
    if batch.status == BatchStatus.APPLIED:
        applied = timezone.localtime(batch.applied_at)
        return AlreadyApplied(
            f"Cet import a déjà été appliqué (le {applied:%d/%m/%Y à %H:%M}) : rien n'a été "
            "modifié une seconde fois."
        )
    if batch.status != BatchStatus.PREVIEW:
        return ValidationError(
            f"Cet aperçu a été abandonné ou refusé : rien n'a été importé. Déposez de nouveau "
            f"{upload_again}."
        )
    return None


def _apply_locked(kind: ImportKind, batch: ImportBatch, actor, choices: dict) -> ImportBatch:
    establishment = batch.establishment
    plan = kind.plan(establishment=establishment, payload=batch.payload, choices=choices)
    if plan.refused:
        # What refuses it now (data changed since, a confirmation not in the preview).
        raise ValidationError(next(p.message for p in plan.problems if p.level == "error"))
    if plan.digest != batch.payload.get("digest"):
        raise ValidationError(kind.stale())
    _write(kind, establishment=establishment, plan=plan, files=batch.files, actor=actor)
    batch.status = BatchStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.counts = plan.counts
    batch.changes = plan.applied_changes()
    batch.payload = {}
    batch.save(update_fields=["status", "applied_at", "counts", "changes", "payload"])
    return batch


def _write(kind: ImportKind, *, establishment, plan, files: list[dict], actor) -> None:
    written(
        lambda: kind.apply(establishment=establishment, plan=plan, actor=actor),
        refusal="Les données de l'établissement ont changé pendant l'import : rien n'a été "
        f"importé. Déposez de nouveau {kind.upload_again}.",
    )
    if kind.after_apply is not None:
        kind.after_apply(establishment=establishment)
    if plan.writes_anything:
        audit_event_record(
            establishment=establishment,
            actor=actor,
            action=AuditAction.IMPORT_APPLIED,
            subject=", ".join(f["name"] for f in files),
            changes=counts_for_audit(kind.counts, plan.counts, plan.accounts.counts),
        )


@transaction.atomic
def import_run(
    *,
    kind: ImportKind,
    establishment,
    actor,
    files: list[dict],
    problems: list[Problem],
    payload: dict,
    choices: dict | None = None,
):
    """Plan and apply in one go (the command line): the plan, applied unless refused.

    Applied imports are recorded in the import history like those of the pages.
    """
    establishment_lock(establishment)
    plan = kind.plan(establishment=establishment, payload=payload, choices=choices or {})
    if plan.refused:
        return plan
    _write(kind, establishment=establishment, plan=plan, files=files, actor=actor)
    ImportBatch.objects.create(
        establishment=establishment,
        kind=kind.kind,
        status=BatchStatus.APPLIED,
        created_by=actor,
        created_by_label=actor_label(actor),
        applied_at=timezone.now(),
        files=files,
        problems=[p.as_dict() for p in [*problems, *plan.problems]],
        counts=plan.counts,
        changes=plan.applied_changes(),
    )
    return plan


def _drop(batch: ImportBatch) -> None:
    batch.status = BatchStatus.CANCELLED
    batch.payload = {}
    batch.changes = []
    batch.save(update_fields=["status", "payload", "changes"])


@transaction.atomic
def import_batch_cancel(*, batch: ImportBatch) -> None:
    """Abandon a preview: it keeps no pupil's data (names, INE) from then on."""
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status == BatchStatus.PREVIEW:
        _drop(locked)


def import_previews_purge(*, now: datetime.datetime | None = None) -> int:
    """Abandon every preview older than 24 hours, on the whole platform. Returns how many."""
    limit = (now or timezone.now()) - PREVIEW_LIFETIME
    return ImportBatch.objects.filter(status=BatchStatus.PREVIEW, created_at__lt=limit).update(
        status=BatchStatus.CANCELLED, payload={}, changes=[]
    )
