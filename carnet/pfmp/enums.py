from django.db import models


class Autonomy(models.TextChoices):
    """How the pupil did a task in the company (fiche activités, passeport)."""

    ALONE = "seul", "Seul"
    HELPED = "avec_aide", "Avec aide"
    WATCHED = "observe", "Observé"


class SheetStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SENT = "envoyee", "Envoyée au professeur"


class ReviewStatus(models.TextChoices):
    """A bilan entreprise: to fill (online, on paper then typed in, or by the tutor's link),
    proposed by the tutor (the teacher checks it), validated (it feeds the dashboard)."""

    OPEN = "a_remplir", "À remplir"
    PROPOSED = "propose", "Proposé par le tuteur"
    VALIDATED = "valide", "Validé"
