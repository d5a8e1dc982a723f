from django.contrib.auth.backends import ModelBackend

from carnet.core.profiles import Profile
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil


class AccountBackend(ModelBackend):
    """Django's ModelBackend; a pupil who left the establishment (« sorti ») cannot sign in.

    Checked at sign-in and at every request (get_user), so a pupil marked « sorti » by an
    import is signed out at once, whatever the state of their account.
    """

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if getattr(user, "profile", None) == Profile.LEARNER:
            return not Pupil.objects.filter(user=user, status=PupilStatus.LEFT).exists()
        return True
