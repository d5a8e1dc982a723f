from django.db import models


class AuditAction(models.TextChoices):
    IDENTITY_UPDATED = "identite_modifiee", "Identité de l'établissement modifiée"
    TRANSFERS_UPDATED = "transferts_modifies", "Paramètres de transfert modifiés"
    MASK_UPDATED = "masque_modifie", "Masque de saisie modifié"
    MASK_RESET = "masque_reinitialise", "Masque de saisie réinitialisé"
    IMAGE_UPLOADED = "image_ajoutee", "Image ajoutée"
    IMAGE_DELETED = "image_supprimee", "Image supprimée"
    ESTABLISHMENT_CREATED = "etablissement_cree", "Établissement créé"
    IMPORT_APPLIED = "import_applique", "Import appliqué"
    PROFILE_CHANGED = "profil_modifie", "Profil d'un compte modifié par l'import STS-web"
    LEARNER_CREATED = "apprenant_cree", "Apprenant hors SIECLE créé"
    LEARNER_UPDATED = "apprenant_modifie", "Apprenant hors SIECLE modifié"
    DIVISION_CREATED = "division_creee", "Division créée"
    DIVISION_UPDATED = "division_modifiee", "Division modifiée"
