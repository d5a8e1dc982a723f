"""The passport in the main menu: the pupil's own, and the teachers' follow-up."""

from carnet.core.profiles import Profile
from carnet.core.registry import MenuEntry, TransferKind
from carnet.passport.transfers import passport_export, passport_receive

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

# A pupil's passport follows them to another establishment (carnet.transfers), where its
# entries become live entries of their passport again.
TRANSFER_KINDS = (
    TransferKind(
        kind="passport.entry",
        label="Situations du passeport professionnel",
        export=passport_export,
        template="passport/transfers/_received.html",
        receive=passport_receive,
        order=10,
    ),
)
