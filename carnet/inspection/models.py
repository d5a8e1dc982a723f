"""Inspector access: an establishment's head grants an inspector read-only access for a while.

A grant is *live* on a day when it is not revoked and ``starts_on ≤ day ≤ ends_on`` (days in
Europe/Paris). Rights are never cached: every request asks the database again.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from carnet.core.profiles import Profile
from carnet.core.tenancy import TenantManager, TenantQuerySet
from carnet.directory.school_years import school_year_start


def school_year_end(day: datetime.date) -> datetime.date:
    """31 August ending the school year of ``day`` (the latest end of a grant starting then)."""
    return datetime.date(school_year_start(day) + 1, 8, 31)


def period_errors(starts_on: datetime.date | None, ends_on: datetime.date | None) -> dict:
    """What is wrong with a grant's period, by field (empty when nothing is)."""
    if not starts_on or not ends_on:
        return {}
    if ends_on < starts_on:
        return {"ends_on": "La date de fin doit être postérieure ou égale à la date de début."}
    if ends_on > school_year_end(starts_on):
        return {
            "ends_on": "L'accès prend fin au plus tard à la fin de l'année scolaire, le "
            f"{school_year_end(starts_on):%d/%m/%Y}."
        }
    return {}


def start_errors(starts_on: datetime.date | None, today: datetime.date | None = None) -> dict:
    """A grant starts today at the earliest, and within the current school year."""
    if not starts_on:
        return {}
    today = today or timezone.localdate()
    if starts_on < today:
        return {
            "starts_on": "La date de début ne peut pas être passée : l'accès commence au plus "
            "tôt aujourd'hui."
        }
    if starts_on > school_year_end(today):
        return {
            "starts_on": "L'accès commence au plus tard à la fin de l'année scolaire en "
            f"cours, le {school_year_end(today):%d/%m/%Y}."
        }
    return {}


class GrantStatus(models.TextChoices):
    LIVE = "en_cours", "En cours"
    FUTURE = "a_venir", "À venir"
    ENDED = "termine", "Terminé"
    REVOKED = "ferme", "Fermé"


class InspectorGrantQuerySet(TenantQuerySet):
    def live(self, today: datetime.date | None = None) -> "InspectorGrantQuerySet":
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today)

    def future(self, today: datetime.date | None = None) -> "InspectorGrantQuerySet":
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True, starts_on__gt=today)

    def closed(self, today: datetime.date | None = None) -> "InspectorGrantQuerySet":
        """Ended (past their last day) or revoked."""
        today = today or timezone.localdate()
        return self.filter(Q(revoked_at__isnull=False) | Q(ends_on__lt=today))

    def open_or_future(self, today: datetime.date | None = None) -> "InspectorGrantQuerySet":
        """Not revoked and not ended yet: what « Fermer l'accès » applies to."""
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True, ends_on__gte=today)


class InspectorGrantManager(TenantManager.from_queryset(InspectorGrantQuerySet)):
    pass


class InspectorGrant(models.Model):
    """The access of one inspector to one establishment, from ``starts_on`` to ``ends_on``."""

    establishment = models.ForeignKey(
        "establishments.Establishment",
        verbose_name="établissement",
        on_delete=models.CASCADE,
        related_name="inspector_grants",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="inspecteur",
        on_delete=models.PROTECT,
        related_name="inspector_grants",
        limit_choices_to={"profile": Profile.INSPECTOR},
    )
    starts_on = models.DateField("date de début")
    ends_on = models.DateField("date de fin")
    note = models.CharField("note", max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ouvert par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("ouvert le", auto_now_add=True)
    revoked_at = models.DateTimeField("fermé le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="fermé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InspectorGrantManager()

    class Meta:
        verbose_name = "accès inspecteur"
        verbose_name_plural = "accès inspecteur"
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["inspector", "establishment", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")),
                name="inspector_grant_starts_before_end",
                violation_error_message=(
                    "La date de fin doit être postérieure ou égale à la date de début."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} — du {self.starts_on:%d/%m/%Y} au {self.ends_on:%d/%m/%Y}"

    def clean(self) -> None:
        super().clean()
        errors = period_errors(self.starts_on, self.ends_on)
        if self.inspector_id is not None and self.inspector.profile != Profile.INSPECTOR:
            errors["inspector"] = "Ce compte n'est pas un compte d'inspecteur."
        if errors:
            raise ValidationError(errors)

    def status(self, today: datetime.date | None = None) -> GrantStatus:
        today = today or timezone.localdate()
        if self.revoked_at is not None:
            return GrantStatus.REVOKED
        if today < self.starts_on:
            return GrantStatus.FUTURE
        if today > self.ends_on:
            return GrantStatus.ENDED
        return GrantStatus.LIVE

    def is_live(self, today: datetime.date | None = None) -> bool:
        return self.status(today) == GrantStatus.LIVE
