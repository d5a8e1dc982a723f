"""What every page of the evaluations shares: finding its object, checking its permission."""

from django.urls import NoReverseMatch, reverse

from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.evaluations.selectors import evaluation_get
from carnet.scenarios.models import Scenario


def scenario_object(request, scenario_pk: int, **kwargs):
    return get_scoped_or_404(
        Scenario.objects.select_related("diploma"), request.establishment, pk=scenario_pk
    )


def evaluation_object(request, pk: int, **kwargs):
    return evaluation_get(establishment=request.establishment, pk=pk)


# Reading a grid: the establishment's teachers, its head, an inspector with a live grant.
read_required = establishment_permission_required("evaluations.read", obj=evaluation_object)
# Changing it: the scenario's author and co-authors (each row re-checked by the services).
evaluate_required = establishment_permission_required("evaluations.evaluate", obj=evaluation_object)


def scenario_url(scenario) -> str | None:
    """The scenario's page (carnet.scenarios), when it has one."""
    try:
        return reverse("scenarios:detail", args=[scenario.pk])
    except NoReverseMatch:
        return None


def download_name(evaluation, suffix: str) -> str:
    """A file name that names the evaluation by number and date, never a pupil."""
    return f"evaluation-{evaluation.pk}-{evaluation.date:%Y-%m-%d}{suffix}"
