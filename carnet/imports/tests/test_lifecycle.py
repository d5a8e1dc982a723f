"""One lifecycle for every import (carnet/imports/batches.py): what the SIECLE and the
hors-SIECLE imports both get from it."""

import dataclasses
import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.directory.models import Division, Pupil
from carnet.imports.batches import AlreadyApplied, establishment_lock, import_batch_apply
from carnet.imports.enums import BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.outside import OUTSIDE_IMPORT, outside_import_apply
from carnet.imports.parsers.files import RawFile
from carnet.imports.services import siecle_import_apply, siecle_import_preview
from carnet.imports.tests import generator as gen
from carnet.imports.tests.learners import ROWS, preview, table

TODAY = datetime.date(2026, 11, 28)


def siecle_preview(establishment):
    school = gen.establishment(uai=establishment.uai, pupils=10, teachers=1)
    files = [RawFile(name, content) for name, content in gen.all_files(school).items()]
    return siecle_import_preview(
        establishment=establishment, uploads=files, actor=None, today=TODAY
    )


def age(batch, hours: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=hours)
    )


@pytest.mark.django_db
class TestPreviewOfADay:
    def test_a_hors_siecle_preview_older_than_24_hours_is_refused_and_dropped(self, establishment):
        batch = preview(establishment, table(*ROWS))
        age(batch, 25)
        with pytest.raises(ValidationError, match="Cet aperçu date de plus de 24 heures"):
            outside_import_apply(batch=batch, actor=None)
        assert not Pupil.objects.exists()
        batch.refresh_from_db()
        assert (batch.status, batch.payload, batch.changes) == (BatchStatus.CANCELLED, {}, [])

    def test_a_siecle_preview_older_than_24_hours_is_dropped_with_its_refusal(
        self, establishment, diplomas
    ):
        batch = siecle_preview(establishment)
        age(batch, 25)
        with pytest.raises(ValidationError, match="plus de 24 heures"):
            siecle_import_apply(batch=batch, actor=None)
        batch.refresh_from_db()
        assert (batch.status, batch.payload, batch.changes) == (BatchStatus.CANCELLED, {}, [])

    def test_a_preview_of_23_hours_is_applied(self, establishment):
        batch = preview(establishment, table(*ROWS))
        age(batch, 23)
        assert outside_import_apply(batch=batch, actor=None).status == BatchStatus.APPLIED


@pytest.mark.django_db
class TestOnce:
    @pytest.mark.parametrize("kind", ["siecle", "hors_siecle"])
    def test_applied_twice_says_already_applied_and_changes_nothing(
        self, kind, establishment, diplomas
    ):
        if kind == "siecle":
            batch, apply = siecle_preview(establishment), siecle_import_apply
        else:
            batch, apply = preview(establishment, table(*ROWS)), outside_import_apply
        apply(batch=batch, actor=None)
        pupils, events = Pupil.objects.count(), AuditEvent.objects.count()
        with pytest.raises(AlreadyApplied, match="Cet import a déjà été appliqué \\(le "):
            apply(batch=batch, actor=None)
        assert (Pupil.objects.count(), AuditEvent.objects.count()) == (pupils, events)

    def test_each_kind_applies_only_its_own_batches(self, establishment, diplomas):
        batch = siecle_preview(establishment)
        with pytest.raises(ValidationError, match="n'est pas celui d'un import de ce type"):
            outside_import_apply(batch=batch, actor=None)
        assert ImportBatch.objects.get().status == BatchStatus.PREVIEW

    def test_one_audit_event_counts_what_changed(self, establishment):
        batch = preview(establishment, table(*ROWS))
        outside_import_apply(batch=batch, actor=None)
        event = AuditEvent.objects.get(action=AuditAction.IMPORT_APPLIED)
        assert event.changes == {"Apprenants": ["", "3 créés"], "Divisions": ["", "2 créées"]}

    def test_a_constraint_broken_while_writing_is_a_french_refusal_and_writes_nothing(
        self, establishment
    ):
        # What another write could do between the plan and the insert: here, once the
        # real apply has written, a second division with the code of one it created.
        def apply_then_collide(*, establishment, plan, actor):
            OUTSIDE_IMPORT.apply(establishment=establishment, plan=plan, actor=actor)
            first = Division.objects.filter(establishment=establishment).first()
            Division.objects.create(
                establishment=establishment,
                school_year=first.school_year,
                code=first.code,
                label="doublon",
            )

        colliding = dataclasses.replace(OUTSIDE_IMPORT, apply=apply_then_collide)
        batch = preview(establishment, table(*ROWS))
        with pytest.raises(ValidationError, match="ont changé pendant l'import : rien n'a été"):
            import_batch_apply(kind=colliding, batch=batch, actor=None)
        assert not Pupil.objects.exists() and not Division.objects.exists()
        assert not AuditEvent.objects.filter(action=AuditAction.IMPORT_APPLIED).exists()
        assert ImportBatch.objects.get().status == BatchStatus.PREVIEW
        # The preview is still good once the other write is gone.
        outside_import_apply(batch=batch, actor=None)
        assert Pupil.objects.count() == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite: every transaction begins with BEGIN IMMEDIATE, which already serialises "
    "two imports (test_concurrency.py); the row lock is PostgreSQL's",
)
@pytest.mark.django_db(transaction=True)
def test_a_hors_siecle_import_waits_for_the_lock_of_the_establishment(establishment):
    """While another import holds the establishment, « Confirmer » waits (it took no lock)."""
    batch = preview(establishment, table(*ROWS))
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_import():
        try:
            with transaction.atomic():
                establishment_lock(establishment)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections["default"].close()

    def confirm():
        try:
            outside_import_apply(batch=batch, actor=None)
            done.set()
        finally:
            connections["default"].close()

    holder = threading.Thread(target=other_import)
    holder.start()
    assert locked.wait(timeout=30)
    waiter = threading.Thread(target=confirm)
    waiter.start()
    assert not done.wait(timeout=1), "the import went on while the establishment was locked"
    release.set()
    holder.join(timeout=30)
    waiter.join(timeout=30)
    assert done.is_set()
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.APPLIED
