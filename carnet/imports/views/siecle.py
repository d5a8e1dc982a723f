"""« Importation des fichiers SIECLE »: upload → preview → « Confirmer l'import »; history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.core.params import page_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.core.uploads import upload_limit
from carnet.imports.batches import AlreadyApplied, import_batch_cancel
from carnet.imports.counts import COUNT_TABLES, SIECLE_COUNTS, count_rows, counts_summary
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.forms import MAX_UPLOAD_BYTES, MAX_UPLOAD_TOTAL, SiecleUploadForm
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.files import RawFile
from carnet.imports.selectors import import_batches
from carnet.imports.services import siecle_import_apply, siecle_import_preview
from carnet.imports.views.changes import split_changes, to_confirm

imports_required = establishment_permission_required("imports.manage")
CHANGES_PER_PAGE = 50


@upload_limit(MAX_UPLOAD_BYTES, permission="imports.manage", max_total=MAX_UPLOAD_TOTAL)
@require_http_methods(["GET", "POST"])
@imports_required
def upload(request):
    form = SiecleUploadForm()
    if request.method == "POST":
        form = SiecleUploadForm(request.POST, request.FILES)
        if request.uploads_too_big:
            form.errors.clear()
            form.add_error(
                "files",
                "Les fichiers dépassent 200 Mo chacun ou 250 Mo ensemble : ce ne sont pas des "
                "exports SIECLE ou STS-web.",
            )
        elif form.is_valid():
            uploads = [RawFile(f.name, f.read()) for f in form.cleaned_data["files"]]
            batch = siecle_import_preview(
                establishment=request.establishment, uploads=uploads, actor=request.user
            )
            return redirect("imports:batch", token=batch.token)
    recent = import_batches(establishment=request.establishment)[:5]
    return render(request, "imports/upload.html", {"form": form, "recent": recent})


@require_GET
@imports_required
def batch_view(request, token: str):
    batch = get_scoped_or_404(
        ImportBatch.objects.defer("payload"), request.establishment, token=token
    )
    if batch.kind == BatchKind.OUTSIDE_SIECLE:
        return redirect("imports:outside_batch", token=batch.token)
    changes, accounts = split_changes(batch.changes)
    kind = request.GET.get("type", "")
    kinds = sorted({c["kind"] for c in changes})
    if kind in kinds:
        changes = [c for c in changes if c["kind"] == kind]
    page = Paginator(changes, CHANGES_PER_PAGE).get_page(page_param(request))
    return render(
        request,
        "imports/batch.html",
        {
            "batch": batch,
            "page_obj": page,
            "kinds": kinds,
            "kind": kind,
            "count_rows": count_rows(SIECLE_COUNTS, batch.counts),
            "accounts": accounts,
            "heads": to_confirm(batch.changes) if batch.status == BatchStatus.PREVIEW else [],
            "extra_query": f"type={kind}&" if kind else "",
        },
    )


@require_POST
@imports_required
def batch_confirm(request, token: str):
    batch = get_scoped_or_404(
        ImportBatch.objects.defer("payload"), request.establishment, token=token
    )
    try:
        # The DIR individuals given the head profile (« Donner le profil chef
        # d'établissement »): part of what is applied, checked against the preview.
        siecle_import_apply(batch=batch, actor=request.user, heads=request.POST.getlist("chef"))
    except AlreadyApplied as exc:
        messages.info(request, exc.messages[0])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "L'import a été appliqué.")
    return redirect("imports:batch", token=batch.token)


@require_POST
@imports_required
def batch_cancel(request, token: str):
    batch = get_scoped_or_404(
        ImportBatch.objects.defer("payload"), request.establishment, token=token
    )
    if batch.status == BatchStatus.PREVIEW:
        import_batch_cancel(batch=batch)
        messages.info(request, "L'aperçu a été abandonné : rien n'a été importé.")
    return redirect("imports:siecle")


@require_GET
@imports_required
def history(request):
    page = Paginator(import_batches(establishment=request.establishment), 20).get_page(
        page_param(request)
    )
    rows = [(batch, counts_summary(COUNT_TABLES[batch.kind], batch.counts)) for batch in page]
    return render(request, "imports/history.html", {"page_obj": page, "rows": rows})
