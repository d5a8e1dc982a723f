"""One way for views to check a permission on the current establishment."""

from functools import wraps

import rules
from django.core.exceptions import PermissionDenied


def establishment_permission_required(permission: str):
    """Checks ``permission`` (carnet.accounts.rules) for request.establishment; 403 if refused.

    ``rules.has_perm`` runs the predicates themselves: unlike ``user.has_perm``, a Django
    superuser (the platform operator) gets no shortcut into an establishment's pages.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not rules.has_perm(permission, request.user, request.establishment):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
