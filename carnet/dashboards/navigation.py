"""The dashboards in the main menu: the teachers', the head's and the inspector's; the pupil's
own."""

from carnet.core.profiles import Profile
from carnet.core.registry import MenuEntry

MENU = (
    MenuEntry(
        "Tableaux de bord",
        "dashboards:pupil",
        "dashboards.read",
        profiles=(Profile.TEACHER, Profile.HEAD, Profile.INSPECTOR),
        order=60,
    ),
    MenuEntry(
        "Mon tableau de bord",
        "dashboards:mine",
        "dashboards.read_own",
        profiles=(Profile.LEARNER,),
        order=25,
    ),
)
