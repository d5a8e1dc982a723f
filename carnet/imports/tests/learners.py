"""What the tests of the hors-SIECLE import share: a table, its rows, a preview, an import."""

from django.utils import timezone

from carnet.directory.enums import PupilSource
from carnet.directory.models import Division, Pupil
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, SchoolYearFactory, valid_ine
from carnet.imports.enums import BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.outside import outside_import_apply, outside_import_preview
from carnet.imports.parsers.files import RawFile

OUTSIDE = PupilSource.OUTSIDE_SIECLE
HEADER = "Nom;Prénom;Date de naissance;INE;Division;Statut"
INE_1, INE_2, INE_3 = valid_ine(101), valid_ine(102), valid_ine(103)
ROWS = [
    f"MARTIN;Léa;17/05/2007;{INE_1};CAP1-APP;apprentie",
    "ŒUVRAY;Cœlia;03/02/1990;;ADULTES;adulte",
    f"DURAND;Hugo;02/03/2006;{INE_2};CAP1-APP;apprenti",
]


def table(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def year() -> int:
    return school_year_start(timezone.localdate())


def preview(establishment, content: bytes, actor=None, name="apprentis.csv") -> ImportBatch:
    return outside_import_preview(
        establishment=establishment, upload=RawFile(name, content), actor=actor
    )


def import_file(establishment, content: bytes, actor=None) -> ImportBatch:
    batch = preview(establishment, content, actor)
    assert batch.status == BatchStatus.PREVIEW, batch.problems
    return outside_import_apply(batch=batch, actor=actor)


def learners(establishment):
    return Pupil.objects.of(establishment).filter(source=OUTSIDE)


def data_writes(queries) -> list[str]:
    """SQL that changed establishment data (not the import's own history row)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
        and "imports_importbatch" not in q["sql"]
    ]


def current_division(establishment, code: str, **kwargs) -> Division:
    return DivisionFactory(
        establishment=establishment,
        school_year=SchoolYearFactory(start_year=year()),
        code=code,
        **kwargs,
    )
