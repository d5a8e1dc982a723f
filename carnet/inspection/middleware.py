from django.urls import Resolver404, resolve

from carnet.core.errors import forbidden
from carnet.core.profiles import Profile

SAFE_METHODS = frozenset({"GET", "HEAD"})
# The only pages an inspector may send a form to: signing out, changing their password and
# choosing the establishment to consult (« Consulter »).
ALLOWED_POSTS = frozenset({"accounts:logout", "accounts:password_change", "inspection:consult"})


class InspectorReadOnlyMiddleware:
    """Everything an inspector reaches is read-only: any request other than GET/HEAD answers
    403, except a POST to one of ``ALLOWED_POSTS``. Runs before any view, so that no page,
    present or to come, can forget it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.profile == Profile.INSPECTOR
            and request.method not in SAFE_METHODS
            and not (request.method == "POST" and _view_name(request) in ALLOWED_POSTS)
        ):
            return forbidden(request)
        return self.get_response(request)


def _view_name(request) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""
