"""« Gestion des accès élèves » (administrator): pupils' accounts per division, printed sheets.

Passwords are not stored: they exist only in the PDF made when they are (re)set, which the
answer of the POST that sets them carries.
"""

import base64
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.accounts.pupil_access import (
    GENERATE_BATCH,
    AccessAlreadyGenerated,
    pupils_access_generate,
    pupils_password_reset,
)
from carnet.accounts.selectors import access_divisions, account_state, division_pupils
from carnet.accounts.services import user_set_active
from carnet.core.params import id_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.core.transactions import atomic_retrying
from carnet.directory.enums import PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil
from carnet.directory.selectors import pupil_name_order
from carnet.documents.credentials import CredentialCard, credentials_pdf

access_required = establishment_permission_required("accounts.manage_pupil_access")
ID = re.compile(r"[0-9]{1,18}")


def _division(request, pk: int) -> Division:
    return get_scoped_or_404(
        Division.objects.filter(kind=StructureKind.DIVISION), request.establishment, pk=pk
    )


@require_GET
@access_required
def divisions(request):
    rows = access_divisions(establishment=request.establishment, today=timezone.localdate())
    return render(request, "accounts/pupil_access/divisions.html", {"divisions": rows})


@dataclass(frozen=True)
class Download:
    """The PDF of credentials just issued, carried by the page that shows the new state."""

    filename: str
    data: str  # base64
    count: int


def _division_page(request, current: Division, *, download: Download | None = None):
    pupils = list(division_pupils(division=current))
    for pupil in pupils:
        pupil.state = "sorti" if pupil.status == PupilStatus.LEFT else account_state(pupil.user)
    without = [p for p in pupils if p.status == PupilStatus.ACTIVE and p.user_id is None]
    with_account = sum(1 for p in pupils if p.status == PupilStatus.ACTIVE and p.user_id)
    response = render(
        request,
        "accounts/pupil_access/division.html",
        {
            "division": current,
            "pupils": pupils,
            "without_account": len(without),
            # The batch « Générer les accès » gives accounts to (their ids are posted).
            "batch": without[:GENERATE_BATCH],
            "batch_size": GENERATE_BATCH,
            "with_account": with_account,
            "confirm_reset_all": request.GET.get("confirmer") == "tous",
            "download": download,
        },
    )
    if download is not None:
        # The page carries passwords: kept by no cache, not even the browser's history.
        response["Cache-Control"] = "no-store"
    return response


@require_GET
@access_required
def division(request, pk: int):
    return _division_page(request, _division(request, pk))


def credentials_filename(division: Division) -> str:
    """« identifiants-2NDE-MELEC-A-20260905-1030.pdf »: the division's code in plain ASCII."""
    code = unicodedata.normalize("NFKD", division.code).encode("ascii", "ignore").decode()
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", code).strip("-_")[:40] or "division"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"identifiants-{code}-{stamp}.pdf"


def _homonyms(division: Division) -> set[tuple[str, str]]:
    """(last name, first name) pairs, case ignored, that two pupils of the division share."""
    seen, twice = set(), set()
    for last, first in Pupil.objects.filter(division=division).values_list(
        "last_name", "first_name"
    ):
        key = (last.casefold(), first.casefold())
        (twice if key in seen else seen).add(key)
    return twice


def _pdf_bytes(request, division: Division, issued) -> bytes:
    platform_url = settings.PLATFORM_URL or request.build_absolute_uri("/")
    homonyms = _homonyms(division)
    cards = [
        CredentialCard(
            full_name=f"{item.pupil.last_name} {item.pupil.first_name}",
            division=division.code,
            login=item.login,
            password=item.password,
            birth_date=item.pupil.birth_date,
            homonym=(item.pupil.last_name.casefold(), item.pupil.first_name.casefold()) in homonyms,
        )
        for item in issued
    ]
    return credentials_pdf(
        establishment=request.establishment, cards=cards, platform_url=platform_url
    )


def _pdf(request, division: Division, issued) -> HttpResponse:
    response = HttpResponse(_pdf_bytes(request, division, issued), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{credentials_filename(division)}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@access_required
def generate(request, pk: int):
    """Accounts for the batch the page offered; the answer is the division's page in its new
    state, carrying the PDF of the new credentials (downloaded at once by
    static/js/downloads.js, or by its link without JavaScript). A second submission of the
    same form (a double click) answers « déjà générés » and changes nothing.
    """
    current = _division(request, pk)
    posted = request.POST.getlist("eleve")
    pupil_ids = [int(value) for value in posted if ID.fullmatch(value)] if posted else None

    def work():
        # One transaction with the PDF: if the sheet cannot be made, no password is lost.
        issued = pupils_access_generate(division=current, actor=request.user, pupil_ids=pupil_ids)
        return issued, (_pdf_bytes(request, current, issued) if issued else b"")

    try:
        issued, pdf = atomic_retrying(work)
    except AccessAlreadyGenerated as exc:
        messages.info(request, exc.message)
        return redirect("accounts:pupil_access_division", pk=current.pk)
    if not issued:
        messages.info(request, "Tous les élèves actifs de la division ont déjà un accès.")
        return redirect("accounts:pupil_access_division", pk=current.pk)
    download = Download(
        filename=credentials_filename(current),
        data=base64.b64encode(pdf).decode("ascii"),
        count=len(issued),
    )
    return _division_page(request, current, download=download)


@require_http_methods(["POST"])
@access_required
def reset(request, pk: int):
    """One pupil (``pupil``) or, after confirmation, all (``tous``): new passwords, printed."""
    current = _division(request, pk)
    pupils = Pupil.objects.filter(division=current).select_related("user")
    if request.POST.get("tous") == "1":
        chosen = list(pupils.order_by(*pupil_name_order()))
    else:
        pupil_id = id_param(request.POST.get("pupil"))
        chosen = list(pupils.filter(pk=pupil_id)) if pupil_id is not None else []

    def work():
        issued = pupils_password_reset(division=current, pupils=chosen, actor=request.user)
        return _pdf(request, current, issued) if issued else None

    response = atomic_retrying(work)
    if response is not None:
        return response
    messages.error(request, "Aucun élève actif avec un compte actif n'a été choisi.")
    return redirect("accounts:pupil_access_division", pk=current.pk)


@require_POST
@access_required
def pupil_active(request, pk: int, pupil_pk: int):
    current = _division(request, pk)
    pupil = get_scoped_or_404(
        Pupil.objects.filter(division=current).select_related("user"),
        request.establishment,
        pk=pupil_pk,
    )
    if pupil.user is None:
        messages.error(request, "Cet élève n'a pas encore d'accès : générez-le d'abord.")
    else:
        active = request.POST.get("active") == "1"
        user_set_active(
            user=pupil.user,
            active=active,
            actor=request.user,
            subject=f"Élève n° {pupil.pk} (division {current.code})",
        )
        messages.success(
            request,
            f"L'accès de {pupil.first_name} {pupil.last_name} est "
            + ("réactivé." if active else "désactivé."),
        )
    return redirect("accounts:pupil_access_division", pk=current.pk)
