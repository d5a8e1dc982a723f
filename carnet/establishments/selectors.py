"""Reads the establishment pages need, with their queries planned."""

from django.db.models import Q

from carnet.accounts.selectors import head_account
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil
from carnet.directory.selectors import pupil_name_order
from carnet.establishments.enums import ContextField
from carnet.establishments.models import EntryMaskLabel, Establishment


def effective_mask_labels(*, establishment: Establishment, diploma) -> dict[ContextField, str]:
    """Each Contexte field's label for this establishment and diploma (default when not set)."""
    custom = dict(
        EntryMaskLabel.objects.of(establishment)
        .filter(diploma=diploma)
        .values_list("field", "label")
    )
    return {field: custom.get(field.value, field.label) for field in ContextField}


def pupils_without_ine(*, establishment: Establishment):
    """Active pupils with no valid INE: they cannot be transferred (tab « Transferts »)."""
    return (
        Pupil.objects.of(establishment)
        .filter(status=PupilStatus.ACTIVE)
        .filter(Q(ine__isnull=True) | Q(ine=""))
        .select_related("division")
        .order_by(*pupil_name_order())
    )


def head_account_exists(*, establishment: Establishment) -> bool:
    return head_account(establishment=establishment) is not None
