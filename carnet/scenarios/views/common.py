"""What the scenario pages share: finding the scenario a URL names (among the current
establishment's only: another's is not found, 404), the permission checks, the editor.

The editor shows the four sections as tabs (« Titre », « Contexte », « Liaison avec le
référentiel », « Ressources »). Without JavaScript each is a page; with htmx (hx-boost on
the editor) only the panel is swapped. Both come from the same template.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect, replace_url

from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.scenarios.models import Scenario, ScenarioResource
from carnet.scenarios.selectors import scenario_page


def scenario_from_url(request, pk: int, **kwargs) -> Scenario:
    try:
        return scenario_page(establishment=request.establishment, pk=pk)
    except Scenario.DoesNotExist:
        raise Http404 from None


def resource_from_url(request, pk: int, resource_pk: int, **kwargs) -> ScenarioResource:
    return get_scoped_or_404(
        ScenarioResource.objects.select_related("scenario"),
        request.establishment,
        pk=resource_pk,
        scenario_id=pk,
    )


reader_required = establishment_permission_required("scenarios.read", obj=scenario_from_url)
editor_required = establishment_permission_required("scenarios.edit", obj=scenario_from_url)


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str


SECTIONS = (
    Section("titre", "Titre", "scenarios:edit_title"),
    Section("contexte", "Contexte", "scenarios:edit_context"),
    Section("referentiel", "Liaison avec le référentiel", "scenarios:edit_links"),
    Section("ressources", "Ressources", "scenarios:edit_resources"),
)


def next_section(key: str) -> Section | None:
    keys = [section.key for section in SECTIONS]
    index = keys.index(key)
    return SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None


def render_section(request, *, scenario: Scenario | None, section: str, context: dict):
    """The editor with ``section`` open: the panel alone for htmx, else the whole page."""
    active = next(s for s in SECTIONS if s.key == section)
    context = {
        "scenario": scenario,
        "sections": SECTIONS,
        "active_section": active,
        "section_template": f"scenarios/includes/_section_{section}.html",
        **context,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "scenarios/includes/_editor_panel.html", context)
    return render(request, "scenarios/edit.html", context)


def section_saved(request, *, scenario: Scenario, section: str, message: str, panel):
    """After a section was saved: the same section again (PRG; for htmx the fresh panel, its
    address shown), or with « Enregistrer et continuer » the next section (the scenario's
    page after the last)."""
    messages.success(request, message)
    if "continuer" in request.POST:
        following = next_section(section)
        url = reverse(following.url_name if following else "scenarios:detail", args=[scenario.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    url = reverse(next(s.url_name for s in SECTIONS if s.key == section), args=[scenario.pk])
    return replace_url(panel(), url) if request.htmx else redirect(url)
