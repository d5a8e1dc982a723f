from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from carnet.core.profiles import Profile
from carnet.core.registry import declared
from carnet.web.menus import Allowed

HEADINGS = {
    Profile.ADMIN: "Menu général",
    Profile.HEAD: "Accueil du chef d'établissement",
    Profile.INSPECTOR: "Établissements accessibles",
    Profile.OPERATOR: "Opérateur de la plateforme",
}


def home_blocks(request) -> list[str]:
    """The home blocks every app declares that this user may see, rendered in order."""
    allowed = Allowed(request)
    rendered = []
    for block in sorted(declared("HOME_BLOCKS"), key=lambda b: b.order):
        if not allowed(block):
            continue
        context = block.context(request) if block.context is not None else {}
        if context is None:
            continue
        rendered.append(mark_safe(render_to_string(block.template, context, request=request)))
    return rendered


@require_GET
def home(request):
    """Each profile lands on what it can do now: the blocks of the apps that concern it."""
    user = request.user
    heading = HEADINGS.get(user.profile) or f"Bonjour {user.first_name or user.username}"
    return render(request, "web/home.html", {"heading": heading, "blocks": home_blocks(request)})
