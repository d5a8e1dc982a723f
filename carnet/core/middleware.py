from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


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
