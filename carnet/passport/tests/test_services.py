"""The passport's services: entries, sending, validation, attachments, conversions."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from PIL import ExifTags, Image

from carnet.evaluations.models import EvaluationPupil
from carnet.passport import services
from carnet.passport.enums import EntryPlace, EntryStatus, EventAction
from carnet.passport.models import Attachment, Entry
from carnet.passport.tests.conftest import jpeg_with_gps, sheet_of
from carnet.referentials.models import Task
from carnet.scenarios.tests.corpus import svg

pytestmark = pytest.mark.django_db


class TestEntries:
    def test_a_new_entry_is_a_draft_linked_to_the_activity_of_its_tasks(self, passport):
        entry = passport.entry()
        assert entry.status == EntryStatus.DRAFT
        assert entry.establishment_id == passport.establishment.pk
        tasks = list(entry.tasks.all())
        assert len(tasks) == 2
        assert entry.activity_id == tasks[0].activity_id

    def test_every_problem_is_said_and_nothing_is_written(self, passport):
        unknown = Task.objects.order_by("-pk").first().pk + 1000
        data = passport.data(title=" ", place="ailleurs", task_ids=[unknown])
        data.ends_on = data.starts_on.replace(day=1)
        with pytest.raises(ValidationError) as caught:
            services.entry_create(pupil=passport.pupil, actor=passport.learner, data=data)
        assert set(caught.value.message_dict) == {"title", "place", "ends_on", "task_ids"}
        assert Entry.objects.count() == 0

    def test_a_placement_must_be_the_pupils_own(self, passport):
        data = passport.data(place=EntryPlace.COMPANY, placement_id=passport.placement.pk)
        other = services.EntryData(**{**data.__dict__})
        with pytest.raises(ValidationError) as caught:
            services.entry_create(pupil=passport.other_pupil, actor=passport.learner, data=other)
        assert "placement_id" in caught.value.message_dict
        entry = services.entry_create(pupil=passport.pupil, actor=passport.learner, data=data)
        assert entry.place_label == "Électricité Dupont (Nantes)"

    def test_send_validate_and_history(self, passport):
        entry = services.entry_submit(entry=passport.entry(), actor=passport.learner)
        assert entry.status == EntryStatus.SUBMITTED and entry.submitted_at
        with pytest.raises(ValidationError, match="attendez sa réponse"):
            services.entry_update(entry=entry, actor=passport.learner, data=passport.data())
        entry = services.entry_validate(entry=entry, actor=passport.teacher)
        assert entry.status == EntryStatus.VALIDATED
        assert entry.validated_by == passport.teacher
        assert [e.action for e in entry.events.all()] == [
            EventAction.SUBMITTED,
            EventAction.VALIDATED,
        ]
        with pytest.raises(ValidationError, match="ne se modifie plus"):
            services.entry_update(entry=entry, actor=passport.learner, data=passport.data())

    def test_changes_asked_then_edited_and_sent_again(self, passport):
        entry = services.entry_submit(entry=passport.entry(), actor=passport.learner)
        with pytest.raises(ValidationError):
            services.entry_request_changes(entry=entry, actor=passport.teacher, comment="  ")
        entry = services.entry_request_changes(
            entry=entry, actor=passport.teacher, comment="Précisez le matériel."
        )
        assert entry.status == EntryStatus.CHANGES
        entry = services.entry_update(
            entry=entry, actor=passport.learner, data=passport.data(equipment="Multimètre")
        )
        entry = services.entry_submit(entry=entry, actor=passport.learner)
        assert entry.status == EntryStatus.SUBMITTED
        events = list(entry.events.values_list("action", "comment"))
        assert events == [
            (EventAction.SUBMITTED, ""),
            (EventAction.CHANGES, "Précisez le matériel."),
            (EventAction.SUBMITTED, ""),
        ]

    def test_only_a_sent_entry_is_validated(self, passport):
        with pytest.raises(ValidationError, match="n'attend pas de validation"):
            services.entry_validate(entry=passport.entry(), actor=passport.teacher)

    def test_an_empty_entry_cannot_be_sent(self, passport):
        entry = passport.entry(description="", task_ids=[])
        with pytest.raises(ValidationError, match="Décrivez"):
            services.entry_submit(entry=entry, actor=passport.learner)
        entry.refresh_from_db()
        assert entry.status == EntryStatus.DRAFT


class TestAttachments:
    def test_a_photo_is_re_encoded_without_its_gps_position(self, passport):
        original = jpeg_with_gps()
        assert dict(Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo))
        entry = passport.entry()
        (attachment,) = services.entry_attachments_add(
            entry=entry, actor=passport.learner, uploads=[("IMG_2031.jpg", original)]
        )
        assert attachment.kind == "image"
        assert attachment.storage_name.startswith("passeports/")
        assert "IMG_2031" not in attachment.storage_name
        with default_storage.open(attachment.storage_name, "rb") as stored:
            image = Image.open(io.BytesIO(stored.read()))
            exif = image.getexif()
        assert dict(exif.get_ifd(ExifTags.IFD.GPSInfo)) == {}
        assert 0x010F not in exif

    def test_a_refused_file_stores_nothing(self, passport):
        entry = passport.entry()
        with pytest.raises(ValidationError, match="SVG"):
            services.entry_attachments_add(
                entry=entry,
                actor=passport.learner,
                uploads=[("ok.jpg", jpeg_with_gps()), ("dessin.svg", svg())],
            )
        assert Attachment.objects.count() == 0

    def test_deleting_the_entry_deletes_its_files(
        self, passport, django_capture_on_commit_callbacks
    ):
        entry = passport.entry()
        (attachment,) = services.entry_attachments_add(
            entry=entry, actor=passport.learner, uploads=[("a.jpg", jpeg_with_gps())]
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.entry_delete(entry=entry, actor=passport.learner)
        assert not default_storage.exists(attachment.storage_name)


class TestConversions:
    def test_from_an_evaluation_without_its_level_and_only_once(self, passport, evaluated):
        evaluation, level = evaluated
        entry, created = services.entry_from_evaluation(
            pupil=passport.pupil, evaluation=evaluation, actor=passport.learner
        )
        assert created and entry.status == EntryStatus.DRAFT
        assert entry.title == "Mise en service d'un éclairage"
        assert entry.context == "Un atelier de 200 m² à éclairer."
        assert entry.place == EntryPlace.SCHOOL and entry.starts_on == evaluation.date
        assert sorted(t.pk for t in entry.tasks.all()) == sorted(
            passport.task_ids(*passport.first_task_codes())
        )
        assert set(entry.competencies.values_list("pk", flat=True)) == set(
            evaluation.targets.values_list("competency_id", flat=True)
        )
        texts = " ".join([entry.title, entry.context, entry.description])
        assert level.label not in texts
        again, created = services.entry_from_evaluation(
            pupil=passport.pupil, evaluation=evaluation, actor=passport.learner
        )
        assert not created and again.pk == entry.pk
        assert Entry.objects.count() == 1

    def test_an_evaluation_the_pupil_did_not_take_is_refused(self, passport, evaluated):
        evaluation, _ = evaluated
        EvaluationPupil.objects.filter(evaluation=evaluation, pupil=passport.pupil).delete()
        with pytest.raises(ValidationError, match="pas participé"):
            services.entry_from_evaluation(
                pupil=passport.pupil, evaluation=evaluation, actor=passport.learner
            )

    def test_from_a_fiche_activites_and_only_once(self, passport):
        sheet = sheet_of(passport)
        tasks = passport.tasks(*passport.first_task_codes())
        sheet.tasks.set(tasks)
        sheet.checked_tasks.set(tasks[:1])  # the teacher kept one: it wins
        entry, created = services.entry_from_sheet(
            pupil=passport.pupil, sheet=sheet, actor=passport.learner
        )
        assert created
        assert entry.place == EntryPlace.COMPANY and entry.placement == passport.placement
        assert (entry.starts_on, entry.ends_on) == (sheet.starts_on, sheet.ends_on)
        assert entry.context == sheet.company_context
        assert entry.description == sheet.description
        assert entry.equipment == sheet.equipment and entry.autonomy == "avec_aide"
        assert [t.pk for t in entry.tasks.all()] == [tasks[0].pk]
        _, created = services.entry_from_sheet(
            pupil=passport.pupil, sheet=sheet, actor=passport.learner
        )
        assert not created and Entry.objects.count() == 1

    def test_another_pupils_fiche_is_refused(self, passport):
        sheet = sheet_of(passport)
        with pytest.raises(ValidationError, match="pas la vôtre"):
            services.entry_from_sheet(
                pupil=passport.other_pupil, sheet=sheet, actor=passport.learner
            )
