from django.conf import settings
from django.db import models

from carnet.audit.enums import AuditAction
from carnet.core.tenancy import TenantManager


class AuditEvent(models.Model):
    """Who did what, when, in an establishment. Never holds a pupil's name or INE."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept when the account is gone.
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    subject = models.CharField("objet", max_length=200, blank=True)
    # {field label: [old, new]} for identity fields; free detail otherwise.
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "événement du journal"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%d/%m/%Y %H:%M})"
