"""What the bench scripts share: Django on a database of the script's own (a SQLite file
under var/, or DATABASE_URL if set, which the script will write to), medians of wall and CPU
time, the number of queries."""

import gc
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup(name: str) -> None:
    """Django with the test settings on ``var/bench-<name>.sqlite3``, made anew."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    bench_db = ROOT / "var" / f"bench-{name}.sqlite3"
    if "DATABASE_URL" not in os.environ:
        bench_db.parent.mkdir(exist_ok=True)
        bench_db.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"
    import django

    django.setup()


def migrate_and_load() -> None:
    """The schema, and the référentiels of data/referentiels/."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command(
        "load_referentiel",
        *sorted(map(str, (ROOT / "data/referentiels").glob("*.json"))),
        stdout=io.StringIO(),
    )


def median_ms(function, runs: int = 20) -> tuple[float, float]:
    """(median wall time, median CPU time of this process) in ms, after a warm-up: on a
    loaded machine the wall time waits for a core; the CPU time (SQLite runs in the process)
    is what the call costs. ``--gel``: the set-up's objects frozen out of the garbage
    collector first, as a server process holds none of them."""
    if "--gel" in sys.argv:
        gc.collect()
        gc.freeze()
    function()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(1000 * (time.perf_counter() - started))
        cpu.append(1000 * (time.process_time() - started_cpu))
    return statistics.median(wall), statistics.median(cpu)


def queries_of(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)
