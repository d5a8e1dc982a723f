"""A pupil's PFMP in a transfer: the fiches sent (with their files) and the validated bilans."""

import datetime
import hashlib

import pytest
from django.template.loader import render_to_string

from carnet.pfmp.services import review_fill, review_validate, sheet_attachments_add, sheet_check
from carnet.pfmp.tests.test_pages import sent_sheet
from carnet.pfmp.transfers import reviews_export, sheets_export
from carnet.referentials.models import ScaleLevel
from carnet.scenarios.tests.corpus import png

pytestmark = pytest.mark.django_db


def test_sheets_and_validated_bilans_exported(pfmp):
    from carnet.pfmp.services import sheet_save

    draft = sheet_save(
        placement=pfmp.placement(),
        actor=pfmp.learner,
        starts_on=pfmp.period.starts_on,
        title="Brouillon",
    )
    sheet_attachments_add(sheet=draft, actor=pfmp.learner, uploads=[("a.png", png())])
    sheet = sent_sheet(pfmp)
    # Attachments are added to a draft: the sent fiche gets one before being sent.
    sheet.status = "brouillon"
    sheet.save()
    (attachment,) = sheet_attachments_add(
        sheet=sheet, actor=pfmp.learner, uploads=[("photo.png", png())]
    )
    sheet.status = "envoyee"
    sheet.save()
    review = sheet_check(
        sheet=sheet,
        actor=pfmp.teacher,
        task_ids=[t.pk for t in pfmp.tasks("T1-1")],
        competency_ids=[pfmp.competency("C1").pk],
    )
    assert reviews_export(establishment=pfmp.establishment, pupil=pfmp.pupils[0]) == []
    level = ScaleLevel.objects.get(diploma=pfmp.diploma, key="3")
    review_fill(
        review=review,
        actor=pfmp.teacher,
        levels={review.targets.get().pk: level.pk},
        teacher_signature="M. Prof",
        tutor_signature="Mme Tutrice",
        signed_on=datetime.date(2030, 1, 31),
        read_and_approved=True,
    )
    review_validate(review=review, actor=pfmp.teacher)

    (item,) = sheets_export(establishment=pfmp.establishment, pupil=pfmp.pupils[0])
    assert item.key == f"fiche-{sheet.pk}"
    assert item.data["tasks"] == ["T1-1"]  # as the teacher checked them
    (file,) = item.files
    with file.open() as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == file.sha256 == attachment.sha256
    html = render_to_string(
        "pfmp/transfers/_received_sheet.html",
        {"item": item.data, "origin": {"other_name": "Lycée B", "other_uai": "0573690B"}},
    )
    assert "Pose d&#x27;un tableau" in html and "photo.png" in html

    (bilan,) = reviews_export(establishment=pfmp.establishment, pupil=pfmp.pupils[0])
    assert [r["column"] for r in bilan.data["results"]] == ["C1"]
    html = render_to_string(
        "pfmp/transfers/_received_review.html",
        {"item": bilan.data, "origin": {"other_name": "Lycée B", "other_uai": "0573690B"}},
    )
    assert "Mme Tutrice" in html and "Maîtrisé" in html
    assert sheets_export(establishment=pfmp.establishment, pupil=pfmp.pupils[1]) == []
