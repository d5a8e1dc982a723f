from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carnet.referentials.selectors import diploma_detail, diplomas_with_counts


@require_GET
def diploma_list(request):
    return render(request, "referentials/list.html", {"diplomas": diplomas_with_counts()})


@require_GET
def diploma_view(request, code: str):
    diploma = diploma_detail(code)
    if diploma is None:
        raise Http404
    return render(request, "referentials/detail.html", {"diploma": diploma})
