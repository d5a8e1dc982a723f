"""Evaluations of a scenario: who was evaluated, on what, and the level each pupil reached.

An evaluation's grid has one column per ``EvaluationTarget`` (a criterion, or a whole
competency) and one row per ``EvaluationPupil`` (the pupils assigned to it: for a
certificative evaluation, PRODUCT.md rule 6). A ``Result`` is one filled cell: a level of the
diploma's scale (referentials.ScaleLevel). « Non évalué » is no result at all.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from carnet.core.tenancy import TenantManager
from carnet.evaluations.enums import EvaluationKind, Grain, GridImportStatus


class Evaluation(models.Model):
    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    scenario = models.ForeignKey(
        "scenarios.Scenario", on_delete=models.PROTECT, related_name="evaluations"
    )
    kind = models.CharField("type", max_length=15, choices=EvaluationKind.choices)
    # A certificative evaluation is tied to one exam unit of the diploma (U31, UP2…).
    unit = models.ForeignKey(
        "referentials.ExamUnit", verbose_name="unité", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    title = models.CharField("intitulé", max_length=200, blank=True)
    date = models.DateField("date")
    grain = models.CharField("évaluation", max_length=12, choices=Grain.choices)
    divisions = models.ManyToManyField(
        "directory.Division", verbose_name="divisions ou groupes", related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A certificative result reaches its pupil only once published (CCF marks stay
    # confidential until the jury); formative results are seen at once.
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "évaluation"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=EvaluationKind.FORMATIVE, unit__isnull=True)
                | Q(kind=EvaluationKind.CERTIFICATIVE, unit__isnull=False),
                name="certificative_has_one_unit",
                violation_error_message=(
                    "Une évaluation certificative porte sur une unité du diplôme ; une "
                    "évaluation formative sur aucune."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title or f"Évaluation du {self.date:%d/%m/%Y}"

    @property
    def is_certificative(self) -> bool:
        return self.kind == EvaluationKind.CERTIFICATIVE


class EvaluationTarget(models.Model):
    """A column of the grid: a criterion, or a whole competency (``criterion`` empty)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="targets")
    competency = models.ForeignKey(
        "referentials.Competency", on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        "referentials.Criterion", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # « Indicateurs de réussite » refining the criterion for this evaluation (optional).
    indicator = models.CharField("indicateurs de réussite", max_length=300, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "critère ou compétence évalué"
        ordering = ["position", "pk"]
        constraints = [
            # A criterion once per evaluation, and a whole competency once (SQLite has no
            # NULLS NOT DISTINCT: two conditional constraints say it on every database).
            models.UniqueConstraint(
                fields=["evaluation", "criterion"],
                condition=Q(criterion__isnull=False),
                name="unique_evaluation_criterion",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "competency"],
                condition=Q(criterion__isnull=True),
                name="unique_evaluation_competency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def code(self) -> str:
        """« C2.3 » (the third criterion of C2) or « C2 »: what names the column in the grid,
        its XLSX export and the re-import (select_related competency and criterion)."""
        if self.criterion_id is None:
            return self.competency.code
        return f"{self.competency.code}.{self.criterion.position}"

    @property
    def label(self) -> str:
        return self.criterion.label if self.criterion_id is not None else self.competency.label


class EvaluationPupil(models.Model):
    """A pupil assigned to the evaluation (a row of its grid), with the teacher's comment."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="assignments")
    pupil = models.ForeignKey("directory.Pupil", on_delete=models.PROTECT, related_name="+")
    # The pupil's division when assigned: a pupil who changes division keeps their results.
    division = models.ForeignKey(
        "directory.Division", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "élève évalué"
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "pupil"], name="unique_evaluation_pupil")
        ]

    def __str__(self) -> str:
        # A pupil is named by number outside their own pages (logs, audit trail).
        return f"Élève n° {self.pupil_id} — {self.evaluation}"


class Result(models.Model):
    """One cell of the grid: the level ``pupil`` reached on ``target``."""

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    target = models.ForeignKey(EvaluationTarget, on_delete=models.CASCADE, related_name="results")
    pupil = models.ForeignKey("directory.Pupil", on_delete=models.PROTECT, related_name="+")
    # The target's competency, kept on the row: the dashboards read a pupil's results by
    # competency without joining every target.
    competency = models.ForeignKey(
        "referentials.Competency", on_delete=models.PROTECT, related_name="+"
    )
    level = models.ForeignKey("referentials.ScaleLevel", on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "résultat"
        constraints = [
            models.UniqueConstraint(fields=["target", "pupil"], name="one_result_per_cell")
        ]
        indexes = [models.Index(fields=["establishment", "pupil", "competency"])]

    def __str__(self) -> str:
        return f"Élève n° {self.pupil_id} : {self.level}"


class ResultChange(models.Model):
    """The history of a certificative evaluation's cells: who changed which, when, from what
    to what. The pupil is named by number (``pupil_id``), never by name; the levels are kept
    as text (« 3 Maîtrisé »), so that a record never changes once written.

    Kept here rather than in the establishment's « Journal des modifications », which the
    administrator reads: CCF marks are pedagogical content (PRODUCT.md rule 1).
    """

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="changes")
    target = models.ForeignKey(EvaluationTarget, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey("directory.Pupil", on_delete=models.PROTECT, related_name="+")
    old = models.CharField("ancien niveau", max_length=130, blank=True)
    new = models.CharField("nouveau niveau", max_length=130, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    # « Saisie », « Import du fichier grille.xlsx »…
    source = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "modification d'un résultat certificatif"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Élève n° {self.pupil_id} : {self.old or 'non évalué'} → {self.new or 'non évalué'}"


def new_token() -> str:
    return secrets.token_urlsafe(16)


class GridImport(models.Model):
    """A filled XLSX grid sent back to its evaluation: its preview, then its outcome.

    The same lifecycle as the establishment's imports (carnet.imports.ImportBatch): bound to
    the file's SHA-256 and to a digest of the changes it announced, applied only within
    24 hours and only if those changes are still exactly the ones to make. ``payload`` holds
    the cells read from the file (pupil numbers, column ids, level ids, comments), never the
    file itself, and is emptied once applied or cancelled.
    """

    establishment = models.ForeignKey(
        "establishments.Establishment", on_delete=models.CASCADE, related_name="+"
    )
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=10, choices=GridImportStatus.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200)
    file_size = models.PositiveIntegerField()
    file_sha256 = models.CharField(max_length=64)
    # {"set": n, "cleared": n, "comments": n, "unchanged": n}
    counts = models.JSONField(default=dict)
    # [{"line": n | None, "message": "…"}]: any of them refuses the whole file.
    problems = models.JSONField(default=list)
    payload = models.JSONField(default=dict, blank=True)

    objects = TenantManager()

    class Meta:
        verbose_name = "import d'une grille remplie"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"
