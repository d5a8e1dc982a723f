from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carnet.core.params import page_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.directory.models import Pupil
from carnet.transfers.selectors import received_record, transfers_history


@require_GET
@establishment_permission_required("transfers.answer")
def history(request):
    """« Visualiser les transferts effectués »: received and sent, latest first."""
    page = Paginator(transfers_history(establishment=request.establishment), 25).get_page(
        page_param(request)
    )
    return render(request, "transfers/history.html", {"page_obj": page})


def _pupil(request, pk: int):
    return get_scoped_or_404(Pupil, request.establishment, pk=pk)


@require_GET
@establishment_permission_required("transfers.read_received", obj=_pupil)
def received(request, pk: int, obj):
    """What other establishments sent of this pupil's record: read-only, as sent."""
    return render(
        request,
        "transfers/received.html",
        {"pupil": obj, "record": received_record(establishment=request.establishment, pupil=obj)},
    )
