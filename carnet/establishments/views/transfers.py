from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from carnet.core.forms import add_service_errors
from carnet.core.params import page_param
from carnet.establishments.forms import TransfersForm
from carnet.establishments.selectors import pupils_without_ine
from carnet.establishments.services import establishment_update_transfers
from carnet.establishments.views.common import (
    render_tab,
    saved,
    settings_required,
)

PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
@settings_required
def transfers(request):
    establishment = request.establishment

    def page(form=None):
        form = form or TransfersForm(
            initial={
                "cnil_number": establishment.cnil_number,
                "register_reference": establishment.cnil_is_register_reference,
                "enabled": "oui" if establishment.transfers_enabled else "non",
            }
        )
        paginator = Paginator(pupils_without_ine(establishment=establishment), PAGE_SIZE)
        pupils = paginator.get_page(page_param(request))
        return render_tab(request, "transferts", {"form": form, "pupils_page": pupils})

    if request.method == "GET":
        return page()
    form = TransfersForm(request.POST)
    if form.is_valid():
        try:
            changes = establishment_update_transfers(
                establishment=establishment,
                cnil_number=form.cleaned_data["cnil_number"],
                register_reference=form.cleaned_data["register_reference"],
                enabled=form.cleaned_data["enabled"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if establishment.transfers_enabled:
                message = "Le transfert des données des élèves est activé."
            else:
                message = "Le transfert des données des élèves est désactivé."
            if not changes:
                message = "Aucune modification. " + message
            return saved(request, message, reverse("establishments:transfers"), page)
    return page(form)
