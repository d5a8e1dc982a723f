from django.db import models


class EvaluationKind(models.TextChoices):
    FORMATIVE = "formative", "Formative"
    CERTIFICATIVE = "certificative", "Certificative"


class Grain(models.TextChoices):
    """« Évaluation détaillée par critères ou par compétences générales »."""

    CRITERION = "critere", "Par critère"
    COMPETENCY = "competence", "Par compétence"


class GridImportStatus(models.TextChoices):
    """The life of a filled XLSX grid sent back: the same four states as the other imports."""

    PREVIEW = "apercu", "Aperçu"
    APPLIED = "applique", "Appliqué"
    REFUSED = "refuse", "Refusé"
    CANCELLED = "annule", "Annulé"
