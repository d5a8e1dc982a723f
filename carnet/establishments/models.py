from django.db import models

from carnet.core.tenancy import TenantManager
from carnet.core.validators import validate_uai
from carnet.establishments.enums import Academie, ContextField, ImageKind


class Establishment(models.Model):
    """A tenant: one lycée, identified by its UAI."""

    # The tenant itself (carnet.core.predicates.tenant_id): other models belong to one.
    is_tenant = True

    uai = models.CharField(
        "code UAI (RNE)",
        max_length=8,
        unique=True,
        validators=[validate_uai],
        error_messages={"unique": "Ce code UAI est déjà utilisé par un autre établissement."},
    )
    name = models.CharField("nom de l'établissement", max_length=200, blank=True)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    academie = models.CharField("académie", max_length=20, choices=Academie.choices, blank=True)
    # Random storage names, set only by establishments.images (decoded and re-encoded).
    logo = models.CharField("logo", max_length=100, blank=True, editable=False)
    stamp = models.CharField("cachet", max_length=100, blank=True, editable=False)
    cnil_number = models.CharField(
        "numéro de déclaration CNIL (ou référence du registre RGPD)", max_length=64, blank=True
    )
    cnil_is_register_reference = models.BooleanField(
        "référence du registre RGPD plutôt qu'un numéro CNIL", default=False
    )
    transfers_enabled = models.BooleanField(
        "transfert des données des élèves activé", default=False
    )
    # Set by the first SIECLE/STS import applied (« Nouvel enseignant » waits for it).
    first_import_at = models.DateTimeField("premier import SIECLE", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "établissement"
        ordering = ["name", "uai"]

    def __str__(self) -> str:
        return f"{self.name or 'Établissement sans nom'} ({self.uai})"

    NAME_CLEARED = (
        "Le nom de l'établissement ne peut pas être effacé : il figure sur les documents "
        "exportés et il est nécessaire pour créer des utilisateurs. Saisissez le nom de "
        "l'établissement."
    )

    def name_problem(self, new_name: str) -> str | None:
        """Once set, the name can be changed but not emptied."""
        if self.name and not " ".join((new_name or "").split()):
            return self.NAME_CLEARED
        return None

    # Name, e-mail and UAI are needed to create users and to export a passeport professionnel.
    REQUIRED_IDENTITY = {"name": "le nom", "email": "l'adresse électronique", "uai": "le code UAI"}

    @property
    def missing_identity(self) -> list[str]:
        return [
            label for field, label in self.REQUIRED_IDENTITY.items() if not getattr(self, field)
        ]

    @property
    def identity_complete(self) -> bool:
        return not self.missing_identity

    # The field holding each kind of image's storage name.
    IMAGE_FIELDS = {ImageKind.LOGO: "logo", ImageKind.STAMP: "stamp"}

    def image_name(self, kind: ImageKind) -> str:
        """Storage name of the logo or stamp ("" when there is none)."""
        return getattr(self, self.IMAGE_FIELDS[ImageKind(kind)])


class EntryMaskLabel(models.Model):
    """An establishment's label for one Contexte field of one diploma (masque de saisie).

    A missing row means the default label (ContextField's label).
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    diploma = models.ForeignKey("referentials.Diploma", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=20, choices=ContextField.choices)
    label = models.CharField(max_length=150)

    objects = TenantManager()

    class Meta:
        verbose_name = "intitulé du masque de saisie"
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "diploma", "field"], name="unique_mask_label"
            )
        ]

    def __str__(self) -> str:
        return self.label
