"""Fixtures shared by every test: two establishments, a user per profile, signed-in clients."""

from pathlib import Path

import pytest
from django.test import Client

from carnet.accounts.tests.factories import UserFactory
from carnet.establishments.tests.factories import EstablishmentFactory
from carnet.referentials.parser import parse_referential
from carnet.referentials.services import referential_load

REFERENTIALS_DIR = Path(__file__).parent / "data" / "referentiels"


@pytest.fixture
def establishment(db):
    return EstablishmentFactory(
        uai="0442953W", name="Lycée professionnel A", email="ce.a@ac-nantes.fr"
    )


@pytest.fixture
def other_establishment(db):
    return EstablishmentFactory(
        uai="0573690B", name="Lycée professionnel B", email="ce.b@ac-nancy-metz.fr"
    )


@pytest.fixture
def users(establishment, other_establishment):
    """One account per profile in establishment A, plus the administrator of B."""
    return {
        "administrateur": UserFactory(username="admin.a", admin=True, establishment=establishment),
        "chef": UserFactory(username="chef.a", head=True, establishment=establishment),
        "enseignant": UserFactory(username="prof.a", establishment=establishment),
        "apprenant": UserFactory(username="eleve.a", learner=True, establishment=establishment),
        "inspecteur": UserFactory(username="ien.x", inspector=True),
        "admin_autre": UserFactory(
            username="admin.b", admin=True, establishment=other_establishment
        ),
        "chef_autre": UserFactory(username="chef.b", head=True, establishment=other_establishment),
        # The platform operator: a Django superuser, of no establishment.
        "operateur": UserFactory(
            username="operateur",
            profile="operateur",
            establishment=None,
            is_staff=True,
            is_superuser=True,
        ),
    }


@pytest.fixture
def client_of():
    """client_of(user) → a Client signed in as that user."""

    def make(user):
        client = Client()
        client.force_login(user, backend="carnet.accounts.backends.AccountBackend")
        return client

    return make


@pytest.fixture
def admin_client_a(users, client_of):
    return client_of(users["administrateur"])


@pytest.fixture
def diplomas(db):
    """The référentiels shipped in data/referentiels, loaded."""
    for path in sorted(REFERENTIALS_DIR.glob("*.json")):
        referential_load(data=parse_referential(path.read_bytes()).referential)
    from carnet.referentials.models import Diploma

    return {d.code: d for d in Diploma.objects.all()}
