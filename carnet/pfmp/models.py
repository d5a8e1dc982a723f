"""PFMP: periods of a division, each pupil's placement (company, tutor), the pupil's fiches
activités, and the bilan entreprise of each placement (one per pupil and period), whose
columns are copied from the competencies chosen facing the fiches' tasks (rule 7).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from carnet.core.tenancy import TenantManager
from carnet.pfmp.enums import Autonomy, ReviewStatus, SheetStatus


class Period(models.Model):
    """A « période de formation en milieu professionnel » of a division."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    division = models.ForeignKey(
        "directory.Division", on_delete=models.PROTECT, related_name="pfmp_periods"
    )
    title = models.CharField("intitulé", max_length=150, blank=True)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    weeks = models.PositiveSmallIntegerField("nombre de semaines")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "période de PFMP"
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="pfmp_period_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title or f"PFMP du {self.starts_on:%d/%m/%Y} au {self.ends_on:%d/%m/%Y}"


class Placement(models.Model):
    """One pupil in one period: the company, the tutor, the referent teacher."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="placements")
    pupil = models.ForeignKey("directory.Pupil", on_delete=models.PROTECT, related_name="+")
    company_name = models.CharField("entreprise", max_length=150, blank=True)
    company_siret = models.CharField("SIRET", max_length=14, blank=True)
    company_city = models.CharField("commune", max_length=100, blank=True)
    tutor_name = models.CharField("tuteur", max_length=150, blank=True)
    tutor_function = models.CharField("fonction du tuteur", max_length=100, blank=True)
    tutor_email = models.EmailField("adresse électronique du tuteur", blank=True)
    tutor_phone = models.CharField("téléphone du tuteur", max_length=20, blank=True)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="professeur référent", on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    # Weeks actually done (absences): the period's weeks unless said otherwise.
    weeks_done = models.PositiveSmallIntegerField("semaines effectuées", null=True, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "stage d'un élève"
        constraints = [
            models.UniqueConstraint(fields=["period", "pupil"], name="one_placement_per_period")
        ]

    def __str__(self) -> str:
        return f"Élève n° {self.pupil_id} — {self.company_name or 'entreprise à préciser'}"

    @property
    def review_or_none(self):
        """The placement's bilan entreprise, None before the first choice (select_related
        "review" to read it without a query)."""
        try:
            return self.review
        except CompanyReview.DoesNotExist:
            return None


class ActivitySheet(models.Model):
    """A « fiche activités » the pupil writes about what they did in the company."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="sheets")
    starts_on = models.DateField("du")
    ends_on = models.DateField("au", null=True, blank=True)
    title = models.CharField("titre", max_length=200)
    company_context = models.TextField("contexte de l'entreprise", blank=True)
    description = models.TextField("ce que j'ai fait", blank=True)
    equipment = models.TextField("matériels utilisés", blank=True)
    autonomy = models.CharField("autonomie", max_length=10, choices=Autonomy.choices, blank=True)
    difficulties = models.TextField("difficultés rencontrées", blank=True)
    # The tasks the pupil ticked; those the teacher kept or added after reading the fiche.
    tasks = models.ManyToManyField("referentials.Task", blank=True, related_name="+")
    checked_tasks = models.ManyToManyField("referentials.Task", blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    # Set once the teacher checked the tasks (until then the pupil's ticks are proposed).
    checked_at = models.DateTimeField("tâches vérifiées le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "fiche activités"
        verbose_name_plural = "fiches activités"
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.title


class SheetTarget(models.Model):
    """A competency (or one of its criteria) the teacher chose to assess facing a fiche's
    tasks; every placement's choices make the columns of its bilan entreprise (rule 7)."""

    sheet = models.ForeignKey(ActivitySheet, on_delete=models.CASCADE, related_name="targets")
    competency = models.ForeignKey(
        "referentials.Competency", on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        "referentials.Criterion", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion"],
                condition=Q(criterion__isnull=False),
                name="unique_sheet_criterion",
            ),
            models.UniqueConstraint(
                fields=["sheet", "competency"],
                condition=Q(criterion__isnull=True),
                name="unique_sheet_competency",
            ),
        ]

    def __str__(self) -> str:
        return str(self.criterion or self.competency)


class CompanyReview(models.Model):
    """The « bilan entreprise » of one placement, filled jointly by the teacher and the tutor."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    tutor_appreciation = models.TextField("appréciation du tuteur", blank=True)
    attendance = models.CharField("assiduité", max_length=200, blank=True)
    teacher_signature = models.CharField("signature du professeur", max_length=150, blank=True)
    tutor_signature = models.CharField("signature du tuteur", max_length=150, blank=True)
    signed_on = models.DateField("signé le", null=True, blank=True)
    read_and_approved = models.BooleanField("lu et approuvé", default=False)
    # The tutor's entries through their link, waiting for the teacher: {"levels": {target
    # pk: level pk}, "appreciation": …, "attendance": …, "signature": …, "at": ISO date}.
    tutor_proposal = models.JSONField(default=dict, blank=True)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "bilan entreprise"
        verbose_name_plural = "bilans entreprise"

    def __str__(self) -> str:
        return f"Bilan entreprise — {self.placement}"


class ReviewTarget(models.Model):
    """A column of a bilan entreprise (copied from the fiches' choices, rule 7)."""

    review = models.ForeignKey(CompanyReview, on_delete=models.CASCADE, related_name="targets")
    competency = models.ForeignKey(
        "referentials.Competency", on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        "referentials.Criterion", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"],
                condition=Q(criterion__isnull=False),
                name="unique_review_criterion",
            ),
            models.UniqueConstraint(
                fields=["review", "competency"],
                condition=Q(criterion__isnull=True),
                name="unique_review_competency",
            ),
        ]

    def __str__(self) -> str:
        return str(self.criterion or self.competency)


class ReviewResult(models.Model):
    """A level of the bilan, on the référentiel's scale (« Non évalué »: no row)."""

    review = models.ForeignKey(CompanyReview, on_delete=models.CASCADE, related_name="results")
    target = models.OneToOneField(ReviewTarget, on_delete=models.CASCADE, related_name="result")
    level = models.ForeignKey("referentials.ScaleLevel", on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.level)


class TutorLink(models.Model):
    """The tutor's personal link to one bilan: signed, 21 days, revocable, no account.

    Only a hash of the link's secret is kept: the link itself exists in the e-mail sent (or
    the page shown once to the teacher)."""

    review = models.ForeignKey(CompanyReview, on_delete=models.CASCADE, related_name="links")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lien du tuteur"

    def __str__(self) -> str:
        return f"Lien du tuteur — bilan n° {self.review_id}"


class SheetAttachment(models.Model):
    """A photo or a PDF attached to a fiche activités: checked by its content
    (carnet.scenarios.resources.check_resource: photos re-encoded, EXIF and GPS gone), stored
    under a random name, served only through a permission-checked view."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    sheet = models.ForeignKey(ActivitySheet, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("nom", max_length=200)
    storage_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "pièce jointe d'une fiche activités"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
