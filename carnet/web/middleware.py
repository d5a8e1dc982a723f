from carnet.core.profiles import ESTABLISHMENT_PROFILES, Profile
from carnet.inspection.session import inspected_establishment


class EstablishmentMiddleware:
    """Puts the current establishment on the request: ``request.establishment``.

    It is the signed-in user's establishment for establishment profiles; for an inspector,
    the establishment chosen with « Consulter » only while a grant to it is live (checked at
    every request, carnet/inspection/session.py); None for anyone else (anonymous, platform
    operator). Scoped querysets of a None establishment are empty (carnet/core/tenancy.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        request.establishment = None
        if user is not None and user.is_authenticated and user.profile in ESTABLISHMENT_PROFILES:
            request.establishment = user.establishment
        elif user is not None and user.is_authenticated and user.profile == Profile.INSPECTOR:
            request.establishment = inspected_establishment(request)
        return self.get_response(request)
