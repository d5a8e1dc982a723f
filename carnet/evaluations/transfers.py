"""What a pupil's record carries of their evaluations when it follows them to another
establishment (carnet.transfers): for each evaluation they took part in, its scenario's
title, date, type and unit, the teacher who created it, and each level with its criterion's
code — frozen at the destination, read-only."""

from carnet.core.registry import TransferItem
from carnet.evaluations.models import EvaluationPupil, Result


def evaluations_export(*, establishment, pupil) -> list[TransferItem]:
    rows = (
        EvaluationPupil.objects.filter(evaluation__establishment=establishment, pupil=pupil)
        .select_related(
            "evaluation__scenario__diploma", "evaluation__unit", "evaluation__created_by"
        )
        .order_by("evaluation__date", "evaluation_id")
    )
    results: dict[int, list] = {}
    for result in (
        Result.objects.of(establishment)
        .filter(pupil=pupil)
        .select_related("competency", "level", "target__criterion")
        .order_by("target__position", "pk")
    ):
        results.setdefault(result.evaluation_id, []).append(result)
    items = []
    for row in rows:
        evaluation = row.evaluation
        scenario = evaluation.scenario
        items.append(
            TransferItem(
                key=f"evaluation-{evaluation.pk}",
                data={
                    "diploma": scenario.diploma.code,
                    "diploma_title": scenario.diploma.title,
                    "scenario": scenario.title,
                    "evaluation": str(evaluation),
                    "date": evaluation.date.isoformat(),
                    "kind": evaluation.kind,
                    "kind_label": evaluation.get_kind_display(),
                    "unit": evaluation.unit.code if evaluation.unit_id else "",
                    "published": evaluation.published_at is not None,
                    "teacher": evaluation.created_by.display_name,
                    "comment": row.comment,
                    "results": [
                        {
                            "competency": r.competency.code,
                            "criterion": r.target.criterion.position
                            if r.target.criterion_id
                            else None,
                            "column": f"{r.competency.code}.{r.target.criterion.position}"
                            if r.target.criterion_id
                            else r.competency.code,
                            "label": r.target.criterion.label
                            if r.target.criterion_id
                            else r.competency.label,
                            "level_code": r.level.code,
                            "level_label": r.level.label,
                            "level_value": r.level.value,
                        }
                        for r in results.get(evaluation.pk, [])
                    ],
                },
            )
        )
    return items
