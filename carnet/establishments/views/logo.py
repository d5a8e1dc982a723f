import mimetypes
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import replace_url

from carnet.core.permissions import establishment_permission_required
from carnet.core.uploads import upload_limit
from carnet.establishments.enums import ImageKind
from carnet.establishments.forms import ImageUploadForm
from carnet.establishments.images import MAX_BYTES, TOO_BIG, ImageRefused, check_size
from carnet.establishments.services import (
    establishment_image_delete,
    establishment_image_set,
)
from carnet.establishments.views.common import render_tab, saved, settings_required

UPLOAD_DONE = {
    ImageKind.LOGO: "Le logo a été enregistré.",
    ImageKind.STAMP: "Le cachet de l'établissement a été enregistré.",
}
WHAT = {ImageKind.LOGO: "le logo", ImageKind.STAMP: "le cachet de l'établissement"}
DELETE_DONE = {
    ImageKind.LOGO: "Le logo a été supprimé.",
    ImageKind.STAMP: "Le cachet de l'établissement a été supprimé.",
}


def _kind(value: str) -> ImageKind:
    try:
        return ImageKind(value)
    except ValueError:
        raise Http404 from None


def _logo_page(request, forms=None, confirm_delete: ImageKind | None = None):
    forms = forms or {}
    establishment = request.establishment
    images = [
        {
            "kind": kind,
            "name": establishment.image_name(kind),
            # Changes with each upload (random name), so the browser never shows a stale one.
            "version": PurePosixPath(establishment.image_name(kind)).stem[:8],
            "form": forms.get(kind) or ImageUploadForm(kind=kind),
            "what": WHAT[kind],
            "confirm_delete": kind == confirm_delete,
        }
        for kind in ImageKind
    ]
    return render_tab(request, "logo", {"images": images})


@require_GET
@settings_required
def logo(request):
    return _logo_page(request)


@upload_limit(MAX_BYTES, permission="establishments.manage_settings")
@require_POST
@settings_required
def image_upload(request, kind: str):
    kind = _kind(kind)
    form = ImageUploadForm(request.POST, request.FILES, kind=kind)
    if request.uploads_too_big:
        form.errors.clear()
        form.add_error("file", TOO_BIG)
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)  # before reading a byte of a too-big file
            establishment_image_set(
                establishment=request.establishment,
                kind=kind,
                data=upload.read(),
                actor=request.user,
            )
        except ImageRefused as refused:
            form.add_error("file", refused.message)
        else:
            return saved(
                request,
                UPLOAD_DONE[kind],
                reverse("establishments:logo"),
                lambda: _logo_page(request),
            )
    return _logo_page(request, {kind: form})


@require_http_methods(["GET", "POST"])
@settings_required
def image_delete(request, kind: str):
    """GET asks for confirmation (« Supprimer » is a link: no JavaScript needed); POST deletes."""
    kind = _kind(kind)
    if request.method == "GET":
        if request.establishment.image_name(kind):
            return _logo_page(request, confirm_delete=kind)
        messages.info(request, "Il n'y a pas d'image à supprimer.")
        return redirect("establishments:logo")
    if establishment_image_delete(
        establishment=request.establishment, kind=kind, actor=request.user
    ):
        return saved(
            request, DELETE_DONE[kind], reverse("establishments:logo"), lambda: _logo_page(request)
        )
    messages.info(request, "Il n'y avait pas d'image à supprimer.")
    if request.htmx:
        return replace_url(_logo_page(request), reverse("establishments:logo"))
    return redirect("establishments:logo")


@require_GET
@establishment_permission_required("establishments.view_images")
def image(request, kind: str):
    """The establishment's logo or stamp, for its own signed-in users only."""
    kind = _kind(kind)
    name = request.establishment.image_name(kind)
    if not name or not default_storage.exists(name):
        raise Http404
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = "inline"
    return response
