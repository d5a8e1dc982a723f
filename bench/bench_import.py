"""SIECLE/STS import of a realistic 3,000-pupil lycée: parse, first import, re-imports.

Targets (issue 3, this 2-core machine): first import ≤ 1.5 s, unchanged re-import ≤ 0.5 s.
Each scenario runs on a fresh establishment, 3 times; the median and the worst are printed,
with the SQL query count. Runs on its own SQLite file under var/ unless DATABASE_URL is set.
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
bench_db = ROOT / "var" / "bench-import.sqlite3"
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
from carnet.imports.services import siecle_import_run  # noqa: E402
from carnet.imports.tests import generator as gen  # noqa: E402

TODAY = datetime.date(2026, 11, 28)
RUNS = 3


def files_of(e: gen.Establishment) -> list[RawFile]:
    return [RawFile(name, content) for name, content in gen.all_files(e).items()]


def timed(function) -> tuple[float, int, object]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), result


def uai(n: int) -> str:
    digits = f"{620000 + n:07d}"
    return digits + CHECK_ALPHABET[int(digits) % 23]


def changed(e: gen.Establishment) -> None:
    """10 moves, 5 arrivals, 5 departures."""
    codes = [d.code for d in e.divisions]
    for pupil in e.pupils[:10]:
        pupil.division = codes[(codes.index(pupil.division) + 1) % len(codes)]
    del e.pupils[10:15]
    first = e.divisions[0]
    for n in range(5):
        e.pupils.append(
            gen.Pupil(
                str(900000 + n), "ARRIVÉE", "Élève", "01/02/2010", "1",
                gen.ine_bea(90000 + n), first.mef, first.code,
            )
        )  # fmt: skip


def report(label: str, samples: list[tuple[float, int]], target: float | None = None) -> None:
    seconds = [s for s, _ in samples]
    queries = sorted({q for _, q in samples})
    line = (
        f"{label:<50} médiane {statistics.median(seconds):6.3f} s"
        f"  pire {max(seconds):6.3f} s  requêtes SQL {queries}"
    )
    if target is not None:
        held = "tenue" if statistics.median(seconds) <= target else "DÉPASSÉE"
        line += f"  (cible ≤ {target:.1f} s : {held})"
    print(line)


def main() -> None:
    call_command("migrate", verbosity=0)
    referentials = sorted(map(str, (ROOT / "data/referentiels").glob("*.json")))
    call_command("load_referentiel", *referentials, stdout=io.StringIO())
    sample = gen.establishment(uai=uai(0), pupils=3000, teachers=60)
    sizes = {name: len(content) for name, content in gen.all_files(sample).items()}
    print("Fichiers : " + ", ".join(f"{n} {size / 1e6:.2f} Mo" for n, size in sizes.items()))
    print(
        f"Élèves : {len(sample.pupils)}, divisions : {len(sample.divisions)}, "
        f"personnels STS : {len(sample.staff)}"
    )
    sample_files = files_of(sample)
    parse = [timed(lambda: read_uploads(sample_files))[:2] for _ in range(RUNS)]
    report("Lecture seule (4 fichiers)", parse)

    first, unchanged, moves = [], [], []
    for run in range(RUNS):
        establishment = Establishment.objects.create(
            uai=uai(run + 1), name=f"Lycée {run}", email="ce@bench.invalid"
        )
        e = gen.establishment(uai=establishment.uai, pupils=3000, teachers=60, seed=run)

        def run_import(files, establishment=establishment):
            return lambda: siecle_import_run(
                establishment=establishment, uploads=files, today=TODAY
            )

        files = files_of(e)  # generated before the clock starts
        elapsed, queries, result = timed(run_import(files))
        assert result[0] == "applied" and result[1]["pupils"]["created"] == 3000, result
        first.append((elapsed, queries))
        elapsed, queries, result = timed(run_import(files))
        assert result[1]["pupils"]["unchanged"] == 3000, result
        unchanged.append((elapsed, queries))
        changed(e)
        elapsed, queries, result = timed(run_import(files_of(e)))
        expected = {"created": 5, "updated": 10, "unchanged": 2985, "left": 5}
        assert result[1]["pupils"] == expected, result
        moves.append((elapsed, queries))
    report("Premier import (3 000 élèves, 60 enseignants)", first, 1.5)
    report("Réimport sans changement", unchanged, 0.5)
    report("Réimport : 10 déplacés, 5 arrivées, 5 départs", moves)


if __name__ == "__main__":
    main()
