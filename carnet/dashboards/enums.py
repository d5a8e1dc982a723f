from django.db import models


class BilanKind(models.TextChoices):
    """The follow-up booklet of CCF: bilans intermédiaires and one bilan terminal."""

    INTERMEDIATE = "intermediaire", "Bilan intermédiaire"
    TERMINAL = "terminal", "Bilan terminal"
