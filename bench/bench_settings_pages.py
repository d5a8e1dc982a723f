"""Paramètres tabs with a 3,000-pupil establishment: time per page (median of 20) and queries.

Runs on its own SQLite file under var/ (or DATABASE_URL if set, which it will write to).
Prints figures; asserts nothing (query counts are asserted in the tests).
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["ALLOWED_HOSTS"] = "testserver"
bench_db = ROOT / "var" / "bench.sqlite3"
if "DATABASE_URL" not in os.environ:
    bench_db.parent.mkdir(exist_ok=True)
    bench_db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from carnet.accounts.models import User  # noqa: E402
from carnet.core.identifiers import CHECK_ALPHABET  # noqa: E402
from carnet.core.profiles import Profile  # noqa: E402
from carnet.directory.models import Division, Pupil  # noqa: E402
from carnet.directory.school_years import school_year_current  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402
from carnet.referentials.models import Diploma  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command(
        "load_referentiel",
        *sorted(map(str, (ROOT / "data/referentiels").glob("*.json"))),
        stdout=io.StringIO(),
    )
    print(
        f"load_referentiel (2 files, first load): {1000 * (time.perf_counter() - started):.0f} ms"
    )

    establishment = Establishment.objects.create(
        uai="0693046L", name="Lycée bench", email="ce@bench.invalid"
    )
    year = school_year_current()
    diploma = Diploma.objects.get(code="BP-MELEC")
    divisions = Division.objects.bulk_create(
        Division(establishment=establishment, school_year=year, code=f"D{n:03d}", diploma=diploma)
        for n in range(120)
    )
    Pupil.objects.bulk_create(
        Pupil(
            establishment=establishment,
            last_name=f"NOM{n:04d}",
            first_name="Prénom",
            ine=None if n % 10 == 0 else f"{n:010d}" + CHECK_ALPHABET[n % 23],
            siecle_eleve_id=str(n),
            division=divisions[n % len(divisions)],
        )
        for n in range(3000)
    )
    admin = User.objects.create(
        username="admin.bench", profile=Profile.ADMIN, establishment=establishment
    )
    client = Client()
    client.force_login(admin, backend="carnet.accounts.backends.AccountBackend")

    print(f"{'page (3,000 pupils, 300 without INE)':<58} {'median':>8} {'p95':>8} {'queries':>8}")
    pages = [
        ("Établissement", reverse("establishments:identity")),
        ("Transferts", reverse("establishments:transfers")),
        ("Transferts, page 12", reverse("establishments:transfers") + "?page=12"),
        ("Masque de saisie (BP-MELEC)", reverse("establishments:masks") + "?diplome=BP-MELEC"),
        ("Logo", reverse("establishments:logo")),
        ("Accueil administrateur", reverse("web:home")),
        ("Élèves (liste)", reverse("directory:pupils")),
        ("Divisions (liste)", reverse("directory:divisions")),
    ]
    for label, url in pages:
        for htmx in (False, True):
            headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            client.get(url, **headers)  # warm-up
            timings = []
            for _ in range(20):
                started = time.perf_counter()
                response = client.get(url, **headers)
                timings.append(1000 * (time.perf_counter() - started))
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, **headers)
            name = f"{label}{' (htmx)' if htmx else ''}"
            p95 = sorted(timings)[int(0.95 * len(timings)) - 1]
            print(
                f"{name:<58} {statistics.median(timings):>6.1f}ms {p95:>6.1f}ms {len(queries):>8}"
            )
            if label in ("Accueil administrateur", "Élèves (liste)", "Divisions (liste)"):
                break


if __name__ == "__main__":
    main()
