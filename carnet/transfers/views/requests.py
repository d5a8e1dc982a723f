"""« Transferts »: the records to ask for, the requests to answer, the records to export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from carnet.core.params import id_param, page_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.search import session_search
from carnet.core.tenancy import get_scoped_or_404
from carnet.directory.models import Pupil
from carnet.establishments.models import Establishment
from carnet.transfers.enums import RequestStatus
from carnet.transfers.forms import PackageUploadForm
from carnet.transfers.models import TransferRequest
from carnet.transfers.selectors import arrivals, exportable_pupils, requests_received
from carnet.transfers.services import (
    establishment_problems,
    transfer_request_create,
    transfer_request_decide,
)

manage_required = establishment_permission_required("transfers.manage")
answer_required = establishment_permission_required("transfers.answer")


@require_http_methods(["GET", "POST"])
@answer_required
def home(request):
    """The administrator's page (and the head's: the requests to answer only)."""
    establishment = request.establishment
    manages = request.user.profile == "administrateur"
    context = {
        "received": list(requests_received(establishment=establishment)),
        "problems": establishment_problems(establishment, side="Votre établissement"),
        "manages": manages,
    }
    if manages:
        search = session_search(request, "transfer_export")
        if search is None:
            return redirect("transfers:home")
        context.update(
            arrivals=arrivals(establishment=establishment),
            search=search,
            export_page=Paginator(
                exportable_pupils(establishment=establishment, search=search), 20
            ).get_page(page_param(request)),
            upload_form=PackageUploadForm(),
        )
    return render(request, "transfers/home.html", context)


@require_POST
@manage_required
def ask(request, pk: int):
    """« Demander le dossier »: ``pk`` is our pupil; ``etablissement`` the holder."""
    pupil = get_scoped_or_404(Pupil, request.establishment, pk=pk)
    holder_id = id_param(request.POST.get("etablissement"))
    holder = Establishment.objects.filter(pk=holder_id).first() if holder_id else None
    holder_pupil = (
        Pupil.objects.filter(establishment=holder, ine=pupil.ine).first()
        if holder is not None and pupil.ine
        else None
    )
    if holder_pupil is None:
        messages.error(request, "Aucun autre établissement ne tient de dossier pour cet INE.")
        return redirect("transfers:home")
    try:
        transfer_request_create(
            establishment=request.establishment,
            pupil=pupil,
            holder_pupil=holder_pupil,
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Le dossier de {pupil} est demandé à l'établissement {holder.uai} : il vous "
            "parviendra dès que celui-ci aura accepté.",
        )
    return redirect("transfers:home")


@require_POST
@answer_required
def answer(request, pk: int):
    """The holder accepts (the record is copied at once) or refuses a request."""
    transfer_request = get_scoped_or_404(
        TransferRequest.objects.filter(
            holder=request.establishment, status=RequestStatus.REQUESTED
        ).select_related("requester", "holder_pupil"),
        request.establishment,
        pk=pk,
    )
    accept = request.POST.get("reponse") == "accepter"
    try:
        transfer_request_decide(request=transfer_request, accept=accept, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        pupil, requester = transfer_request.holder_pupil, transfer_request.requester
        messages.success(
            request,
            f"Le dossier de {pupil} a été transmis à l'établissement {requester.uai}."
            if accept
            else f"La demande de l'établissement {requester.uai} est refusée.",
        )
    return redirect("transfers:home")
