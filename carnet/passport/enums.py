from django.db import models


class EntryPlace(models.TextChoices):
    """Where the professional situation was met."""

    SCHOOL = "etablissement", "En établissement"
    COMPANY = "entreprise", "En entreprise (PFMP)"
    OTHER = "autre", "Autre"


class EntryStatus(models.TextChoices):
    """An entry is the pupil's draft until sent; the teacher validates it or asks for
    changes (the pupil edits it and sends it again)."""

    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "envoyee", "Envoyée au professeur"
    CHANGES = "a_reprendre", "À reprendre"
    VALIDATED = "validee", "Validée"


# What the pupil may still change (a sent or validated entry waits, or is done).
EDITABLE = (EntryStatus.DRAFT, EntryStatus.CHANGES)


class EventAction(models.TextChoices):
    SUBMITTED = "envoi", "Envoyée au professeur"
    VALIDATED = "validation", "Validée"
    CHANGES = "reprise", "Modifications demandées"
