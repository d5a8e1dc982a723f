"""The PFMP in the main menu (teachers and readers; pupils), and the validated bilans
entreprise among the dashboards' results (rule 8)."""

from carnet.core.profiles import Profile
from carnet.core.registry import MenuEntry
from carnet.core.results import ResultSource
from carnet.pfmp.selectors import ENTREPRISE, result_rows

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

# Validated bilans entreprise feed the dashboards as type « entreprise ».
RESULT_SOURCES = (ResultSource((ENTREPRISE,), result_rows),)
