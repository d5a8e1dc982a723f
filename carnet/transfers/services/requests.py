"""Requests between two establishments of the platform: the receiving one asks, the holder
answers; accepting sends the very package an export would give, applied at once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.transfers.enums import Channel, RequestStatus
from carnet.transfers.models import TransferRequest
from carnet.transfers.package import package_read
from carnet.transfers.services.records import (
    establishment_problems,
    package_apply,
    package_of,
    pupil_problem,
    refuse,
    sent_record,
)


@transaction.atomic
def transfer_request_create(*, establishment, pupil, holder_pupil, actor) -> TransferRequest:
    """The receiving establishment asks for the record another one holds (same INE)."""
    problems = establishment_problems(establishment, side="Votre établissement")
    problems += establishment_problems(holder_pupil.establishment, side="L'établissement d'origine")
    problems += [p for p in [pupil_problem(pupil, side="dans votre établissement")] if p]
    if holder_pupil.ine != pupil.ine or holder_pupil.establishment_id == establishment.pk:
        problems.append("les deux élèves n'ont pas le même INE")
    refuse(problems)
    if TransferRequest.objects.filter(
        requester=establishment, holder_pupil=holder_pupil, status=RequestStatus.REQUESTED
    ).exists():
        raise ValidationError("Le dossier de cet élève est déjà demandé : attendez la réponse.")
    request = TransferRequest.objects.create(
        requester=establishment,
        holder=holder_pupil.establishment,
        pupil=pupil,
        holder_pupil=holder_pupil,
        ine=pupil.ine,
        requested_by=actor,
    )
    audit_event_record(
        establishment=establishment,
        actor=actor,
        action=AuditAction.TRANSFER_REQUESTED,
        subject=f"Élève n° {pupil.pk} — {holder_pupil.establishment.uai}",
    )
    return request


def transfer_request_decide(*, request: TransferRequest, accept: bool, actor) -> TransferRequest:
    """The holder's answer: refused, or the record copied at once to the requester."""
    with transaction.atomic():
        locked = TransferRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RequestStatus.REQUESTED:
            raise ValidationError("Cette demande a déjà reçu une réponse : rien n'a été modifié.")
        holder, requester = locked.holder, locked.requester
        locked.decided_by, locked.decided_at = actor, timezone.now()
        if not accept:
            locked.status = RequestStatus.REFUSED
            locked.save(update_fields=["status", "decided_by", "decided_at"])
            audit_event_record(
                establishment=holder,
                actor=actor,
                action=AuditAction.TRANSFER_REFUSED,
                subject=f"Élève n° {locked.holder_pupil_id} — {requester.uai}",
            )
            return locked
        pupil = locked.holder_pupil
        refuse(
            establishment_problems(holder, side="Votre établissement")
            + establishment_problems(requester, side="L'établissement demandeur")
            + [p for p in [pupil_problem(pupil, side="dans votre établissement")] if p]
        )
        out, package_id, counts = package_of(establishment=holder, pupil=pupil)
        with out:
            package_apply(
                establishment=requester,
                package=package_read(out),
                actor=actor,
                channel=Channel.PLATFORM,
            )
        sent_record(
            establishment=holder,
            channel=Channel.PLATFORM,
            package_id=package_id,
            pupil=pupil,
            other={"uai": requester.uai, "name": requester.name},
            actor=actor,
            counts=counts,
        )
        locked.status = RequestStatus.DONE
        locked.package = package_id
        locked.save(update_fields=["status", "decided_by", "decided_at", "package"])
        return locked
