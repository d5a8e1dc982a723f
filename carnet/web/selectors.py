"""The state of an establishment, as its administrator's and head's homes show it."""

from dataclasses import dataclass

from carnet.accounts.selectors import head_account
from carnet.directory.selectors import pupil_counts, teachers_count
from carnet.imports.selectors import last_applied_import


@dataclass(frozen=True)
class EstablishmentState:
    missing_identity: list[str]
    pupils: int
    pupils_without_ine: int
    teachers: int
    head_account: bool
    last_import: object  # the last applied SIECLE import (ImportBatch) or None


def establishment_state(*, establishment) -> EstablishmentState:
    """Identity, counts, head account, last import (four queries)."""
    counts = pupil_counts(establishment=establishment)
    return EstablishmentState(
        missing_identity=establishment.missing_identity,
        pupils=counts["active"],
        pupils_without_ine=counts["without_ine"],
        teachers=teachers_count(establishment=establishment),
        head_account=head_account(establishment=establishment) is not None,
        last_import=last_applied_import(establishment=establishment),
    )
