"""The menus of each profile.

Entries of modules still to come show as « bientôt », never as links.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from carnet.accounts.enums import Profile


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str | None = None  # None: a module still to come (shown disabled, « bientôt »)
    children: tuple["MenuItem", ...] = field(default_factory=tuple)
    section: str = ""  # first segment of the URL namespace, to mark the current entry

    @property
    def url(self) -> str | None:
        return reverse(self.url_name) if self.url_name else None

    @property
    def soon(self) -> bool:
        return self.url_name is None and not self.children


ADMIN_MENU = (
    MenuItem(
        "Gérer les imports",
        children=(
            MenuItem("Importation des fichiers SIECLE", "imports:siecle"),
            MenuItem("Apprenants hors SIECLE", "imports:outside_list"),
            MenuItem("Historique des imports", "imports:history"),
            MenuItem("Divisions", "directory:divisions"),
            MenuItem("Élèves", "directory:pupils"),
        ),
    ),
    MenuItem(
        "Gérer les profils utilisateurs",
        children=(
            MenuItem("Gestion des utilisateurs", "accounts:users"),
            MenuItem("Gestion des accès élèves", "accounts:pupil_access"),
        ),
    ),
    MenuItem("Paramètres", "establishments:settings"),
)

HEAD_MENU = (
    MenuItem("Accueil", "core:home"),
    MenuItem("Journal des modifications", "audit:events"),
    MenuItem("Accès inspecteur", "inspection:grants"),
    MenuItem("Référentiels", "referentials:list"),
)

TEACHER_MENU = (
    MenuItem("Accueil", "core:home"),
    MenuItem("Scénarios pédagogiques"),
    MenuItem("Tableaux de bord apprenants"),
    MenuItem("Référentiels", "referentials:list"),
)

LEARNER_MENU = (
    MenuItem("Accueil", "core:home"),
    MenuItem("Mon passeport professionnel"),
)

INSPECTOR_MENU = (
    MenuItem("Accueil", "core:home"),
    MenuItem("Référentiels", "referentials:list"),
)

MENUS = {
    Profile.ADMIN: ADMIN_MENU,
    Profile.HEAD: HEAD_MENU,
    Profile.TEACHER: TEACHER_MENU,
    Profile.LEARNER: LEARNER_MENU,
    Profile.INSPECTOR: INSPECTOR_MENU,
}


def menu_for(user) -> tuple[MenuItem, ...]:
    if not user.is_authenticated:
        return ()
    return MENUS.get(user.profile, ())
