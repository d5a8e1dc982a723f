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
