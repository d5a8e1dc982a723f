"""Read-only pages of the directory: the head's and the live inspector's lists of divisions,
pupils and teachers, and one division's page (its pupils), also open to its teachers.

Nothing here writes establishment data. A search is POSTed and kept in the session (no
name in a URL, carnet/core/search.py): the only thing such a POST writes is the session,
which is why the inspectors' read-only middleware lets these three searches through.
"""

import rules
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from carnet.core.params import page_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.search import session_search
from carnet.core.tenancy import get_scoped_or_404
from carnet.directory.models import Division
from carnet.directory.selectors_read import (
    division_teachers,
    divisions_for_reading,
    pupils_for_reading,
    teachers_for_reading,
)

PAGE_SIZE = 25
# A division's page shows its pupils on one page as a rule (a class is about 30).
DIVISION_PAGE_SIZE = 60

read_required = establishment_permission_required("directory.read_lists")


def _list_page(request, *, key: str, template: str, rows, label: str):
    search = session_search(request, key)
    if search is None:
        return redirect(request.path)
    paginator = Paginator(rows(establishment=request.establishment, search=search), PAGE_SIZE)
    return render(
        request,
        template,
        {
            "page_obj": paginator.get_page(page_param(request)),
            "search": search,
            "search_label": label,
        },
    )


@require_http_methods(["GET", "POST"])
@read_required
def read_divisions(request):
    return _list_page(
        request,
        key="read_divisions",
        template="directory/read/divisions.html",
        rows=divisions_for_reading,
        label="Rechercher une division (code ou libellé)",
    )


@require_http_methods(["GET", "POST"])
@read_required
def read_pupils(request):
    return _list_page(
        request,
        key="read_pupils",
        template="directory/read/pupils.html",
        rows=pupils_for_reading,
        label="Rechercher un élève (nom ou prénom)",
    )


@require_http_methods(["GET", "POST"])
@read_required
def read_teachers(request):
    return _list_page(
        request,
        key="read_teachers",
        template="directory/read/teachers.html",
        rows=teachers_for_reading,
        label="Rechercher un enseignant (nom, prénom ou discipline)",
    )


def _division(request, pk: int) -> Division:
    return get_scoped_or_404(
        Division.objects.select_related("school_year", "diploma"), request.establishment, pk=pk
    )


@require_GET
@establishment_permission_required("directory.view_division", obj=_division)
def division(request, pk: int, obj: Division):
    """A division's or a group's page: its teachers and its active pupils."""
    pupils = pupils_for_reading(establishment=request.establishment, division=obj)
    return render(
        request,
        "directory/read/division.html",
        {
            "division": obj,
            "teachers": division_teachers(division=obj),
            # The way back: the lists for those who read them, the home page for a teacher.
            "reads_lists": rules.has_perm(
                "directory.read_lists", request.user, request.establishment
            ),
            "page_obj": Paginator(pupils, DIVISION_PAGE_SIZE).get_page(page_param(request)),
        },
    )
