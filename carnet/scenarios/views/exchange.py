"""« Exporter » a scenario as a file; « Importer un scénario » from such a file: a preview,
then « Créer le scénario »."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.core.permissions import establishment_permission_required
from carnet.core.uploads import upload_limit
from carnet.establishments.enums import ContextField
from carnet.establishments.selectors import effective_mask_labels
from carnet.scenarios.archive import MAX_ARCHIVE_BYTES
from carnet.scenarios.enums import ClassLevel
from carnet.scenarios.exchange import export_file_name, scenario_export
from carnet.scenarios.forms import ImportForm
from carnet.scenarios.resources.zips import MB
from carnet.scenarios.richtext import render_html
from carnet.scenarios.services import (
    archive_check,
    scenario_import_create,
    scenario_import_discard,
    scenario_import_stage,
    scenario_import_staged,
)
from carnet.scenarios.views.common import reader_required

importer_required = establishment_permission_required("scenarios.create")


@require_GET
@reader_required
def export(request, pk: int, obj):
    data = scenario_export(establishment=request.establishment, scenario=obj)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_file_name(obj)}"'
    return response


@upload_limit(MAX_ARCHIVE_BYTES, permission="scenarios.create")
@require_http_methods(["GET", "POST"])
@importer_required
def import_upload(request):
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if request.uploads_too_big:
            form.errors.clear()
            form.add_error(
                "file",
                f"Le fichier pèse plus de {MAX_ARCHIVE_BYTES // MB} Mo : ce n'est pas un export "
                "de scénario (ses ressources pèsent 50 Mo au plus).",
            )
        elif form.is_valid():
            try:
                token, _ = scenario_import_stage(
                    establishment=request.establishment,
                    actor=request.user,
                    data=form.cleaned_data["file"].read(),
                )
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                return redirect("scenarios:import_preview", token=token)
    return render(request, "scenarios/import.html", {"form": form})


def _staged(request, token: str) -> bytes:
    data = scenario_import_staged(actor=request.user, token=token)
    if data is None:
        raise Http404
    return data


@require_http_methods(["GET", "POST"])
@importer_required
def import_preview(request, token: str):
    """What the file holds (GET), created as the teacher's scenario (POST)."""
    data = _staged(request, token)
    if request.method == "POST":
        try:
            scenario = scenario_import_create(
                establishment=request.establishment, actor=request.user, data=data, token=token
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            scenario_import_discard(actor=request.user, token=token)
            return redirect("scenarios:import")
        messages.success(
            request, f"Le scénario « {scenario.title} » a été importé : il est le vôtre."
        )
        return redirect("scenarios:detail", pk=scenario.pk)
    try:
        resolved = archive_check(data=data)
    except ValidationError as exc:
        # The référentiel changed since the file was sent (GET writes nothing: the file goes
        # with « Abandonner », or after a day).
        messages.error(request, exc.messages[0])
        return redirect("scenarios:import")
    archive = resolved.archive
    labels = effective_mask_labels(establishment=request.establishment, diploma=resolved.diploma)
    return render(
        request,
        "scenarios/import_preview.html",
        {
            "token": token,
            "archive": archive,
            "resolved": resolved,
            "class_level": ClassLevel(archive.class_level).label,
            "context_entries": [
                (labels[field], render_html(archive.context.get(field.value, "")))
                for field in ContextField
            ],
        },
    )


@require_POST
@importer_required
def import_cancel(request, token: str):
    scenario_import_discard(actor=request.user, token=token)
    messages.info(request, "L'import a été abandonné : aucun scénario n'a été créé.")
    return redirect("scenarios:library")
