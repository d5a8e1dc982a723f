"""Scenarios of a teacher (the diploma must be loaded: the ``diplomas`` fixture)."""

import factory
from django.utils import timezone

from carnet.accounts.tests.factories import UserFactory
from carnet.directory.models import SchoolYear
from carnet.directory.school_years import school_year_start
from carnet.establishments.tests.factories import EstablishmentFactory
from carnet.referentials.models import Diploma
from carnet.scenarios.enums import ClassLevel
from carnet.scenarios.models import Scenario


def current_year() -> SchoolYear:
    year, _ = SchoolYear.objects.get_or_create(start_year=school_year_start(timezone.localdate()))
    return year


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario
        skip_postgeneration_save = True

    establishment = factory.SubFactory(EstablishmentFactory)
    # The current school year (the library's default); ``last_year`` for the year before.
    school_year = factory.LazyFunction(current_year)
    author = factory.SubFactory(UserFactory, establishment=factory.SelfAttribute("..establishment"))
    title = factory.Sequence(lambda n: f"Scénario {n}")
    diploma = factory.LazyFunction(lambda: Diploma.objects.get(code="BP-MELEC"))
    class_level = ClassLevel.SECONDE
    context = factory.LazyFunction(dict)

    class Params:
        last_year = factory.Trait(
            school_year=factory.LazyFunction(
                lambda: SchoolYear.objects.get_or_create(start_year=current_year().start_year - 1)[
                    0
                ]
            )
        )

    @factory.post_generation
    def co_authors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.co_authors.set(extracted)
