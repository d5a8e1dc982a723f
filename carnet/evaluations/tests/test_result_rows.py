"""The evaluations as a source of the dashboards (carnet/core/results.py)."""

import pytest

from carnet.core.results import result_kinds, result_marks, result_rows
from carnet.evaluations.enums import EvaluationKind
from carnet.evaluations.selectors import result_rows as evaluations_rows
from carnet.evaluations.services import CellChange, evaluation_publish, results_record
from carnet.referentials.models import ExamUnit


@pytest.mark.django_db
class TestResultRows:
    def test_formative_at_once_certificative_once_published(
        self, school, django_assert_num_queries
    ):
        formative = school.evaluate(title="Séance 1")
        unit = ExamUnit.objects.get(diploma=school.diploma, code="U31")
        certificative = school.evaluate(
            kind=EvaluationKind.CERTIFICATIVE,
            unit=unit,
            grain="competence",
            criteria=(),
            competencies=[school.competency("C2").pk],
        )
        level = school.diploma.scale.get(code="3")
        pupil = school.pupils[0]
        for evaluation in (formative, certificative):
            target = evaluation.targets.first()
            results_record(
                evaluation=evaluation,
                actor=school.teacher,
                cells=[CellChange(pupil.pk, target.pk, level.pk)],
            )
        pupils = [p.pk for p in school.pupils]
        with django_assert_num_queries(1):
            evaluations_rows(establishment=school.establishment, pupil_ids=pupils)
        seen = result_rows(establishment=school.establishment, pupil_ids=pupils)
        assert [(r.kind, r.level_value) for r in seen] == [("formative", 3)]
        everything = result_rows(
            establishment=school.establishment, pupil_ids=pupils, include_unpublished=True
        )
        assert {r.kind for r in everything} == {"formative", "certificative"}
        certified = next(r for r in everything if r.kind == "certificative")
        assert certified.unit_code == "U31" and certified.criterion_id is None
        assert not certified.published
        # A class overview's leaner read gives the same results, and hides the same.
        for unpublished in (False, True):
            rows = result_rows(
                establishment=school.establishment,
                pupil_ids=pupils,
                include_unpublished=unpublished,
            )
            marks = result_marks(
                establishment=school.establishment,
                pupil_ids=pupils,
                include_unpublished=unpublished,
            )
            projected = {
                (r.pupil_id, r.competency_id, r.date, r.source, r.level_value) for r in rows
            }
            assert set(marks) == projected and len(marks) == len(rows)
        evaluation_publish(evaluation=certificative, actor=school.teacher)
        assert len(result_rows(establishment=school.establishment, pupil_ids=pupils)) == 2

    def test_the_kinds_the_filters_offer(self):
        assert ("formative", "Formative") in result_kinds()
        assert ("certificative", "Certificative") in result_kinds()
