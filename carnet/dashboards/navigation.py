"""The dashboards in the main menu: the teachers', the head's and the inspector's; the pupil's
own."""

from carnet.core.profiles import Profile
from carnet.core.registry import MenuEntry, TransferKind
from carnet.dashboards.transfers import bilans_export

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

# A pupil's bilans follow them to another establishment (carnet.transfers), frozen.
TRANSFER_KINDS = (
    TransferKind(
        kind="dashboards.bilan",
        label="Bilans intermédiaires et bilan terminal",
        export=bilans_export,
        template="dashboards/transfers/_received.html",
        order=35,
    ),
)
