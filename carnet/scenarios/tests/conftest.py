"""Teachers of establishment A (an author, a colleague), a teacher of B, and scenarios."""

import pytest
from django.core.files.storage import default_storage

from carnet.accounts.tests.factories import UserFactory
from carnet.scenarios.tests.factories import ScenarioFactory


@pytest.fixture(autouse=True)
def storage(settings):
    """A fresh, empty InMemoryStorage for each test (Django resets default_storage)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


def stored_files(path: str = "") -> list[str]:
    directories, files = default_storage.listdir(path)
    found = [f"{path}{name}" for name in files]
    for directory in directories:
        found += stored_files(f"{path}{directory}/")
    return sorted(found)


@pytest.fixture
def teacher(users):
    return users["enseignant"]


@pytest.fixture
def colleague(establishment):
    return UserFactory(username="collegue.a", last_name="COLLÈGUE", establishment=establishment)


@pytest.fixture
def teacher_b(other_establishment):
    return UserFactory(username="prof.b", last_name="PROFB", establishment=other_establishment)


@pytest.fixture
def scenario(establishment, teacher, diplomas):
    return ScenarioFactory(establishment=establishment, author=teacher, title="Tableau de chantier")
