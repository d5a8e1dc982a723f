from django.utils import timezone

from carnet.core.profiles import Profile
from carnet.core.registry import HomeBlock, MenuEntry
from carnet.directory.selectors import teacher_divisions
from carnet.directory.selectors_read import learner_record

# The administrator's lists sit with the imports that fill them.
IMPORTS = "Gérer les imports"
# The head's and the inspector's read-only lists.
DIRECTORY = "Annuaire"
READERS = (Profile.HEAD, Profile.INSPECTOR)


def _teacher_divisions(request):
    return {"divisions": teacher_divisions(user=request.user, today=timezone.localdate())}


def _learner(request):
    return {"pupil": learner_record(user=request.user), "establishment": request.establishment}


MENU = (
    MenuEntry("Divisions", "directory:divisions", "directory.view_lists", group=IMPORTS, order=13),
    MenuEntry("Élèves", "directory:pupils", "directory.view_lists", group=IMPORTS, order=14),
    MenuEntry(
        "Divisions",
        "directory:read_divisions",
        "directory.read_lists",
        profiles=READERS,
        group=DIRECTORY,
        order=20,
    ),
    MenuEntry(
        "Élèves",
        "directory:read_pupils",
        "directory.read_lists",
        profiles=READERS,
        group=DIRECTORY,
        order=21,
    ),
    MenuEntry(
        "Enseignants",
        "directory:read_teachers",
        "directory.read_lists",
        profiles=READERS,
        group=DIRECTORY,
        order=22,
    ),
)

HOME_BLOCKS = (
    HomeBlock(
        "directory/blocks/_teacher_divisions.html",
        _teacher_divisions,
        profiles=(Profile.TEACHER,),
        order=20,
    ),
    HomeBlock("directory/blocks/_learner.html", _learner, profiles=(Profile.LEARNER,), order=10),
)
