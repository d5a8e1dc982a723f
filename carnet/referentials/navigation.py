from carnet.core.profiles import Profile
from carnet.core.registry import MenuEntry

MENU = (
    MenuEntry(
        "Référentiels",
        "referentials:list",
        profiles=(Profile.HEAD, Profile.TEACHER, Profile.INSPECTOR),
        order=90,
    ),
)
