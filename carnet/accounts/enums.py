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
