"""The demo's scenarios, evaluations and results: three scenarios per demo teacher, each with
a formative evaluation of a division they teach, and a certificative one for the first, with
results drawn at random (seeded: the same each time) around each pupil's own level.

Written through the services a teacher's pages use. Idempotent: a scenario the teacher
already has (same title this school year) is left as it is, results included.
"""

import datetime
import random
from dataclasses import dataclass

from carnet.directory.models import Division, Pupil, StaffMember
from carnet.directory.school_years import school_year_start
from carnet.establishments.enums import ContextField
from carnet.evaluations.enums import EvaluationKind, Grain
from carnet.evaluations.models import EvaluationTarget
from carnet.evaluations.services import (
    CellChange,
    CommentChange,
    evaluation_create,
    evaluation_publish,
    results_record,
)
from carnet.evaluations.services.evaluations import school_year_bounds
from carnet.referentials.models import Competency, Criterion, ExamUnit, ScaleLevel, Task
from carnet.scenarios.enums import ClassLevel
from carnet.scenarios.models import Scenario
from carnet.scenarios.services import scenario_create, scenario_update_links


@dataclass(frozen=True)
class DemoScenario:
    title: str
    description: str
    problem: str
    equipment: str
    # Competency code → ranks of its criteria evaluated (the référentiel's order, from 1).
    criteria: dict[str, tuple[int, ...]]
    tasks: tuple[str, ...] = ()
    # The exam unit of its certificative evaluation (the first scenario of each teacher).
    unit: str = ""


SCENARIOS = {
    "BP-MELEC": (
        DemoScenario(
            "Éclairage de l'atelier de maintenance",
            "L'entreprise Lumitec rénove l'éclairage de l'atelier de maintenance d'une PME.\n\n"
            "Vous intervenez en binôme sous la responsabilité du chef de chantier.",
            "- Préparer le chantier à partir du dossier\n- Réaliser le câblage des luminaires\n"
            "- Contrôler l'installation avant la mise sous tension",
            "Luminaires LED, détecteurs de présence, multimètre, outillage isolé",
            {"C2": (1, 2, 3), "C4": (1, 2, 4)},
            tasks=("T1-3", "T2-1"),
            unit="U31",
        ),
        DemoScenario(
            "Mise en service d'un tableau de distribution",
            "Un tableau divisionnaire vient d'être posé dans une maison individuelle.",
            "1. Vérifier la conformité du tableau\n2. Mettre en service les circuits\n"
            "3. Renseigner la fiche de mise en service",
            "Tableau modulaire, contrôleur d'installation, schéma unifilaire",
            {"C6": (1, 2), "C7": (1, 2, 3)},
        ),
        DemoScenario(
            "Maintenance préventive d'une VMC",
            "Le syndic d'un petit immeuble demande la maintenance annuelle de la VMC.",
            "- Diagnostiquer l'état du caisson\n- Remplacer les pièces d'usure\n"
            "- Rendre compte au client",
            "Caisson VMC double flux, anémomètre, fiches de maintenance",
            {"C8": (1, 2, 3), "C12": (1, 2)},
        ),
    ),
    "CAP-ELEC": (
        DemoScenario(
            "Câblage d'un circuit va-et-vient",
            "Dans le couloir d'un logement, l'éclairage doit se commander de deux endroits.",
            "- Réaliser le câblage\n- Vérifier le fonctionnement",
            "Interrupteurs va-et-vient, gaine ICTA, conducteurs 1,5 mm²",
            {"CO1": (1, 2, 3), "CO2": (1, 2)},
            unit="UP1",
        ),
        DemoScenario(
            "Réalisation d'une prise de terre",
            "Une extension de maison doit être raccordée à la prise de terre existante.",
            "- Mesurer la résistance de terre\n- Raccorder la liaison équipotentielle",
            "Piquet de terre, telluromètre, barrette de mesure",
            {"CO4": (1, 2, 3), "CO5": (1, 2)},
        ),
        DemoScenario(
            "Mise en service d'un chauffe-eau",
            "Un client fait remplacer son chauffe-eau électrique de 200 litres.",
            "- Raccorder le chauffe-eau\n- Le mettre en service en sécurité",
            "Chauffe-eau 200 L, contacteur heures creuses, multimètre",
            {"CO6": (1, 2), "CO8": (1, 2)},
        ),
    ),
}
LEVELS = {"2MELEC": ClassLevel.SECONDE, "TMELEC": ClassLevel.TERMINALE}
COMMENTS = (
    "Travail soigné et méthodique.",
    "Bonne participation ; revoir la lecture du schéma.",
    "Doit gagner en autonomie sur le contrôle avant mise sous tension.",
    "",
)


def _context(item: DemoScenario) -> dict[str, str]:
    return {
        ContextField.DESCRIPTION.value: item.description,
        ContextField.PROBLEM.value: item.problem,
        ContextField.EQUIPMENT.value: item.equipment,
        ContextField.SPACES.value: "Plateau technique, zone habitat",
    }


