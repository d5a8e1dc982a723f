"""The pupil's fiches activités (write, send) and a fiche's attachments (its readers and
the pupil who wrote it); the teacher's pages are in views.py, the tutor's in tutor_views.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.core.forms import add_service_errors
from carnet.core.permissions import establishment_permission_required
from carnet.core.uploads import upload_limit
from carnet.pfmp import services
from carnet.pfmp.enums import SheetStatus
from carnet.pfmp.forms import SheetForm
from carnet.pfmp.selectors import (
    diploma_tasks,
    pupil_of_user,
    pupil_placements,
)
from carnet.pfmp.views import _attachment, _placement, _sheet
from carnet.scenarios.resources import MAX_RESOURCE_BYTES


@require_GET
@establishment_permission_required("pfmp.write_own")
def mine(request):
    pupil = pupil_of_user(establishment=request.establishment, user=request.user)
    placements = list(pupil_placements(pupil=pupil)) if pupil else []
    return render(request, "pfmp/mine.html", {"pupil": pupil, "placements": placements})


def _sheet_form_page(request, placement, form, sheet=None, status=200):
    return render(
        request,
        "pfmp/sheet_form.html",
        {
            "form": form,
            "placement": placement,
            "sheet": sheet,
            "attachments": list(sheet.attachments.all()) if sheet else [],
        },
        status=status,
    )


def _save_sheet(request, placement, sheet=None):
    tasks = diploma_tasks(diploma_id=placement.period.division.diploma_id)
    if request.method == "GET":
        initial = {}
        if sheet is not None:
            initial = {f: getattr(sheet, f) for f in services.SHEET_FIELDS}
            initial["tasks"] = [str(t.pk) for t in sheet.tasks.all()]
        return _sheet_form_page(request, placement, SheetForm(initial=initial, tasks=tasks), sheet)
    form = SheetForm(request.POST, request.FILES, tasks=tasks)
    if getattr(request, "uploads_too_big", None):
        for name in request.uploads_too_big.values():
            form.add_error(
                None, f"« {name} » : une pièce jointe pèse au plus 10 Mo. Rien n'a été joint."
            )
    if form.is_valid() and not form.errors:
        data = dict(form.cleaned_data)
        task_ids, files = data.pop("tasks"), [f for f in data.pop("files") if f]
        try:
            sheet = services.sheet_save(
                placement=placement, actor=request.user, sheet=sheet, task_ids=task_ids, **data
            )
            if files:
                services.sheet_attachments_add(
                    sheet=sheet, actor=request.user, uploads=[(f.name, f.read()) for f in files]
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Votre fiche est enregistrée (brouillon).")
            return redirect("pfmp:sheet_edit", pk=sheet.pk)
    return _sheet_form_page(request, placement, form, sheet, status=400)


@upload_limit(MAX_RESOURCE_BYTES, permission="pfmp.write_own", max_total=5 * MAX_RESOURCE_BYTES)
@require_http_methods(["GET", "POST"])
@establishment_permission_required("pfmp.write_own", obj=_placement)
def sheet_create(request, pk: int, obj):
    return _save_sheet(request, obj)


@upload_limit(MAX_RESOURCE_BYTES, permission="pfmp.write_own", max_total=5 * MAX_RESOURCE_BYTES)
@require_http_methods(["GET", "POST"])
@establishment_permission_required("pfmp.write_own", obj=_sheet)
def sheet_edit(request, pk: int, obj):
    sheet = obj
    if sheet.status != SheetStatus.DRAFT:
        if request.method == "POST":
            messages.error(request, "Cette fiche a été envoyée : elle ne se modifie plus.")
            return redirect("pfmp:sheet_edit", pk=sheet.pk)
        return render(
            request,
            "pfmp/sheet_sent.html",
            {"sheet": sheet, "attachments": list(sheet.attachments.all())},
        )
    return _save_sheet(request, sheet.placement, sheet)


@require_POST
@establishment_permission_required("pfmp.write_own", obj=_sheet)
def sheet_send(request, pk: int, obj):
    services.sheet_send(sheet=obj, actor=request.user)
    messages.success(request, "Votre fiche est envoyée à votre professeur.")
    return redirect("pfmp:mine")


@require_GET
@establishment_permission_required("pfmp.view_sheet", obj=_attachment)
def attachment(request, pk: int, obj):
    try:
        handle = default_storage.open(obj.storage_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=obj.content_type, filename=obj.name)
    response["Content-Security-Policy"] = (
        "default-src 'none'; object-src 'self'; frame-ancestors 'none'"
        if obj.content_type == "application/pdf"
        else "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
