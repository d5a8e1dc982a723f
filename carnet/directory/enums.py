from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Masculin"
    FEMALE = "F", "Féminin"


class PupilStatus(models.TextChoices):
    ACTIVE = "actif", "Actif"
    LEFT = "sorti", "Sorti"


class PupilSource(models.TextChoices):
    SIECLE = "siecle", "SIECLE"
    OUTSIDE_SIECLE = "hors_siecle", "Hors SIECLE"


class StaffFunction(models.TextChoices):
    """STS-web FONCTION codes."""

    TEACHER = "ENS", "Enseignant"
    MANAGEMENT = "DIR", "Direction"
    EDUCATION = "EDU", "Conseiller principal d'éducation"
    DOCUMENTATION = "DOC", "Professeur documentaliste"
    OTHER = "AUTRE", "Autre personnel"


class Civility(models.TextChoices):
    MR = "M.", "M."
    MRS = "Mme", "Mme"


class StructureKind(models.TextChoices):
    """SIECLE TYPE_STRUCTURE: D = division (a class), G = group (a teaching group)."""

    DIVISION = "division", "Division"
    GROUP = "groupe", "Groupe"


class StaffSource(models.TextChoices):
    STS = "sts", "Import STS-web"
    MANUAL = "manuel", "Création manuelle"


class OutsideStatus(models.TextChoices):
    """What a learner « hors SIECLE » is (the « statut » column of their import)."""

    APPRENTICE = "apprenti", "Apprenti"
    ADULT = "adulte", "Adulte"
    OTHER = "autre", "Autre"
