"""Factories of establishments (the tenants)."""

import factory

from carnet.core.identifiers import CHECK_ALPHABET
from carnet.establishments.models import Establishment


def valid_uai(n: int) -> str:
    digits = f"{690000 + n:07d}"
    return digits + CHECK_ALPHABET[int(digits) % 23]


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        django_get_or_create = ("uai",)

    uai = factory.Sequence(valid_uai)
    name = factory.Sequence(lambda n: f"Lycée professionnel n°{n}")
    email = factory.Sequence(lambda n: f"ce.{n}@etablissement.invalid")
    city = "Lyon"
