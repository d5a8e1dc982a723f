"""Size limits of an import: 10,000 pupils a file, 500 divisions, bulk writes in chunks of
500 rows, no JIT on PostgreSQL. Refusals come with the preview, in French, naming the limit;
nothing is applied."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.directory.models import Division, Pupil
from carnet.imports.enums import BatchStatus
from carnet.imports.parsers.files import RawFile
from carnet.imports.services import siecle_import_preview, siecle_import_run
from carnet.imports.tests import generator as gen
from carnet.imports.tests.learners import preview, table

TODAY = datetime.date(2026, 11, 28)
NBSP = "\u00a0"


def siecle_preview(establishment, files: dict[str, bytes]):
    return siecle_import_preview(
        establishment=establishment,
        uploads=[RawFile(name, content) for name, content in files.items()],
        actor=None,
        today=TODAY,
    )


@pytest.mark.django_db
class TestSizeLimits:
    def test_more_than_10000_pupils_in_a_file_are_refused(self, establishment, diplomas):
        school = gen.establishment(uai=establishment.uai, pupils=10_001, teachers=0)
        batch = siecle_preview(establishment, {"ElevesSansAdresses.xml": gen.pupils_xml(school)})
        assert batch.status == BatchStatus.REFUSED
        assert [p["message"] for p in batch.errors] == [
            f"Le fichier ElevesSansAdresses.xml compte 10{NBSP}001 élèves : un import en "
            f"accepte 10{NBSP}000 au plus. Vérifiez qu'il s'agit bien de l'export de votre "
            "seul établissement."
        ]
        assert batch.payload == {} and batch.changes == []
        assert not Pupil.objects.exists()

    def test_more_than_500_divisions_are_refused(self, establishment, diplomas):
        school = gen.establishment(uai=establishment.uai, pupils=10, teachers=0)
        mef = school.divisions[0].mef
        school.divisions = [gen.Division(f"D{n:03d}", f"Division {n}", mef) for n in range(501)]
        batch = siecle_preview(establishment, {"Structures.xml": gen.structures_xml(school)})
        assert batch.status == BatchStatus.REFUSED
        assert [p["code"] for p in batch.errors] == ["too_many_divisions"]
        assert "501 divisions : un import en accepte 500 au plus" in batch.errors[0]["message"]
        assert not Division.objects.exists()

    def test_500_divisions_are_accepted(self, establishment, diplomas):
        school = gen.establishment(uai=establishment.uai, pupils=10, teachers=0)
        mef = school.divisions[0].mef
        school.divisions = [gen.Division(f"D{n:03d}", f"Division {n}", mef) for n in range(500)]
        batch = siecle_preview(establishment, {"Structures.xml": gen.structures_xml(school)})
        assert batch.status == BatchStatus.PREVIEW, batch.errors

    def test_a_hors_siecle_file_naming_more_than_500_divisions_is_refused(self, establishment):
        rows = [f"NOM{n};Léa;17/05/2007;;DIV{n};apprenti" for n in range(501)]
        batch = preview(establishment, table(*rows))
        assert batch.status == BatchStatus.REFUSED
        assert [p["message"] for p in batch.errors] == [
            "Le fichier nomme 501 divisions : un import en accepte 500 au plus. Vérifiez la "
            "colonne Division."
        ]
        assert not Division.objects.exists() and not Pupil.objects.exists()


@pytest.mark.django_db
class TestChunks:
    def test_a_bulk_update_writes_500_rows_a_query_at_most(self, establishment, diplomas):
        school = gen.establishment(uai=establishment.uai, pupils=1_200, teachers=0)
        files = [RawFile(name, content) for name, content in gen.all_files(school).items()]
        siecle_import_run(establishment=establishment, uploads=files, today=TODAY)
        for pupil in school.pupils:
            pupil.first_name += "-Marie"
        files = [RawFile(name, content) for name, content in gen.all_files(school).items()]
        with CaptureQueriesContext(connection) as queries:
            status, counts, _ = siecle_import_run(
                establishment=establishment, uploads=files, today=TODAY
            )
        assert status == "applied" and counts["pupils"]["updated"] == 1_200
        updates = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('UPDATE "directory_pupil"')
        ]
        # One field changes: one WHEN per row.
        assert [sql.count(" WHEN ") for sql in updates] == [500, 500, 200]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
