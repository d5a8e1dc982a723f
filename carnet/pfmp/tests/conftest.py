"""A division of the establishment with PFMP: five pupils (the first one with an account,
« eleve.a »), their teacher (prof.a), a colleague who does not teach it, a period of four
weeks with a placement per pupil."""

import datetime
from dataclasses import dataclass

import pytest

from carnet.accounts.tests.factories import UserFactory
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.pfmp.models import Placement
from carnet.pfmp.services import period_create
from carnet.referentials.models import Competency, Criterion, Task


def today():
    return datetime.date.today()


@dataclass
class Pfmp:
    establishment: object
    diploma: object
    division: object
    pupils: list
    teacher: object
    colleague: object
    learner: object
    period: object

    def placement(self, index: int = 0) -> Placement:
        return Placement.objects.get(period=self.period, pupil=self.pupils[index])

    def tasks(self, *codes):
        return [Task.objects.get(activity__diploma=self.diploma, code=code) for code in codes]

    def competency(self, code):
        return Competency.objects.get(diploma=self.diploma, code=code)

    def criteria(self, code):
        return list(Criterion.objects.filter(competency=self.competency(code)).order_by("position"))


@pytest.fixture
def pfmp(users, establishment, diplomas):
    diploma = diplomas["BP-MELEC"]
    start = school_year_start(today())
    division = DivisionFactory(
        establishment=establishment,
        code="1MELEC-A",
        school_year__start_year=start,
        diploma=diploma,
    )
    learner = users["apprenant"]
    pupils = [
        PupilFactory(
            establishment=establishment,
            division=division,
            last_name=f"ÉLÈVE{n}",
            user=learner if n == 1 else None,
        )
        for n in range(1, 6)
    ]
    teacher = users["enseignant"]
    StaffMemberFactory(establishment=establishment, user=teacher).divisions.set([division])
    colleague = UserFactory(username="collegue.a", establishment=establishment)
    StaffMemberFactory(establishment=establishment, user=colleague)
    period = period_create(
        division=division,
        actor=teacher,
        starts_on=datetime.date(start + 1, 1, 6),
        ends_on=datetime.date(start + 1, 1, 31),
        weeks=4,
        title="PFMP de janvier",
    )
    return Pfmp(establishment, diploma, division, pupils, teacher, colleague, learner, period)
