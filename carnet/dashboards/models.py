"""Bilans: where a teacher positions a pupil on each competency of the diploma, at a date.

A bilan keeps, per competency, what the dashboard proposed (the value and its explanation,
as they were that day) beside what the teacher decided. A bilan intermédiaire is one dated
entry of the pupil's history; the bilan terminal is one per pupil and diploma, written
until the teacher validates it, then locked (the head may unlock it, audited).
"""

from django.conf import settings
from django.db import models

from carnet.core.tenancy import TenantManager
from carnet.dashboards.enums import BilanKind


class Bilan(models.Model):
    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    pupil = models.ForeignKey("directory.Pupil", on_delete=models.CASCADE, related_name="bilans")
    diploma = models.ForeignKey("referentials.Diploma", on_delete=models.PROTECT, related_name="+")
    # The pupil's division when the bilan was made (a pupil may change division later).
    division = models.ForeignKey(
        "directory.Division", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField("type", max_length=15, choices=BilanKind.choices)
    date = models.DateField("date")
    comment = models.TextField("commentaire", blank=True)
    method = models.CharField("méthode du niveau proposé", max_length=30)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TenantManager()

    class Meta:
        verbose_name = "bilan"
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "diploma"],
                condition=models.Q(kind="terminal"),
                name="one_terminal_bilan_per_pupil_and_diploma",
            )
        ]
        indexes = [models.Index(fields=["establishment", "pupil", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    @property
    def locked(self) -> bool:
        return self.kind == BilanKind.TERMINAL and self.validated_at is not None


class BilanLevel(models.Model):
    """One competency of a bilan: proposed (may be none) and decided (may be none: « non
    positionné »)."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="levels")
    competency = models.ForeignKey(
        "referentials.Competency", on_delete=models.PROTECT, related_name="+"
    )
    proposed_value = models.PositiveSmallIntegerField("niveau proposé", null=True, blank=True)
    explanation = models.CharField("explication", max_length=255, blank=True)
    decided = models.ForeignKey(
        "referentials.ScaleLevel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="niveau retenu",
    )

    class Meta:
        ordering = ["competency__position"]
        constraints = [
            models.UniqueConstraint(fields=["bilan", "competency"], name="one_level_per_competency")
        ]

    def __str__(self) -> str:
        return f"{self.bilan_id}:{self.competency_id}"
