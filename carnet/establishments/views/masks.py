from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from carnet.core.forms import add_service_errors
from carnet.establishments.forms import DiplomaChoiceForm, MaskForm
from carnet.establishments.selectors import effective_mask_labels
from carnet.establishments.services import entry_mask_reset, entry_mask_update
from carnet.establishments.views.common import (
    render_tab,
    saved,
    settings_required,
)
from carnet.referentials.selectors import diploma_by_code, diplomas_list


def _mask_url(name: str, diploma) -> str:
    return f"{reverse(name)}?{urlencode({'diplome': diploma.code})}"


def _mask_page(request, *, diploma, form=None, confirm_reset=False):
    diplomas = diplomas_list()
    choice = DiplomaChoiceForm(
        initial={"diplome": diploma.code if diploma else ""}, diplomas=diplomas
    )
    fields = []
    if diploma is not None:
        if form is None:
            labels = effective_mask_labels(establishment=request.establishment, diploma=diploma)
            form = MaskForm(initial={field.value: label for field, label in labels.items()})
        fields = list(form)
    return render_tab(
        request,
        "masque",
        {
            "choice_form": choice,
            "diploma": diploma,
            "form": form,
            "fields": fields,
            "confirm_reset": confirm_reset,
            "no_diplomas": not diplomas,
        },
    )


def _chosen_diploma(request):
    """The diploma of ``?diplome=CODE`` (forms post to that same address), or None."""
    code = request.GET.get("diplome", "")
    return diploma_by_code(code) if code else None


@require_http_methods(["GET", "POST"])
@settings_required
def masks(request):
    diploma = _chosen_diploma(request)
    if request.method == "GET":
        return _mask_page(request, diploma=diploma)
    form = MaskForm(request.POST)
    if diploma is None:
        return _mask_page(request, diploma=None)
    if form.is_valid():
        try:
            changes = entry_mask_update(
                establishment=request.establishment,
                diploma=diploma,
                labels=form.cleaned_data,
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = (
                f"Les intitulés du masque de saisie « {diploma.title} » ont été enregistrés."
                if changes
                else "Aucune modification : les intitulés étaient déjà ceux-là."
            )
            return saved(
                request,
                message,
                _mask_url("establishments:masks", diploma),
                lambda: _mask_page(request, diploma=diploma),
            )
    return _mask_page(request, diploma=diploma, form=form)


@require_http_methods(["GET", "POST"])
@settings_required
def masks_reset(request):
    """GET asks for confirmation; POST restores the default labels of the chosen diploma."""
    diploma = _chosen_diploma(request)
    if diploma is None:
        return _mask_page(request, diploma=None)
    if request.method == "GET":
        return _mask_page(request, diploma=diploma, confirm_reset=True)
    entry_mask_reset(establishment=request.establishment, diploma=diploma, actor=request.user)
    return saved(
        request,
        f"Les intitulés du masque de saisie « {diploma.title} » ont été réinitialisés.",
        _mask_url("establishments:masks", diploma),
        lambda: _mask_page(request, diploma=diploma),
    )
