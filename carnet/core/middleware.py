from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

from carnet.accounts.enums import ESTABLISHMENT_PROFILES, Profile
from carnet.inspection.session import inspected_establishment


class EstablishmentMiddleware:
    """Puts the current establishment on the request: ``request.establishment``.

    It is the signed-in user's establishment for establishment profiles; for an inspector,
    the establishment chosen with « Consulter » only while a grant to it is live (checked at
    every request, carnet/inspection/session.py); None for anyone else (anonymous, platform
    operator). Scoped querysets of a None establishment are empty.
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


class SecurityHeadersMiddleware:
    """Content-Security-Policy and headers Django does not set itself.

    Pages of signed-in users are never stored by the browser or a proxy: school computers
    are shared, and the back button after « Se déconnecter » must not show a pupil list.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        patch_vary_headers(response, ["HX-Request"])
        return response


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware; an htmx request of an expired session reloads the page.

    Without this, htmx would swap the login page into the Paramètres panel.
    """

    def handle_no_permission(self, request, view_func):
        response = super().handle_no_permission(request, view_func)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(response.url)
        return response
