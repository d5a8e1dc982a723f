from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from carnet.core.search import folded_key
from carnet.core.tenancy import TenantManager
from carnet.core.validators import validate_ine
from carnet.directory.enums import (
    Civility,
    OutsideStatus,
    PupilSource,
    PupilStatus,
    Sex,
    StaffFunction,
    StaffSource,
    StructureKind,
)


class SchoolYear(models.Model):
    """A national school year, named by its start year (2026 → « 2026-2027 »)."""

    start_year = models.PositiveSmallIntegerField("année de début", unique=True)

    class Meta:
        verbose_name = "année scolaire"
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"


class Division(models.Model):
    """A class (SIECLE TYPE_STRUCTURE « D ») or a group (« G ») of one establishment for one
    school year."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="divisions"
    )
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code", max_length=30)
    label = models.CharField("libellé", max_length=150, blank=True)
    kind = models.CharField(
        "type", max_length=10, choices=StructureKind.choices, default=StructureKind.DIVISION
    )
    mef = models.CharField("MEF", max_length=11, blank=True)
    mef_label = models.CharField("libellé du MEF", max_length=150, blank=True)
    diploma = models.ForeignKey(
        "referentials.Diploma",
        verbose_name="diplôme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Attached by hand (its MEF matches no référentiel): a SIECLE re-import keeps it.
    diploma_by_hand = models.BooleanField("diplôme rattaché à la main", default=False)
    source = models.CharField(
        max_length=20, choices=PupilSource.choices, default=PupilSource.SIECLE
    )

    objects = TenantManager()

    class Meta:
        verbose_name = "division"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "school_year", "code"], name="unique_division_code"
            )
        ]

    def __str__(self) -> str:
        return self.code


class Pupil(models.Model):
    """A learner of one establishment. Only what the platform needs: no address, no family."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="pupils"
    )
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices, blank=True)
    # NULL when missing or when the value fits no national form (FORMATS.md).
    ine = models.CharField("INE", max_length=11, null=True, blank=True, validators=[validate_ine])
    siecle_eleve_id = models.CharField("identifiant SIECLE (ELEVE_ID)", max_length=20, blank=True)
    siecle_elenoet = models.CharField("numéro ELENOET", max_length=20, blank=True)
    status = models.CharField(
        "statut", max_length=10, choices=PupilStatus.choices, default=PupilStatus.ACTIVE
    )
    left_on = models.DateField("date de sortie", null=True, blank=True)
    entry_date = models.DateField("date d'entrée", null=True, blank=True)
    mef = models.CharField("MEF", max_length=11, blank=True)
    previous_uai = models.CharField(
        "UAI de l'établissement de l'an dernier", max_length=8, blank=True
    )
    source = models.CharField(
        max_length=20, choices=PupilSource.choices, default=PupilSource.SIECLE
    )
    # Learners « hors SIECLE » only (apprenti, adulte, autre); empty for SIECLE pupils.
    outside_status = models.CharField(
        "statut hors SIECLE", max_length=10, choices=OutsideStatus.choices, blank=True
    )
    division = models.ForeignKey(
        Division,
        verbose_name="division",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupils",
    )
    groups = models.ManyToManyField(
        Division, verbose_name="groupes", blank=True, related_name="group_pupils"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupil",
    )
    # Search and French-order keys (carnet.core.search), kept by the database on every
    # write: the imports' bulk_create/bulk_update need not compute them.
    last_name_key = folded_key("last_name", "nom (clé de recherche)")
    first_name_key = folded_key("first_name", "prénom (clé de recherche)")

    objects = TenantManager()

    class Meta:
        verbose_name = "élève"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["establishment", "status", "last_name", "first_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "ine"],
                condition=Q(ine__isnull=False),
                name="unique_pupil_ine_per_establishment",
                violation_error_message="Un autre élève de l'établissement a déjà cet INE.",
            ),
            models.UniqueConstraint(
                fields=["establishment", "siecle_eleve_id"],
                condition=~Q(siecle_eleve_id=""),
                name="unique_pupil_siecle_id_per_establishment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}"

    def clean(self) -> None:
        super().clean()
        if self.ine == "":
            self.ine = None
        if self.division_id and self.division.establishment_id != self.establishment_id:
            raise ValidationError(
                {"division": "Cette division n'appartient pas à l'établissement."}
            )


class StaffMember(models.Model):
    """A member of staff (from STS-web or created by hand), possibly linked to an account."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="staff"
    )
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    function = models.CharField("fonction", max_length=5, choices=StaffFunction.choices)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    discipline = models.CharField("discipline enseignée", max_length=100, blank=True)
    sts_id = models.CharField("identifiant STS", max_length=20, blank=True)
    source = models.CharField(
        "origine", max_length=10, choices=StaffSource.choices, default=StaffSource.STS
    )
    is_active = models.BooleanField("en poste", default=True)
    # Divisions and groups taught (STS-web SERVICES/ENSEIGNANTS, or set by hand).
    divisions = models.ManyToManyField(
        Division, verbose_name="classes", blank=True, related_name="teachers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
    )

    objects = TenantManager()

    class Meta:
        verbose_name = "personnel"
        verbose_name_plural = "personnels"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "sts_id"],
                condition=~Q(sts_id=""),
                name="unique_staff_sts_id_per_establishment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}"
