"""The services of the evaluations: creating one, entering results, publishing; the reads
the dashboards will use."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from carnet.directory.enums import PupilStatus
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.evaluations.enums import EvaluationKind, Grain
from carnet.evaluations.models import EvaluationPupil, EvaluationTarget, Result, ResultChange
from carnet.evaluations.selectors import (
    pupil_results,
    pupil_results_by_competency,
    scale_of,
    unit_assignments,
)
from carnet.evaluations.services import (
    CellChange,
    CommentChange,
    evaluation_publish,
    evaluation_pupils_set,
    evaluation_update,
    results_record,
)
from carnet.evaluations.tests.conftest import today
from carnet.referentials.models import ExamUnit

pytestmark = pytest.mark.django_db


def levels(school) -> dict[str, int]:
    return {level.code: level.pk for level in scale_of(diploma_id=school.diploma.pk)}


def cell(evaluation, pupil, position=1):
    return EvaluationTarget.objects.get(evaluation=evaluation, position=position)


def level_of(evaluation, pupil, target):
    result = Result.objects.filter(evaluation=evaluation, pupil=pupil, target=target).first()
    return result.level.code if result else None


class TestCreate:
    def test_defaults_are_the_scenarios_criteria_and_the_divisions_active_pupils(self, school):
        school.pupils[9].status = PupilStatus.LEFT
        school.pupils[9].save()
        evaluation = school.evaluate()
        codes = [t.code for t in evaluation.targets.select_related("competency", "criterion")]
        assert codes == ["C2.1", "C2.2", "C2.3", "C4.1", "C4.2"]
        assert evaluation.assignments.count() == 9
        assert set(evaluation.assignments.values_list("division", flat=True)) == {
            school.division.pk
        }

    def test_a_pupil_of_two_chosen_structures_appears_once(self, school):
        for pupil in school.pupils[:4]:
            pupil.groups.add(school.group)
        outsider = PupilFactory(
            establishment=school.establishment, division=None, last_name="GROUPEONLY"
        )
        outsider.groups.add(school.group)
        evaluation = school.evaluate(divisions=[school.division, school.group])
        rows = list(evaluation.assignments.values_list("pupil_id", "division_id"))
        assert len(rows) == 11
        assert dict(rows)[outsider.pk] == school.group.pk
        assert dict(rows)[school.pupils[0].pk] == school.division.pk

    def test_chosen_pupils_only_and_never_outsiders(self, school):
        evaluation = school.evaluate(pupils=[p.pk for p in school.pupils[:3]])
        assert evaluation.assignments.count() == 3
        other = PupilFactory(establishment=school.establishment)
        with pytest.raises(ValidationError) as refused:
            school.evaluate(pupils=[other.pk])
        assert "pupils" in refused.value.message_dict

    def test_per_competency_and_whole_competency_columns(self, school):
        c2 = school.competency("C2")
        per_competency = school.evaluate(grain=Grain.COMPETENCY, competencies=[c2.pk])
        codes = [t.code for t in per_competency.targets.select_related("competency", "criterion")]
        assert codes == ["C2", "C4"]  # C4 has criteria chosen
        every_criterion = school.evaluate(criteria=[], competencies=[c2.pk])
        assert every_criterion.targets.count() == c2.criteria.count()

    def test_certificative_needs_one_unit_of_the_diploma_and_its_competencies(self, school):
        with pytest.raises(ValidationError) as refused:
            school.evaluate(kind=EvaluationKind.CERTIFICATIVE)
        assert "unit" in refused.value.message_dict
        other_unit = ExamUnit.objects.exclude(diploma=school.diploma).first()
        with pytest.raises(ValidationError) as refused:
            school.evaluate(kind=EvaluationKind.CERTIFICATIVE, unit=other_unit)
        assert "unit" in refused.value.message_dict
        u2 = school.diploma.units.get(code="U2")  # C1, C3… not C2/C4
        with pytest.raises(ValidationError) as refused:
            school.evaluate(kind=EvaluationKind.CERTIFICATIVE, unit=u2)
        assert "U2 n'évalue pas C2, C4" in refused.value.message_dict["targets"][0]
        u31 = school.diploma.units.get(code="U31")
        evaluation = school.evaluate(kind=EvaluationKind.CERTIFICATIVE, unit=u31)
        assert evaluation.unit == u31
        # Rule 6: its pupils are assigned to U31.
        assigned = {
            row.pupil_id for row in unit_assignments(establishment=school.establishment, unit=u31)
        }
        assert assigned == {p.pk for p in school.pupils}

    def test_a_formative_evaluation_keeps_no_unit(self, school):
        u31 = school.diploma.units.get(code="U31")
        assert school.evaluate(unit=u31).unit is None

    def test_only_the_author_and_co_authors_create(self, school, users):
        for actor in (school.colleague, users["chef"], users["administrateur"]):
            with pytest.raises(ValidationError):
                school.evaluate(actor=actor)
        assert school.evaluate(actor=school.co_author).created_by == school.co_author

    def test_divisions_of_this_year_preparing_the_diploma(self, school, diplomas):
        last_year = DivisionFactory(
            establishment=school.establishment,
            school_year__start_year=school.division.school_year.start_year - 1,
        )
        cap = DivisionFactory(
            establishment=school.establishment,
            school_year=school.division.school_year,
            diploma=diplomas["CAP-ELEC"],
            code="1CAP",
        )
        other_school = DivisionFactory(school_year=school.division.school_year)
        for division in (last_year, cap, other_school):
            with pytest.raises(ValidationError) as refused:
                school.evaluate(divisions=[division])
            assert "divisions" in refused.value.message_dict
        with pytest.raises(ValidationError):
            school.evaluate(divisions=[])

    def test_every_mistake_said_at_once(self, school):
        with pytest.raises(ValidationError) as refused:
            school.evaluate(
                date=datetime.date(1999, 1, 1), divisions=[], criteria=[], title="x" * 201
            )
        assert set(refused.value.message_dict) == {"date", "divisions", "targets", "title"}


class TestRecord:
    def test_cells_and_comment_saved_last_write_wins(self, school):
        evaluation = school.evaluate()
        scale = levels(school)
        pupil, target = school.pupils[0], cell(evaluation, school.pupils[0])
        outcome = results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[
                CellChange(pupil.pk, target.pk, scale["2"]),
                CellChange(pupil.pk, target.pk, scale["3"]),  # the later one wins
            ],
            comments=[CommentChange(pupil.pk, "  Soigneux \u202e\x07 ")],
        )
        assert outcome.saved == [f"{pupil.pk}:{target.pk}", f"{pupil.pk}:commentaire"]
        assert outcome.written == 1
        assert level_of(evaluation, pupil, target) == "3"
        assert EvaluationPupil.objects.get(evaluation=evaluation, pupil=pupil).comment == "Soigneux"
        result = Result.objects.get(evaluation=evaluation, pupil=pupil)
        assert result.competency_id == target.competency_id
        assert result.updated_by == school.teacher

    def test_empty_cell_removes_the_result_and_counts_for_nothing(self, school):
        evaluation = school.evaluate()
        scale = levels(school)
        pupil, target = school.pupils[0], cell(evaluation, school.pupils[0])
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[CellChange(pupil.pk, target.pk, scale["absent"])],
        )
        assert level_of(evaluation, pupil, target) == "absent"
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[CellChange(pupil.pk, target.pk, None)],
        )
        assert not Result.objects.filter(evaluation=evaluation).exists()

    def test_every_change_judged_alone_by_the_server(self, school, diplomas):
        evaluation = school.evaluate()
        other = school.evaluate()
        scale = levels(school)
        cap_level = scale_of(diploma_id=diplomas["CAP-ELEC"].pk)[0].pk
        pupil = school.pupils[0]
        target = cell(evaluation, pupil)
        stranger = PupilFactory(establishment=school.establishment, division=school.division)
        outcome = results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[
                CellChange(pupil.pk, target.pk, scale["4"]),
                CellChange(pupil.pk, cell(other, pupil).pk, scale["4"]),  # another grid's column
                CellChange(pupil.pk, cell(evaluation, pupil, 2).pk, cap_level),  # another scale
                CellChange(stranger.pk, target.pk, scale["4"]),  # not in this evaluation
            ],
        )
        assert outcome.saved == [f"{pupil.pk}:{target.pk}"]
        assert len(outcome.refused) == 3
        assert "colonne" in outcome.refused[f"{pupil.pk}:{cell(other, pupil).pk}"]
        assert "échelle" in outcome.refused[f"{pupil.pk}:{cell(evaluation, pupil, 2).pk}"]
        assert "lecture seule" in outcome.refused[f"{stranger.pk}:{target.pk}"]
        assert Result.objects.filter(evaluation=evaluation).count() == 1

    def test_only_authors_for_pupils_of_divisions_they_teach(self, school, users):
        evaluation = school.evaluate()
        scale = levels(school)
        pupil, target = school.pupils[0], cell(evaluation, school.pupils[0])
        change = [CellChange(pupil.pk, target.pk, scale["3"])]
        # The colleague teaches the division but is no co-author; the co-author teaches the
        # group only (the pupil is not in it); the head reads.
        for actor in (school.colleague, school.co_author, users["chef"]):
            outcome = results_record(evaluation=evaluation, actor=actor, cells=change)
            assert list(outcome.refused) == [f"{pupil.pk}:{target.pk}"], actor
        pupil.groups.add(school.group)
        grouped = school.evaluate(divisions=[school.division, school.group])
        target = cell(grouped, pupil)
        outcome = results_record(
            evaluation=grouped,
            actor=school.co_author,
            cells=[CellChange(pupil.pk, target.pk, scale["3"])],
        )
        assert outcome.refused == {}
        # Assigned by the administrator: the same StaffMember.divisions.
        StaffMemberFactory(establishment=school.establishment, user=users["chef"])
        assert not Result.objects.filter(evaluation=evaluation).exists()

    def test_a_pupil_who_left_or_moved_keeps_results_read_only(self, school):
        evaluation = school.evaluate()
        scale = levels(school)
        left, moved = school.pupils[0], school.pupils[1]
        target = cell(evaluation, left)
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[
                CellChange(left.pk, target.pk, scale["3"]),
                CellChange(moved.pk, target.pk, scale["2"]),
            ],
        )
        left.status = PupilStatus.LEFT
        left.save()
        moved.division = DivisionFactory(
            establishment=school.establishment, school_year=school.division.school_year
        )
        moved.save()
        outcome = results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[
                CellChange(left.pk, target.pk, None),
                CellChange(moved.pk, target.pk, scale["4"]),
            ],
        )
        assert len(outcome.refused) == 2
        assert level_of(evaluation, left, target) == "3"
        assert level_of(evaluation, moved, target) == "2"

    def test_certificative_changes_are_recorded_with_the_pupil_by_number(self, school):
        evaluation = school.evaluate(
            kind=EvaluationKind.CERTIFICATIVE, unit=school.diploma.units.get(code="U31")
        )
        scale = levels(school)
        pupil, target = school.pupils[0], cell(evaluation, school.pupils[0])
        for level in (scale["2"], scale["3"], scale["3"], None):
            results_record(
                evaluation=evaluation,
                actor=school.teacher,
                cells=[CellChange(pupil.pk, target.pk, level)],
            )
        history = list(ResultChange.objects.filter(evaluation=evaluation).order_by("pk"))
        assert [(h.old, h.new) for h in history] == [
            ("", "2 Insuffisamment maîtrisé"),
            ("2 Insuffisamment maîtrisé", "3 Maîtrisé"),
            ("3 Maîtrisé", ""),
        ]  # the unchanged write is no change
        assert {h.actor for h in history} == {school.teacher}
        assert all(h.pupil_id == pupil.pk for h in history)
        assert pupil.last_name not in str(history[0]) and "n° " in str(history[0])

    def test_formative_changes_have_no_history(self, school):
        evaluation = school.evaluate()
        pupil = school.pupils[0]
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[CellChange(pupil.pk, cell(evaluation, pupil).pk, levels(school)["3"])],
        )
        assert not ResultChange.objects.exists()

    def test_one_cell_in_at_most_six_queries(self, school, django_assert_max_num_queries):
        """Certificative (its history written): the two savepoints of the test's transaction,
        the check of the row, column and level, the old value, the write, the history."""
        evaluation = school.evaluate(
            kind=EvaluationKind.CERTIFICATIVE, unit=school.diploma.units.get(code="U31")
        )
        pupil, target = school.pupils[0], cell(evaluation, school.pupils[0])
        change = CellChange(pupil.pk, target.pk, levels(school)["3"])
        with django_assert_max_num_queries(6):
            outcome = results_record(evaluation=evaluation, actor=school.teacher, cells=[change])
        assert outcome.written == 1

    def test_a_big_batch_in_a_fixed_number_of_queries(self, school, django_assert_max_num_queries):
        """A whole grid at once: the same queries, plus one for the comments, one for the
        cells emptied — whatever the number of cells."""
        evaluation = school.evaluate(
            kind=EvaluationKind.CERTIFICATIVE, unit=school.diploma.units.get(code="U31")
        )
        scale = levels(school)
        targets = list(evaluation.targets.all())
        changes = [CellChange(p.pk, t.pk, scale["3"]) for p in school.pupils for t in targets]
        with django_assert_max_num_queries(7):
            outcome = results_record(
                evaluation=evaluation,
                actor=school.teacher,
                cells=changes,
                comments=[CommentChange(school.pupils[0].pk, "Bien")],
            )
        assert outcome.written == len(changes) == 50
        with django_assert_max_num_queries(7):
            results_record(
                evaluation=evaluation,
                actor=school.teacher,
                cells=[CellChange(p.pk, targets[0].pk, None) for p in school.pupils]
                + [CellChange(school.pupils[0].pk, targets[1].pk, scale["4"])],
            )
        assert Result.objects.filter(evaluation=evaluation).count() == 40


class TestPublishAndPupilReads:
    def test_certificative_results_reach_the_pupil_once_published(self, school):
        certificative = school.evaluate(
            kind=EvaluationKind.CERTIFICATIVE, unit=school.diploma.units.get(code="U31")
        )
        formative = school.evaluate()
        scale = levels(school)
        pupil = school.pupils[0]
        for evaluation, level in ((certificative, "4"), (formative, "2")):
            results_record(
                evaluation=evaluation,
                actor=school.teacher,
                cells=[CellChange(pupil.pk, cell(evaluation, pupil).pk, scale[level])],
            )
        seen = pupil_results(pupil=pupil)
        assert [(r.kind, r.level_code) for r in seen] == [(EvaluationKind.FORMATIVE, "2")]
        everything = pupil_results(pupil=pupil, include_unpublished=True)
        assert {r.level_code for r in everything} == {"2", "4"}
        evaluation_publish(evaluation=certificative, actor=school.teacher)
        seen = pupil_results(pupil=pupil)
        assert {(r.kind, r.unit_code, r.level_code) for r in seen} == {
            (EvaluationKind.FORMATIVE, "", "2"),
            (EvaluationKind.CERTIFICATIVE, "U31", "4"),
        }
        row = next(r for r in seen if r.unit_code)
        assert (row.competency_code, row.column_code, row.date, row.scenario_title) == (
            "C2",
            "C2.1",
            today(),
            school.scenario.title,
        )
        assert pupil_results(pupil=school.pupils[1]) == []
        grouped = pupil_results_by_competency(pupil=pupil)
        assert [g["code"] for g in grouped] == ["C2"]
        with pytest.raises(ValidationError):
            evaluation_publish(evaluation=certificative, actor=school.teacher)
        with pytest.raises(ValidationError):
            evaluation_publish(evaluation=formative, actor=school.teacher)

    def test_pupil_results_in_one_query(self, school, django_assert_num_queries):
        evaluation = school.evaluate()
        scale = levels(school)
        pupil = school.pupils[0]
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[CellChange(pupil.pk, t.pk, scale["3"]) for t in evaluation.targets.all()],
        )
        with django_assert_num_queries(1):
            assert len(pupil_results(pupil=pupil)) == 5


class TestEdit:
    def test_title_date_indicators(self, school):
        evaluation = school.evaluate()
        target = cell(evaluation, None)
        evaluation_update(
            evaluation=evaluation,
            actor=school.teacher,
            title="  Séance   2 ",
            date=today(),
            indicators={target.pk: "Serrage au couple"},
        )
        evaluation.refresh_from_db()
        target.refresh_from_db()
        assert (evaluation.title, target.indicator) == ("Séance 2", "Serrage au couple")
        with pytest.raises(ValidationError):
            evaluation_update(
                evaluation=evaluation,
                actor=school.teacher,
                title="",
                date=today(),
                indicators={cell(school.evaluate(), None).pk: "x"},
            )

    def test_pupils_added_and_removed_but_never_one_with_results(self, school):
        evaluation = school.evaluate(pupils=[p.pk for p in school.pupils[:5]])
        newcomer = PupilFactory(establishment=school.establishment, division=school.division)
        keep = [p.pk for p in school.pupils[:4]] + [newcomer.pk]
        assert evaluation_pupils_set(evaluation=evaluation, actor=school.teacher, pupils=keep) == (
            1,
            1,
        )
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[CellChange(newcomer.pk, cell(evaluation, None).pk, levels(school)["3"])],
        )
        with pytest.raises(ValidationError) as refused:
            evaluation_pupils_set(evaluation=evaluation, actor=school.teacher, pupils=keep[:4])
        assert str(newcomer.pk) in refused.value.message_dict["pupils"][0]
        assert evaluation.assignments.count() == 5


@pytest.mark.django_db
class TestTargetsAreUnique:
    """On SQLite as on PostgreSQL (no NULLS NOT DISTINCT needed): a criterion once, a whole
    competency once, per evaluation."""

    def test_a_criterion_or_a_whole_competency_once(self, school):
        from django.db import IntegrityError, transaction

        from carnet.evaluations.models import EvaluationTarget

        evaluation = school.evaluate()
        criterion = school.criteria("C2")[0]
        whole = school.competency("C4")
        EvaluationTarget.objects.create(evaluation=evaluation, competency=whole, position=90)
        for values in (
            {"criterion": criterion, "competency": criterion.competency},
            {"competency": whole},
        ):
            with pytest.raises(IntegrityError), transaction.atomic():
                EvaluationTarget.objects.create(evaluation=evaluation, position=99, **values)
