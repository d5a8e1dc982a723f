"""« Nouvel apprenant », « Nouvelle division » hors SIECLE and their edition: learners and
divisions typed in by hand (their file import is carnet.imports.views.outside).

Learners and divisions are found by pk within the establishment (never by name or INE in a
URL). Saved, the page goes back to the list « Apprenants hors SIECLE » (imports:outside_list,
named, not imported: the list sits with the file import that fills it).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from carnet.core.forms import add_service_errors
from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.directory.enums import PupilSource
from carnet.directory.forms import DivisionForm, LearnerForm, learner_initial
from carnet.directory.models import Division, Pupil
from carnet.directory.outside import (
    outside_division_create,
    outside_division_update,
    outside_learner_create,
    outside_learner_update,
)
from carnet.directory.school_years import school_year_start

manage_required = establishment_permission_required("directory.manage_outside")
LIST = "imports:outside_list"


@require_http_methods(["GET", "POST"])
@manage_required
def learner_create(request):
    establishment, today = request.establishment, timezone.localdate()
    form = LearnerForm(
        establishment=establishment, today=today, initial={"outside_status": "apprenti"}
    )
    if request.method == "POST":
        form = LearnerForm(request.POST, establishment=establishment, today=today)
        if form.is_valid():
            try:
                learner = outside_learner_create(
                    establishment=establishment, data=form.cleaned_data, actor=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"L'apprenant {learner} a été créé.")
                return redirect(LIST)
    return render(request, "directory/outside/learner_form.html", {"form": form, "learner": None})


@require_http_methods(["GET", "POST"])
@manage_required
def learner_edit(request, pk: int):
    establishment, today = request.establishment, timezone.localdate()
    learner = get_scoped_or_404(
        Pupil.objects.filter(source=PupilSource.OUTSIDE_SIECLE).select_related("division"),
        establishment,
        pk=pk,
    )
    form = LearnerForm(
        establishment=establishment,
        today=today,
        learner=learner,
        initial=learner_initial(learner),
    )
    if request.method == "POST":
        form = LearnerForm(request.POST, establishment=establishment, today=today, learner=learner)
        if form.is_valid():
            try:
                changes = outside_learner_update(
                    learner=learner, data=form.cleaned_data, actor=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if changes:
                    messages.success(request, f"L'apprenant {learner} a été modifié.")
                else:
                    messages.info(request, "Aucune modification.")
                return redirect(LIST)
    return render(
        request, "directory/outside/learner_form.html", {"form": form, "learner": learner}
    )


@require_http_methods(["GET", "POST"])
@manage_required
def division_create(request):
    form = DivisionForm()
    if request.method == "POST":
        form = DivisionForm(request.POST)
        if form.is_valid():
            try:
                division = outside_division_create(
                    establishment=request.establishment,
                    data=form.cleaned_data,
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"La division {division.code} a été créée.")
                return redirect(LIST)
    return render(
        request,
        "directory/outside/division_form.html",
        {"form": form, "division": None, "school_year": school_year_start(timezone.localdate())},
    )


@require_http_methods(["GET", "POST"])
@manage_required
def division_edit(request, pk: int):
    division = get_scoped_or_404(
        Division.objects.filter(source=PupilSource.OUTSIDE_SIECLE).select_related(
            "school_year", "diploma"
        ),
        request.establishment,
        pk=pk,
    )
    form = DivisionForm(
        initial={"code": division.code, "label": division.label, "diploma": division.diploma_id}
    )
    if request.method == "POST":
        form = DivisionForm(request.POST)
        if form.is_valid():
            try:
                changes = outside_division_update(
                    division=division, data=form.cleaned_data, actor=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if changes:
                    messages.success(request, f"La division {division.code} a été modifiée.")
                else:
                    messages.info(request, "Aucune modification.")
                return redirect(LIST)
    return render(
        request,
        "directory/outside/division_form.html",
        {"form": form, "division": division, "school_year": division.school_year.start_year},
    )


urlpatterns = [
    path("annuaire/hors-siecle/apprenants/nouveau/", learner_create, name="outside_learner_create"),
    path("annuaire/hors-siecle/apprenants/<int:pk>/", learner_edit, name="outside_learner_edit"),
    path(
        "annuaire/hors-siecle/divisions/nouvelle/", division_create, name="outside_division_create"
    ),
    path("annuaire/hors-siecle/divisions/<int:pk>/", division_edit, name="outside_division_edit"),
]
