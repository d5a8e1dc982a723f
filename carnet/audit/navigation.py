from carnet.core.profiles import Profile
from carnet.core.registry import MenuEntry

MENU = (
    # The administrator reaches it from the home page (its menu is the original three).
    MenuEntry(
        "Journal des modifications",
        "audit:events",
        "audit.view_events",
        profiles=(Profile.HEAD,),
        order=40,
    ),
)
