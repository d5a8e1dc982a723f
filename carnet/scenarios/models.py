"""Scénarios pédagogiques: a professional situation set against the référentiel.

A scenario belongs to its establishment, its author and one school year; co-authors edit it
too; every teacher of the establishment reads and duplicates it. Its four sections: Titre,
Contexte (the values of the establishment's masque de saisie fields), Liaison avec le
référentiel (tasks, competencies or criteria, attitudes), Ressources (files).
"""

from django.conf import settings
from django.db import models

from carnet.core.tenancy import TenantManager
from carnet.scenarios.enums import ClassLevel, ResourceKind


class Scenario(models.Model):
    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    school_year = models.ForeignKey(
        "directory.SchoolYear", verbose_name="année scolaire", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT,
        related_name="scenarios_authored",
    )  # fmt: skip
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="enseignants co-auteurs", blank=True,
        related_name="scenarios_coauthored",
    )  # fmt: skip
    # Section « Titre ».
    title = models.CharField("titre", max_length=200)
    co_intervention = models.BooleanField(
        "ce scénario s'intègre dans les enseignements de co-intervention", default=False
    )
    diploma = models.ForeignKey(
        "referentials.Diploma", verbose_name="diplôme", on_delete=models.PROTECT, related_name="+"
    )
    class_level = models.CharField("niveau de classe", max_length=10, choices=ClassLevel.choices)
    # Section « Contexte »: {ContextField value: the text typed, paragraphs and lists,
    # never HTML (richtext.py turns it into HTML when shown)}; the
    # labels are the establishment's masque de saisie for the diploma, read when shown.
    context = models.JSONField("contexte", default=dict, blank=True)
    # Section « Liaison avec le référentiel ».
    tasks = models.ManyToManyField("referentials.Task", blank=True, related_name="+")
    # A competency targeted as a whole; its criteria targeted one by one below.
    competencies = models.ManyToManyField("referentials.Competency", blank=True, related_name="+")
    criteria = models.ManyToManyField("referentials.Criterion", blank=True, related_name="+")
    attitudes = models.ManyToManyField("referentials.Attitude", blank=True, related_name="+")
    duplicated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "scénario pédagogique"
        verbose_name_plural = "scénarios pédagogiques"
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["establishment", "school_year", "diploma"])]

    def __str__(self) -> str:
        return self.title


class ScenarioResource(models.Model):
    """A file attached to a scenario (section « Ressources »), stored under a random name."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="resources")
    # The name shown (the uploaded file's, cleaned); never used to store or to serve.
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
        verbose_name = "ressource"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
