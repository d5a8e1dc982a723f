"""The entry grid: a 30-pupil × 40-criterion grid rendered (target ≤ 80 ms server time,
≤ 12 queries), one cell saved (≤ 15 ms, ≤ 6 queries), a 35-pupil paper grid as PDF
(≤ 1.5 s); and, for scale, the 44 × 80 grid the issue speaks of.

Runs on its own SQLite file under var/ (or DATABASE_URL if set, which it will write to).
Times are medians of 20 runs (5 for the PDF) after a warm-up; « requête » is the whole
HTTP request through Django's test client (session, user and establishment included),
« service » the save alone. Prints figures; asserts nothing (query counts are asserted in
carnet/evaluations/tests).
"""

import json
import os
import statistics
import time

from common import django_setup, median_ms, migrate_and_load, queries_of

django_setup("grid")

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from carnet.accounts.models import User  # noqa: E402
from carnet.core.profiles import Profile  # noqa: E402
from carnet.directory.models import Division, Pupil, StaffMember  # noqa: E402
from carnet.directory.school_years import school_year_current  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402
from carnet.evaluations.enums import EvaluationKind, Grain  # noqa: E402
from carnet.evaluations.paper import paper_grid_pdf  # noqa: E402
from carnet.evaluations.selectors import scale_of  # noqa: E402
from carnet.evaluations.services import (  # noqa: E402
    CellChange,
    evaluation_create,
    results_record,
)
from carnet.referentials.models import Criterion, Diploma  # noqa: E402
from carnet.scenarios.models import Scenario  # noqa: E402


def setup(establishment, teacher, pupils: int, criteria: int, kind=EvaluationKind.FORMATIVE):
    year = school_year_current()
    diploma = Diploma.objects.get(code="BP-MELEC")
    division = Division.objects.create(
        establishment=establishment,
        school_year=year,
        code=f"D{Division.objects.count() + 1}",
        diploma=diploma,
    )
    Pupil.objects.bulk_create(
        Pupil(
            establishment=establishment,
            last_name=f"NOM{n:03d}",
            first_name="Prénom",
            division=division,
            siecle_eleve_id=f"{division.code}-{n}",
        )
        for n in range(pupils)
    )
    teacher.staff_member.divisions.add(division)
    scenario = Scenario.objects.create(
        establishment=establishment,
        school_year=year,
        author=teacher,
        title=f"Scénario {pupils} × {criteria}",
        diploma=diploma,
        class_level="seconde",
    )
    unit = diploma.units.get(code="U31") if kind == EvaluationKind.CERTIFICATIVE else None
    pool = Criterion.objects.filter(competency__diploma=diploma)
    if unit is not None:  # its competencies only (C2, C4, C12: 28 criteria)
        pool = pool.filter(competency__in=unit.competencies.all())
    chosen = list(pool.order_by("competency__position", "position")[:criteria])
    evaluation = evaluation_create(
        scenario=scenario,
        actor=teacher,
        kind=kind,
        unit=unit,
        date=timezone.localdate(),
        grain=Grain.CRITERION,
        divisions=[division],
        criteria=[c.pk for c in chosen],
    )
    levels = [level.pk for level in scale_of(diploma_id=diploma.pk)]
    targets = list(evaluation.targets.all())
    rows = list(evaluation.assignments.values_list("pupil_id", flat=True))
    # Two cells out of three filled, as in the middle of a term.
    results_record(
        evaluation=evaluation,
        actor=teacher,
        cells=[
            CellChange(p, t.pk, levels[(i + j) % 4])
            for i, p in enumerate(rows)
            for j, t in enumerate(targets)
            if (i + j) % 3
        ],
    )
    return evaluation, rows, targets, levels


def main() -> None:
    migrate_and_load()
    establishment = Establishment.objects.create(
        uai="0693046L", name="Lycée bench", email="ce@bench.invalid"
    )
    teacher = User.objects.create(
        username="prof.bench", profile=Profile.TEACHER, establishment=establishment
    )
    StaffMember.objects.create(
        establishment=establishment, last_name="BENCH", first_name="Prof", function="ENS",
        user=teacher,
    )  # fmt: skip
    client = Client()
    client.force_login(teacher, backend="carnet.accounts.backends.AccountBackend")
    print(f"load average : {os.getloadavg()[0]:.1f} ({os.cpu_count()} cœurs)")
    print(f"{'mesure (médianes)':<62} {'horloge':>9} {'CPU':>9} {'requêtes':>9}")

    def line(label, timing, queries):
        print(f"{label:<62} {timing[0]:>7.1f}ms {timing[1]:>7.1f}ms {queries:>9}")

    for pupils, criteria in ((30, 40), (44, 80)):
        evaluation, rows, targets, levels = setup(establishment, teacher, pupils, criteria)
        url = reverse("evaluations:grid", args=[evaluation.pk])

        def page(url=url):
            response = client.get(url)
            assert response.status_code == 200
            return response

        size = len(page().content) // 1024
        line(
            f"grille {pupils} × {criteria}, page entière ({size} Ko)",
            median_ms(page),
            queries_of(page),
        )

    for kind in (EvaluationKind.FORMATIVE, EvaluationKind.CERTIFICATIVE):
        evaluation, rows, targets, levels = setup(establishment, teacher, 30, 40, kind)
        save_url = reverse("evaluations:cells", args=[evaluation.pk])
        turn = iter(range(10**6))

        def change(turn=turn, rows=rows, targets=targets, levels=levels):
            # Each call changes the first cell (left empty by setup): 1, 2, 1, 2…
            return rows[0], targets[0].pk, levels[next(turn) % 2]

        def save_http(save_url=save_url, change=change):
            pupil, target, level = change()
            body = json.dumps({"cells": [{"pupil": pupil, "target": target, "level": level}]})
            answer = client.post(save_url, body, content_type="application/json")
            assert answer.status_code == 200 and not answer.json()["refused"]

        def save_service(evaluation=evaluation, change=change):
            outcome = results_record(
                evaluation=evaluation, actor=teacher, cells=[CellChange(*change())]
            )
            assert outcome.written == 1

        name = "formative" if kind == EvaluationKind.FORMATIVE else "certificative, historisée"
        line(f"une case enregistrée ({name}), requête", median_ms(save_http), queries_of(save_http))
        line(
            f"une case enregistrée ({name}), service results_record",
            median_ms(save_service),
            queries_of(save_service),
        )

    evaluation, *_ = setup(establishment, teacher, 35, 40)
    for filled in (False, True):
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = paper_grid_pdf(evaluation=evaluation, filled=filled)
        first = (time.perf_counter() - started, time.process_time() - started_cpu)
        wall, cpu = [], []
        for _ in range(5):
            started, started_cpu = time.perf_counter(), time.process_time()
            paper_grid_pdf(evaluation=evaluation, filled=filled)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        print(
            f"grille papier 35 × 40 {'remplie' if filled else 'vierge'} "
            f"(PDF, {len(pdf) // 1024} Ko, cible ≤ 1,5 s) : première {first[0]:.2f} s "
            f"(CPU {first[1]:.2f} s), médiane "
            f"{statistics.median(wall):.2f} s (CPU {statistics.median(cpu):.2f} s, au mieux "
            f"{min(cpu):.2f} s)"
        )


if __name__ == "__main__":
    main()
