from carnet.audit.models import AuditEvent


def audit_events_of(*, establishment):
    return AuditEvent.objects.of(establishment).order_by("-created_at", "-pk")
