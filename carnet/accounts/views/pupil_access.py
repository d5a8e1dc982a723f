"""« Gestion des accès élèves » (administrator): pupils' accounts per division, printed sheets.

Passwords are not stored: they exist only in the PDF made when they are (re)set, which is
the answer of the POST that sets them.
"""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.accounts.selectors import access_divisions, account_state, division_pupils
from carnet.accounts.services import (
    pupils_access_generate,
    pupils_password_reset,
    user_set_active,
)
from carnet.core.params import id_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.directory.enums import PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil
from carnet.directory.selectors import pupil_name_order
from carnet.documents.credentials import CredentialCard, credentials_pdf

access_required = establishment_permission_required("accounts.manage_pupil_access")


def _division(request, pk: int) -> Division:
    return get_scoped_or_404(
        Division.objects.filter(kind=StructureKind.DIVISION), request.establishment, pk=pk
    )


@require_GET
@access_required
def divisions(request):
    rows = access_divisions(establishment=request.establishment, today=timezone.localdate())
    return render(request, "accounts/pupil_access/divisions.html", {"divisions": rows})


@require_GET
@access_required
def division(request, pk: int):
    current = _division(request, pk)
    pupils = list(division_pupils(division=current))
    for pupil in pupils:
        pupil.state = "sorti" if pupil.status == PupilStatus.LEFT else account_state(pupil.user)
    without = sum(1 for p in pupils if p.status == PupilStatus.ACTIVE and p.user_id is None)
    with_account = sum(1 for p in pupils if p.status == PupilStatus.ACTIVE and p.user_id)
    return render(
        request,
        "accounts/pupil_access/division.html",
        {
            "division": current,
            "pupils": pupils,
            "without_account": without,
            "with_account": with_account,
            "confirm_reset_all": request.GET.get("confirmer") == "tous",
        },
    )


def _pdf(request, division: Division, issued) -> HttpResponse:
    platform_url = settings.PLATFORM_URL or request.build_absolute_uri("/")
    cards = [
        CredentialCard(
            full_name=f"{item.pupil.last_name} {item.pupil.first_name}",
            division=division.code,
            login=item.login,
            password=item.password,
        )
        for item in issued
    ]
    pdf = credentials_pdf(
        establishment=request.establishment, cards=cards, platform_url=platform_url
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="identifiants-{division.pk}-{stamp}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@access_required
def generate(request, pk: int):
    current = _division(request, pk)
    # One transaction with the PDF: if the sheet cannot be made, no password is lost.
    with transaction.atomic():
        issued = pupils_access_generate(division=current, actor=request.user)
        if issued:
            return _pdf(request, current, issued)
    messages.info(request, "Tous les élèves actifs de la division ont déjà un accès.")
    return redirect("accounts:pupil_access_division", pk=current.pk)


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
    with transaction.atomic():
        issued = pupils_password_reset(division=current, pupils=chosen, actor=request.user)
        if issued:
            return _pdf(request, current, issued)
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
