"""The PFMP in the main menu (teachers and readers; pupils), and the validated bilans
entreprise among the dashboards' results (rule 8)."""

from carnet.core.profiles import Profile
from carnet.core.registry import MenuEntry, TransferKind
from carnet.core.results import ResultSource
from carnet.pfmp.selectors import ENTREPRISE, result_rows
from carnet.pfmp.transfers import reviews_export, sheets_export

MENU = (
    MenuEntry(
        "PFMP",
        "pfmp:home",
        "pfmp.read",
        profiles=(Profile.TEACHER, Profile.HEAD, Profile.INSPECTOR),
        order=60,
    ),
    MenuEntry(
        "Mes fiches activités",
        "pfmp:mine",
        "pfmp.write_own",
        profiles=(Profile.LEARNER,),
        order=30,
    ),
)

# Validated bilans entreprise feed the dashboards as type « entreprise ».
RESULT_SOURCES = (ResultSource((ENTREPRISE,), result_rows),)

# A pupil's fiches sent and bilans validated follow them to another establishment, frozen.
TRANSFER_KINDS = (
    TransferKind(
        kind="pfmp.sheet",
        label="Fiches activités (PFMP)",
        export=sheets_export,
        template="pfmp/transfers/_received_sheet.html",
        order=40,
    ),
    TransferKind(
        kind="pfmp.review",
        label="Bilans entreprise (PFMP)",
        export=reviews_export,
        template="pfmp/transfers/_received_review.html",
        order=45,
    ),
)
