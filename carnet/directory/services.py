"""Writes on the directory made by hand (imports have their own services)."""

from django.db import transaction

from carnet.audit.diff import audit_changes
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.directory.models import Division


@transaction.atomic
def division_set_diploma(*, division: Division, diploma, actor) -> bool:
    """Attach a division whose MEF matches no référentiel to a diploma, by hand."""
    if division.diploma_id == (diploma.pk if diploma else None):
        return False
    before = {"diploma": division.diploma}
    division.diploma = diploma
    division.diploma_by_hand = diploma is not None
    division.save(update_fields=["diploma", "diploma_by_hand"])
    audit_event_record(
        establishment=division.establishment,
        actor=actor,
        action=AuditAction.DIVISION_UPDATED,
        subject=division.code,
        changes=audit_changes(before, {"diploma": diploma}, labels={"diploma": "Diplôme"}),
    )
    return True
