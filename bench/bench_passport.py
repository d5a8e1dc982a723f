"""The passeport professionnel as a PDF: 40 entries, 10 of them with a phone photo
(target ≤ 1.5 s and ≤ 20 MB of memory growth).

Runs on its own SQLite file under var/ (or DATABASE_URL if set, which it will write to).
Photos are JPEGs of ``PHOTO_SIZE`` pixels (a phone's picture as messaging apps send it;
``--grand`` for 4000 × 3000, a camera's full size), uploaded through the service (checked
and re-encoded). Times are medians of 5 runs after a warm-up; memory is tracemalloc's peak
during one export (Python allocations) and the growth of the process's maximum resident
size (everything, C libraries included). Prints figures; asserts nothing.
"""

import io
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
bench_db = ROOT / "var" / "bench-passport.sqlite3"
if "DATABASE_URL" not in os.environ:
    bench_db.parent.mkdir(exist_ok=True)
    bench_db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from PIL import Image  # noqa: E402

from carnet.accounts.models import User  # noqa: E402
from carnet.core.profiles import Profile  # noqa: E402
from carnet.directory.models import Division, Pupil  # noqa: E402
from carnet.directory.school_years import school_year_current  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402
from carnet.passport.paper import passport_pdf  # noqa: E402
from carnet.passport.services import (  # noqa: E402
    EntryData,
    entry_attachments_add,
    entry_create,
)
from carnet.referentials.models import Diploma, Task  # noqa: E402

ENTRIES, PHOTOS, RUNS = 40, 10, 5
PHOTO_SIZE = (4000, 3000) if "--grand" in sys.argv else (1600, 1200)


def photo(n: int) -> bytes:
    """A photo-like JPEG: a gradient with noise (compresses like a picture, not like a flat
    colour)."""
    width, height = PHOTO_SIZE
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 40 + n)
    image = Image.merge("RGB", (gradient, noise, gradient.rotate(90 + n)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def setup():
    call_command("migrate", verbosity=0)
    call_command(
        "load_referentiel",
        *sorted(map(str, (ROOT / "data/referentiels").glob("*.json"))),
        stdout=io.StringIO(),
    )
    establishment = Establishment.objects.create(
        uai="0693046L", name="Lycée bench", email="ce@bench.invalid"
    )
    diploma = Diploma.objects.get(code="BP-MELEC")
    division = Division.objects.create(
        establishment=establishment, school_year=school_year_current(), code="1MELEC",
        diploma=diploma,
    )  # fmt: skip
    user = User.objects.create(
        username="eleve.bench", profile=Profile.LEARNER, establishment=establishment
    )
    pupil = Pupil.objects.create(
        establishment=establishment, last_name="BENCH", first_name="Léa", division=division,
        user=user,
    )  # fmt: skip
    tasks = list(
        Task.objects.filter(activity__diploma=diploma).order_by("activity__position", "position")
    )
    sizes = []
    for n in range(ENTRIES):
        entry = entry_create(
            pupil=pupil,
            actor=user,
            data=EntryData(
                title=f"Situation professionnelle n° {n + 1}",
                place="etablissement",
                place_detail="Atelier 12",
                starts_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=3 * n),
                context="Mise en situation : un client demande l'installation d'un tableau. " * 3,
                description="J'ai préparé le chantier, consigné, posé, raccordé et contrôlé. " * 6,
                task_ids=[t.pk for t in tasks[n % len(tasks) : n % len(tasks) + 3]],
                equipment="Multimètre, pince à sertir, tournevis isolés",
                autonomy="seul",
            ),
        )
        if n % (ENTRIES // PHOTOS) == 0:
            data = photo(n)
            (attachment,) = entry_attachments_add(
                entry=entry, actor=user, uploads=[(f"photo-{n}.jpg", data)]
            )
            sizes.append(attachment.size)
    return establishment, pupil, sizes


def main() -> None:
    establishment, pupil, sizes = setup()
    print(f"load average : {os.getloadavg()[0]:.1f} ({os.cpu_count()} cœurs)")
    print(
        f"{ENTRIES} situations, {len(sizes)} photos {PHOTO_SIZE[0]} × {PHOTO_SIZE[1]} "
        f"({sum(sizes) / len(sizes) / 1024:.0f} Ko en moyenne après réencodage)"
    )

    def export():
        return passport_pdf(establishment=establishment, pupil=pupil)

    pdf = export()  # warm-up (fonts, templates)
    with CaptureQueriesContext(connection) as queries:
        export()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    export()
    peak = tracemalloc.get_traced_memory()[1] - baseline
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    wall, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        export()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(f"PDF : {len(pdf) / 1024:.0f} Ko, {len(queries)} requêtes")
    print(
        f"durée (médiane de {RUNS}) : {statistics.median(wall):.2f} s horloge, "
        f"{statistics.median(cpu):.2f} s CPU (cible ≤ 1,5 s)"
    )
    print(
        f"mémoire : pic tracemalloc {peak / 2**20:.1f} Mo, croissance du RSS maximal "
        f"{rss_growth / 1024:.1f} Mo (cible ≤ 20 Mo)"
    )


if __name__ == "__main__":
    main()
