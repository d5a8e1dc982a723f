"""The dashboards: a pupil's dashboard with 400 results (target ≤ 60 ms server time, ≤ 12
queries, charts included), and the class overview, 30 pupils × 13 competencies from 12,000
results (≤ 120 ms, a constant number of queries whatever the pupils).

Runs on its own SQLite file under var/ (or DATABASE_URL if set, which it will write to).
Times are medians of 20 runs after a warm-up, the whole HTTP request through Django's test
client (session, user and establishment included). Prints figures; asserts nothing (query
counts are asserted in carnet/dashboards/tests).
"""

import datetime
import os
import sys

from common import django_setup, median_ms, migrate_and_load, queries_of

django_setup("dashboards")

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from carnet.accounts.models import User  # noqa: E402
from carnet.core.profiles import Profile  # noqa: E402
from carnet.dashboards.tests.builder import results_build  # noqa: E402
from carnet.directory.models import Division, Pupil, StaffMember  # noqa: E402
from carnet.directory.school_years import school_year_current  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402
from carnet.referentials.models import Diploma  # noqa: E402
from carnet.scenarios.models import Scenario  # noqa: E402


def division_with(establishment, teacher, scenario, pupils: int, code: str):
    year = school_year_current()
    division = Division.objects.create(
        establishment=establishment,
        school_year=year,
        code=code,
        mef="24725520320",
        diploma=scenario.diploma,
    )
    Pupil.objects.bulk_create(
        Pupil(
            establishment=establishment,
            last_name=f"NOM{n:03d}",
            first_name="Prénom",
            division=division,
            siecle_eleve_id=f"{code}-{n}",
        )
        for n in range(pupils)
    )
    teacher.staff_member.divisions.add(division)
    return division, list(Pupil.objects.filter(division=division).order_by("pk"))


def profile(function) -> None:
    import cProfile
    import pstats

    function()
    profiler = cProfile.Profile()
    profiler.runcall(function)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(22)


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
    diploma = Diploma.objects.get(code="BP-MELEC")
    scenario = Scenario.objects.create(
        establishment=establishment,
        school_year=school_year_current(),
        author=teacher,
        title="Scénario du bench",
        diploma=diploma,
        class_level="premiere",
    )
    start = datetime.date(school_year_current().start_year, 9, 1)
    client = Client()
    client.force_login(teacher, backend="carnet.accounts.backends.AccountBackend")
    print(f"load average : {os.getloadavg()[0]:.1f} ({os.cpu_count()} cœurs)")
    print(f"{'mesure (médianes)':<62} {'horloge':>9} {'CPU':>9} {'requêtes':>9}")

    def line(label, timing, queries):
        print(f"{label:<62} {timing[0]:>7.1f}ms {timing[1]:>7.1f}ms {queries:>9}")

    # A pupil with 400 results: 40 evaluations of 10 criteria.
    division, pupils = division_with(establishment, teacher, scenario, 30, "1BENCH")
    made = results_build(
        scenario=scenario, pupils=pupils[:1], evaluations=40, criteria_per_evaluation=10,
        start=start,
    )  # fmt: skip
    url = f"{reverse('dashboards:pupil')}?division={division.pk}&eleve={pupils[0].pk}"

    def pupil_page(url=url):
        response = client.get(url)
        assert response.status_code == 200
        return response

    if "--profil" in sys.argv:
        profile(pupil_page)
    charts = pupil_page().content.decode().count('role="img"')
    line(
        f"tableau de bord, {made} résultats, {charts} graphiques",
        median_ms(pupil_page),
        queries_of(pupil_page),
    )

    # The class overview: 30 pupils × 13 competencies from 12,000 results (20 evaluations of
    # 20 criteria: 400 a pupil); then 10 pupils, to see the number of queries stay.
    for size, code in ((30, "1VUE30"), (10, "1VUE10")):
        division, pupils = division_with(establishment, teacher, scenario, size, code)
        made = results_build(
            scenario=scenario, pupils=pupils, evaluations=20, criteria_per_evaluation=20,
            start=start, seed=size,
        )  # fmt: skip
        overview = reverse("dashboards:overview", args=[division.pk])

        def overview_page(overview=overview):
            response = client.get(overview)
            assert response.status_code == 200
            return response

        if "--profil" in sys.argv and size == 30:  # where the overview's time goes
            profile(overview_page)
        line(
            f"vue d'ensemble {size} élèves × 13 compétences, {made} résultats",
            median_ms(overview_page),
            queries_of(overview_page),
        )


if __name__ == "__main__":
    main()
