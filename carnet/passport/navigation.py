"""The passport in the main menu: the pupil's own, and the teachers' follow-up."""

from carnet.core.profiles import Profile
from carnet.core.registry import MenuEntry

MENU = (
    MenuEntry(
        "Mon passeport professionnel",
        "passport:mine",
        "passport.mine",
        profiles=(Profile.LEARNER,),
        order=10,
    ),
    MenuEntry(
        "Passeports professionnels",
        "passport:follow",
        "passport.follow",
        profiles=(Profile.TEACHER, Profile.HEAD, Profile.INSPECTOR),
        order=60,
    ),
)
