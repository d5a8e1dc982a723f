"""Packages for another deployment: export one, import one (upload → check → preview →
« Appliquer le transfert »), trust the key that signed it after comparing its fingerprint."""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.core.uploads import upload_limit
from carnet.directory.models import Pupil
from carnet.transfers.enums import Channel
from carnet.transfers.forms import MAX_UPLOAD, PackageUploadForm
from carnet.transfers.models import PackageUpload
from carnet.transfers.package import PackageRefused, package_read
from carnet.transfers.services import (
    counts_said,
    key_is_known,
    kinds_counted,
    package_apply,
    package_export,
    package_upload_drop,
    package_upload_store,
    receive_problems,
    receiving_pupil,
    trusted_key_add,
)

manage_required = establishment_permission_required("transfers.manage")


@require_POST
@manage_required
def export(request, pk: int):
    pupil = get_scoped_or_404(Pupil, request.establishment, pk=pk)
    try:
        out, package_id = package_export(
            establishment=request.establishment, pupil=pupil, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("transfers:home")
    # Named by the establishment and the package: never the pupil's name or INE.
    name = f"transfert-{request.establishment.uai}-{package_id[:8]}.zip"
    response = FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "no-store"
    return response


@upload_limit(MAX_UPLOAD, permission="transfers.manage")
@require_POST
@manage_required
def upload(request):
    form = PackageUploadForm(request.POST, request.FILES)
    if request.uploads_too_big:
        messages.error(request, "Ce fichier dépasse 300 Mo : ce n'est pas un paquet de transfert.")
        return redirect("transfers:home")
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("file", [])))
        return redirect("transfers:home")
    uploaded = form.cleaned_data["file"]
    stored = package_upload_store(
        establishment=request.establishment,
        name=uploaded.name,
        content=uploaded,
        size=uploaded.size,
        actor=request.user,
    )
    return redirect("transfers:preview", token=stored.token)


def _upload(request, token: str) -> PackageUpload:
    return get_scoped_or_404(PackageUpload, request.establishment, token=token)


@contextmanager
def _package(upload: PackageUpload):
    """The stored package, read from its file as it is checked and applied (never whole in
    memory: attachments are streamed out of the zip)."""
    with default_storage.open(upload.storage_name, "rb") as stored:
        yield package_read(stored)


@require_GET
@manage_required
def preview(request, token: str):
    upload_ = _upload(request, token)
    context = {"upload": upload_}
    establishment = request.establishment
    try:
        with _package(upload_) as package:
            context.update(
                package=package,
                known_key=key_is_known(establishment=establishment, package=package),
                problems=receive_problems(establishment=establishment, package=package),
                pupil=receiving_pupil(establishment=establishment, package=package),
                counts=counts_said(_count_kinds(package)),
            )
    except PackageRefused as refused:
        context["refused"] = refused.message
    return render(request, "transfers/preview.html", context)


def _count_kinds(package) -> dict[str, int]:
    return kinds_counted([item["kind"] for item in package.items])


@require_POST
@manage_required
def trust(request, token: str):
    upload_ = _upload(request, token)
    if request.POST.get("empreinte_comparee") != "1":
        messages.error(
            request,
            "Cochez la case qui confirme que vous avez comparé l'empreinte avec l'établissement "
            "d'origine.",
        )
        return redirect("transfers:preview", token=token)
    try:
        with _package(upload_) as package:
            key = trusted_key_add(
                establishment=request.establishment, package=package, actor=request.user
            )
    except PackageRefused as refused:
        messages.error(request, refused.message)
        return redirect("transfers:home")
    messages.success(request, f"La clé {key.fingerprint} est désormais reconnue.")
    return redirect("transfers:preview", token=token)


@require_POST
@manage_required
def apply(request, token: str):
    upload_ = _upload(request, token)
    try:
        with _package(upload_) as package:
            transfer = package_apply(
                establishment=request.establishment,
                package=package,
                actor=request.user,
                channel=Channel.PACKAGE,
            )
    except PackageRefused as refused:
        messages.error(request, refused.message)
        return redirect("transfers:preview", token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("transfers:preview", token=token)
    package_upload_drop(upload=upload_)
    messages.success(
        request,
        f"Le dossier de {transfer.pupil} est reçu : {counts_said(transfer.counts)}.",
    )
    return redirect("transfers:history")


@require_POST
@manage_required
def drop(request, token: str):
    package_upload_drop(upload=_upload(request, token))
    messages.info(request, "Le paquet a été abandonné : rien n'a été importé.")
    return redirect("transfers:home")
