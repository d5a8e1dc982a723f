"""A scenario's page (its four sections, then what other apps add: its evaluations), its
printable fiche, its duplication and its deletion."""

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.core.permissions import establishment_permission_required
from carnet.documents.pdf import establishment_images, render_pdf
from carnet.scenarios.selectors import (
    current_school_year,
    scenario_context,
    scenario_links,
    scenario_resources,
)
from carnet.scenarios.services import scenario_delete, scenario_duplicate
from carnet.scenarios.views.common import reader_required, scenario_from_url


def _sections(request, scenario) -> dict:
    resources = scenario_resources(scenario=scenario)
    return {
        "scenario": scenario,
        "context_entries": scenario_context(establishment=request.establishment, scenario=scenario),
        "links": scenario_links(scenario=scenario),
        "resources": resources,
    }


@require_GET
@reader_required
def detail(request, pk: int, obj):
    user, scenario = request.user, obj
    return render(
        request,
        "scenarios/detail.html",
        {
            **_sections(request, scenario),
            "can_edit": rules.has_perm("scenarios.edit", user, scenario),
            "can_delete": rules.has_perm("scenarios.delete", user, scenario),
            "can_duplicate": rules.has_perm("scenarios.create", user, request.establishment),
            "is_current_year": scenario.school_year.start_year == current_school_year().start_year,
        },
    )


@require_GET
@reader_required
def sheet(request, pk: int, obj):
    """The fiche scénario (PDF): the four sections with the establishment's labels and logo."""
    establishment = request.establishment
    pdf = render_pdf(
        template="scenarios/sheet.html",
        context={
            **_sections(request, obj),
            "establishment": establishment,
            "images": establishment_images(establishment),
            "printed_on": timezone.localdate(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"fiche-scenario-{slugify(obj.title)[:60] or obj.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_POST
@establishment_permission_required("scenarios.create", obj=scenario_from_url)
def duplicate(request, pk: int, obj):
    copy = scenario_duplicate(scenario=obj, actor=request.user)
    messages.success(
        request,
        f"Le scénario a été dupliqué dans l'année {copy.school_year} : « {copy.title} » est le "
        "vôtre, modifiez-le à votre guise.",
    )
    return redirect("scenarios:detail", pk=copy.pk)


@require_http_methods(["GET", "POST"])
@establishment_permission_required("scenarios.delete", obj=scenario_from_url)
def delete(request, pk: int, obj):
    """GET asks for confirmation; POST deletes (the author alone; none with evaluations)."""
    if request.method == "POST":
        try:
            scenario_delete(scenario=obj, actor=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("scenarios:detail", pk=obj.pk)
        messages.success(request, f"Le scénario « {obj.title} » a été supprimé.")
        return redirect("scenarios:library")
    return render(
        request,
        "scenarios/delete.html",
        {"scenario": obj, "resource_count": obj.resources.count()},
    )
