"""factory_boy factories shared by the tests of every app."""

import datetime

import factory

from carnet.accounts.enums import Profile
from carnet.accounts.models import User
from carnet.core.identifiers import CHECK_ALPHABET
from carnet.directory.enums import PupilStatus, StaffFunction
from carnet.directory.models import Division, Pupil, SchoolYear, StaffMember
from carnet.establishments.models import Establishment

TEST_PASSWORD = "Mot-de-passe-de-test-2026!"


def valid_uai(n: int) -> str:
    digits = f"{690000 + n:07d}"
    return digits + CHECK_ALPHABET[int(digits) % 23]


def valid_ine(n: int) -> str:
    digits = f"{1000000000 + n:010d}"
    return digits + CHECK_ALPHABET[int(digits) % 23]


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        django_get_or_create = ("uai",)

    uai = factory.Sequence(valid_uai)
    name = factory.Sequence(lambda n: f"Lycée professionnel n°{n}")
    email = factory.Sequence(lambda n: f"ce.{n}@etablissement.invalid")
    city = "Lyon"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"compte.{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"TEST{n}")
    profile = Profile.TEACHER
    establishment = factory.SubFactory(EstablishmentFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        admin = factory.Trait(profile=Profile.ADMIN, first_name="", last_name="Administrateur")
        head = factory.Trait(profile=Profile.HEAD)
        learner = factory.Trait(profile=Profile.LEARNER)
        inspector = factory.Trait(profile=Profile.INSPECTOR, establishment=None)


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
