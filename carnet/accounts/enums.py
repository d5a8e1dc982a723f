from django.db import models


class DisabledReason(models.TextChoices):
    """Why an account cannot sign in (``User.disabled_reason``), as the administrator's lists
    say it; the login page never says it (its message stays the same for every failure)."""

    NONE = "", "—"
    # Only the administrator (or the operator) enables it again: an import never does.
    ADMIN = "administrateur", "Désactivé par l'administrateur"
    # Set and lifted by the imports (a pupil « sorti », a staff member absent from STS-web…).
    LEFT = "sorti", "Élève sorti de l'établissement"
    DEPARTED = "parti", "Absent du dernier fichier STS-web"
    NO_ACCESS = "sans_acces", "Fonction sans accès pédagogique (STS-web)"
