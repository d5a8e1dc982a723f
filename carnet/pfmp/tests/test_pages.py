"""The PFMP pages through HTTP: the teacher's, the pupil's, the bilan, the paper forms."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from carnet.pfmp.enums import ReviewStatus, SheetStatus
from carnet.pfmp.models import ActivitySheet, CompanyReview, Period, ReviewResult
from carnet.pfmp.services import sheet_check, sheet_save, sheet_send
from carnet.referentials.models import ScaleLevel
from carnet.scenarios.tests.corpus import png

pytestmark = pytest.mark.django_db


def sent_sheet(pfmp, index=0, title="Pose d'un tableau"):
    sheet = sheet_save(
        placement=pfmp.placement(index),
        actor=pfmp.learner,
        task_ids=[t.pk for t in pfmp.tasks("T1-1", "T2-2")],
        starts_on=pfmp.period.starts_on,
        title=title,
    )
    return sheet_send(sheet=sheet, actor=pfmp.learner)


def review_with_targets(pfmp, index=0):
    sheet = sent_sheet(pfmp, index)
    return sheet_check(
        sheet=sheet,
        actor=pfmp.teacher,
        task_ids=[t.pk for t in pfmp.tasks("T1-1")],
        competency_ids=[pfmp.competency("C1").pk],
        criterion_ids=[pfmp.criteria("C2")[0].pk],
    )


class TestTeacherPage:
    def test_division_pupils_and_weeks(self, pfmp, client_of):
        response = client_of(pfmp.teacher).get(reverse("pfmp:home"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "1MELEC-A" in body and "ÉLÈVE1" in body
        assert "4\u00a0semaines sur 22\u00a0semaines" in body

    def test_create_a_period(self, pfmp, client_of):
        response = client_of(pfmp.teacher).post(
            reverse("pfmp:period_create", args=[pfmp.division.pk]),
            {"title": "PFMP 2", "starts_on": "2030-03-02", "ends_on": "2030-03-27", "weeks": 4},
        )
        assert response.status_code == 302
        period = Period.objects.get(title="PFMP 2")
        assert period.placements.count() == 5

    def test_bad_period_says_why(self, pfmp, client_of):
        response = client_of(pfmp.teacher).post(
            reverse("pfmp:period_create", args=[pfmp.division.pk]),
            {"starts_on": "2030-03-27", "ends_on": "2030-03-02", "weeks": 4},
        )
        assert "précède son début" in response.content.decode()
        assert Period.objects.count() == 1

    def test_placement_with_bad_siret_refused(self, pfmp, client_of):
        placement = pfmp.placement()
        response = client_of(pfmp.teacher).post(
            reverse("pfmp:placement_edit", args=[placement.pk]),
            {"company_name": "Élec Ouest", "company_siret": "73282932000075"},
        )
        assert "clé de contrôle" in response.content.decode()
        placement.refresh_from_db()
        assert placement.company_name == ""

    def test_placement_saved(self, pfmp, client_of):
        placement = pfmp.placement()
        response = client_of(pfmp.teacher).post(
            reverse("pfmp:placement_edit", args=[placement.pk]),
            {
                "company_name": "Élec Ouest",
                "company_siret": "73282932000074",
                "company_city": "Nantes",
                "tutor_name": "Mme Tutrice",
                "tutor_email": "tutrice@example.org",
                "referent": pfmp.teacher.pk,
            },
        )
        assert response.status_code == 302
        placement.refresh_from_db()
        assert placement.company_city == "Nantes"

    def test_reads_a_fiche_and_its_ticked_tasks(self, pfmp, client_of):
        sheet = sent_sheet(pfmp)
        url = reverse("pfmp:home") + f"?division={pfmp.division.pk}&eleve={pfmp.pupils[0].pk}"
        body = client_of(pfmp.teacher).get(url + f"&fiche={sheet.pk}").content.decode()
        assert "Tâches/Compétences" in body
        (task,) = pfmp.tasks("T2-2")
        assert f'value="{task.pk}" checked' in body

    def test_check_copies_into_the_bilan(self, pfmp, client_of):
        sheet = sent_sheet(pfmp)
        c1, c21 = pfmp.competency("C1"), pfmp.criteria("C2")[0]
        response = client_of(pfmp.teacher).post(
            reverse("pfmp:sheet_check", args=[sheet.pk]),
            {"taches": [t.pk for t in pfmp.tasks("T1-1")], "cibles": [f"k{c1.pk}", f"c{c21.pk}"]},
        )
        assert response.status_code == 302
        review = CompanyReview.objects.get(placement=sheet.placement)
        assert review.targets.count() == 2
        assert [t.code for t in sheet.checked_tasks.all()] == ["T1-1"]

    def test_division_fiches_in_constant_queries(self, pfmp, client_of, django_assert_num_queries):
        client = client_of(pfmp.teacher)
        url = reverse("pfmp:home") + f"?division={pfmp.division.pk}"
        sent_sheet(pfmp)
        client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for index in range(5):
            for n in range(4):
                sent_sheet(pfmp, index, title=f"Fiche {n}")
        with django_assert_num_queries(len(few)):
            response = client.get(url)
        assert response.content.decode().count("Fiche 3") == 5


class TestReviewPage:
    def test_fill_then_validate(self, pfmp, client_of):
        review = review_with_targets(pfmp)
        client = client_of(pfmp.teacher)
        level = ScaleLevel.objects.get(diploma=pfmp.diploma, key="3")
        data = {f"niveau-{t.pk}": level.pk for t in review.targets.all()} | {
            "tutor_appreciation": "Sérieux",
            "attendance": "Assidu",
            "teacher_signature": "M. Prof",
            "tutor_signature": "Mme Tutrice",
            "signed_on": "2030-01-31",
            "read_and_approved": "on",
        }
        assert client.post(reverse("pfmp:review", args=[review.pk]), data).status_code == 302
        assert ReviewResult.objects.filter(review=review).count() == 2
        response = client.post(reverse("pfmp:review_validate", args=[review.pk]))
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.status == ReviewStatus.VALIDATED

    def test_validate_refused_says_why(self, pfmp, client_of):
        review = review_with_targets(pfmp)
        response = client_of(pfmp.teacher).post(reverse("pfmp:review_validate", args=[review.pk]))
        assert response.status_code == 400
        assert "Lu et approuvé" in response.content.decode()

    def test_head_reads_but_cannot_fill(self, pfmp, client_of, users):
        review = review_with_targets(pfmp)
        client = client_of(users["chef"])
        assert client.get(reverse("pfmp:review", args=[review.pk])).status_code == 200
        assert client.post(reverse("pfmp:review", args=[review.pk]), {}).status_code == 403

    def test_colleague_of_another_division_refused(self, pfmp, client_of):
        review = review_with_targets(pfmp)
        response = client_of(pfmp.colleague).get(reverse("pfmp:review", args=[review.pk]))
        assert response.status_code == 403

    def test_link_sent_to_the_tutor(self, pfmp, client_of):
        review = review_with_targets(pfmp)
        placement = review.placement
        placement.tutor_email = "tutrice@example.org"
        placement.save()
        response = client_of(pfmp.teacher).post(reverse("pfmp:link_create", args=[review.pk]))
        assert response.status_code == 200
        (message,) = mail.outbox
        assert message.to == ["tutrice@example.org"]
        link = review.links.get()
        assert "/tuteur/bilans/" in message.body
        secret_part = message.body.split("/tuteur/bilans/")[1].split("/")[1]
        assert link.secret_hash not in message.body and secret_part not in link.secret_hash
        assert "ÉLÈVE1" not in message.body

    def test_paper_forms(self, pfmp, client_of):
        review_with_targets(pfmp)
        client = client_of(pfmp.teacher)
        response = client.get(reverse("pfmp:period_paper", args=[pfmp.period.pk]))
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")
        assert CompanyReview.objects.filter(placement__period=pfmp.period).count() == 5
        review = CompanyReview.objects.first()
        response = client.get(reverse("pfmp:review_paper", args=[review.pk]))
        assert response.content.startswith(b"%PDF")


class TestPupilPages:
    def test_writes_a_fiche_with_a_photo_then_sends_it(self, pfmp, client_of):
        client = client_of(pfmp.learner)
        placement = pfmp.placement()
        assert "PFMP de janvier" in client.get(reverse("pfmp:mine")).content.decode()
        photo = png()
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            reverse("pfmp:sheet_create", args=[placement.pk]),
            {
                "starts_on": "2027-01-07",
                "title": "Câblage",
                "tasks": [t.pk for t in pfmp.tasks("T1-1", "T2-2")],
                "autonomy": "seul",
                "files": [SimpleUploadedFile("photo.png", photo)],
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        sheet = ActivitySheet.objects.get()
        assert sheet.tasks.count() == 2 and sheet.attachments.count() == 1
        attachment = sheet.attachments.get()
        served = client.get(reverse("pfmp:attachment", args=[attachment.pk]))
        assert served.status_code == 200 and served["Content-Type"] == "image/png"
        client.post(reverse("pfmp:sheet_send", args=[sheet.pk]))
        sheet.refresh_from_db()
        assert sheet.status == SheetStatus.SENT

    def test_another_pupils_placement_refused(self, pfmp, client_of):
        response = client_of(pfmp.learner).get(
            reverse("pfmp:sheet_create", args=[pfmp.placement(1).pk])
        )
        assert response.status_code == 403

    def test_draft_unseen_by_the_teacher(self, pfmp, client_of):
        sheet_save(
            placement=pfmp.placement(),
            actor=pfmp.learner,
            starts_on=datetime.date(2027, 1, 7),
            title="BROUILLON-SECRET",
        )
        url = reverse("pfmp:home") + f"?division={pfmp.division.pk}&eleve={pfmp.pupils[0].pk}"
        assert "BROUILLON-SECRET" not in client_of(pfmp.teacher).get(url).content.decode()
