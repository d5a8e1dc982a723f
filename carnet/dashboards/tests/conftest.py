"""A division of Première MELEC of eight pupils taught by « prof.a », a colleague who does
not teach it, a scenario and a few evaluations (formative, and certificative U31)."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from carnet.accounts.tests.factories import UserFactory
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.scenarios.tests.factories import ScenarioFactory


def today():
    return timezone.localdate()


@dataclass
class Klass:
    establishment: object
    diploma: object
    division: object
    pupils: list
    teacher: object
    outsider: object
    scenario: object


@pytest.fixture
def klass(users, establishment, diplomas):
    diploma = diplomas["BP-MELEC"]
    start = school_year_start(today())
    division = DivisionFactory(
        establishment=establishment,
        code="1MELEC-A",
        mef="24725520320",
        school_year__start_year=start,
        diploma=diploma,
    )
    pupils = [
        PupilFactory(
            establishment=establishment,
            division=division,
            last_name=f"ÉLÈVE{n:02d}",
            first_name="Léa",
        )
        for n in range(1, 9)
    ]
    teacher = users["enseignant"]
    outsider = UserFactory(username="autre.prof.a", establishment=establishment)
    StaffMemberFactory(establishment=establishment, user=teacher).divisions.set([division])
    StaffMemberFactory(establishment=establishment, user=outsider)
    scenario = ScenarioFactory(
        establishment=establishment,
        author=teacher,
        school_year__start_year=start,
        diploma=diploma,
        title="Installation d'un tableau électrique",
    )
    return Klass(establishment, diploma, division, pupils, teacher, outsider, scenario)


def first_day():
    return datetime.date(school_year_start(today()), 9, 1)
