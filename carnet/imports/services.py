"""Imports of SIECLE/STS files: preview (a batch), then apply in one transaction.

The lifecycle (lock, 24-hour preview, digest, refusals, audit) is carnet.imports.batches;
this module plugs the SIECLE reading, plan and apply into it, for the pages and for the
command line (import_siecle).
"""

import datetime

from django.utils import timezone

from carnet.establishments.services import establishment_first_import_mark
from carnet.imports.batches import (
    ImportKind,
    import_batch_apply,
    import_preview_record,
    import_run,
)
from carnet.imports.counts import SIECLE_COUNTS
from carnet.imports.enums import BatchKind
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.common import warning
from carnet.imports.parsers.files import RawFile
from carnet.imports.reading import Reading, read_siecle_files
from carnet.imports.siecle import Plan, siecle_apply, siecle_plan

EMPTY_COUNTS = {
    "pupils": dict.fromkeys(("created", "updated", "unchanged", "left"), 0),
    "divisions": dict.fromkeys(("created", "updated", "unchanged"), 0),
    "staff": dict.fromkeys(("created", "updated", "unchanged", "skipped", "left"), 0),
}


def _plan(*, establishment, payload: dict, choices: dict) -> Plan:
    return siecle_plan(
        establishment=establishment, payload=payload, heads=frozenset(choices.get("heads", ()))
    )


SIECLE = ImportKind(
    kind=BatchKind.SIECLE,
    plan=_plan,
    apply=siecle_apply,
    counts=SIECLE_COUNTS,
    empty_counts=EMPTY_COUNTS,
    upload_again="les fichiers",
    after_apply=establishment_first_import_mark,
)


def siecle_import_read(
    *, establishment, uploads: list[RawFile], today: datetime.date | None = None, heads=()
) -> tuple[Reading, Plan | None]:
    """Read and plan, writing nothing (a dry run). The plan is None when refused."""
    reading = read_siecle_files(
        uai=establishment.uai, uploads=uploads, today=today or timezone.localdate()
    )
    if reading.refused:
        return reading, None
    plan = _plan(establishment=establishment, payload=reading.payload, choices={"heads": heads})
    reading.problems.extend(plan.problems)
    return reading, None if plan.refused else plan


def siecle_import_preview(
    *, establishment, uploads: list[RawFile], actor, today: datetime.date | None = None
) -> ImportBatch:
    """Record the preview of an import (or its refusal) as a batch; changes no data."""
    reading, plan = siecle_import_read(establishment=establishment, uploads=uploads, today=today)
    return import_preview_record(
        kind=SIECLE,
        establishment=establishment,
        actor=actor,
        files=reading.files,
        problems=reading.problems,
        plan=plan,
        payload=reading.payload,
    )


def siecle_import_apply(*, batch: ImportBatch, actor, heads=()) -> ImportBatch:
    """Apply a previewed batch, all or nothing, giving the head profile to the DIR
    individuals whose STS ids are ``heads`` (confirmed in the preview). Raises
    ValidationError (French) if it can't, AlreadyApplied if it was already."""
    return import_batch_apply(kind=SIECLE, batch=batch, actor=actor, choices={"heads": heads})


def siecle_import_run(
    *,
    establishment,
    uploads: list[RawFile],
    actor=None,
    dry_run: bool = False,
    today: datetime.date | None = None,
    heads=(),
) -> tuple[str, dict, list[dict]]:
    """Read, plan and (unless dry_run) apply in one go, for the command line.

    ``heads``: STS ids of DIR individuals to give the head profile (``--chef``). Returns
    (status, counts, problems) with status "applied", "preview" or "refused"; each DIR left
    without the head profile is a warning. Applied imports are recorded in the import
    history like those of the web page.
    """
    reading = read_siecle_files(
        uai=establishment.uai, uploads=uploads, today=today or timezone.localdate()
    )
    if reading.refused:
        return "refused", EMPTY_COUNTS, [p.as_dict() for p in reading.problems]
    choices = {"heads": frozenset(heads)}
    if dry_run:
        plan = _plan(establishment=establishment, payload=reading.payload, choices=choices)
    else:
        plan = import_run(
            kind=SIECLE,
            establishment=establishment,
            actor=actor,
            files=reading.files,
            problems=reading.problems,
            payload=reading.payload,
            choices=choices,
        )
    problems = [p.as_dict() for p in [*reading.problems, *plan.problems]]
    if plan.refused:
        return "refused", EMPTY_COUNTS, problems
    for change in plan.changes_as_dicts():
        if change.get("confirm") and change["ref"] not in plan.heads:
            problems.append(
                warning(
                    "head_not_given",
                    f"{change['label']} (STS {change['ref']}), personnel de direction : "
                    "profil chef d'établissement non donné (--chef "
                    f"{change['ref']} le donne).",
                ).as_dict()
            )
    return ("preview" if dry_run else "applied"), plan.counts, problems
