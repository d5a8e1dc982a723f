from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from carnet.core.forms import add_service_errors
from carnet.directory.selectors import establishment_has_pupils
from carnet.establishments.forms import IdentityForm
from carnet.establishments.services import establishment_update_identity
from carnet.establishments.views.common import (
    render_tab,
    saved,
    settings_required,
)


@require_GET
@settings_required
def settings_home(request):
    return redirect("establishments:identity")


@require_http_methods(["GET", "POST"])
@settings_required
def identity(request):
    establishment = request.establishment

    def page(form=None):
        form = form or IdentityForm(instance=establishment)
        return render_tab(request, "etablissement", {"form": form})

    if request.method == "GET":
        return page()
    form = IdentityForm(
        request.POST,
        instance=establishment,
        has_pupils=establishment_has_pupils(establishment=establishment),
    )
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            changes = establishment_update_identity(
                establishment=establishment, data=data, actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = (
                "Les informations de l'établissement ont été enregistrées."
                if changes
                else "Aucune modification : les informations étaient déjà à jour."
            )
            return saved(request, message, reverse("establishments:identity"), page)
    return page(form)
