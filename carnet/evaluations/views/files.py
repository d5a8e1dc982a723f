"""The grid on paper (PDF) and in a spreadsheet (XLSX export, re-import of a filled one)."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.core.uploads import upload_limit
from carnet.evaluations.enums import GridImportStatus
from carnet.evaluations.forms import GridUploadForm
from carnet.evaluations.grid_imports import (
    grid_export,
    grid_import_apply,
    grid_import_cancel,
    grid_import_preview,
)
from carnet.evaluations.paper import paper_grid_pdf
from carnet.evaluations.selectors import open_grid_import
from carnet.evaluations.spreadsheets import MAX_BYTES
from carnet.evaluations.views.common import (
    download_name,
    evaluate_required,
    evaluation_object,
    read_required,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@read_required
def paper(request, pk: int, obj):
    """« Grille papier » (blank), or « remplie » with the levels entered (``?remplie=1``)."""
    filled = request.GET.get("remplie") == "1"
    response = HttpResponse(
        paper_grid_pdf(evaluation=obj, filled=filled), content_type="application/pdf"
    )
    name = download_name(obj, "-grille-remplie.pdf" if filled else "-grille.pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@read_required
def export(request, pk: int, obj):
    response = HttpResponse(grid_export(evaluation=obj), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{download_name(obj, ".xlsx")}"'
    return response


def _upload_page(request, evaluation, form, status=200):
    return render(
        request,
        "evaluations/import_upload.html",
        {"evaluation": evaluation, "scenario": evaluation.scenario, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@upload_limit(MAX_BYTES, permission="evaluations.evaluate")
def grid_import(request, pk: int):
    """« Importer une grille remplie »: the file, then its preview. (The upload limit checks
    the permission on the establishment before the body is read; the evaluation here.)"""
    evaluation = evaluation_object(request, pk)
    if not rules.has_perm("evaluations.evaluate", request.user, evaluation):
        raise PermissionDenied
    if request.method == "GET":
        return _upload_page(request, evaluation, GridUploadForm())
    form = GridUploadForm(request.POST, request.FILES)
    too_big = getattr(request, "uploads_too_big", {})
    if too_big:
        form.add_error(None, "Le fichier dépasse 2 Mo : une grille remplie est bien plus petite.")
        return _upload_page(request, evaluation, form)
    if not form.is_valid():
        return _upload_page(request, evaluation, form)
    upload = form.cleaned_data["file"]
    batch = grid_import_preview(
        evaluation=evaluation,
        actor=request.user,
        name=upload.name or "grille.xlsx",
        content=upload.read(),
    )
    return redirect("evaluations:import_preview", pk=evaluation.pk, token=batch.token)


@require_GET
@evaluate_required
def import_preview(request, pk: int, token: str, obj):
    batch = open_grid_import(evaluation=obj, token=token)
    counts = {key: batch.counts.get(key, 0) for key in ("set", "cleared", "comments", "unchanged")}
    return render(
        request,
        "evaluations/import_preview.html",
        {
            "evaluation": obj,
            "scenario": obj.scenario,
            "batch": batch,
            "is_preview": batch.status == GridImportStatus.PREVIEW,
            "counts": counts,
            "changes": counts["set"] + counts["cleared"] + counts["comments"],
        },
    )


@require_POST
@evaluate_required
def import_confirm(request, pk: int, token: str, obj):
    batch = open_grid_import(evaluation=obj, token=token)
    try:
        batch = grid_import_apply(grid_import=batch, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evaluations:import_preview", pk=obj.pk, token=token)
    counts = batch.counts
    changed = counts.get("set", 0) + counts.get("cleared", 0)
    comments = counts.get("comments", 0)
    messages.success(
        request,
        "La grille remplie est importée : "
        + (
            f"{changed} case{'s' if changed > 1 else ''} modifiée{'s' if changed > 1 else ''}, "
            f"{comments} commentaire{'s' if comments > 1 else ''} "
            f"modifié{'s' if comments > 1 else ''}."
            if changed or comments
            else "elle ne changeait rien."
        ),
    )
    return redirect("evaluations:grid", pk=obj.pk)


@require_POST
@evaluate_required
def import_cancel(request, pk: int, token: str, obj):
    grid_import_cancel(grid_import=open_grid_import(evaluation=obj, token=token))
    messages.info(request, "L'import est abandonné : aucun résultat n'a changé.")
    return redirect("evaluations:grid", pk=obj.pk)
