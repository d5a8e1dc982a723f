from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from carnet.audit.selectors import audit_events_of
from carnet.core.params import page_param
from carnet.core.permissions import establishment_permission_required


@require_GET
@establishment_permission_required("audit.view_events")
def events(request):
    paginator = Paginator(audit_events_of(establishment=request.establishment), 30)
    return render(
        request, "audit/events.html", {"page_obj": paginator.get_page(page_param(request))}
    )
