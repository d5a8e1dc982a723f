from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from carnet.accounts.addresses import address_locked_out
from carnet.accounts.former_pupils import former_pupil_of
from carnet.accounts.models import User
from carnet.core.profiles import Profile
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil


class AddressLimitBackend:
    """Refuses every sign-in from an address with too many failed logins (all logins).

    An authentication backend, so that the limit holds wherever Django authenticates with
    the request: « Connexion », the operator's /plateforme/login/, any later form. It
    authenticates nobody itself; raising PermissionDenied stops Django's authenticate()
    before any password is checked, and marking the request as locked out makes django-axes'
    middleware answer with the lockout page (429), as for a locked login.
    """

    def authenticate(self, request, **credentials):
        if request is not None and address_locked_out(request):
            request.axes_locked_out = True
            raise PermissionDenied
        return None

    def get_user(self, user_id):
        return None


class AccountBackend(ModelBackend):
    """Django's ModelBackend; a pupil who left the establishment (« sorti ») signs in only
    while their passport window is open (carnet/accounts/former_pupils.py), their account
    still disabled: every page but their passport refuses them.

    Checked at sign-in and at every request (get_user), so a pupil marked « sorti » by an
    import is signed out at once when no window is open, whatever the state of their account.
    """

    def get_user(self, user_id):
        # With the establishment every page reads (request.establishment): one query, not two.
        try:
            user = User._default_manager.select_related("establishment").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "profile", None) == Profile.LEARNER and (
            Pupil.objects.filter(user=user, status=PupilStatus.LEFT).exists()
        ):
            return former_pupil_of(user) is not None
        return super().user_can_authenticate(user)
