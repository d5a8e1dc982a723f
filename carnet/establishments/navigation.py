from carnet.core.registry import MenuEntry

MENU = (
    MenuEntry("Paramètres", "establishments:settings", "establishments.manage_settings", order=30),
)
