"""An establishment's teaching for the evaluations' tests: a division of ten pupils taught by
the teacher (prof.a, author of a scenario on C2 and C4), a co-author who teaches a group,
and a colleague who teaches the division but did not write the scenario."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from carnet.accounts.tests.factories import UserFactory
from carnet.directory.enums import StructureKind
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.evaluations.enums import EvaluationKind, Grain
from carnet.evaluations.services import evaluation_create
from carnet.referentials.models import Competency, Criterion
from carnet.scenarios.tests.factories import ScenarioFactory


def today():
    return timezone.localdate()


@dataclass
class School:
    establishment: object
    diploma: object
    division: object
    group: object
    pupils: list
    teacher: object
    co_author: object
    colleague: object
    scenario: object

    def criteria(self, code: str) -> list:
        return list(
            Criterion.objects.filter(competency__diploma=self.diploma, competency__code=code)
        )

    def competency(self, code: str):
        return Competency.objects.get(diploma=self.diploma, code=code)

    def evaluate(self, **options):
        """A new evaluation of the scenario (formative, per criterion, the division)."""
        values = {
            "scenario": self.scenario,
            "actor": self.teacher,
            "kind": EvaluationKind.FORMATIVE,
            "date": today(),
            "grain": Grain.CRITERION,
            "divisions": [self.division],
            "criteria": [c.pk for c in self.scenario.criteria.all()],
        } | options
        return evaluation_create(**values)


@pytest.fixture
def school(users, establishment, diplomas):
    diploma = diplomas["BP-MELEC"]
    start = school_year_start(today())
    division = DivisionFactory(
        establishment=establishment,
        code="2MELEC-A",
        school_year__start_year=start,
        diploma=diploma,
    )
    group = DivisionFactory(
        establishment=establishment,
        code="GR-ATELIER",
        kind=StructureKind.GROUP,
        school_year__start_year=start,
    )
    pupils = [
        PupilFactory(
            establishment=establishment,
            division=division,
            last_name=f"ÉLÈVE{n:02d}",
            first_name="Léa",
        )
        for n in range(1, 11)
    ]
    teacher = users["enseignant"]
    co_author = UserFactory(username="coauteur.a", establishment=establishment)
    colleague = UserFactory(username="collegue.a", establishment=establishment)
    StaffMemberFactory(establishment=establishment, user=teacher).divisions.set([division])
    StaffMemberFactory(establishment=establishment, user=co_author).divisions.set([group])
    StaffMemberFactory(establishment=establishment, user=colleague).divisions.set([division])
    scenario = ScenarioFactory(
        establishment=establishment,
        author=teacher,
        school_year__start_year=start,
        diploma=diploma,
        title="Installation d'un tableau électrique",
        co_authors=[co_author],
    )
    scenario.criteria.set(
        [
            *Criterion.objects.filter(competency__diploma=diploma, competency__code="C2")[:3],
            *Criterion.objects.filter(competency__diploma=diploma, competency__code="C4")[:2],
        ]
    )
    return School(
        establishment=establishment,
        diploma=diploma,
        division=division,
        group=group,
        pupils=pupils,
        teacher=teacher,
        co_author=co_author,
        colleague=colleague,
        scenario=scenario,
    )
