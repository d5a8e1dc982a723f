"""Reads the establishment pages need, with their queries planned."""

from dataclasses import dataclass

from django.db.models import Count, Q

from carnet.accounts.selectors import head_account
from carnet.directory.enums import PupilStatus, StaffFunction
from carnet.directory.models import Pupil, StaffMember
from carnet.establishments.enums import ContextField
from carnet.establishments.models import EntryMaskLabel, Establishment
from carnet.imports.selectors import last_applied_import


def effective_mask_labels(*, establishment: Establishment, diploma) -> dict[ContextField, str]:
    """Each Contexte field's label for this establishment and diploma (default when not set)."""
    custom = dict(
        EntryMaskLabel.objects.of(establishment)
        .filter(diploma=diploma)
        .values_list("field", "label")
    )
    return {field: custom.get(field.value, field.label) for field in ContextField}


def pupils_without_ine(*, establishment: Establishment):
    """Active pupils with no valid INE: they cannot be transferred (tab « Transferts »)."""
    return (
        Pupil.objects.of(establishment)
        .filter(status=PupilStatus.ACTIVE)
        .filter(Q(ine__isnull=True) | Q(ine=""))
        .select_related("division")
        .order_by("last_name", "first_name", "pk")
    )


def head_account_exists(*, establishment: Establishment) -> bool:
    return head_account(establishment=establishment) is not None


@dataclass(frozen=True)
class EstablishmentState:
    missing_identity: list[str]
    pupils: int
    pupils_without_ine: int
    teachers: int
    head_account: bool
    last_import: object  # the last applied SIECLE import (ImportBatch) or None


def establishment_state(*, establishment: Establishment) -> EstablishmentState:
    """What the administrator's home shows: identity, counts, last import (four queries)."""
    pupil_counts = Pupil.objects.of(establishment).aggregate(
        active=Count("pk", filter=Q(status=PupilStatus.ACTIVE)),
        without_ine=Count(
            "pk", filter=Q(status=PupilStatus.ACTIVE) & (Q(ine__isnull=True) | Q(ine=""))
        ),
    )
    teachers = (
        StaffMember.objects.of(establishment)
        .filter(function=StaffFunction.TEACHER, is_active=True)
        .count()
    )
    return EstablishmentState(
        missing_identity=establishment.missing_identity,
        pupils=pupil_counts["active"],
        pupils_without_ine=pupil_counts["without_ine"],
        teachers=teachers,
        head_account=head_account_exists(establishment=establishment),
        last_import=last_applied_import(establishment=establishment),
    )
