"""PFMP: a division's paper bilans entreprise (30 pupils, 8 competencies or criteria each)
as one PDF (target ≤ 3 s), and the teacher's page listing a division's 600 fiches activités
(target ≤ 60 ms, constant queries: asserted in carnet/pfmp/tests/test_pages.py).

Runs on its own SQLite file under var/ (or DATABASE_URL if set, which it will write to).
Medians of 20 runs (5 for the PDF) after a warm-up, wall and CPU time. Prints figures;
asserts nothing.
"""

import datetime
import os

from common import django_setup, median_ms, migrate_and_load, queries_of

django_setup("pfmp")

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from carnet.accounts.models import User  # noqa: E402
from carnet.core.profiles import Profile  # noqa: E402
from carnet.directory.models import Division, Pupil, StaffMember  # noqa: E402
from carnet.directory.school_years import school_year_current  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402
from carnet.pfmp.enums import SheetStatus  # noqa: E402
from carnet.pfmp.models import ActivitySheet, SheetTarget  # noqa: E402
from carnet.pfmp.paper import review_forms_pdf  # noqa: E402
from carnet.pfmp.selectors import reviews_of_period  # noqa: E402
from carnet.pfmp.services import period_create, review_sync  # noqa: E402
from carnet.referentials.models import Criterion, Diploma  # noqa: E402


def main() -> None:
    migrate_and_load()
    establishment = Establishment.objects.create(
        uai="0693046L", name="Lycée bench", email="ce@bench.invalid"
    )
    teacher = User.objects.create(
        username="prof.bench", profile=Profile.TEACHER, establishment=establishment
    )
    member = StaffMember.objects.create(
        establishment=establishment, last_name="BENCH", first_name="Prof", function="ENS",
        user=teacher,
    )  # fmt: skip
    diploma = Diploma.objects.get(code="BP-MELEC")
    division = Division.objects.create(
        establishment=establishment, school_year=school_year_current(), code="1MELEC",
        diploma=diploma,
    )  # fmt: skip
    member.divisions.add(division)
    Pupil.objects.bulk_create(
        Pupil(
            establishment=establishment,
            last_name=f"NOM{n:03d}",
            first_name="Prénom",
            division=division,
            siecle_eleve_id=f"B-{n}",
        )
        for n in range(30)
    )
    period = period_create(
        division=division,
        actor=teacher,
        starts_on=datetime.date(2030, 1, 6),
        ends_on=datetime.date(2030, 2, 14),
        weeks=6,
    )
    placements = list(period.placements.all())
    # 600 fiches: 20 a pupil, sent; on the first of each, 8 criteria chosen (the bilan).
    ActivitySheet.objects.bulk_create(
        ActivitySheet(
            establishment=establishment,
            placement=placement,
            starts_on=datetime.date(2030, 1, 6) + datetime.timedelta(days=n),
            title=f"Fiche {n} de l'élève {placement.pupil_id}",
            description="Ce que j'ai fait. " * 20,
            status=SheetStatus.SENT,
        )
        for placement in placements
        for n in range(20)
    )
    criteria = list(Criterion.objects.filter(competency__diploma=diploma)[:8])
    for placement in placements:
        sheet = placement.sheets.first()
        SheetTarget.objects.bulk_create(
            SheetTarget(sheet=sheet, competency_id=c.competency_id, criterion=c) for c in criteria
        )
        review_sync(placement=placement)

    client = Client()
    client.force_login(teacher, backend="carnet.accounts.backends.AccountBackend")
    print(f"load average : {os.getloadavg()[0]:.1f} ({os.cpu_count()} cœurs)")
    print(f"{'mesure (médianes)':<62} {'horloge':>9} {'CPU':>9} {'requêtes':>9}")

    def line(label, timing, queries):
        print(f"{label:<62} {timing[0]:>7.1f}ms {timing[1]:>7.1f}ms {queries:>9}")

    url = reverse("pfmp:home") + f"?division={division.pk}"

    def page():
        response = client.get(url)
        assert response.status_code == 200
        return response

    size = len(page().content) // 1024
    line(f"fiches de la division, 600 fiches ({size} Ko)", median_ms(page), queries_of(page))

    def paper():
        return review_forms_pdf(
            reviews=reviews_of_period(period=period), establishment=establishment
        )

    pdf_size = len(paper()) // 1024
    line(
        f"bilans papier de la division, 30 élèves × 8 lignes ({pdf_size} Ko)",
        median_ms(paper, runs=5),
        queries_of(paper),
    )

    paper_url = reverse("pfmp:period_paper", args=[period.pk])

    def paper_http():
        response = client.get(paper_url)
        assert response.status_code == 200

    line(
        "bilans papier de la division, requête entière",
        median_ms(paper_http, runs=5),
        queries_of(paper_http),
    )


if __name__ == "__main__":
    main()
