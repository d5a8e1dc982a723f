"""Tenancy: the one mechanism that scopes establishment data.

Every model holding establishment data uses ``TenantManager``; pages read it through
``Model.objects.of(establishment)`` (in selectors) or ``get_scoped_or_404`` (in views).
An object of another establishment is then simply not found: 404.
"""

from typing import Any

from django.db import models
from django.http import Http404


class TenantQuerySet(models.QuerySet):
    tenant_field = "establishment"

    def of(self, establishment: Any) -> "TenantQuerySet":
        if establishment is None:
            # No establishment (anonymous, operator, inspector without grant): nothing.
            return self.none()
        return self.filter(**{self.tenant_field: establishment})


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    pass


def get_scoped_or_404(queryset_or_model: Any, establishment: Any, **lookup):
    """``get_object_or_404`` limited to one establishment's rows."""
    queryset = (
        queryset_or_model._default_manager.all()
        if isinstance(queryset_or_model, type)
        else queryset_or_model
    )
    try:
        return queryset.of(establishment).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
