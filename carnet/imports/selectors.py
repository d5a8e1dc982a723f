from django.db.models import Exists, OuterRef, Q

from carnet.directory.enums import PupilSource
from carnet.directory.models import Division, Pupil
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.models import ImportBatch


def import_batches(*, establishment):
    return ImportBatch.objects.of(establishment).defer("payload", "changes")


def last_applied_import(*, establishment) -> ImportBatch | None:
    return (
        import_batches(establishment=establishment)
        .filter(status=BatchStatus.APPLIED, kind=BatchKind.SIECLE)
        .only("created_at", "applied_at", "counts")
        .first()
    )


def first_import_done(*, establishment) -> bool:
    """« Nouvel enseignant » needs a first SIECLE import, or a hors-SIECLE division with a pupil."""
    if (
        ImportBatch.objects.of(establishment)
        .filter(status=BatchStatus.APPLIED, kind=BatchKind.SIECLE)
        .exists()
    ):
        return True
    return (
        Division.objects.of(establishment)
        .filter(source=PupilSource.OUTSIDE_SIECLE)
        .filter(Exists(Pupil.objects.filter(Q(division=OuterRef("pk")))))
        .exists()
    )
