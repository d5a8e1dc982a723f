from carnet.core.registry import MenuEntry

USERS = "Gérer les profils utilisateurs"

MENU = (
    MenuEntry(
        "Gestion des utilisateurs",
        "accounts:users",
        "accounts.manage_users",
        group=USERS,
        order=20,
    ),
    MenuEntry(
        "Gestion des accès élèves",
        "accounts:pupil_access",
        "accounts.manage_pupil_access",
        group=USERS,
        order=21,
    ),
)
