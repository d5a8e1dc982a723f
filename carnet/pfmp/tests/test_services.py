"""Periods, placements, fiches and rule 7 (the choices copied into the bilan entreprise)."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from carnet.pfmp.enums import ReviewStatus, SheetStatus
from carnet.pfmp.models import CompanyReview, Placement, ReviewResult
from carnet.pfmp.selectors import division_pupils, result_rows, review_lines
from carnet.pfmp.services import (
    period_create,
    placement_update,
    review_fill,
    review_validate,
    sheet_attachments_add,
    sheet_check,
    sheet_save,
    sheet_send,
)
from carnet.pfmp.weeks import luhn_valid, required_weeks, siret_problem
from carnet.referentials.models import ScaleLevel

pytestmark = pytest.mark.django_db


def write_sheet(pfmp, index=0, tasks=("T1-1", "T2-2"), **data):
    placement = pfmp.placement(index)
    values = {
        "starts_on": pfmp.period.starts_on,
        "title": "Pose d'un tableau",
        "description": "J'ai posé un tableau",
        "autonomy": "avec_aide",
    } | data
    return sheet_save(
        placement=placement,
        actor=pfmp.learner,
        task_ids=[t.pk for t in pfmp.tasks(*tasks)],
        **values,
    )


def level(pfmp, code):
    return ScaleLevel.objects.get(diploma=pfmp.diploma, key=code)


class TestWeeks:
    def test_required_weeks_of_each_level(self):
        assert str(required_weeks("Bac Pro")) == "22\u00a0semaines"
        assert str(required_weeks("CAP")) == "12 à 16\u00a0semaines"
        assert required_weeks("BTS") is None

    @given(st.text(alphabet="0123456789", min_size=13, max_size=13))
    def test_one_luhn_key_completes_any_siret(self, stem):
        valid = [d for d in "0123456789" if luhn_valid(stem + d)]
        assert len(valid) == 1

    def test_siret_checked(self):
        assert siret_problem("") is None
        assert siret_problem("732 829 320 00074") is None
        assert "clé de contrôle" in siret_problem("73282932000075")
        assert "14 chiffres" in siret_problem("1234")
        assert siret_problem("35600000000048") is None  # La Poste

    def test_weeks_done_against_required(self, pfmp):
        second = period_create(
            division=pfmp.division,
            actor=pfmp.teacher,
            starts_on=datetime.date(2030, 5, 1),
            ends_on=datetime.date(2030, 5, 31),
            weeks=4,
        )
        placement = Placement.objects.get(period=second, pupil=pfmp.pupils[0])
        placement_update(placement=placement, weeks_done=3, company_name="Élec")
        rows = {row.pupil.pk: row for row in division_pupils(division=pfmp.division)}
        assert rows[pfmp.pupils[0].pk].weeks == 7
        assert rows[pfmp.pupils[1].pk].weeks == 8
        assert rows[pfmp.pupils[0].pk].required.minimum == 22
        assert not rows[pfmp.pupils[0].pk].reached

    def test_division_pupils_in_fixed_queries(self, pfmp, django_assert_num_queries):
        with django_assert_num_queries(3):
            assert len(division_pupils(division=pfmp.division)) == 5


class TestPeriods:
    def test_a_period_gives_every_pupil_a_placement(self, pfmp):
        assert pfmp.period.placements.count() == 5
        assert pfmp.placement().referent == pfmp.teacher

    def test_dates_in_order(self, pfmp):
        with pytest.raises(ValidationError, match="précède"):
            period_create(
                division=pfmp.division,
                actor=pfmp.teacher,
                starts_on=datetime.date(2030, 2, 1),
                ends_on=datetime.date(2030, 1, 1),
                weeks=4,
            )

    def test_bad_siret_changes_nothing(self, pfmp):
        placement = pfmp.placement()
        with pytest.raises(ValidationError):
            placement_update(placement=placement, company_name="X", company_siret="12345678901234")
        placement.refresh_from_db()
        assert placement.company_name == ""


class TestSheets:
    def test_draft_then_sent(self, pfmp):
        sheet = write_sheet(pfmp)
        assert sheet.status == SheetStatus.DRAFT
        assert {t.code for t in sheet.tasks.all()} == {"T1-1", "T2-2"}
        sheet_send(sheet=sheet, actor=pfmp.learner)
        sheet.refresh_from_db()
        assert sheet.status == SheetStatus.SENT
        with pytest.raises(ValidationError, match="envoyée"):
            write_sheet(pfmp, sheet=sheet)

    def test_as_many_sheets_as_wanted(self, pfmp):
        write_sheet(pfmp)
        write_sheet(pfmp, title="Deuxième")
        assert pfmp.placement().sheets.count() == 2

    def test_task_of_another_diploma_refused(self, pfmp):
        from carnet.referentials.models import Task

        other = Task.objects.exclude(activity__diploma=pfmp.diploma).first() or Task(pk=10**6)
        with pytest.raises(ValidationError, match="tâche du diplôme"):
            sheet_save(
                placement=pfmp.placement(),
                actor=pfmp.learner,
                task_ids=[other.pk],
                starts_on=pfmp.period.starts_on,
                title="X",
            )

    def test_photo_gps_removed(self, pfmp):
        image = Image.new("RGB", (40, 30), "red")
        exif = Image.Exif()
        exif[0x8825] = {2: (47.0, 13.0, 0.0), 1: "N"}  # GPSInfo
        exif[0x010F] = "Appareil"
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", exif=exif)
        data = buffer.getvalue()
        assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
        sheet = write_sheet(pfmp)
        (attachment,) = sheet_attachments_add(
            sheet=sheet, actor=pfmp.learner, uploads=[("IMG_0001.jpg", data)]
        )
        with default_storage.open(attachment.storage_name) as stored:
            read_back = Image.open(io.BytesIO(stored.read()))
            read_back.load()
        assert read_back.size == (40, 30)
        exif = read_back.getexif()
        assert not exif.get_ifd(0x8825)
        assert 0x010F not in exif

    def test_office_file_refused(self, pfmp):
        from carnet.scenarios.tests.corpus import docx

        sheet = write_sheet(pfmp)
        with pytest.raises(ValidationError, match="photos"):
            sheet_attachments_add(sheet=sheet, actor=pfmp.learner, uploads=[("a.docx", docx())])
        assert sheet.attachments.count() == 0


class TestRule7:
    def check(self, pfmp, sheet, tasks=("T1-1",), whole=(), criteria=()):
        return sheet_check(
            sheet=sheet,
            actor=pfmp.teacher,
            task_ids=[t.pk for t in pfmp.tasks(*tasks)],
            competency_ids=[pfmp.competency(c).pk for c in whole],
            criterion_ids=[c.pk for c in criteria],
        )

    def test_choices_copied_into_the_bilan(self, pfmp):
        sheet = write_sheet(pfmp)
        c2 = pfmp.criteria("C2")
        review = self.check(pfmp, sheet, tasks=("T1-1", "T1-3"), whole=("C1",), criteria=c2[:2])
        assert {t.code for t in sheet.checked_tasks.all()} == {"T1-1", "T1-3"}
        lines = review_lines(review=review)
        assert [(line.target.competency.code, line.target.criterion_id) for line in lines] == [
            ("C1", None),
            ("C2", c2[0].pk),
            ("C2", c2[1].pk),
        ]
        # One bilan per pupil and period, whatever the number of fiches.
        second = write_sheet(pfmp, title="Autre")
        again = self.check(pfmp, second, whole=("C4",))
        assert again.pk == review.pk
        assert CompanyReview.objects.filter(placement=pfmp.placement()).count() == 1
        assert review.targets.count() == 4

    def test_later_changes_never_overwrite_levels(self, pfmp):
        sheet = write_sheet(pfmp)
        c2 = pfmp.criteria("C2")
        review = self.check(pfmp, sheet, whole=("C1",), criteria=c2[:2])
        targets = {(t.competency.code, t.criterion_id): t for t in review.targets.all()}
        filled = targets[("C2", c2[0].pk)]
        review_fill(review=review, actor=pfmp.teacher, levels={filled.pk: level(pfmp, "3").pk})
        # The teacher drops C1 and both criteria, adds C4: C1 (empty) goes, C2.1 (filled)
        # stays with its level, C2.2 (empty) goes, C4 arrives.
        review = self.check(pfmp, sheet, whole=("C4",))
        assert sorted((t.competency.code, t.criterion_id) for t in review.targets.all()) == [
            ("C2", c2[0].pk),
            ("C4", None),
        ]
        result = ReviewResult.objects.get(target=filled)
        assert result.level.key == "3"

    def test_validated_bilan_no_longer_changes(self, pfmp):
        sheet = write_sheet(pfmp)
        review = self.check(pfmp, sheet, whole=("C1",))
        target = review.targets.get()
        review_fill(
            review=review,
            actor=pfmp.teacher,
            levels={target.pk: level(pfmp, "4").pk},
            teacher_signature="M. Prof",
            tutor_signature="Mme Tutrice",
            signed_on=datetime.date(2030, 1, 31),
            read_and_approved=True,
        )
        review_validate(review=review, actor=pfmp.teacher)
        review = self.check(pfmp, sheet, whole=("C4",))
        assert [t.competency.code for t in review.targets.all()] == ["C1"]


class TestReview:
    def test_validation_needs_signatures(self, pfmp):
        sheet = write_sheet(pfmp)
        review = sheet_check(
            sheet=sheet,
            actor=pfmp.teacher,
            task_ids=[],
            competency_ids=[pfmp.competency("C1").pk],
        )
        with pytest.raises(ValidationError) as refused:
            review_validate(review=review, actor=pfmp.teacher)
        assert len(refused.value.messages) == 3
        review.refresh_from_db()
        assert review.status == ReviewStatus.OPEN

    def test_level_of_another_scale_refused(self, pfmp, diplomas):
        sheet = write_sheet(pfmp)
        review = sheet_check(
            sheet=sheet, actor=pfmp.teacher, task_ids=[], competency_ids=[pfmp.competency("C1").pk]
        )
        other = ScaleLevel.objects.filter(diploma=diplomas["CAP-ELEC"]).first()
        with pytest.raises(ValidationError):
            review_fill(
                review=review, actor=pfmp.teacher, levels={review.targets.get().pk: other.pk}
            )
        assert not ReviewResult.objects.exists()

    def test_validated_bilans_feed_the_dashboards(self, pfmp, django_assert_num_queries):
        reviews = []
        for index in range(3):
            sheet = write_sheet(pfmp, index)
            review = sheet_check(
                sheet=sheet,
                actor=pfmp.teacher,
                task_ids=[],
                competency_ids=[pfmp.competency("C1").pk],
                criterion_ids=[pfmp.criteria("C2")[0].pk],
            )
            review_fill(
                review=review,
                actor=pfmp.teacher,
                levels={t.pk: level(pfmp, "3").pk for t in review.targets.all()},
                teacher_signature="M. Prof",
                tutor_signature="Mme Tutrice",
                signed_on=datetime.date(2030, 1, 31),
                read_and_approved=True,
            )
            reviews.append(review)
        for review in reviews[:2]:
            review_validate(review=review, actor=pfmp.teacher)
        ids = [p.pk for p in pfmp.pupils]
        with django_assert_num_queries(1):
            rows = result_rows(establishment=pfmp.establishment, pupil_ids=ids)
        assert len(rows) == 4
        assert {r.kind for r in rows} == {"entreprise"}
        assert {r.column_code for r in rows} == {"C1", "C2.1"}
        assert {r.pupil_id for r in rows} == set(ids[:2])
