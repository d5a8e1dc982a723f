from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

from carnet.core.errors import bad_request

NUL_REFUSED = (
    "L'adresse demandée, ou ce que le navigateur envoie avec elle, contient un caractère nul "
    "(%00), qu'aucune page n'accepte : vérifiez le lien, ou retapez l'adresse."
)


def holds_nul_byte(request) -> bool:
    """A NUL byte in the path, the query string, a cookie or another header."""
    if "\x00" in request.path_info or "\x00" in request.path:
        return True
    if "\x00" in unquote(request.META.get("QUERY_STRING", ""), errors="replace"):
        return True
    if any("\x00" in name or "\x00" in value for name, value in request.COOKIES.items()):
        return True  # also written « \\000 » in a quoted cookie, which Django decodes
    return any(
        "\x00" in value
        for name, value in request.META.items()
        if name.startswith("HTTP_") and isinstance(value, str)
    )


class NulBytesMiddleware:
    """400 for a NUL byte in the path, the query string or a header (cookies included).

    PostgreSQL refuses NUL in any text it is sent: such a value would reach a query (a
    token in the path, a filter, the session key) and fail there with a 500. No page takes
    one; form fields refuse it themselves (Django's ProhibitNullCharactersValidator) and
    searches with a message (carnet.core.search).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if holds_nul_byte(request):
            return bad_request(request, reason=NUL_REFUSED)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and headers Django does not set itself.

    Pages of signed-in users are never stored by the browser or a proxy: school computers
    are shared, and the back button after « Se déconnecter » must not show a pupil list.
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
