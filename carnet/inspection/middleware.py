from django.urls import Resolver404, resolve

from carnet.core.errors import forbidden
from carnet.core.profiles import Profile

SAFE_METHODS = frozenset({"GET", "HEAD"})
# The only pages an inspector may send a form to: signing out, changing their password,
# choosing the establishment to consult (« Consulter »), and searching the read-only lists
# of the directory (the search is POSTed to be kept in the session, out of the URL: it
# writes nothing else, carnet/directory/views_read.py).
ALLOWED_POSTS = frozenset(
    {
        "accounts:logout",
        "accounts:password_change",
        "inspection:consult",
        "directory:read_divisions",
        "directory:read_pupils",
        "directory:read_teachers",
    }
)


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
