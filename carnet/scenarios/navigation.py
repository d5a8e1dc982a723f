"""« Scénarios pédagogiques » in the main menu (teachers; the head and a granted inspector
read), and the teacher's scenarios of the year on their home page."""

from carnet.core.profiles import Profile
from carnet.core.registry import HomeBlock, MenuEntry
from carnet.scenarios.selectors import current_school_year, scenarios_of_teacher

HOME_LIMIT = 5


def _my_scenarios(request):
    year = current_school_year()
    scenarios = scenarios_of_teacher(user=request.user, school_year=year, limit=HOME_LIMIT + 1)
    return {
        "scenarios": scenarios[:HOME_LIMIT],
        "more": len(scenarios) > HOME_LIMIT,
        "school_year": year,
    }


MENU = (
    MenuEntry(
        "Scénarios pédagogiques",
        "scenarios:library",
        "scenarios.read",
        profiles=(Profile.TEACHER, Profile.HEAD, Profile.INSPECTOR),
        order=50,
    ),
)

HOME_BLOCKS = (
    HomeBlock(
        "scenarios/blocks/_my_scenarios.html",
        _my_scenarios,
        permission="scenarios.create",
        profiles=(Profile.TEACHER,),
        order=30,
    ),
)
