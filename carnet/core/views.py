from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from carnet.accounts.enums import Profile
from carnet.accounts.selectors import teacher_divisions
from carnet.establishments.selectors import establishment_state
from carnet.inspection.selectors import grants_live_of
from carnet.inspection.views import inspector_home

HOME_TEMPLATES = {
    Profile.ADMIN: "core/home_admin.html",
    Profile.HEAD: "core/home_head.html",
    Profile.TEACHER: "core/home_teacher.html",
    Profile.LEARNER: "core/home_learner.html",
}


@require_GET
def home(request):
    """Each profile lands on what it can do now."""
    user = request.user
    if user.profile == Profile.INSPECTOR:
        # The establishments granted today, with « Consulter » (carnet/inspection).
        return inspector_home(request)
    context = {}
    if user.profile in (Profile.ADMIN, Profile.HEAD) and request.establishment is not None:
        context["state"] = establishment_state(establishment=request.establishment)
    if user.profile == Profile.HEAD and request.establishment is not None:
        context["inspector_grants"] = grants_live_of(establishment=request.establishment)
    if user.profile == Profile.TEACHER:
        context["divisions"] = teacher_divisions(user=user, today=timezone.localdate())
    template = HOME_TEMPLATES.get(user.profile, "core/home_operator.html")
    return render(request, template, context)
