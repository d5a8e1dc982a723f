"""SIECLE/STS import at the size limit: 10,000 pupils (400 divisions, 400 groups, 150 staff).

Measures, on a fresh establishment each run: reading the files alone; the preview (read, plan,
record the batch) then « Confirmer l'import » of a first import; the same files again (all
unchanged); then a re-import with 500 moves, 100 arrivals and 100 departures. Prints the
median and the worst of the runs, and the number of SQL queries (which must not grow with
the number of pupils: bulk writes in chunks of 500 rows).

Runs on its own SQLite file under var/ unless DATABASE_URL is set, e.g.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carnet .venv/bin/python \
        bench/bench_import_10000.py
(it migrates that database and leaves the benchmark's establishments in it). BENCH_RUNS sets
the number of runs (2 by default).
"""

import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
bench_db = ROOT / "var" / "bench-import-10000.sqlite3"
if "DATABASE_URL" not in os.environ:
    bench_db.parent.mkdir(exist_ok=True)
    bench_db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from carnet.core.identifiers import CHECK_ALPHABET  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402
from carnet.imports.parsers.files import RawFile, read_uploads  # noqa: E402
from carnet.imports.services import (  # noqa: E402
    siecle_import_apply,
    siecle_import_preview,
    siecle_import_run,
)
from carnet.imports.tests import generator as gen  # noqa: E402

TODAY = datetime.date(2026, 11, 28)
RUNS = int(os.environ.get("BENCH_RUNS", "2"))
PUPILS, TEACHERS = 10_000, 147
HEAD = "90001"


def files_of(e: gen.Establishment) -> list[RawFile]:
    return [RawFile(name, content) for name, content in gen.all_files(e).items()]


def timed(function) -> tuple[float, int, object]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), result


def uai(n: int) -> str:
    digits = f"{640000 + n:07d}"
    return digits + CHECK_ALPHABET[int(digits) % 23]


def changed(e: gen.Establishment) -> None:
    """500 moves, 100 departures, 100 arrivals."""
    codes = [d.code for d in e.divisions]
    for pupil in e.pupils[:500]:
        pupil.division = codes[(codes.index(pupil.division) + 1) % len(codes)]
    del e.pupils[500:600]
    first = e.divisions[0]
    for n in range(100):
        e.pupils.append(
            gen.Pupil(
                str(960000 + n), "ARRIVÉE", "Élève", "01/02/2010", "1",
                gen.ine_bea(96000 + n), first.mef, first.code,
            )
        )  # fmt: skip


def report(label: str, samples: list[tuple[float, int]]) -> None:
    seconds = [s for s, _ in samples]
    queries = sorted({q for _, q in samples})
    print(
        f"{label:<58} médiane {statistics.median(seconds):7.3f} s  pire {max(seconds):7.3f} s"
        f"  requêtes SQL {queries}"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    referentials = sorted(map(str, (ROOT / "data/referentiels").glob("*.json")))
    call_command("load_referentiel", *referentials, stdout=io.StringIO())
    sample = gen.establishment(uai=uai(0), pupils=PUPILS, teachers=TEACHERS)
    sizes = {name: len(content) for name, content in gen.all_files(sample).items()}
    print(f"Base : {connection.vendor}")
    print("Fichiers : " + ", ".join(f"{n} {size / 1e6:.2f} Mo" for n, size in sizes.items()))
    print(
        f"Élèves : {len(sample.pupils)}, divisions : {len(sample.divisions)} (et autant de "
        f"groupes), personnels STS : {len(sample.staff)}"
    )
    sample_files = files_of(sample)
    parse = [timed(lambda: read_uploads(sample_files))[:2] for _ in range(RUNS)]
    report("Lecture seule (4 fichiers)", parse)

    previews, confirms, unchanged, moves = [], [], [], []
    stamp = int(time.time()) % 10_000
    for run in range(RUNS):
        establishment = Establishment.objects.create(
            uai=uai(stamp * 10 + run + 1), name=f"Lycée {run}", email="ce@bench.invalid"
        )
        e = gen.establishment(uai=establishment.uai, pupils=PUPILS, teachers=TEACHERS, seed=run)
        files = files_of(e)  # generated before the clock starts

        def preview(files=files, establishment=establishment):
            return siecle_import_preview(
                establishment=establishment, uploads=files, actor=None, today=TODAY
            )

        elapsed, queries, batch = timed(preview)
        assert batch.counts["pupils"]["created"] == PUPILS, batch.problems
        previews.append((elapsed, queries))
        elapsed, queries, batch = timed(
            lambda batch=batch: siecle_import_apply(batch=batch, actor=None, heads=[HEAD])
        )
        confirms.append((elapsed, queries))

        def run_import(files, establishment=establishment):
            return lambda: siecle_import_run(
                establishment=establishment, uploads=files, today=TODAY, heads=[HEAD]
            )

        elapsed, queries, result = timed(run_import(files))
        assert result[1]["pupils"]["unchanged"] == PUPILS, result
        unchanged.append((elapsed, queries))
        changed(e)
        files = files_of(e)
        elapsed, queries, result = timed(run_import(files))
        expected = {"created": 100, "updated": 500, "unchanged": 9400, "left": 100}
        assert result[1]["pupils"] == expected, result
        moves.append((elapsed, queries))
    report(f"Premier import : aperçu ({PUPILS} élèves, {TEACHERS} enseignants)", previews)
    report("Premier import : « Confirmer l'import »", confirms)
    report("Réimport sans changement (lecture, plan, application)", unchanged)
    report("Réimport : 500 déplacés, 100 arrivées, 100 départs", moves)


if __name__ == "__main__":
    main()
