"""Factories of the directory: school years, divisions, pupils, staff."""

import datetime

import factory

from carnet.core.identifiers import CHECK_ALPHABET
from carnet.directory.enums import PupilStatus, StaffFunction
from carnet.directory.models import Division, Pupil, SchoolYear, StaffMember
from carnet.establishments.tests.factories import EstablishmentFactory


def valid_ine(n: int) -> str:
    digits = f"{1000000000 + n:010d}"
    return digits + CHECK_ALPHABET[int(digits) % 23]


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("start_year",)

    start_year = 2026


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    establishment = factory.SubFactory(EstablishmentFactory)
    school_year = factory.SubFactory(SchoolYearFactory)
    code = factory.Sequence(lambda n: f"DIV{n}")
    label = factory.LazyAttribute(lambda o: f"Division {o.code}")


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    establishment = factory.SubFactory(EstablishmentFactory)
    last_name = factory.Sequence(lambda n: f"ELEVE{n}")
    first_name = "Léa"
    birth_date = datetime.date(2010, 5, 17)
    ine = factory.Sequence(valid_ine)
    siecle_eleve_id = factory.Sequence(lambda n: f"{100000 + n}")
    status = PupilStatus.ACTIVE
    division = factory.SubFactory(
        DivisionFactory, establishment=factory.SelfAttribute("..establishment")
    )

    class Params:
        without_ine = factory.Trait(ine=None)
        left = factory.Trait(status=PupilStatus.LEFT)


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    establishment = factory.SubFactory(EstablishmentFactory)
    last_name = factory.Sequence(lambda n: f"PROF{n}")
    first_name = "Karim"
    function = StaffFunction.TEACHER
    sts_id = factory.Sequence(lambda n: f"{5000 + n}")
