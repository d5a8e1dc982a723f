"""The platform's profiles: who an account is, and whether it belongs to one establishment.

Ground-floor knowledge (tenancy depends on it): every app may read it, none redefines it.
"""

from django.db import models


class Profile(models.TextChoices):
    ADMIN = "administrateur", "Administrateur"
    HEAD = "chef", "Chef d'établissement"
    TEACHER = "enseignant", "Enseignant"
    LEARNER = "apprenant", "Apprenant"
    INSPECTOR = "inspecteur", "Inspecteur"
    OPERATOR = "operateur", "Opérateur de la plateforme"


# Profiles that belong to exactly one establishment.
ESTABLISHMENT_PROFILES = (Profile.ADMIN, Profile.HEAD, Profile.TEACHER, Profile.LEARNER)
