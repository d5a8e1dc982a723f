"""One way for views to check a permission on the current establishment."""

from rules.contrib.views import permission_required


def current_establishment(request, *args, **kwargs):
    return request.establishment


def establishment_permission_required(permission: str):
    """Checks ``permission`` (carnet.accounts.rules) for request.establishment; 403 if refused."""
    return permission_required(permission, fn=current_establishment, raise_exception=True)
