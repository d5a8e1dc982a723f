from django.db import models


class ClassLevel(models.TextChoices):
    """The class level a scenario is written for."""

    SECONDE = "seconde", "Seconde"
    PREMIERE = "premiere", "Première"
    TERMINALE = "terminale", "Terminale"
    CAP1 = "cap1", "1re année de CAP"
    CAP2 = "cap2", "2e année de CAP"


class ResourceKind(models.TextChoices):
    """What a resource's content was found to be (never its name or declared type)."""

    PDF = "pdf", "PDF"
    IMAGE = "image", "Image"
    ODT = "odt", "Texte OpenDocument"
    DOCX = "docx", "Document Word"
    XLSX = "xlsx", "Classeur Excel"
