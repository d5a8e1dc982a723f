"""« Scénarios pédagogiques »: the library of the establishment's scenarios, and « Nouveau
scénario » (the section « Titre » of a scenario not yet written)."""

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from carnet.core.forms import add_service_errors
from carnet.core.permissions import establishment_permission_required
from carnet.core.profiles import Profile
from carnet.scenarios.forms import LibraryForm, TitleForm
from carnet.scenarios.selectors import (
    LibraryFilters,
    coauthor_choices,
    current_school_year,
    library_authors,
    scenario_library,
    scenario_years,
)
from carnet.scenarios.services import scenario_create
from carnet.scenarios.views.common import render_section

PER_PAGE = 50


@require_GET
@establishment_permission_required("scenarios.read")
def library(request):
    establishment, user = request.establishment, request.user
    current = current_school_year()
    years = scenario_years(establishment=establishment, current=current)
    year_by_start = {year.start_year: year for year in years}
    requested = request.GET.get("annee", "")
    year = year_by_start.get(int(requested)) if requested.isdigit() else None
    year = year or current
    authors = library_authors(establishment=establishment, school_year=year)
    form = LibraryForm(request.GET or None, authors=authors, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    is_teacher = user.profile == Profile.TEACHER
    filters = LibraryFilters(
        search=" ".join((data.get("q") or "").split()),
        diploma_id=data["diplome"].pk if data.get("diplome") else None,
        class_level=data.get("niveau") or "",
        author_id=data.get("auteur"),
        mine=bool(data.get("mes")) and is_teacher,
    )
    queryset = scenario_library(
        establishment=establishment, school_year=year, filters=filters, user=user
    )
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scenarios/library.html",
        {
            "form": form,
            "page_obj": page,
            "year": year,
            "current_year": current,
            "is_current_year": year.start_year == current.start_year,
            "last_year_start": current.start_year - 1,
            "has_last_year": current.start_year - 1 in year_by_start,
            "filters": filters,
            "is_teacher": is_teacher,
            "can_create": rules.has_perm("scenarios.create", user, establishment),
            "extra_query": f"{query.urlencode()}&" if query else "",
        },
    )


@require_http_methods(["GET", "POST"])
@establishment_permission_required("scenarios.create")
def create(request):
    co_authors = coauthor_choices(establishment=request.establishment, author=request.user)
    form = TitleForm(request.POST or None, co_authors=co_authors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scenario = scenario_create(
                establishment=request.establishment,
                author=request.user,
                title=data["title"],
                diploma=data["diploma"],
                class_level=data["class_level"],
                co_intervention=data["co_intervention"],
                co_authors=data["co_authors"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Le scénario « {scenario.title} » a été créé. Décrivez maintenant son contexte.",
            )
            url = reverse("scenarios:edit_context", args=[scenario.pk])
            # htmx: the whole page (its heading, its tabs) is now the scenario's.
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return render_section(request, scenario=None, section="titre", context={"form": form})
