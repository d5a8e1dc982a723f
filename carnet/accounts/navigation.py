from carnet.accounts.selectors import head_accounts
from carnet.core.profiles import Profile
from carnet.core.registry import HomeBlock, MenuEntry

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


def _head_accounts(request):
    return {"accounts": head_accounts(establishment=request.establishment)}


HOME_BLOCKS = (
    # The head sees every head account, active or not: one the administrator made or
    # reactivated behind the head's back shows here (carnet.accounts.protection).
    HomeBlock(
        "accounts/blocks/_head_accounts.html",
        _head_accounts,
        permission="accounts.see_head_accounts",
        profiles=(Profile.HEAD,),
        order=20,
    ),
)
