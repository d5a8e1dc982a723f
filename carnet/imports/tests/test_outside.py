"""Learners « hors SIECLE »: file import (preview → apply → re-apply), refusals, and a SIECLE
import afterwards. Their pages: test_outside_pages.py."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.accounts.tests.factories import UserFactory
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.directory.enums import OutsideStatus, PupilSource, PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil
from carnet.directory.outside import (
    outside_learner_create,
)
from carnet.directory.selectors import first_import_done
from carnet.directory.tests.factories import (
    PupilFactory,
)
from carnet.imports.batches import AlreadyApplied, import_batch_cancel
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.outside import outside_import_apply
from carnet.imports.parsers.files import RawFile
from carnet.imports.services import siecle_import_run
from carnet.imports.tests import generator as gen
from carnet.imports.tests.learners import (
    INE_1,
    INE_2,
    INE_3,
    OUTSIDE,
    ROWS,
    current_division,
    data_writes,
    import_file,
    learners,
    preview,
    table,
    year,
)

# --- Import ---------------------------------------------------------------------------------


@pytest.mark.django_db
class TestImportPreviewApply:
    def test_preview_changes_nothing_then_apply_creates_everything(self, establishment, users):
        admin = users["administrateur"]
        batch = preview(establishment, table(*ROWS), admin)
        assert batch.kind == BatchKind.OUTSIDE_SIECLE
        assert batch.status == BatchStatus.PREVIEW
        assert batch.counts["pupils"] == {"created": 3, "updated": 0, "unchanged": 0, "left": 0}
        assert batch.counts["divisions"] == {"created": 2, "unchanged": 0}
        assert [(c["kind"], c["action"], c["label"]) for c in batch.changes] == [
            ("Division", "créée", "CAP1-APP"),
            ("Division", "créée", "ADULTES"),
            ("Apprenant", "créé", "MARTIN Léa"),
            ("Apprenant", "créé", "ŒUVRAY Cœlia"),
            ("Apprenant", "créé", "DURAND Hugo"),
        ]
        assert batch.files[0]["sha256"] == RawFile("a", table(*ROWS)).sha256
        assert batch.payload["digest"]
        assert not Pupil.objects.exists() and not Division.objects.exists()

        outside_import_apply(batch=batch, actor=admin)
        batch.refresh_from_db()
        assert batch.status == BatchStatus.APPLIED and batch.payload == {}
        rows = {
            p.last_name: (p.first_name, p.birth_date, p.ine, p.division.code, p.outside_status)
            for p in learners(establishment).select_related("division")
        }
        assert rows == {
            "MARTIN": ("Léa", datetime.date(2007, 5, 17), INE_1, "CAP1-APP", "apprenti"),
            "ŒUVRAY": ("Cœlia", datetime.date(1990, 2, 3), None, "ADULTES", "adulte"),
            "DURAND": ("Hugo", datetime.date(2006, 3, 2), INE_2, "CAP1-APP", "apprenti"),
        }
        divisions = Division.objects.of(establishment)
        assert {(d.code, d.source, d.kind, d.school_year.start_year) for d in divisions} == {
            ("CAP1-APP", OUTSIDE, StructureKind.DIVISION, year()),
            ("ADULTES", OUTSIDE, StructureKind.DIVISION, year()),
        }
        event = AuditEvent.objects.of(establishment).get(action=AuditAction.IMPORT_APPLIED)
        assert event.subject == "apprentis.csv"
        assert "MARTIN" not in json.dumps(event.changes)

    def test_same_file_again_is_all_unchanged_and_writes_nothing(self, establishment, users):
        import_file(establishment, table(*ROWS), users["administrateur"])
        batch = preview(establishment, table(*reversed(ROWS)), users["administrateur"])
        assert batch.counts["pupils"] == {"created": 0, "updated": 0, "unchanged": 3, "left": 0}
        assert batch.counts["divisions"] == {"created": 0, "unchanged": 2}
        assert batch.changes == []
        events = AuditEvent.objects.count()
        with CaptureQueriesContext(connection) as queries:
            outside_import_apply(batch=batch, actor=users["administrateur"])
        assert data_writes(queries) == []
        assert AuditEvent.objects.count() == events
        assert learners(establishment).count() == 3

    def test_key_is_the_ine_then_names_and_birth_date_whatever_case_and_accents(
        self, establishment
    ):
        import_file(establishment, table(*ROWS))
        martin, oeuvray = learners(establishment).filter(last_name__in=["MARTIN", "ŒUVRAY"])
        rows = [
            # Same INE: the learner, whose names were misspelt, is updated.
            f"MARTINE;Lea;17/05/2007;{INE_1};CAP2-APP;apprenti",
            # No INE before: found by names and birth date, case and accents ignored.
            f"Oeuvray;COELIA;03/02/1990;{INE_3};ADULTES;autre",
        ]
        batch = preview(establishment, table(*rows))
        assert batch.counts["pupils"] == {"created": 0, "updated": 2, "unchanged": 0, "left": 0}
        details = {c["label"]: c["details"] for c in batch.changes if c["kind"] == "Apprenant"}
        assert details["MARTINE Lea"] == [
            "nom : MARTIN → MARTINE",
            "prénom : Léa → Lea",
            "division : CAP1-APP → CAP2-APP",
        ]
        assert details["Oeuvray COELIA"] == [
            "nom : ŒUVRAY → Oeuvray",
            "prénom : Cœlia → COELIA",
            f"INE : (vide) → {INE_3}",
            "statut : Adulte → Autre",
        ]
        outside_import_apply(batch=batch, actor=None)
        martin.refresh_from_db()
        oeuvray.refresh_from_db()
        assert (martin.last_name, martin.division.code) == ("MARTINE", "CAP2-APP")
        assert (oeuvray.ine, oeuvray.outside_status) == (INE_3, OutsideStatus.OTHER)
        assert learners(establishment).count() == 3  # DURAND, absent from the file, is kept
        assert learners(establishment).get(last_name="DURAND").status == PupilStatus.ACTIVE

    def test_siecle_pupils_are_never_matched(self, establishment):
        siecle = PupilFactory(
            establishment=establishment, last_name="MARTIN", first_name="Léa", ine=None
        )
        siecle.birth_date = datetime.date(2007, 5, 17)
        siecle.save()
        batch = import_file(establishment, table("MARTIN;Léa;17/05/2007;;CAP1-APP;apprenti"))
        assert batch.counts["pupils"]["created"] == 1
        assert Pupil.objects.of(establishment).filter(last_name="MARTIN").count() == 2

    def test_ine_of_a_siecle_pupil_refuses_the_file(self, establishment):
        PupilFactory(establishment=establishment, last_name="BLANC", first_name="Noé", ine=INE_2)
        batch = preview(establishment, table(*ROWS))
        assert batch.status == BatchStatus.REFUSED
        assert [p["message"] for p in batch.errors] == [
            f"Ligne 4 (DURAND Hugo) : l'INE {INE_2} est déjà celui de l'élève BLANC Noé "
            "(SIECLE) de l'établissement. Vérifiez-le : un INE est propre à un apprenant."
        ]
        assert batch.payload == {} and batch.changes == []
        assert not learners(establishment).exists()

    def test_learners_join_an_existing_division_even_from_siecle(self, establishment):
        mixed = current_division(establishment, "CAP1-APP", source=PupilSource.SIECLE)
        batch = import_file(establishment, table(ROWS[0].replace("CAP1-APP", "cap1-app")))
        assert batch.counts["divisions"] == {"created": 0, "unchanged": 1}
        assert learners(establishment).get().division == mixed

    def test_a_group_is_not_a_division(self, establishment):
        current_division(establishment, "CAP1-APP", kind=StructureKind.GROUP)
        batch = preview(establishment, table(ROWS[0]))
        assert batch.status == BatchStatus.REFUSED
        assert "« CAP1-APP » est un groupe" in batch.errors[0]["message"]

    def test_a_left_learner_in_the_file_comes_back(self, establishment):
        import_file(establishment, table(ROWS[0]))
        learner = learners(establishment).get()
        account = UserFactory(learner=True, establishment=establishment, is_active=False)
        Pupil.objects.filter(pk=learner.pk).update(
            status=PupilStatus.LEFT, left_on=datetime.date(2026, 10, 1), user=account
        )
        batch = import_file(establishment, table(ROWS[0]))
        assert [(c["kind"], c["action"]) for c in batch.changes] == [
            ("Apprenant", "réactivé"),
            ("Compte", "réactivé"),
        ]
        learner.refresh_from_db()
        account.refresh_from_db()
        assert (learner.status, learner.left_on, account.is_active) == (
            PupilStatus.ACTIVE,
            None,
            True,
        )

    def test_a_file_with_errors_is_refused_whole(self, establishment):
        batch = preview(establishment, table(ROWS[0], "DURAND;Hugo;31/02/2006;;CAP1-APP;apprenti"))
        assert batch.status == BatchStatus.REFUSED
        assert batch.errors[0]["message"].startswith("Ligne 3 (DURAND Hugo) : date de naissance")
        with pytest.raises(ValidationError):
            outside_import_apply(batch=batch, actor=None)
        assert not Pupil.objects.exists() and not Division.objects.exists()

    def test_query_count_does_not_grow_with_the_file(self, establishment):
        def counted(n: int) -> tuple[int, int]:
            rows = [f"NOM{i};Léa;17/05/2007;;DIV{i % 4};apprenti" for i in range(n)]
            with CaptureQueriesContext(connection) as previewing:
                batch = preview(establishment, table(*rows))
            with CaptureQueriesContext(connection) as applying:
                outside_import_apply(batch=batch, actor=None)
            Pupil.objects.all().delete()
            Division.objects.all().delete()
            return len(previewing), len(applying)

        previewing_few, applying_few = counted(10)
        previewing_many, applying_many = counted(400)
        assert previewing_many == previewing_few
        # Bulk writes: a few more batches on SQLite (999 parameters a query), never one a row.
        assert applying_many <= applying_few + 10


@pytest.mark.django_db
class TestApplyRefusals:
    def test_data_changed_since_the_preview(self, establishment, users):
        batch = preview(establishment, table(*ROWS))
        division = current_division(establishment, "ADULTES", source=OUTSIDE)
        outside_learner_create(
            establishment=establishment,
            data={
                "last_name": "DURAND",
                "first_name": "Hugo",
                "birth_date": datetime.date(2006, 3, 2),
                "ine": INE_2,
                "division": division,
                "outside_status": "apprenti",
            },
            actor=users["administrateur"],
        )
        before = sorted(Pupil.objects.values_list("pk", "last_name", "division_id"))
        with pytest.raises(ValidationError) as refused:
            outside_import_apply(batch=batch, actor=users["administrateur"])
        assert refused.value.messages == [
            "Les données de l'établissement ont changé depuis cet aperçu (un autre import ou "
            "une modification a eu lieu entre-temps) : déposez de nouveau le fichier pour "
            "obtenir un aperçu à jour."
        ]
        assert sorted(Pupil.objects.values_list("pk", "last_name", "division_id")) == before
        batch.refresh_from_db()
        assert batch.status == BatchStatus.PREVIEW

    def test_applied_or_cancelled_batch_is_not_applied_again(self, establishment):
        batch = import_file(establishment, table(*ROWS))
        with pytest.raises(AlreadyApplied, match="Cet import a déjà été appliqué"):
            outside_import_apply(batch=batch, actor=None)
        cancelled = preview(establishment, table(*ROWS))
        import_batch_cancel(batch=cancelled)
        with pytest.raises(ValidationError, match="Cet aperçu a été abandonné ou refusé"):
            outside_import_apply(batch=cancelled, actor=None)

    def test_a_siecle_batch_is_not_applied_here(self, establishment):
        batch = preview(establishment, table(*ROWS))
        ImportBatch.objects.filter(pk=batch.pk).update(kind=BatchKind.SIECLE)
        with pytest.raises(ValidationError):
            outside_import_apply(batch=batch, actor=None)
        assert not Pupil.objects.exists()


@pytest.mark.django_db
class TestSiecleImportAfterwards:
    def test_siecle_imports_never_mark_them_left(self, establishment, diplomas):
        import_file(establishment, table(*ROWS))
        national = gen.establishment(uai=establishment.uai, year=year(), pupils=30)

        def run(e):
            files = [RawFile(name, content) for name, content in gen.all_files(e).items()]
            status, counts, problems = siecle_import_run(establishment=establishment, uploads=files)
            assert status == "applied", problems
            return counts

        assert run(national)["pupils"]["created"] == 30
        national.pupils = national.pupils[:20]  # ten pupils left the lycée
        assert run(national)["pupils"]["left"] == 10
        assert learners(establishment).count() == 3
        assert set(learners(establishment).values_list("status", flat=True)) == {PupilStatus.ACTIVE}
        assert Pupil.objects.of(establishment).filter(status=PupilStatus.LEFT).count() == 10
        # And the hors-SIECLE file still finds its learners.
        assert preview(establishment, table(*ROWS)).counts["pupils"]["unchanged"] == 3

    def test_a_hors_siecle_import_counts_as_a_first_import(self, establishment):
        assert not first_import_done(establishment=establishment)
        import_file(establishment, table(ROWS[0]))
        assert first_import_done(establishment=establishment)
