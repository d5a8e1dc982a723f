"""The sections « Titre », « Contexte » and « Liaison avec le référentiel » of a scenario,
edited by its author and co-authors (« Ressources »: views/resources.py)."""

from django.core.exceptions import ValidationError
from django.views.decorators.http import require_http_methods

from carnet.core.forms import add_service_errors
from carnet.establishments.selectors import effective_mask_labels
from carnet.scenarios.forms import ContextForm, LinksForm, TitleForm
from carnet.scenarios.selectors import (
    coauthor_choices,
    referential_choices,
    scenario_link_ids,
    scenario_links,
)
from carnet.scenarios.services import (
    scenario_update_context,
    scenario_update_links,
    scenario_update_title,
)
from carnet.scenarios.views.common import editor_required, render_section, section_saved

LINK_FIELDS = {
    "tasks": "taches",
    "competencies": "competences",
    "criteria": "criteres",
    "attitudes": "attitudes",
}


def _title_form(request, scenario, data=None) -> TitleForm:
    initial = {
        "title": scenario.title,
        "co_intervention": scenario.co_intervention,
        "co_authors": [user.pk for user in scenario.co_authors.all()],
        "diploma": scenario.diploma_id,
        "class_level": scenario.class_level,
    }
    co_authors = coauthor_choices(establishment=request.establishment, scenario=scenario)
    return TitleForm(data, initial=initial, co_authors=co_authors)


@require_http_methods(["GET", "POST"])
@editor_required
def edit_title(request, pk: int, obj):
    scenario = obj
    form = _title_form(request, scenario, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = scenario_update_title(
                scenario=scenario,
                actor=request.user,
                title=data["title"],
                diploma=data["diploma"],
                class_level=data["class_level"],
                co_intervention=data["co_intervention"],
                co_authors=data["co_authors"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = "Section « Titre » enregistrée."
            if "le diplôme" in changed:
                message += (
                    " Le diplôme a changé : choisissez de nouveau les éléments de son référentiel "
                    "(section « Liaison avec le référentiel »)."
                )
            elif not changed:
                message = "Aucune modification : la section « Titre » était déjà celle-là."
            return section_saved(
                request,
                scenario=scenario,
                section="titre",
                message=message,
                panel=lambda: _title_page(request, scenario),
            )
    return _title_page(request, scenario, form)


def _title_page(request, scenario, form=None):
    scenario.refresh_from_db()
    form = form or _title_form(request, scenario)
    return render_section(request, scenario=scenario, section="titre", context={"form": form})


def _context_page(request, scenario, form=None):
    if form is None:
        labels = effective_mask_labels(
            establishment=request.establishment, diploma=scenario.diploma
        )
        form = ContextForm(initial=scenario.context, labels=labels)
    return render_section(request, scenario=scenario, section="contexte", context={"form": form})


@require_http_methods(["GET", "POST"])
@editor_required
def edit_context(request, pk: int, obj):
    scenario = obj
    if request.method == "GET":
        return _context_page(request, scenario)
    # The labels are read at every display: a label changed in Paramètres shows at once.
    labels = effective_mask_labels(establishment=request.establishment, diploma=scenario.diploma)
    form = ContextForm(request.POST, labels=labels)
    if form.is_valid():
        try:
            changed = scenario_update_context(
                scenario=scenario, actor=request.user, context=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return section_saved(
                request,
                scenario=scenario,
                section="contexte",
                message="Section « Contexte » enregistrée."
                if changed
                else "Aucune modification : le contexte était déjà celui-là.",
                panel=lambda: _context_page(request, scenario),
            )
    return _context_page(request, scenario, form)


def _links_page(request, scenario, *, choices, chosen=None, form=None):
    chosen = chosen if chosen is not None else scenario_link_ids(scenario=scenario)
    competencies = [
        {
            "competency": competency,
            "criteria": list(competency.criteria.all()),
            "whole": competency.pk in chosen["competencies"],
            "count": sum(1 for c in competency.criteria.all() if c.pk in chosen["criteria"]),
        }
        for competency in choices.competencies
    ]
    return render_section(
        request,
        scenario=scenario,
        section="referentiel",
        context={
            "choices": choices,
            "chosen": chosen,
            "competency_rows": competencies,
            "links": scenario_links(scenario=scenario),
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def edit_links(request, pk: int, obj):
    scenario = obj
    choices = referential_choices(diploma=scenario.diploma)
    if request.method == "GET":
        return _links_page(request, scenario, choices=choices)
    form = LinksForm(request.POST, choices=choices)
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = scenario_update_links(
                scenario=scenario,
                actor=request.user,
                tasks=data["taches"],
                competencies=data["competences"],
                criteria=data["criteres"],
                attitudes=data["attitudes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return section_saved(
                request,
                scenario=scenario,
                section="referentiel",
                message="Section « Liaison avec le référentiel » enregistrée."
                if changed
                else "Aucune modification : les éléments choisis étaient déjà ceux-là.",
                panel=lambda: _links_page(request, scenario, choices=choices),
            )
    # Refused: the boxes stay as they were ticked.
    chosen = {
        key: {int(value) for value in request.POST.getlist(name) if value.isdigit()}
        for key, name in LINK_FIELDS.items()
    }
    return _links_page(request, scenario, choices=choices, chosen=chosen, form=form)
