"""Results in bulk for the dashboards' tests and bench: evaluations of a scenario, one column
per criterion, a level per pupil and column (bulk-created: thousands in a second)."""

import datetime
import random

from carnet.evaluations.enums import EvaluationKind, Grain
from carnet.evaluations.models import Evaluation, EvaluationPupil, EvaluationTarget, Result
from carnet.referentials.models import Criterion, ExamUnit, ScaleLevel


def results_build(
    *,
    scenario,
    pupils,
    evaluations: int,
    criteria_per_evaluation: int,
    start: datetime.date,
    seed: int = 1,
    certificative_unit: str = "",
) -> int:
    """``evaluations`` evaluations a week apart; returns the number of results made."""
    rng = random.Random(seed)
    diploma_id = scenario.diploma_id
    criteria = list(
        Criterion.objects.filter(competency__diploma_id=diploma_id).order_by(
            "competency__position", "position"
        )
    )
    levels = list(ScaleLevel.objects.filter(diploma_id=diploma_id).order_by("position"))
    valued = [level for level in levels if level.value is not None]
    unit = (
        ExamUnit.objects.get(diploma_id=diploma_id, code=certificative_unit)
        if certificative_unit
        else None
    )
    made = 0
    results = []
    for n in range(evaluations):
        evaluation = Evaluation.objects.create(
            establishment_id=scenario.establishment_id,
            scenario=scenario,
            kind=EvaluationKind.CERTIFICATIVE if unit else EvaluationKind.FORMATIVE,
            unit=unit,
            title=f"Séance {n + 1}",
            date=start + datetime.timedelta(days=7 * n),
            grain=Grain.CRITERION,
            created_by_id=scenario.author_id,
        )
        chosen = [
            criteria[(n * criteria_per_evaluation + k) % len(criteria)]
            for k in range(criteria_per_evaluation)
        ]
        targets = EvaluationTarget.objects.bulk_create(
            [
                EvaluationTarget(
                    evaluation=evaluation,
                    competency_id=c.competency_id,
                    criterion=c,
                    position=k,
                )
                for k, c in enumerate(dict.fromkeys(chosen))
            ]
        )
        EvaluationPupil.objects.bulk_create(
            [
                EvaluationPupil(evaluation=evaluation, pupil=p, division_id=p.division_id)
                for p in pupils
            ]
        )
        for pupil in pupils:
            for target in targets:
                level = rng.choice(levels) if rng.random() < 0.05 else rng.choice(valued)
                results.append(
                    Result(
                        establishment_id=scenario.establishment_id,
                        evaluation=evaluation,
                        target=target,
                        pupil=pupil,
                        competency_id=target.competency_id,
                        level=level,
                    )
                )
        if len(results) > 5000:
            Result.objects.bulk_create(results)
            made += len(results)
            results = []
    Result.objects.bulk_create(results)
    return made + len(results)
