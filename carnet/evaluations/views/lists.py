"""« Évaluations » (the establishment's, or one's own) and the pupil's « Mes résultats »."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carnet.core.permissions import establishment_permission_required
from carnet.core.profiles import Profile
from carnet.directory.models import Pupil
from carnet.evaluations.selectors import (
    evaluations_list,
    pupil_comments,
    pupil_results_by_competency,
)

PER_PAGE = 30


@require_GET
@establishment_permission_required("evaluations.read")
def evaluation_list(request):
    """A teacher sees their own evaluations first (« Mes évaluations »), or all of them."""
    is_teacher = request.user.profile == Profile.TEACHER
    mine = is_teacher and request.GET.get("toutes") != "1"
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    queryset = evaluations_list(
        establishment=request.establishment, user=request.user if mine else None, search=search
    )
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluations/list.html",
        {
            "page_obj": page,
            "mine": mine,
            "is_teacher": is_teacher,
            "search": search,
            "extra_query": "" if mine else "toutes=1&",
            "caption": f"{page.paginator.count} évaluation"
            + ("s" if page.paginator.count > 1 else "")
            + ", de la plus récente à la plus ancienne",
        },
    )


@require_GET
@establishment_permission_required("evaluations.read_own")
def my_results(request):
    """The pupil's own results by competency; a certificative one once published only."""
    pupil = Pupil.objects.of(request.establishment).filter(user=request.user).first()
    competencies = pupil_results_by_competency(pupil=pupil) if pupil else []
    comments = list(pupil_comments(pupil=pupil)) if pupil else []
    return render(
        request,
        "evaluations/my_results.html",
        {"pupil": pupil, "competencies": competencies, "comments": comments},
    )
