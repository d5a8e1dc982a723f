"""Accounts whose credentials never reach the administrator's screen.

The head of establishment alone opens inspectors' access to the establishment's pedagogical
data: if the administrator could obtain a password of a head account, the administrator
could act as the head. So an account that is a head, or ever was one (``User.was_head``:
the protection of the most protected profile an account has had stays with it, whatever an
import later makes of it), gets no temporary password: its owner receives a link by e-mail
(an invitation before the first sign-in, a reset link after). Inspectors likewise: one
inspector is granted by many establishments.

Once such an account has signed in, its e-mail address (where its links go) is no longer
the administrator's to change: only the platform operator changes it.
"""

from django.core.exceptions import PermissionDenied

from carnet.core.profiles import Profile

PROTECTED_PROFILES = (Profile.HEAD, Profile.INSPECTOR)

PROTECTED_MESSAGE = (
    "Ce compte est, ou a été, celui d'un chef d'établissement : son mot de passe n'est jamais "
    "affiché. Son titulaire reçoit un lien par courriel pour le choisir lui-même."
)
EMAIL_LOCKED_MESSAGE = (
    "Ce compte de chef d'établissement a déjà servi : son adresse électronique reçoit ses "
    "liens de mot de passe, seul l'opérateur de la plateforme la change."
)


class ProtectedCredentials(PermissionDenied):
    """A service was asked for a password someone other than the account's owner would see."""

    def __init__(self, message: str = PROTECTED_MESSAGE):
        super().__init__(message)
        self.message = message


def credentials_protected(user) -> bool:
    """Whether no password of ``user`` may ever be shown to anyone but its owner."""
    return bool(user.was_head) or user.profile in PROTECTED_PROFILES


def email_locked(user) -> bool:
    """Whether ``user``'s e-mail address is out of the administrator's reach."""
    return credentials_protected(user) and user.last_login is not None
