"""Factories of accounts."""

import factory

from carnet.accounts.models import User
from carnet.core.profiles import Profile
from carnet.establishments.tests.factories import EstablishmentFactory

TEST_PASSWORD = "Mot-de-passe-de-test-2026!"


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
