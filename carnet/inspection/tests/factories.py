"""Grants made directly (any dates, past ones included), bypassing the service's checks."""

import datetime

import factory
from django.utils import timezone

from carnet.accounts.tests.factories import UserFactory
from carnet.establishments.tests.factories import EstablishmentFactory
from carnet.inspection.models import InspectorGrant


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


class InspectorGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectorGrant

    establishment = factory.SubFactory(EstablishmentFactory)
    inspector = factory.SubFactory(UserFactory, inspector=True)
    starts_on = factory.LazyFunction(lambda: days(-3))
    ends_on = factory.LazyFunction(lambda: days(3))
    note = ""

    class Params:
        expired = factory.Trait(
            starts_on=factory.LazyFunction(lambda: days(-10)),
            ends_on=factory.LazyFunction(lambda: days(-1)),
        )
        future = factory.Trait(
            starts_on=factory.LazyFunction(lambda: days(1)),
            ends_on=factory.LazyFunction(lambda: days(5)),
        )
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))
