"""Scenarios of a teacher (the diploma must be loaded: the ``diplomas`` fixture)."""

import factory

from carnet.accounts.tests.factories import UserFactory
from carnet.directory.tests.factories import SchoolYearFactory
from carnet.establishments.tests.factories import EstablishmentFactory
from carnet.referentials.models import Diploma
from carnet.scenarios.enums import ClassLevel
from carnet.scenarios.models import Scenario


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario
        skip_postgeneration_save = True

    establishment = factory.SubFactory(EstablishmentFactory)
    school_year = factory.SubFactory(SchoolYearFactory)
    author = factory.SubFactory(UserFactory, establishment=factory.SelfAttribute("..establishment"))
    title = factory.Sequence(lambda n: f"Scénario {n}")
    diploma = factory.LazyFunction(lambda: Diploma.objects.get(code="BP-MELEC"))
    class_level = ClassLevel.SECONDE
    context = factory.LazyFunction(dict)

    @factory.post_generation
    def co_authors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.co_authors.set(extracted)