def _criteria(diploma, wanted: dict[str, tuple[int, ...]]) -> list[Criterion]:
    criteria = Criterion.objects.filter(competency__diploma=diploma).select_related("competency")
    return [c for c in criteria if c.position in wanted.get(c.competency.code, ())]


def _level_of(rng: random.Random, ability: float, levels: dict[str, ScaleLevel]):
    """A level around the pupil's ability; now and then absent, or not evaluated (None)."""
    draw = rng.random()
    if draw < 0.04:
        return levels["absent"]
    if draw < 0.10:
        return None
    value = min(4, max(1, round(ability + rng.gauss(0, 0.7))))
    return levels[str(value)]


def _fill(*, evaluation, actor, rng: random.Random, abilities: dict[int, float]) -> None:
    levels = {lv.code: lv for lv in ScaleLevel.objects.filter(diploma=evaluation.scenario.diploma)}
    targets = list(EvaluationTarget.objects.filter(evaluation=evaluation))
    pupils = list(evaluation.assignments.values_list("pupil_id", flat=True))
    cells = []
    for pupil_id in pupils:
        ability = abilities.setdefault(pupil_id, rng.uniform(1.6, 3.8))
        for target in targets:
            level = _level_of(rng, ability, levels)
            if level is not None:
                cells.append(CellChange(pupil_id, target.pk, level.pk))
    comments = [CommentChange(pupil_id, rng.choice(COMMENTS)) for pupil_id in pupils]
    results_record(
        evaluation=evaluation, actor=actor, cells=cells, comments=[c for c in comments if c.text]
    )


def demo_pedagogy_load(*, establishment, today: datetime.date) -> int:
    """Scenarios, evaluations and results of the demo teachers. Returns how many scenarios
    were created (0 when they all existed)."""
    rng = random.Random(2026)
    abilities: dict[int, float] = {}
    created = 0
    members = (
        StaffMember.objects.of(establishment)
        .filter(user__profile="enseignant", user__is_active=True)
        .select_related("user")
        .order_by("sts_id")
    )
    for member in members:
        taught = [
            d
            for d in member.divisions.filter(kind="division").select_related("diploma")
            if d.diploma is not None
        ]
        if not taught:
            continue
        division = taught[0]
        diploma = division.diploma
        for index, item in enumerate(SCENARIOS.get(diploma.code, ())):
            exists = Scenario.objects.of(establishment).filter(
                author=member.user, title=item.title, school_year=division.school_year
            )
            if exists.exists():
                continue
            created += 1
            scenario = _scenario(member.user, establishment, division, diploma, item)
            _evaluations(scenario, member.user, division, item, index, today, rng, abilities)
    return created


def _scenario(user, establishment, division: Division, diploma, item: DemoScenario):
    scenario = scenario_create(
        establishment=establishment,
        author=user,
        title=item.title,
        diploma=diploma,
        class_level=LEVELS.get(division.code, ClassLevel.CAP1),
        context=_context(item),
        school_year=division.school_year,
    )
    scenario_update_links(
        scenario=scenario,
        actor=user,
        criteria=_criteria(diploma, item.criteria),
        tasks=Task.objects.filter(activity__diploma=diploma, code__in=item.tasks),
    )
    return scenario


def _day(today: datetime.date, days_before: int) -> datetime.date:
    """``days_before`` days ago, but within the current school year."""
    first, _ = school_year_bounds(school_year_start(today))
    return max(first, today - datetime.timedelta(days=days_before))


def _evaluations(scenario, user, division, item, index, today, rng, abilities) -> None:
    criteria = [c.pk for c in scenario.criteria.all()]
    formative = evaluation_create(
        scenario=scenario,
        actor=user,
        kind=EvaluationKind.FORMATIVE,
        date=_day(today, 35 - 10 * index),
        grain=Grain.CRITERION,
        divisions=[division],
        criteria=criteria,
        today=today,
    )
    _fill(evaluation=formative, actor=user, rng=rng, abilities=abilities)
    if not item.unit:
        return
    unit = ExamUnit.objects.get(diploma=scenario.diploma, code=item.unit)
    in_unit = set(unit.competencies.values_list("pk", flat=True))
    certificative = evaluation_create(
        scenario=scenario,
        actor=user,
        kind=EvaluationKind.CERTIFICATIVE,
        unit=unit,
        date=_day(today, 7),
        grain=Grain.COMPETENCY,
        divisions=[division],
        competencies=Competency.objects.filter(pk__in=in_unit, criteria__pk__in=criteria)
        .distinct()
        .values_list("pk", flat=True),
        today=today,
    )
    _fill(evaluation=certificative, actor=user, rng=rng, abilities=abilities)
    # Published for one division of the demo only: a pupil sees both states.
    if Pupil.objects.filter(user__username="manon.laurent", division=division).exists():
        evaluation_publish(evaluation=certificative, actor=user)
