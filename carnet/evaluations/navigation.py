"""The evaluations in the main menu, and on the scenario's page (its evaluations)."""

import rules

from carnet.core.profiles import Profile
from carnet.core.registry import MenuEntry, PageBlock, TransferKind
from carnet.core.results import ResultSource
from carnet.evaluations.enums import EvaluationKind
from carnet.evaluations.selectors import result_marks, result_rows, scenario_evaluations
from carnet.evaluations.transfers import evaluations_export


def _scenario_evaluations(request, scenario):
    return {
        "scenario": scenario,
        "evaluations": scenario_evaluations(scenario=scenario),
        "can_create": rules.has_perm("evaluations.evaluate", request.user, scenario),
    }


MENU = (
    MenuEntry(
        "Évaluations",
        "evaluations:list",
        "evaluations.read",
        profiles=(Profile.TEACHER, Profile.HEAD, Profile.INSPECTOR),
        order=55,
    ),
    MenuEntry(
        "Mes résultats",
        "evaluations:my_results",
        "evaluations.read_own",
        profiles=(Profile.LEARNER,),
        order=20,
    ),
)

PAGE_BLOCKS = (
    PageBlock(
        page="scenarios.detail",
        template="evaluations/blocks/_scenario_evaluations.html",
        context=_scenario_evaluations,
        permission="evaluations.read",
        order=10,
    ),
)

# School situations feed the dashboards (rule 8): formative and certificative results.
RESULT_SOURCES = (ResultSource(tuple(EvaluationKind.choices), result_rows, result_marks),)

# A pupil's results follow them to another establishment (carnet.transfers), frozen.
TRANSFER_KINDS = (
    TransferKind(
        kind="evaluations.result",
        label="Résultats d'évaluations",
        export=evaluations_export,
        template="evaluations/transfers/_received.html",
        order=30,
    ),
)
