from django.utils import timezone

from carnet.core.profiles import Profile
from carnet.core.registry import HomeBlock, MenuEntry
from carnet.directory.selectors import teacher_divisions

# The administrator's lists sit with the imports that fill them.
IMPORTS = "Gérer les imports"


def _teacher_divisions(request):
    return {"divisions": teacher_divisions(user=request.user, today=timezone.localdate())}


MENU = (
    MenuEntry("Divisions", "directory:divisions", "directory.view_lists", group=IMPORTS, order=13),
    MenuEntry("Élèves", "directory:pupils", "directory.view_lists", group=IMPORTS, order=14),
)

HOME_BLOCKS = (
    HomeBlock(
        "directory/blocks/_teacher_divisions.html",
        _teacher_divisions,
        profiles=(Profile.TEACHER,),
        order=20,
    ),
)
