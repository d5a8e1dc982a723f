import secrets

from django.conf import settings
from django.db import models

from carnet.core.tenancy import TenantManager
from carnet.imports.enums import BatchKind, BatchStatus


def new_token() -> str:
    return secrets.token_urlsafe(16)


class ImportBatch(models.Model):
    """One import: its files, its preview, then its outcome (the import history).

    ``payload`` holds only the minimal records to apply (names, dates, INE, structures…),
    never the uploaded files themselves (ElevesAvecAdresses.xml holds addresses); it is
    emptied once the batch is applied or cancelled.
    """

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    kind = models.CharField(max_length=20, choices=BatchKind.choices, default=BatchKind.SIECLE)
    status = models.CharField(max_length=10, choices=BatchStatus.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # [{name, size, sha256, kind, kind_label, uaj, school_year}]
    files = models.JSONField(default=list)
    # {"pupils": {"created": n, …}, "divisions": {…}, "staff": {…}}
    counts = models.JSONField(default=dict)
    problems = models.JSONField(default=list)
    changes = models.JSONField(default=list)
    payload = models.JSONField(default=dict, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "import"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.created_at:%d/%m/%Y %H:%M}"

    def save_as_only_preview(self) -> None:
        """Save this preview and close the earlier open ones of the same kind.

        An unconfirmed preview holds pupils' names and INE: at most one is kept open per
        establishment and kind, and a new upload abandons the previous one.
        """
        ImportBatch.objects.of(self.establishment).filter(
            kind=self.kind, status=BatchStatus.PREVIEW
        ).update(status=BatchStatus.CANCELLED, payload={}, changes=[])
        self.save()

    @property
    def errors(self) -> list[dict]:
        return [p for p in self.problems if p["level"] == "error"]

    @property
    def warnings(self) -> list[dict]:
        return [p for p in self.problems if p["level"] == "warning"]
