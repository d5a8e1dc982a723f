from django.shortcuts import render
from django.views.decorators.http import require_GET

from carnet.accounts.enums import Profile
from carnet.establishments.selectors import establishment_state

HOME_TEMPLATES = {
    Profile.ADMIN: "core/home_admin.html",
    Profile.HEAD: "core/home_head.html",
    Profile.TEACHER: "core/home_teacher.html",
    Profile.LEARNER: "core/home_learner.html",
    Profile.INSPECTOR: "core/home_inspector.html",
}


@require_GET
def home(request):
    """Each profile lands on what it can do now."""
    user = request.user
    context = {}
    if user.profile in (Profile.ADMIN, Profile.HEAD) and request.establishment is not None:
        context["state"] = establishment_state(establishment=request.establishment)
    template = HOME_TEMPLATES.get(user.profile, "core/home_operator.html")
    return render(request, template, context)
