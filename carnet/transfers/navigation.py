"""The transfers on the home page (the administrator's and the head's) and in Paramètres ›
Transferts (the deployment's key and the link to the history)."""

from carnet.core.profiles import Profile
from carnet.core.registry import HomeBlock, PageBlock
from carnet.core.results import ResultSource
from carnet.transfers.enums import RequestStatus
from carnet.transfers.models import TransferRequest
from carnet.transfers.selectors import received_result_rows, trusted_keys
from carnet.transfers.services import deployment_key


def _home(request):
    waiting = TransferRequest.objects.filter(
        holder=request.establishment, status=RequestStatus.REQUESTED
    ).count()
    return {"waiting": waiting}


def _settings(request, establishment):
    key = deployment_key()
    return {
        "fingerprint": key.fingerprint,
        "public_key": key.public_text,
        "trusted": list(trusted_keys(establishment=establishment)),
    }


HOME_BLOCKS = (
    HomeBlock(
        "transfers/blocks/_home.html",
        _home,
        permission="transfers.answer",
        profiles=(Profile.ADMIN, Profile.HEAD),
        order=40,
    ),
)

PAGE_BLOCKS = (
    PageBlock(
        page="establishments.transfers",
        template="transfers/blocks/_settings.html",
        context=_settings,
        permission="transfers.manage",
    ),
)

# Results received with a pupil's record feed the dashboards like the school's own: their
# kinds are the evaluations' (« Formative », « Certificative »), no filter of their own.
RESULT_SOURCES = (ResultSource((), received_result_rows),)
