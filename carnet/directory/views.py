"""Administrator's lists of divisions and pupils (searches: carnet.core.search)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from carnet.core.params import id_param, page_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.search import session_search
from carnet.core.tenancy import get_scoped_or_404
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Division
from carnet.directory.selectors import divisions_list, pupils_list
from carnet.directory.services import division_set_diploma
from carnet.referentials.selectors import diploma_by_code, diplomas_list

PAGE_SIZE = 25


lists_required = establishment_permission_required("directory.view_lists")


@require_http_methods(["GET", "POST"])
@lists_required
def divisions(request):
    search = session_search(request, "divisions")
    if search is None:
        return redirect("directory:divisions")
    paginator = Paginator(
        divisions_list(establishment=request.establishment, search=search), PAGE_SIZE
    )
    return render(
        request,
        "directory/divisions.html",
        {
            "page_obj": paginator.get_page(page_param(request)),
            "search": search,
            "diplomas": diplomas_list(),
        },
    )


@require_http_methods(["GET", "POST"])
@lists_required
def pupils(request):
    search = session_search(request, "pupils")
    if search is None:
        return redirect(request.get_full_path())
    division = None
    if "division" in request.GET and request.GET["division"] != "":
        division_id = id_param(request.GET["division"])
        if division_id is None:
            raise Http404
        division = get_scoped_or_404(Division, request.establishment, pk=division_id)
    status = request.GET.get("statut", PupilStatus.ACTIVE)
    queryset = pupils_list(
        establishment=request.establishment, search=search, division=division, status=status
    )
    paginator = Paginator(queryset, PAGE_SIZE)
    return render(
        request,
        "directory/pupils.html",
        {
            "page_obj": paginator.get_page(page_param(request)),
            "search": search,
            "division": division,
            "status": status,
            "statuses": [("", "Tous"), *PupilStatus.choices],
            "page_query": urlencode({"division": division.pk if division else "", "statut": status})
            + "&",
        },
    )


@require_POST
@lists_required
def division_diploma(request, pk: int):
    """« Rattacher » a division of unknown MEF to a diploma of the platform."""
    division = get_scoped_or_404(
        Division.objects.select_related("diploma"), request.establishment, pk=pk
    )
    diploma = diploma_by_code(request.POST.get("diplome", ""))
    if diploma is None:
        messages.error(request, "Choisissez un diplôme dans la liste.")
    elif division_set_diploma(division=division, diploma=diploma, actor=request.user):
        messages.success(
            request, f"La division {division.code} est rattachée au diplôme « {diploma.title} »."
        )
    return redirect("directory:divisions")
