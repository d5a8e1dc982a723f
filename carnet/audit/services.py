from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent


def audit_event_record(
    *,
    establishment,
    actor,
    action: AuditAction,
    subject: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Write one audit event. Called by the services that make the change, in their transaction."""
    label = ""
    if actor is not None:
        label = f"{actor.display_name} ({actor.get_profile_display()})"
    return AuditEvent.objects.create(
        establishment=establishment,
        actor=actor,
        actor_label=label or "Plateforme (ligne de commande)",
        action=action,
        subject=subject,
        changes=changes or {},
    )
