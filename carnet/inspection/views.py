"""Pages of inspector access.

The head's « Accès inspecteur »: grants (en cours, à venir, terminés ou fermés), the form
to open one, « Fermer l'accès » with a confirmation step (no JavaScript needed).

The inspector's pages: their home (establishments granted today, « Consulter »), and the
read-only page of the establishment chosen. The establishment consulted is
``request.establishment``, set by EstablishmentMiddleware only while a grant is live.
"""

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.core.forms import add_service_errors
from carnet.core.params import page_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.tenancy import get_scoped_or_404
from carnet.establishments.models import Establishment
from carnet.inspection.forms import GrantOpenForm
from carnet.inspection.models import InspectorGrant
from carnet.inspection.selectors import (
    divisions_of_current_year,
    grants_of,
    school_year_label,
)
from carnet.inspection.services import (
    inspector_access_open,
    inspector_grant_revoke,
    inspector_visit_record,
)
from carnet.inspection.session import inspected_establishment_choose

manage_required = establishment_permission_required("inspection.manage_grants")
read_required = establishment_permission_required("inspection.read")

CLOSED_PER_PAGE = 20


# --- The head's pages ---------------------------------------------------------------------


def _grants_page(request, form):
    lists = grants_of(establishment=request.establishment)
    return render(
        request,
        "inspection/grants.html",
        {
            "form": form,
            "live": lists.live,
            "future": lists.future,
            "closed_page": Paginator(lists.closed, CLOSED_PER_PAGE).get_page(page_param(request)),
        },
    )


def _link_validity() -> str:
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    return "une heure" if hours == 1 else f"{hours} heures"


@require_http_methods(["GET", "POST"])
@manage_required
def grants(request):
    if request.method == "GET":
        return _grants_page(request, GrantOpenForm())
    form = GrantOpenForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            grant, found = inspector_access_open(
                establishment=request.establishment,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
                actor=request.user,
                base_url=settings.PLATFORM_URL or request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            inspector = grant.inspector
            period = f"du {grant.starts_on:%d/%m/%Y} au {grant.ends_on:%d/%m/%Y}"
            if found.created:
                # Nobody but the inspector ever sees a password of their account: they choose
                # it through the link e-mailed to them.
                messages.success(
                    request,
                    f"Le compte de {inspector.display_name} a été créé et son accès est ouvert "
                    f"{period}. Un message a été envoyé à {inspector.email} pour que "
                    "l'inspecteur choisisse son mot de passe : le lien est valable "
                    f"{_link_validity()} ; passé ce délai, il en demande un autre avec "
                    "« Mot de passe oublié », sur la page de connexion, avec cette adresse.",
                )
            else:
                messages.success(
                    request,
                    f"L'accès de {inspector.display_name} est ouvert {period}. "
                    "L'inspecteur se connecte avec son compte habituel.",
                )
            return redirect("inspection:grants")
    return _grants_page(request, form)


@require_http_methods(["GET", "POST"])
@manage_required
def grant_revoke(request, pk: int):
    """GET asks for confirmation; POST closes the access (or cancels one still to come)."""
    grant = get_scoped_or_404(
        InspectorGrant.objects.select_related("inspector"), request.establishment, pk=pk
    )
    if request.method == "GET":
        if not InspectorGrant.objects.open_or_future().filter(pk=grant.pk).exists():
            messages.info(request, "Cet accès est déjà terminé ou fermé.")
            return redirect("inspection:grants")
        return render(
            request,
            "inspection/grant_revoke.html",
            {"grant": grant, "today": timezone.localdate()},
        )
    try:
        inspector_grant_revoke(grant=grant, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"L'accès de {grant.inspector.display_name} est fermé : il ne peut plus consulter "
            "l'établissement.",
        )
    return redirect("inspection:grants")


# --- The inspector's pages ----------------------------------------------------------------


@require_POST
def consult(request, pk: int):
    """« Consulter »: the inspector chooses an establishment granted today (audited)."""
    establishment = Establishment.objects.filter(pk=pk).first()
    # Unknown establishment and establishment not granted: the same answer.
    if establishment is None or not rules.has_perm("inspection.read", request.user, establishment):
        raise PermissionDenied
    inspector_visit_record(inspector=request.user, establishment=establishment)
    inspected_establishment_choose(request, establishment)
    return redirect("inspection:establishment")


@require_GET
@read_required
def establishment(request):
    """The establishment consulted, read-only: identity and divisions, no pupil named."""
    return render(
        request,
        "inspection/establishment.html",
        {
            "establishment": request.establishment,
            "divisions": divisions_of_current_year(establishment=request.establishment),
            "school_year": school_year_label(),
        },
    )
