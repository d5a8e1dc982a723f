from django.db import models


class BatchKind(models.TextChoices):
    SIECLE = "siecle", "Fichiers SIECLE et STS-web"
    OUTSIDE_SIECLE = "hors_siecle", "Apprenants hors SIECLE"


class BatchStatus(models.TextChoices):
    PREVIEW = "apercu", "Aperçu"
    APPLIED = "applique", "Appliqué"
    REFUSED = "refuse", "Refusé"
    CANCELLED = "annule", "Annulé"
