"""Section « Ressources »: attaching files, deleting them, and serving them to whoever may
read the scenario — office documents always as a download, never shown in the page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import replace_url

from carnet.core.forms import add_service_errors
from carnet.core.permissions import establishment_permission_required
from carnet.core.uploads import upload_limit
from carnet.scenarios.forms import ResourcesForm
from carnet.scenarios.resources import (
    INLINE_KINDS,
    MAX_RESOURCE_BYTES,
    MAX_SCENARIO_BYTES,
    size_problem,
)
from carnet.scenarios.resources.zips import MB
from carnet.scenarios.selectors import scenario_resources
from carnet.scenarios.services import scenario_resource_delete, scenario_resources_add
from carnet.scenarios.views.common import (
    editor_required,
    render_section,
    resource_from_url,
    section_saved,
)

# A file opened in the browser runs nothing and loads nothing. A PDF keeps « object-src
# 'self' »: the browser shows it through its own viewer, which « object-src 'none' » (the
# pages' policy) would block; anything else is sandboxed too.
RESOURCE_POLICY = {
    "pdf": "default-src 'none'; object-src 'self'; frame-ancestors 'none'",
    "other": "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox",
}


def _resources_page(request, scenario, form=None):
    resources = scenario_resources(scenario=scenario)
    return render_section(
        request,
        scenario=scenario,
        section="ressources",
        context={
            "form": form or ResourcesForm(),
            "resources": resources,
            "total_size": sum(resource.size for resource in resources),
            "max_total": MAX_SCENARIO_BYTES,
        },
    )


@upload_limit(MAX_RESOURCE_BYTES, permission="scenarios.edit", max_total=MAX_SCENARIO_BYTES)
@require_http_methods(["GET", "POST"])
@editor_required
def edit_resources(request, pk: int, obj):
    scenario = obj
    if request.method == "GET":
        return _resources_page(request, scenario)
    form = ResourcesForm(request.POST, request.FILES)
    if request.uploads_too_big:
        form.errors.clear()
        for name in request.uploads_too_big.values():
            form.add_error(
                "files",
                f"« {name} » : une ressource pèse au plus {MAX_RESOURCE_BYTES // MB} Mo, et "
                f"toutes celles envoyées ensemble {MAX_SCENARIO_BYTES // MB} Mo. Rien n'a été "
                "joint.",
            )
    elif form.is_valid():
        files = form.cleaned_data["files"]
        problems = [
            f"« {upload.name} » : {size_problem(upload.size)}"
            for upload in files
            if size_problem(upload.size)
        ]  # before reading a byte of a file too big
        try:
            if problems:
                raise ValidationError(problems)
            created = scenario_resources_add(
                scenario=scenario,
                actor=request.user,
                uploads=[(upload.name, upload.read()) for upload in files],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            names = ", ".join(f"« {resource.name} »" for resource in created)
            return section_saved(
                request,
                scenario=scenario,
                section="ressources",
                message=f"Ressource jointe : {names}."
                if len(created) == 1
                else f"{len(created)} ressources jointes : {names}.",
                panel=lambda: _resources_page(request, scenario),
            )
    return _resources_page(request, scenario, form)


@require_POST
@establishment_permission_required("scenarios.edit", obj=resource_from_url)
def resource_delete(request, pk: int, resource_pk: int, obj):
    resource = obj
    scenario_resource_delete(resource=resource, actor=request.user)
    messages.success(request, f"La ressource « {resource.name} » a été supprimée.")
    url = reverse("scenarios:edit_resources", args=[pk])
    if request.htmx:
        return replace_url(_resources_page(request, resource.scenario), url)
    return redirect(url)


@require_GET
@establishment_permission_required("scenarios.read", obj=resource_from_url)
def resource(request, pk: int, resource_pk: int, obj):
    """The file, for whoever may read the scenario. PDFs and images (re-encoded) may open in
    the browser; office documents, and anything asked with ``?telecharger``, download."""
    if not default_storage.exists(obj.storage_name):
        raise Http404
    attachment = obj.kind not in INLINE_KINDS or "telecharger" in request.GET
    response = FileResponse(
        default_storage.open(obj.storage_name, "rb"),
        as_attachment=attachment,
        filename=obj.name,
        content_type=obj.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = RESOURCE_POLICY["pdf" if obj.kind == "pdf" else "other"]
    return response
