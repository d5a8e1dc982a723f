"""The pupil's « passeport professionnel »: professional situations met, in school, in a
company (PFMP) or elsewhere, which the pupil writes, a teacher validates, and the pupil
exports as a PDF and takes along.

It is not an evaluation: no level and no mark is ever stored or shown here. An entry may
come from an evaluation the pupil took part in or from a PFMP fiche activités (one entry
per pupil and source: converting twice finds the first one).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from carnet.core.tenancy import TenantManager
from carnet.passport.enums import EntryPlace, EntryStatus, EventAction
from carnet.pfmp.enums import Autonomy
from carnet.scenarios.enums import ResourceKind


class Entry(models.Model):
    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    pupil = models.ForeignKey("directory.Pupil", on_delete=models.PROTECT, related_name="+")
    place = models.CharField("lieu", max_length=15, choices=EntryPlace.choices)
    # The workshop, or another place (the company comes from the placement when there is one).
    place_detail = models.CharField("précision du lieu", max_length=150, blank=True)
    placement = models.ForeignKey(
        "pfmp.Placement", verbose_name="stage", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    title = models.CharField("intitulé de la situation", max_length=200)
    starts_on = models.DateField("du")
    ends_on = models.DateField("au", null=True, blank=True)
    context = models.TextField("contexte", blank=True)
    description = models.TextField("description de ce que j'ai fait", blank=True)
    # The pôle/activity the situation is linked to (grouping of the passport and its PDF).
    activity = models.ForeignKey(
        "referentials.Activity", verbose_name="activité", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    tasks = models.ManyToManyField("referentials.Task", blank=True, related_name="+")
    competencies = models.ManyToManyField("referentials.Competency", blank=True, related_name="+")
    equipment = models.TextField("matériels et logiciels utilisés", blank=True)
    autonomy = models.CharField("autonomie", max_length=10, choices=Autonomy.choices, blank=True)
    status = models.CharField(max_length=12, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    submitted_at = models.DateTimeField("envoyée le", null=True, blank=True)
    validated_at = models.DateTimeField("validée le", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # The teacher's last request for changes (kept in the entry's history too).
    teacher_comment = models.TextField("commentaire du professeur", blank=True)
    # Where a converted entry came from (never its levels).
    source_evaluation = models.ForeignKey(
        "evaluations.Evaluation", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    source_sheet = models.ForeignKey(
        "pfmp.ActivitySheet", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A transferred entry: the sender's key (receiving the same item twice finds it).
    transfer_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "situation du passeport professionnel"
        verbose_name_plural = "situations du passeport professionnel"
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["establishment", "pupil", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "source_evaluation"],
                condition=Q(source_evaluation__isnull=False),
                name="one_entry_per_evaluation",
            ),
            models.UniqueConstraint(
                fields=["pupil", "source_sheet"],
                condition=Q(source_sheet__isnull=False),
                name="one_entry_per_sheet",
            ),
            models.UniqueConstraint(
                fields=["pupil", "transfer_key"],
                condition=~Q(transfer_key=""),
                name="one_entry_per_transfer_item",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__lte=models.F("ends_on")),
                name="passport_entry_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in (EntryStatus.DRAFT, EntryStatus.CHANGES)

    @property
    def place_label(self) -> str:
        """« Atelier 12 », « Entreprise Dupont (Nantes) », or the place's kind."""
        if self.place == EntryPlace.COMPANY and self.placement_id is not None:
            placement = self.placement
            name = placement.company_name or "entreprise à préciser"
            city = f" ({placement.company_city})" if placement.company_city else ""
            return f"{name}{city}"
        return self.place_detail or self.get_place_display()


class Attachment(models.Model):
    """A file joined to an entry (a photo of the work, a PDF), stored under a random name."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("nom", max_length=150)
    storage_name = models.CharField(max_length=100, editable=False)
    kind = models.CharField("type", max_length=10, choices=ResourceKind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("taille")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "pièce jointe"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class EntryEvent(models.Model):
    """The history of an entry's validation: sent, validated, changes asked (with the
    comment). Kept beside the entries, not in the « Journal des modifications » that the
    administrator reads (the passport is pedagogical content, PRODUCT.md rule 1)."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=EventAction.choices)
    comment = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "suivi d'une situation"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — situation n° {self.entry_id}"
