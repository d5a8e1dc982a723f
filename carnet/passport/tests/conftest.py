"""A division of BP MELEC taught by prof.a, with the pupil whose account is eleve.a, another
pupil, a colleague who does not teach the division, and a PFMP placement of the pupil."""

import datetime
import io
from dataclasses import dataclass

import pytest
from PIL import ExifTags, Image

from carnet.accounts.tests.factories import UserFactory
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.evaluations.enums import EvaluationKind, Grain
from carnet.evaluations.services import evaluation_create
from carnet.evaluations.services.results import CellChange, results_record
from carnet.passport.enums import EntryPlace
from carnet.passport.services import EntryData, entry_create
from carnet.pfmp.models import ActivitySheet, Period, Placement
from carnet.referentials.models import Competency, Criterion, ScaleLevel, Task
from carnet.scenarios.tests.factories import ScenarioFactory


def jpeg_with_gps() -> bytes:
    """A photo as a phone takes it: the maker and the place (EXIF GPS) inside."""
    exif = Image.Exif()
    exif[0x010F] = "Téléphone de l'élève"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (47.0, 13.0, 5.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (1.0, 33.0, 10.0)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 90, 160)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


@dataclass
class Passport:
    establishment: object
    diploma: object
    division: object
    pupil: object
    other_pupil: object
    learner: object
    teacher: object
    colleague: object
    placement: object

    def tasks(self, *codes):
        return list(Task.objects.filter(activity__diploma=self.diploma, code__in=codes))

    def task_ids(self, *codes):
        return [t.pk for t in self.tasks(*codes)]

    def competency_ids(self, *codes):
        return list(
            Competency.objects.filter(diploma=self.diploma, code__in=codes).values_list(
                "pk", flat=True
            )
        )

    def data(self, **values) -> EntryData:
        defaults = {
            "title": "Pose d'un tableau électrique",
            "place": EntryPlace.SCHOOL,
            "place_detail": "Atelier 12",
            "starts_on": datetime.date(2026, 11, 3),
            "description": "J'ai posé et raccordé un tableau de distribution.",
            "task_ids": self.task_ids(*self.first_task_codes()),
        }
        return EntryData(**(defaults | values))

    def first_task_codes(self):
        return list(
            Task.objects.filter(activity__diploma=self.diploma)
            .order_by("activity__position", "position")
            .values_list("code", flat=True)[:2]
        )

    def entry(self, **values):
        return entry_create(pupil=self.pupil, actor=self.learner, data=self.data(**values))


@pytest.fixture
def passport(users, establishment, diplomas):
    diploma = diplomas["BP-MELEC"]
    year = school_year_start(datetime.date.today())
    division = DivisionFactory(
        establishment=establishment, school_year__start_year=year, diploma=diploma, code="2MELEC"
    )
    learner = users["apprenant"]
    pupil = PupilFactory(
        establishment=establishment, division=division, user=learner, last_name="MARTIN"
    )
    other = PupilFactory(establishment=establishment, division=division, last_name="DURAND")
    teacher = users["enseignant"]
    StaffMemberFactory(establishment=establishment, user=teacher).divisions.add(division)
    colleague = UserFactory(username="collegue.a", establishment=establishment)
    StaffMemberFactory(establishment=establishment, user=colleague)
    period = Period.objects.create(
        establishment=establishment,
        division=division,
        starts_on=datetime.date(2026, 11, 16),
        ends_on=datetime.date(2026, 12, 11),
        weeks=4,
    )
    placement = Placement.objects.create(
        establishment=establishment,
        period=period,
        pupil=pupil,
        company_name="Électricité Dupont",
        company_city="Nantes",
    )
    return Passport(
        establishment, diploma, division, pupil, other, learner, teacher, colleague, placement
    )


def sheet_of(passport, **values) -> ActivitySheet:
    sheet = ActivitySheet.objects.create(
        establishment=passport.establishment,
        placement=passport.placement,
        starts_on=datetime.date(2026, 11, 17),
        ends_on=datetime.date(2026, 11, 18),
        title="Câblage d'une armoire",
        company_context="PME de 12 salariés, tertiaire.",
        description="J'ai câblé une armoire de commande.",
        equipment="Pince à sertir, multimètre",
        autonomy="avec_aide",
        **values,
    )
    return sheet


@pytest.fixture
def evaluated(passport):
    """A scenario on two tasks and criteria of C2, evaluated for the division: the pupil got
    a level (which must never reach the passport)."""
    scenario = ScenarioFactory(
        establishment=passport.establishment,
        author=passport.teacher,
        title="Mise en service d'un éclairage",
        diploma=passport.diploma,
        school_year=passport.division.school_year,
        context={"description": "Un atelier de 200 m² à éclairer."},
    )
    scenario.tasks.set(passport.tasks(*passport.first_task_codes()))
    criteria = list(Criterion.objects.filter(competency__diploma=passport.diploma)[:2])
    scenario.criteria.set(criteria)
    evaluation = evaluation_create(
        scenario=scenario,
        actor=passport.teacher,
        kind=EvaluationKind.FORMATIVE,
        date=passport.data().starts_on,
        grain=Grain.CRITERION,
        divisions=[passport.division],
        criteria=[c.pk for c in criteria],
    )
    level = ScaleLevel.objects.filter(diploma=passport.diploma, value__isnull=False).last()
    target = evaluation.targets.first()
    results_record(
        evaluation=evaluation,
        actor=passport.teacher,
        cells=[CellChange(passport.pupil.pk, target.pk, level.pk)],
    )
    return evaluation, level
