"""A pupil's three years follow them: the signed package of a record of 150 evaluations'
results, 40 passport entries, 20 fiches activités and about 30 MB of attachments (target:
export ≤ 3 s; verification + apply ≤ 3 s; memory bounded: the zip is streamed).

Runs on its own SQLite file under var/ (or DATABASE_URL if set, which it will write to).
The record is made through the apps' services (attachments checked and re-encoded as an
upload would be), at one establishment; the package is then read and applied at another
(the same INE, transfers on at both). « mémoire » is tracemalloc's peak during the step
(Python allocations) and the growth of the process's maximum resident size. Each step runs
once on a fresh pupil (applying is exactly once); prints figures, asserts nothing.
"""

import datetime
import io
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
bench_db = ROOT / "var" / "bench-transfers.sqlite3"
if "DATABASE_URL" not in os.environ:
    bench_db.parent.mkdir(exist_ok=True)
    bench_db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"

import django  # noqa: E402

django.setup()

import tempfile  # noqa: E402

from django.conf import settings  # noqa: E402

# Attachments on disk, as in production (the test settings keep them in memory, which would
# count 30 MB of stored files as the apply's memory).
MEDIA = tempfile.TemporaryDirectory(prefix="bench-transfers-")
settings.STORAGES = {
    **settings.STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA.name},
    },
}
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from PIL import Image  # noqa: E402

from carnet.accounts.models import User  # noqa: E402
from carnet.core.identifiers import CHECK_ALPHABET  # noqa: E402
from carnet.core.profiles import Profile  # noqa: E402
from carnet.directory.models import Division, Pupil, StaffMember  # noqa: E402
from carnet.directory.school_years import school_year_current  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402
from carnet.evaluations.enums import EvaluationKind, Grain  # noqa: E402
from carnet.evaluations.selectors import scale_of  # noqa: E402
from carnet.evaluations.services import CellChange, evaluation_create, results_record  # noqa: E402
from carnet.passport.services import EntryData, entry_attachments_add, entry_create  # noqa: E402
from carnet.pfmp import services as pfmp  # noqa: E402
from carnet.referentials.models import Criterion, Diploma, Task  # noqa: E402
from carnet.scenarios.models import Scenario  # noqa: E402
from carnet.transfers.models import ReceivedFile, ReceivedItem  # noqa: E402
from carnet.transfers.package import package_read  # noqa: E402
from carnet.transfers.services import package_apply, package_export  # noqa: E402

EVALUATIONS, ENTRIES, SHEETS = 150, 40, 20
PHOTOS = 30  # 1.4 MB each once re-encoded: about 40 MB of attachments
TODAY = datetime.date.today()


def ine(n: int) -> str:
    digits = f"{1000000000 + n:010d}"
    return digits + CHECK_ALPHABET[int(digits) % 23]


def photo(n: int) -> bytes:
    """A 1600 × 1200 photo-like JPEG (noise: it compresses like a picture)."""
    size = (1600, 1200)
    noise = [Image.effect_noise(size, 60 + n + k) for k in range(3)]
    out = io.BytesIO()
    Image.merge("RGB", noise).save(out, format="JPEG", quality=92)
    return out.getvalue()


def establishment(uai: str, name: str) -> Establishment:
    return Establishment.objects.create(
        uai=uai,
        name=name,
        email=f"ce.{uai.lower()}@bench.invalid",
        cnil_number="1929152 v0",
        transfers_enabled=True,
    )


