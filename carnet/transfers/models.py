"""Transfers of pupils' records: requests between two establishments of the platform, each
side's history, what was received (kept as sent, read-only), and the keys trusted for
packages of other deployments."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from carnet.core.tenancy import TenantManager, TenantQuerySet
from carnet.transfers.enums import Channel, Direction, RequestStatus


class RequestQuerySet(TenantQuerySet):
    def of(self, establishment):
        """The requests an establishment made or received."""
        if establishment is None:
            return self.none()
        return self.filter(Q(requester=establishment) | Q(holder=establishment))


class TransferRequest(models.Model):
    """The receiving establishment asks the one that holds a record of its pupil (matched by
    INE only) to send it; the holder accepts or refuses."""

    requester = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    holder = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    pupil = models.ForeignKey("directory.Pupil", on_delete=models.PROTECT, related_name="+")
    holder_pupil = models.ForeignKey("directory.Pupil", on_delete=models.PROTECT, related_name="+")
    ine = models.CharField("INE", max_length=11)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    package = models.UUIDField(null=True, blank=True)

    objects = models.Manager.from_queryset(RequestQuerySet)()

    class Meta:
        verbose_name = "demande de transfert"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "holder_pupil"],
                condition=Q(status=RequestStatus.REQUESTED),
                name="one_open_request_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"Demande de transfert n° {self.pk}"


class Transfer(models.Model):
    """One side's record of a transfer done (« Visualiser les transferts effectués »)."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    direction = models.CharField("sens", max_length=10, choices=Direction.choices)
    channel = models.CharField("voie", max_length=12, choices=Channel.choices)
    package = models.UUIDField("paquet")
    pupil = models.ForeignKey(
        "directory.Pupil", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ine = models.CharField("INE", max_length=11)
    other_uai = models.CharField("UAI de l'autre établissement", max_length=8)
    other_name = models.CharField("autre établissement", max_length=200, blank=True)
    other_deployment = models.CharField("plateforme d'origine", max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    # {kind label: number of items}; « … déjà reçus » counted apart for a re-sent record.
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "transfert"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Exactly once: a package is applied (or sent) once by each establishment.
            models.UniqueConstraint(
                fields=["establishment", "direction", "package"], name="transfer_once"
            )
        ]

    def __str__(self) -> str:
        return f"Transfert {self.get_direction_display().lower()} le {self.created_at:%d/%m/%Y}"


class ReceivedItem(models.Model):
    """An item of a pupil's record received from another establishment, kept as it was sent
    (read-only: the sender's scenario title, dates, criteria codes, teacher's name…)."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    pupil = models.ForeignKey("directory.Pupil", on_delete=models.PROTECT, related_name="+")
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(max_length=50)
    # Where it comes from (« <deployment> <UAI> ») and its key there: the same item
    # received twice (in two packages) is kept once.
    origin = models.CharField(max_length=60)
    key = models.CharField(max_length=100)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "élément reçu"
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "pupil", "origin", "kind", "key"], name="item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} reçu ({self.origin})"


class ReceivedFile(models.Model):
    """An attachment received, stored once per establishment under its SHA-256."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=120)
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="files")

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["establishment", "sha256"], name="file_once")
        ]

    def __str__(self) -> str:
        return self.sha256


class TrustedKey(models.Model):
    """The signing key of another deployment, trusted by an establishment's administrator
    after comparing its fingerprint with the sender's."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    public_key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=40)
    label = models.CharField("envoyé par", max_length=250)
    trusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    trusted_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "clé de confiance"
        constraints = [
            models.UniqueConstraint(fields=["establishment", "public_key"], name="key_once")
        ]

    def __str__(self) -> str:
        return self.fingerprint


class PackageUpload(models.Model):
    """A package an administrator uploaded, kept while it is previewed (24 hours at most)."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True)
    storage_name = models.CharField(max_length=120)
    name = models.CharField(max_length=150)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    def __str__(self) -> str:
        return self.name
