"""The home page's own entries: « Accueil » and the state of the establishment."""

from carnet.core.profiles import Profile
from carnet.core.registry import HomeBlock, MenuEntry
from carnet.web.selectors import establishment_state


def _state(request):
    if request.establishment is None:
        return None
    return {"state": establishment_state(establishment=request.establishment)}


MENU = (
    # The administrator's menu is the original product's three entries; the brand goes home.
    MenuEntry(
        "Accueil",
        "web:home",
        profiles=(Profile.HEAD, Profile.TEACHER, Profile.LEARNER, Profile.INSPECTOR),
        order=0,
    ),
)

HOME_BLOCKS = (
    HomeBlock(
        "web/blocks/_admin_state.html",
        _state,
        permission="establishments.manage_settings",
        profiles=(Profile.ADMIN,),
        order=10,
    ),
    HomeBlock("web/blocks/_head_state.html", _state, profiles=(Profile.HEAD,), order=10),
    HomeBlock("web/blocks/_operator.html", profiles=(Profile.OPERATOR,), order=10),
)