def record(holder: Establishment, n: int) -> tuple[Pupil, User]:
    """The holder's pupil n° ``n`` and their three years."""
    diploma = Diploma.objects.get(code="BP-MELEC")
    year = school_year_current()
    division = Division.objects.create(
        establishment=holder, school_year=year, code=f"TMELEC{n}", diploma=diploma
    )
    teacher = User.objects.create(
        username=f"prof.{n}", profile=Profile.TEACHER, establishment=holder
    )
    staff = StaffMember.objects.create(
        establishment=holder, last_name="BENCH", first_name="Prof", function="ENS", user=teacher
    )
    staff.divisions.add(division)
    learner = User.objects.create(
        username=f"eleve.{n}", profile=Profile.LEARNER, establishment=holder
    )
    pupil = Pupil.objects.create(
        establishment=holder, last_name="BENCH", first_name="Léa", division=division,
        user=learner, ine=ine(n), siecle_eleve_id=f"B{n}",
    )  # fmt: skip
    criteria = list(Criterion.objects.filter(competency__diploma=diploma)[:40])
    levels = [level.pk for level in scale_of(diploma_id=diploma.pk)]
    scenario = Scenario.objects.create(
        establishment=holder, school_year=year, author=teacher, title="Tableau divisionnaire",
        diploma=diploma, class_level="terminale",
    )  # fmt: skip
    for e in range(EVALUATIONS):
        chosen = [criteria[(e + k) % len(criteria)].pk for k in range(6)]
        evaluation = evaluation_create(
            scenario=scenario, actor=teacher, kind=EvaluationKind.FORMATIVE,
            date=TODAY - datetime.timedelta(days=e % 120), grain=Grain.CRITERION,
            divisions=[division], criteria=chosen,
        )  # fmt: skip
        results_record(
            evaluation=evaluation,
            actor=teacher,
            cells=[
                CellChange(pupil.pk, t.pk, levels[(e + i) % 4])
                for i, t in enumerate(evaluation.targets.all())
            ],
        )
    tasks = list(Task.objects.filter(activity__diploma=diploma)[:12])
    photos = iter(photo(k) for k in range(PHOTOS))
    for e in range(ENTRIES):
        entry = entry_create(
            pupil=pupil,
            actor=learner,
            data=EntryData(
                title=f"Situation n° {e + 1}", place="etablissement",
                starts_on=TODAY - datetime.timedelta(days=20 * e),
                description="J'ai consigné, posé, raccordé et contrôlé le tableau. " * 8,
                task_ids=[tasks[e % len(tasks)].pk], autonomy="seul",
            ),
        )  # fmt: skip
        if e < PHOTOS * 2 // 3:
            entry_attachments_add(
                entry=entry, actor=learner, uploads=[(f"photo-{e}.jpg", next(photos))]
            )
    period = pfmp.period_create(
        division=division, actor=teacher, weeks=4,
        starts_on=TODAY - datetime.timedelta(days=60), ends_on=TODAY - datetime.timedelta(days=33),
    )  # fmt: skip
    placement = period.placements.get(pupil=pupil)
    for s in range(SHEETS):
        sheet = pfmp.sheet_save(
            placement=placement, actor=learner, title=f"Fiche n° {s + 1}",
            starts_on=TODAY - datetime.timedelta(days=59 - s), task_ids=[tasks[s % 12].pk],
            description="Pose de goulottes, tirage de câbles, raccordement. " * 6,
        )  # fmt: skip
        photo_bytes = next(photos, None)
        if photo_bytes:
            pfmp.sheet_attachments_add(
                sheet=sheet, actor=learner, uploads=[(f"fiche-{s}.jpg", photo_bytes)]
            )
        pfmp.sheet_send(sheet=sheet, actor=learner)
    return pupil, learner


def measured(function):
    """(result, seconds, CPU seconds, tracemalloc peak MB, max RSS growth MB, queries)."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started, started_cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        result = function()
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    return result, wall, cpu, peak, rss, len(queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command(
        "load_referentiel",
        *sorted(map(str, (ROOT / "data/referentiels").glob("*.json"))),
        stdout=io.StringIO(),
    )
    holder = establishment("0693046L", "Lycée d'origine")
    receiver = establishment("0699990J", "Lycée d'arrivée")
    admin = User.objects.create(username="admin.bench", profile=Profile.ADMIN, establishment=holder)
    receiving_admin = User.objects.create(
        username="admin.arrivee", profile=Profile.ADMIN, establishment=receiver
    )
    print(f"load average : {os.getloadavg()[0]:.1f} ({os.cpu_count()} cœurs)")
    started = time.perf_counter()
    pupil, _ = record(holder, 1)
    Pupil.objects.create(
        establishment=receiver, last_name="BENCH", first_name="Léa", ine=pupil.ine,
        siecle_eleve_id="A1",
    )  # fmt: skip
    print(f"dossier préparé en {time.perf_counter() - started:.1f} s (hors mesure)")
    print(f"{'étape':<34} {'horloge':>8} {'CPU':>8} {'pic Python':>11} {'RSS +':>8} {'req.':>6}")

    def line(label, wall, cpu, peak, rss, queries):
        print(f"{label:<34} {wall:>7.2f}s {cpu:>7.2f}s {peak:>9.1f}Mo {rss:>6.0f}Mo {queries:>6}")

    def export():
        return package_export(establishment=holder, pupil=pupil, actor=admin)

    if "--profil" in sys.argv:  # where the export's time goes
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(export)[0].close()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)
    (out, _transfer), *figures = measured(export)
    size = out.seek(0, io.SEEK_END) / 2**20
    line(f"export du paquet ({size:.1f} Mo)", *figures)
    out.seek(0)
    transfer, *figures = measured(
        lambda: package_apply(
            establishment=receiver,
            package=package_read(out),
            actor=receiving_admin,
            channel="paquet",
        )
    )
    line("vérification + application", *figures)
    items = ReceivedItem.objects.filter(establishment=receiver).count()
    files = ReceivedFile.objects.filter(establishment=receiver)
    megabytes = sum(f.size for f in files) / 2**20
    print(
        f"reçus : {items} éléments, {files.count()} pièces jointes ({megabytes:.1f} Mo) ; "
        f"décompte : {transfer.counts}"
    )
    out.close()
    MEDIA.cleanup()


if __name__ == "__main__":
    main()
