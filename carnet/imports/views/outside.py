"""« Importation et gestion des apprenants hors SIECLE »: the list of these learners and their
divisions, the import of a table (upload → preview → « Confirmer l'import »), the template
to download, and the forms to create or edit a learner or a division by hand.

Learners and divisions are found by pk within the establishment (never by name or INE in a
URL); previews by their batch token, as the SIECLE ones.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.core.forms import NameField, TextLineField, add_service_errors
from carnet.core.params import page_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.core.uploads import upload_limit
from carnet.directory.enums import OutsideStatus, PupilSource, PupilStatus
from carnet.directory.models import Division, Pupil
from carnet.directory.school_years import school_year_start
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.outside import (
    learner_division_choices,
    outside_division_create,
    outside_division_update,
    outside_divisions,
    outside_import_apply,
    outside_import_preview,
    outside_learner_create,
    outside_learner_update,
    outside_learners,
)
from carnet.imports.parsers.files import RawFile
from carnet.imports.parsers.learners import MAX_ROWS, template_csv, template_xlsx
from carnet.imports.services import import_batch_cancel
from carnet.referentials.models import Diploma

imports_required = establishment_permission_required("imports.manage")

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS_SHOWN = f"{MAX_ROWS:,}".replace(",", "\u00a0")
LEARNERS_PER_PAGE = 25
CHANGES_PER_PAGE = 50
TEMPLATE_NAME = "modele_apprenants_hors_siecle"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Forms ------------------------------------------------------------------------------


class LearnersUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier des apprenants (CSV ou XLSX)",
        help_text=(
            "Une ligne de titres (Nom, Prénom, Date de naissance, INE, Division, Statut) puis "
            f"une ligne par apprenant, {MAX_ROWS_SHOWN} au plus ; CSV en UTF-8 ou "
            "Windows-1252, séparé par des points-virgules ou des virgules, ou classeur Excel "
            "(.xlsx, première feuille)."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
        error_messages={
            "required": "Choisissez le fichier à importer.",
            "empty": "Le fichier déposé est vide.",
        },
    )


class DivisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, division):
        label = division.code
        if division.label and division.label != division.code:
            label += f" — {division.label}"
        if division.school_year.start_year != school_year_start(timezone.localdate()):
            label += f" ({division.school_year})"
        return label


class LearnerForm(forms.Form):
    last_name = NameField(label="Nom", max_length=100)
    first_name = NameField(label="Prénom", max_length=100)
    birth_date = forms.DateField(
        label="Date de naissance",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide (jj/mm/aaaa)."},
    )
    ine = forms.CharField(
        label="INE",
        required=False,
        max_length=20,
        help_text="Facultatif : 11 caractères, par exemple 123456789AB.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    division = DivisionChoiceField(
        label="Division",
        queryset=Division.objects.none(),
        empty_label="— Choisissez la division —",
        error_messages={"invalid_choice": "Choisissez une division de la liste."},
    )
    outside_status = forms.ChoiceField(
        label="Statut", choices=OutsideStatus.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, establishment, learner: Pupil | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = learner_division_choices(
            establishment=establishment, current=learner.division if learner else None
        )
        if learner is not None:
            self.fields["status"] = forms.ChoiceField(
                label="Situation",
                choices=PupilStatus.choices,
                help_text="« Sorti » : l'apprenant a quitté l'établissement ; il n'est pas "
                "supprimé et son compte, s'il en a un, est désactivé.",
            )


class DivisionForm(forms.Form):
    code = TextLineField(
        label="Code",
        max_length=30,
        help_text="Par exemple CAP1-APP : c'est ce code qu'indique la colonne « Division » "
        "des fichiers importés.",
    )
    label = TextLineField(label="Libellé", max_length=150, required=False)
    diploma = forms.ModelChoiceField(
        label="Diplôme préparé",
        queryset=Diploma.objects.order_by("level", "title"),
        required=False,
        empty_label="— Aucun (diplôme non rattaché) —",
    )


def _learner_initial(learner: Pupil) -> dict:
    return {
        "last_name": learner.last_name,
        "first_name": learner.first_name,
        "birth_date": learner.birth_date,
        "ine": learner.ine or "",
        "division": learner.division_id,
        "outside_status": learner.outside_status,
        "status": learner.status,
    }


# --- Pages ------------------------------------------------------------------------------


@require_GET
@imports_required
def learners(request):
    establishment = request.establishment
    page = Paginator(outside_learners(establishment=establishment), LEARNERS_PER_PAGE).get_page(
        page_param(request)
    )
    return render(
        request,
        "imports/outside/list.html",
        {
            "page_obj": page,
            "divisions": list(outside_divisions(establishment=establishment)),
            "current_year": school_year_start(timezone.localdate()),
            "pagination_label": "Pages des apprenants",
        },
    )


@upload_limit(MAX_UPLOAD_BYTES, permission="imports.manage")
@require_http_methods(["GET", "POST"])
@imports_required
def upload(request):
    form = LearnersUploadForm()
    if request.method == "POST":
        form = LearnersUploadForm(request.POST, request.FILES)
        if request.uploads_too_big:
            form.errors.clear()
            form.add_error(
                "file",
                "Le fichier dépasse 5 Mo : un tableau d'apprenants est bien plus petit. "
                "Gardez seulement la feuille des apprenants.",
            )
        elif form.is_valid():
            uploaded = form.cleaned_data["file"]
            batch = outside_import_preview(
                establishment=request.establishment,
                upload=RawFile(uploaded.name, uploaded.read()),
                actor=request.user,
            )
            return redirect("imports:outside_batch", token=batch.token)
    return render(
        request, "imports/outside/upload.html", {"form": form, "max_rows": MAX_ROWS_SHOWN}
    )


def _figure(n: int, singular: str, plural: str) -> tuple[str, int]:
    return (singular if n <= 1 else plural), n


def _batch(request, token: str) -> ImportBatch:
    return get_scoped_or_404(
        ImportBatch.objects.filter(kind=BatchKind.OUTSIDE_SIECLE),
        request.establishment,
        token=token,
    )


@require_GET
@imports_required
def batch_view(request, token: str):
    batch = _batch(request, token)
    page = Paginator(batch.changes, CHANGES_PER_PAGE).get_page(page_param(request))
    pupils = batch.counts.get("pupils", {})
    divisions = batch.counts.get("divisions", {})
    count_rows = [
        (
            "Apprenants",
            [
                _figure(pupils.get("created", 0), "créé", "créés"),
                _figure(pupils.get("updated", 0), "modifié", "modifiés"),
                _figure(pupils.get("unchanged", 0), "inchangé", "inchangés"),
            ],
        ),
        (
            "Divisions",
            [
                _figure(divisions.get("created", 0), "créée", "créées"),
                _figure(divisions.get("unchanged", 0), "existante", "existantes"),
            ],
        ),
    ]
    return render(
        request,
        "imports/outside/batch.html",
        {
            "batch": batch,
            "file": batch.files[0] if batch.files else None,
            "page_obj": page,
            "count_rows": count_rows,
            "pagination_label": "Pages des changements",
        },
    )


@require_POST
@imports_required
def batch_confirm(request, token: str):
    batch = _batch(request, token)
    try:
        outside_import_apply(batch=batch, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "L'import des apprenants hors SIECLE a été appliqué.")
    return redirect("imports:outside_batch", token=batch.token)


@require_POST
@imports_required
def batch_cancel(request, token: str):
    batch = _batch(request, token)
    if batch.status == BatchStatus.PREVIEW:
        import_batch_cancel(batch=batch)
        messages.info(request, "L'aperçu a été abandonné : rien n'a été importé.")
    return redirect("imports:outside_list")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@imports_required
def template_csv_download(request):
    return _attachment(template_csv(), "text/csv; charset=utf-8", f"{TEMPLATE_NAME}.csv")


@require_GET
@imports_required
def template_xlsx_download(request):
    return _attachment(template_xlsx(), XLSX_TYPE, f"{TEMPLATE_NAME}.xlsx")


@require_http_methods(["GET", "POST"])
@imports_required
def learner_create(request):
    establishment = request.establishment
    form = LearnerForm(establishment=establishment, initial={"outside_status": "apprenti"})
    if request.method == "POST":
        form = LearnerForm(request.POST, establishment=establishment)
        if form.is_valid():
            try:
                learner = outside_learner_create(
                    establishment=establishment, data=form.cleaned_data, actor=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"L'apprenant {learner} a été créé.")
                return redirect("imports:outside_list")
    return render(request, "imports/outside/learner_form.html", {"form": form, "learner": None})


@require_http_methods(["GET", "POST"])
@imports_required
def learner_edit(request, pk: int):
    establishment = request.establishment
    learner = get_scoped_or_404(
        Pupil.objects.filter(source=PupilSource.OUTSIDE_SIECLE).select_related("division"),
        establishment,
        pk=pk,
    )
    form = LearnerForm(
        establishment=establishment, learner=learner, initial=_learner_initial(learner)
    )
    if request.method == "POST":
        form = LearnerForm(request.POST, establishment=establishment, learner=learner)
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
                return redirect("imports:outside_list")
    return render(request, "imports/outside/learner_form.html", {"form": form, "learner": learner})


@require_http_methods(["GET", "POST"])
@imports_required
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
                return redirect("imports:outside_list")
    return render(
        request,
        "imports/outside/division_form.html",
        {"form": form, "division": None, "school_year": school_year_start(timezone.localdate())},
    )


@require_http_methods(["GET", "POST"])
@imports_required
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
                return redirect("imports:outside_list")
    return render(
        request,
        "imports/outside/division_form.html",
        {"form": form, "division": division, "school_year": division.school_year.start_year},
    )


urlpatterns = [
    path("imports/hors-siecle/apprenants/", learners, name="outside_list"),
    path("imports/hors-siecle/apprenants/nouveau/", learner_create, name="outside_learner_create"),
    path("imports/hors-siecle/apprenants/<int:pk>/", learner_edit, name="outside_learner_edit"),
    path(
        "imports/hors-siecle/divisions/nouvelle/", division_create, name="outside_division_create"
    ),
    path("imports/hors-siecle/divisions/<int:pk>/", division_edit, name="outside_division_edit"),
    path("imports/hors-siecle/importer/", upload, name="outside_upload"),
    path("imports/hors-siecle/modele.csv", template_csv_download, name="outside_template_csv"),
    path("imports/hors-siecle/modele.xlsx", template_xlsx_download, name="outside_template_xlsx"),
    path("imports/hors-siecle/apercu/<str:token>/", batch_view, name="outside_batch"),
    path(
        "imports/hors-siecle/apercu/<str:token>/confirmer/", batch_confirm, name="outside_confirm"
    ),
    path("imports/hors-siecle/apercu/<str:token>/abandonner/", batch_cancel, name="outside_cancel"),
]
