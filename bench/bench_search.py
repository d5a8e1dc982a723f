"""Searches and French order folded by the database, on a 10,000-pupil establishment.

The administrator's pupils list (first page of 25, French order), the same with a search
(« lefevre », which must find « LEFÈVRE »), and the queries alone: the plain
``order_by("last_name", "first_name")`` / ``icontains`` they replaced, the stored keys the
pupils' lists use, and folding by the query (what the smaller lists do). Medians of RUNS
runs. Runs on its own
SQLite file under var/ unless DATABASE_URL is set (its establishment is deleted at the end).
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["ALLOWED_HOSTS"] = "testserver"
bench_db = ROOT / "var" / "bench-search.sqlite3"
if "DATABASE_URL" not in os.environ:
    bench_db.parent.mkdir(exist_ok=True)
    bench_db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from carnet.accounts.models import User  # noqa: E402
from carnet.core.profiles import Profile  # noqa: E402
from carnet.core.search import name_order, words_match  # noqa: E402
from carnet.directory.models import Division, Pupil  # noqa: E402
from carnet.directory.school_years import school_year_current  # noqa: E402
from carnet.directory.selectors import pupil_name_order, pupil_words_match  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402
from carnet.imports.tests.generator import FIRST_NAMES, LAST_NAMES  # noqa: E402

RUNS = 5
PUPILS = 10_000
UAI = "0699998K"


def median_ms(action) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    Establishment.objects.filter(uai=UAI).delete()
    establishment = Establishment.objects.create(uai=UAI, name="Lycée du banc d'essai")
    try:
        run(establishment)
    finally:
        User.objects.filter(establishment=establishment).delete()
        establishment.delete()


def run(establishment) -> None:
    rng = random.Random(7)
    year = school_year_current()
    divisions = Division.objects.bulk_create(
        [
            Division(establishment=establishment, school_year=year, code=f"D{n:03d}")
            for n in range(PUPILS // 25)
        ]
    )
    Pupil.objects.bulk_create(
        [
            Pupil(
                establishment=establishment,
                last_name=f"{rng.choice(LAST_NAMES)}{n}",
                first_name=rng.choice(FIRST_NAMES),
                division=divisions[n % len(divisions)],
                siecle_eleve_id=str(n),
            )
            for n in range(PUPILS)
        ],
        batch_size=2000,
    )
    admin = User.objects.create(
        username="admin.banc", profile=Profile.ADMIN, establishment=establishment
    )
    client = Client()
    client.force_login(admin, backend="carnet.accounts.backends.AccountBackend")
    url = reverse("directory:pupils")
    pupils = Pupil.objects.of(establishment)
    vendor = connection.vendor
    print(f"{vendor}, {PUPILS} élèves, médianes de {RUNS} mesures")
    first = slice(0, 25)

    def timed(queryset) -> str:
        return f"{median_ms(lambda: list(queryset[first])):.1f} ms"

    print(
        "  requête, 25 premiers : ordre brut "
        + timed(pupils.order_by("last_name", "first_name", "pk"))
        + ", clés stockées "
        + timed(pupils.order_by(*pupil_name_order()))
        + ", pliage par la requête "
        + timed(pupils.order_by(*name_order("last_name", "first_name")))
    )
    print(
        "  requête, recherche « lefevre » : icontains "
        + timed(pupils.filter(last_name__icontains="lef"))
        + ", clés stockées "
        + timed(pupils.filter(pupil_words_match("lefevre")))
        + ", pliage par la requête "
        + timed(pupils.filter(words_match("lefevre", "last_name", "first_name")))
    )
    print(f"  page de la liste : {median_ms(lambda: client.get(url)):.1f} ms")
    client.post(url, {"q": "lefevre"})
    queries = []
    with connection.execute_wrapper(lambda execute, *args: queries.append(1) or execute(*args)):
        page = client.get(url)
    assert "LEFÈVRE" in page.content.decode(), "« lefevre » doit trouver LEFÈVRE"
    print(
        f"  page avec la recherche « lefevre » : {median_ms(lambda: client.get(url)):.1f} ms, "
        f"{len(queries)} requêtes"
    )


if __name__ == "__main__":
    main()
