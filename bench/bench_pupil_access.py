"""« Générer les accès » of a 35-pupil division, end to end: accounts + the PDF sheet.

The POST the administrator makes: 35 accounts with logins and temporary passwords, then the
printed sheet, carried by the division's page in its new state (target: ≤ 2 s for the
sheet; here the whole answer is timed). Then the same for a full batch of 56 pupils (the
most one click gives: seven sheets of eight cards). Each run uses a fresh division.
Runs on its own SQLite file under var/ unless DATABASE_URL is set.
Production's hashers are used (Argon2, and the light one for temporary passwords).
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
bench_db = ROOT / "var" / "bench-access.sqlite3"
if "DATABASE_URL" not in os.environ:
    bench_db.parent.mkdir(exist_ok=True)
    bench_db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
from config.settings import base  # noqa: E402

settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS  # production's, not the tests' MD5

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import Image  # noqa: E402

from carnet.accounts.models import User  # noqa: E402
from carnet.accounts.pupil_access import GENERATE_BATCH  # noqa: E402
from carnet.core.profiles import Profile  # noqa: E402
from carnet.directory.models import Division, Pupil  # noqa: E402
from carnet.directory.school_years import school_year_current  # noqa: E402
from carnet.establishments.enums import ImageKind  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402
from carnet.establishments.services import establishment_image_set  # noqa: E402

RUNS = 5
PUPILS = 35
TARGET_S = 2.0


def main() -> None:
    call_command("migrate", verbosity=0)
    establishment = Establishment.objects.create(
        uai="0693046L", name="Lycée professionnel Ampère", email="ce@bench.invalid"
    )
    admin = User.objects.create(
        username="admin.bench", profile=Profile.ADMIN, establishment=establishment
    )
    logo = io.BytesIO()
    Image.effect_noise((600, 300), 60).convert("RGB").save(logo, format="PNG")
    establishment_image_set(
        establishment=establishment, kind=ImageKind.LOGO, data=logo.getvalue(), actor=admin
    )
    year = school_year_current()
    client = Client()
    client.force_login(admin, backend="carnet.accounts.backends.AccountBackend")
    for size in (PUPILS, GENERATE_BATCH):
        measure(client, establishment, year, size)


def measure(client, establishment, year, size: int) -> None:
    timings, queries = [], set()
    for run in range(RUNS):
        division = Division.objects.create(
            establishment=establishment, school_year=year, code=f"D{size}-{run}"
        )
        Pupil.objects.bulk_create(
            Pupil(
                establishment=establishment,
                division=division,
                last_name=f"ÉLÈVE{run:02d}{n:02d}",
                first_name="Cœlia",
            )
            for n in range(size)
        )
        url = reverse("accounts:pupil_access_generate", args=[division.pk])
        ids = [str(pk) for pk in division.pupils.values_list("pk", flat=True)]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(url, {"eleve": ids})
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response
        assert b'href="data:application/pdf;base64,JVBERi' in response.content  # %PDF
        queries.add(len(captured))
    held = "tenue" if statistics.median(timings) <= TARGET_S else "DÉPASSÉE"
    print(
        f"Générer les accès de {size} élèves + PDF : médiane {statistics.median(timings):.3f} s, "
        f"pire {max(timings):.3f} s, premier {timings[0]:.3f} s, requêtes SQL {sorted(queries)} "
        f"(cible ≤ {TARGET_S:.0f} s : {held})"
    )


if __name__ == "__main__":
    main()
