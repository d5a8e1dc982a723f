from carnet.core.french import count
from carnet.core.profiles import Profile
from carnet.core.registry import HomeBlock, ListTab, MenuEntry
from carnet.inspection.selectors import grants_live_for, grants_live_of, inspector_grants


def _head_grants(request):
    return {"grants": grants_live_of(establishment=request.establishment)}


def _inspector_grants(request):
    return {"grants": grants_live_for(inspector=request.user)}


MENU = (MenuEntry("Accès inspecteur", "inspection:grants", "inspection.manage_grants", order=41),)

HOME_BLOCKS = (
    HomeBlock(
        "inspection/blocks/_head_grants.html",
        _head_grants,
        permission="inspection.manage_grants",
        order=30,
    ),
    HomeBlock(
        "inspection/blocks/_inspector_grants.html",
        _inspector_grants,
        profiles=(Profile.INSPECTOR,),
        order=10,
    ),
)

LIST_TABS = (
    # « Gestion des utilisateurs » › Inspecteurs: the administrator sees, the head decides.
    ListTab(
        page="accounts.users",
        key="inspecteurs",
        label="Inspecteurs",
        rows=inspector_grants,
        template="inspection/includes/_users_tab.html",
        caption=lambda n: count(n, "accès inspecteur", "accès inspecteur"),
        help_text="L'accès des inspecteurs s'ouvre et se ferme par le chef d'établissement "
        "(profil « Chef d'établissement ») ; cette liste le montre sans le modifier.",
        order=30,
    ),
)
