from django.db import models


class RequestStatus(models.TextChoices):
    REQUESTED = "demande", "En attente de réponse"
    REFUSED = "refuse", "Refusée"
    DONE = "effectue", "Dossier transféré"


class Direction(models.TextChoices):
    RECEIVED = "recu", "Reçu"
    SENT = "envoye", "Envoyé"


class Channel(models.TextChoices):
    PLATFORM = "plateforme", "Sur la plateforme"
    PACKAGE = "paquet", "Paquet de transfert"
