from django.db import models


class EvaluationKind(models.TextChoices):
    FORMATIVE = "formative", "Formative"
    CERTIFICATIVE = "certificative", "Certificative"


class Grain(models.TextChoices):
    """« Évaluation détaillée par critères ou par compétences générales »."""

    CRITERION = "critere", "Par critère"
    COMPETENCY = "competence", "Par compétence"
