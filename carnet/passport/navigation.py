"""The passport in the main menu: the pupil's own, and the teachers' follow-up."""

from django.db.models import Count, Q

from carnet.core.profiles import Profile
from carnet.core.registry import HomeBlock, MenuEntry, TransferKind
from carnet.passport.enums import EntryStatus
from carnet.passport.models import Entry
from carnet.passport.selectors import pupil_of_user
from carnet.passport.transfers import passport_export, passport_receive


def _my_passport(request):
    pupil = pupil_of_user(establishment=request.establishment, user=request.user)
    if pupil is None:
        return None
    counts = Entry.objects.filter(pupil=pupil).aggregate(
        total=Count("pk"),
        validated=Count("pk", filter=Q(status=EntryStatus.VALIDATED)),
        changes=Count("pk", filter=Q(status=EntryStatus.CHANGES)),
    )
    return counts


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

HOME_BLOCKS = (
    HomeBlock(
        "passport/blocks/_my_passport.html",
        _my_passport,
        permission="passport.mine",
        profiles=(Profile.LEARNER,),
        order=20,
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
