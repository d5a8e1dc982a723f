"""Two establishments with transfers on: B holds a pupil's record (an evaluation with
results), A has just received that pupil (same INE) from a SIECLE import."""

from dataclasses import dataclass

import pytest
from django.core.files.storage import default_storage

from carnet.directory.tests.factories import PupilFactory, valid_ine
from carnet.evaluations.services import CellChange, results_record
from carnet.evaluations.tests.conftest import School, school  # noqa: F401
from carnet.transfers import services


@pytest.fixture(autouse=True)
def storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    """This deployment's key, in a file of the test (the cache forgets the previous one)."""
    settings.TRANSFER_KEY_FILE = tmp_path / "deploiement.pem"
    services.deployment_key.cache_clear()
    yield settings.TRANSFER_KEY_FILE
    services.deployment_key.cache_clear()


def enable(establishment):
    establishment.cnil_number = "1929152 v0"
    establishment.transfers_enabled = True
    establishment.save(update_fields=["cnil_number", "transfers_enabled"])


@dataclass
class Record:
    holder: object  # B, holding the record
    receiver: object  # A, where the pupil arrives
    holder_pupil: object
    pupil: object
    school: School


@pytest.fixture
def record(establishment, other_establishment, school, users):  # noqa: F811
    """``school`` is set in A by the evaluations' fixture: here it is B's, who holds the
    record (the evaluation's pupils are B's); A receives the first of them."""
    ine = valid_ine(4242)
    holder_pupil = school.pupils[0]
    holder_pupil.ine = ine
    holder_pupil.save(update_fields=["ine"])
    evaluation = school.evaluate(title="Câblage, séance 1")
    level = school.diploma.scale.get(code="3")
    results_record(
        evaluation=evaluation,
        actor=school.teacher,
        cells=[CellChange(holder_pupil.pk, t.pk, level.pk) for t in evaluation.targets.all()],
    )
    receiver = other_establishment
    pupil = PupilFactory(establishment=receiver, ine=ine, last_name="NOUVEAU", first_name="Léo")
    enable(establishment)
    enable(receiver)
    return Record(
        holder=establishment,
        receiver=receiver,
        holder_pupil=holder_pupil,
        pupil=pupil,
        school=school,
    )
