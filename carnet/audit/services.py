from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent


def actor_label(actor) -> str:
    """How an actor is named in the audit trail and the import history."""
    if actor is None:
        return "Plateforme (ligne de commande)"
    return f"{actor.display_name} ({actor.get_profile_display()})"


def audit_event_record(
    *,
    establishment,
    actor,
    action: AuditAction,
    subject: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Write one audit event. Called by the services that make the change, in their transaction."""
    return AuditEvent.objects.create(
        establishment=establishment,
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        subject=subject[:200],
        changes=changes or {},
    )
