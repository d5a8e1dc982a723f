"""One way for views to check a permission: on the current establishment, or on an object.

``rules.has_perm`` runs the predicates themselves: unlike ``user.has_perm``, a Django
superuser (the platform operator) gets no shortcut into an establishment's pages.
"""

from collections.abc import Callable
from functools import wraps

import rules
from django.core.exceptions import PermissionDenied


def establishment_permission_required(permission: str, *, obj: Callable | None = None):
    """Checks ``permission`` for the request; 403 when refused.

    Without ``obj``, the permission is checked on ``request.establishment``. With ``obj``,
    a function ``obj(request, **url_kwargs)`` that returns the object the page is about,
    found among the current establishment's (``get_scoped_or_404``: another establishment's
    object is not found, 404): the permission is first checked on the establishment (may
    this user open such pages at all? — else 403 before anything is looked up), then on the
    object, which the view receives as the keyword argument ``obj``.

    Object-level predicates (``teaches_division``…) therefore answer True when given an
    establishment: « on some object, maybe »; the object check decides.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not rules.has_perm(permission, request.user, request.establishment):
                raise PermissionDenied
            if obj is not None:
                target = obj(request, **kwargs)
                if not rules.has_perm(permission, request.user, target):
                    raise PermissionDenied
                kwargs["obj"] = target
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
