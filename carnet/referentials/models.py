"""National référentiels: platform-wide data shared by every establishment."""

from django.db import models


class Diploma(models.Model):
    code = models.CharField("code", max_length=30, unique=True)
    cfd = models.CharField("code formation diplôme (CFD)", max_length=8)
    title = models.CharField("intitulé", max_length=255)
    level = models.CharField("niveau", max_length=50)
    mef_prefix = models.CharField("préfixe MEF", max_length=11)
    provenance = models.TextField("provenance")
    source_sha256 = models.CharField(max_length=64, editable=False)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "diplôme"
        ordering = ["level", "title"]

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    diploma = models.ForeignKey(Diploma, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(max_length=20)
    label = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "activité"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["diploma", "code"], name="unique_activity_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Competency(models.Model):
    diploma = models.ForeignKey(Diploma, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(max_length=20)
    label = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "compétence"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["diploma", "code"], name="unique_competency_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Task(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(max_length=20)
    label = models.TextField()
    autonomy = models.CharField("autonomie", max_length=30, blank=True)
    position = models.PositiveSmallIntegerField()
    competencies = models.ManyToManyField(Competency, related_name="tasks", blank=True)

    class Meta:
        verbose_name = "tâche"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "code"], name="unique_task_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Criterion(models.Model):
    """An evaluation criterion; keyed by its rank within its competency (the files give no code)."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    label = models.TextField()

    class Meta:
        verbose_name = "critère d'évaluation"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "position"], name="unique_criterion_rank")
        ]

    def __str__(self) -> str:
        return self.label


class Attitude(models.Model):
    diploma = models.ForeignKey(Diploma, on_delete=models.CASCADE, related_name="attitudes")
    code = models.CharField(max_length=20)
    label = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "attitude professionnelle"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["diploma", "code"], name="unique_attitude_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class ExamUnit(models.Model):
    diploma = models.ForeignKey(Diploma, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(max_length=20)
    exam = models.CharField("épreuve", max_length=20, blank=True)
    label = models.CharField(max_length=255)
    coefficient = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    position = models.PositiveSmallIntegerField()
    competencies = models.ManyToManyField(Competency, related_name="units", blank=True)

    class Meta:
        verbose_name = "unité"
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["diploma", "code"], name="unique_unit_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class ScaleLevel(models.Model):
    """A level of the diploma's evaluation scale (data of the référentiel, never of the code).

    ``value`` places the level in averages (1 « Non maîtrisé » … 4 « Bien maîtrisé »); a level
    without value (« Absent », « Dispensé ») is recorded and shown but counts for nothing.
    « Non évalué » is no level at all: nothing is recorded.
    """

    diploma = models.ForeignKey(Diploma, on_delete=models.CASCADE, related_name="scale")
    code = models.CharField(max_length=20)
    label = models.CharField(max_length=100)
    # The key that enters it in the entry grid (« 1 », « a »…).
    key = models.CharField("touche", max_length=1)
    value = models.PositiveSmallIntegerField("valeur", null=True, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "niveau de l'échelle"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["diploma", "code"], name="unique_scale_code"),
            models.UniqueConstraint(fields=["diploma", "key"], name="unique_scale_key"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}" if self.value is not None else self.label

    @property
    def counts(self) -> bool:
        return self.value is not None
