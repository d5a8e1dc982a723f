"""« Importation et gestion des apprenants hors SIECLE »: the list of these learners and their
divisions, the import of a table (upload → preview → « Confirmer l'import ») and the template
to download. The forms to create or edit a learner or a division by hand are the
directory's (carnet.directory.outside_views).

Previews are found by their batch token within the establishment, as the SIECLE ones.
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

from carnet.core.params import page_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.core.uploads import upload_limit
from carnet.directory.school_years import school_year_start
from carnet.directory.selectors import outside_divisions, outside_learners
from carnet.imports.batches import AlreadyApplied, import_batch_cancel
from carnet.imports.counts import OUTSIDE_COUNTS, count_rows
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.outside import outside_import_apply, outside_import_preview
from carnet.imports.parsers.files import RawFile
from carnet.imports.parsers.learners import MAX_ROWS, template_csv, template_xlsx
from carnet.imports.plans import shown_number
from carnet.imports.views.changes import split_changes

imports_required = establishment_permission_required("imports.manage")

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS_SHOWN = shown_number(MAX_ROWS)
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


def _batch(request, token: str) -> ImportBatch:
    return get_scoped_or_404(
        ImportBatch.objects.filter(kind=BatchKind.OUTSIDE_SIECLE).defer("payload"),
        request.establishment,
        token=token,
    )


@require_GET
@imports_required
def batch_view(request, token: str):
    batch = _batch(request, token)
    changes, accounts = split_changes(batch.changes)
    page = Paginator(changes, CHANGES_PER_PAGE).get_page(page_param(request))
    return render(
        request,
        "imports/outside/batch.html",
        {
            "batch": batch,
            "file": batch.files[0] if batch.files else None,
            "page_obj": page,
            "count_rows": count_rows(OUTSIDE_COUNTS, batch.counts),
            "accounts": accounts,
            "heads": [],
            "pagination_label": "Pages des changements",
        },
    )


@require_POST
@imports_required
def batch_confirm(request, token: str):
    batch = _batch(request, token)
    try:
        outside_import_apply(batch=batch, actor=request.user)
    except AlreadyApplied as exc:
        messages.info(request, exc.messages[0])
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


urlpatterns = [
    path("imports/hors-siecle/apprenants/", learners, name="outside_list"),
    path("imports/hors-siecle/importer/", upload, name="outside_upload"),
    path("imports/hors-siecle/modele.csv", template_csv_download, name="outside_template_csv"),
    path("imports/hors-siecle/modele.xlsx", template_xlsx_download, name="outside_template_xlsx"),
    path("imports/hors-siecle/apercu/<str:token>/", batch_view, name="outside_batch"),
    path(
        "imports/hors-siecle/apercu/<str:token>/confirmer/", batch_confirm, name="outside_confirm"
    ),
    path("imports/hors-siecle/apercu/<str:token>/abandonner/", batch_cancel, name="outside_cancel"),
]
