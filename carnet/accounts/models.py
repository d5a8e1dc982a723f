from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from carnet.accounts.enums import DisabledReason
from carnet.core.profiles import ESTABLISHMENT_PROFILES, Profile
from carnet.core.tenancy import TenantQuerySet


class UserQuerySet(TenantQuerySet):
    pass


class CarnetUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """An account. ``username`` is the login (« Identifiant »), unique on the whole platform.

    Establishment profiles belong to one establishment; inspectors and the platform
    operator belong to none (inspectors are granted establishments by their heads).
    """

    profile = models.CharField(
        "profil", max_length=20, choices=Profile.choices, default=Profile.OPERATOR
    )
    establishment = models.ForeignKey(
        "establishments.Establishment",
        verbose_name="établissement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    # Set with every temporary password: the user chooses their own at the next sign-in.
    must_change_password = models.BooleanField("doit changer son mot de passe", default=False)
    # Once a head of establishment (by hand or by an STS import), always protected as one:
    # its credentials never reach the administrator's screen, whatever its profile now.
    was_head = models.BooleanField("a été chef d'établissement", default=False)
    # Why ``is_active`` is False (carnet.accounts.enums.DisabledReason); "" when active.
    disabled_reason = models.CharField(
        "raison de la désactivation", max_length=20, choices=DisabledReason.choices, blank=True
    )

    objects = CarnetUserManager()

    class Meta:
        verbose_name = "compte"
        constraints = [
            models.UniqueConstraint(
                fields=["establishment"],
                condition=Q(profile=Profile.ADMIN),
                name="one_administrator_per_establishment",
                violation_error_message="Cet établissement a déjà un compte administrateur.",
            ),
            # An inspector is found by e-mail (carnet.inspection): one account per address.
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(profile=Profile.INSPECTOR) & ~Q(email=""),
                name="one_inspector_per_email",
                violation_error_message="Un inspecteur a déjà cette adresse électronique.",
            ),
            # A head is protected as one, whoever writes the row (save() sets it; bulk writes
            # of the imports must set it themselves, or the database refuses them).
            models.CheckConstraint(
                condition=~Q(profile=Profile.HEAD) | Q(was_head=True),
                name="head_account_is_protected",
                violation_error_message="Un compte de chef d'établissement est protégé comme tel.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(profile__in=ESTABLISHMENT_PROFILES, establishment__isnull=False)
                    | (~Q(profile__in=ESTABLISHMENT_PROFILES) & Q(establishment__isnull=True))
                ),
                name="establishment_matches_profile",
                violation_error_message=(
                    "Un compte administrateur, chef d'établissement, enseignant ou apprenant "
                    "appartient à un établissement ; un inspecteur ou un opérateur à aucun."
                ),
            ),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def clean(self) -> None:
        super().clean()
        if self.profile == Profile.HEAD:
            self.was_head = True  # before the constraints are checked (full_clean)
        if self.profile in ESTABLISHMENT_PROFILES and self.establishment_id is None:
            raise ValidationError({"establishment": "Ce profil appartient à un établissement."})
        if self.profile not in ESTABLISHMENT_PROFILES and self.establishment_id is not None:
            raise ValidationError(
                {"establishment": "Ce profil n'appartient à aucun établissement."}
            )

    def save(self, *args, **kwargs):
        # Once a head, always protected as one (bulk writes of the imports set it themselves).
        if self.profile == Profile.HEAD and not self.was_head:
            self.was_head = True
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "was_head"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class UsedLogin(models.Model):
    """Every login ever given: a login is never given again, even after its account is gone.

    (A pupil's old printed sheet or an inspector's old e-mail must never open someone
    else's account.)
    """

    username = models.CharField(max_length=150, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "identifiant déjà attribué"

    def __str__(self) -> str:
        return self.username


class RateLimitHit(models.Model):
    """One action counted by a rate limit (carnet.accounts.ratelimits): « Mot de passe
    oublié » asked from an address or for an account, an invitation sent to an account.

    ``key`` is a keyed hash of what is counted (an address, an account): the table says how
    often, never who. Rows older than the longest period are deleted as new ones come.
    """

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "action limitée"
        indexes = [models.Index(fields=["kind", "key", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} ({self.created_at:%d/%m/%Y %H:%M})"
