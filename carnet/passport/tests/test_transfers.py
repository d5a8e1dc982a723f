"""The passport follows its pupil through carnet.transfers: live entries at the destination,
attachments included, once."""

import pytest
from django.core.files.storage import default_storage

from carnet.passport import services
from carnet.passport.enums import EntryStatus
from carnet.passport.models import Entry
from carnet.passport.tests.conftest import jpeg_with_gps
from carnet.referentials.models import Task
from carnet.transfers.package import package_read
from carnet.transfers.services import package_apply, package_export, transfer_request_decide
from carnet.transfers.tests.conftest import key_file, record, school, storage  # noqa: F401
from carnet.transfers.tests.test_services import ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def passport_entries(record):  # noqa: F811
    """Two entries of the pupil at the holder: one validated with a photo, one draft."""
    pupil, teacher = record.holder_pupil, record.school.teacher
    tasks = list(
        Task.objects.filter(activity__diploma=record.school.diploma).order_by(
            "activity__position", "position"
        )[:2]
    )
    data = services.EntryData(
        title="Pose d'un tableau",
        place="etablissement",
        place_detail="Atelier 12",
        starts_on=record.school.scenario.created_at.date(),
        description="J'ai posé le tableau.",
        task_ids=[t.pk for t in tasks],
    )
    first = services.entry_create(pupil=pupil, actor=teacher, data=data)
    (photo,) = services.entry_attachments_add(
        entry=first, actor=teacher, uploads=[("tableau.jpg", jpeg_with_gps())]
    )
    services.entry_validate(entry=services.entry_submit(entry=first, actor=teacher), actor=teacher)
    data.title = "Visite d'entreprise"
    services.entry_create(pupil=pupil, actor=teacher, data=data)
    return photo, tasks


class TestPassportTransfer:
    def test_entries_arrive_live_with_their_photo_once(self, record, users, passport_entries):  # noqa: F811
        photo, tasks = passport_entries
        for _ in range(2):  # a second request: nothing twice
            transfer_request_decide(
                request=ask(record, users), accept=True, actor=users["administrateur"]
            )
        received = {e.title: e for e in Entry.objects.filter(pupil=record.pupil)}
        assert set(received) == {"Pose d'un tableau", "Visite d'entreprise"}
        validated = received["Pose d'un tableau"]
        assert validated.establishment == record.receiver
        assert validated.status == EntryStatus.VALIDATED
        assert received["Visite d'entreprise"].status == EntryStatus.DRAFT
        assert sorted(t.code for t in validated.tasks.all()) == sorted(t.code for t in tasks)
        (attachment,) = validated.attachments.all()
        assert attachment.establishment == record.receiver
        assert attachment.storage_name != photo.storage_name
        with (
            default_storage.open(attachment.storage_name, "rb") as copy,
            default_storage.open(photo.storage_name, "rb") as original,
        ):
            assert copy.read() == original.read()
        # Copied, not moved.
        assert Entry.objects.filter(pupil=record.holder_pupil).count() == 2

    def test_through_a_package_too(self, record, users, passport_entries):  # noqa: F811
        out, _ = package_export(
            establishment=record.holder, pupil=record.holder_pupil, actor=users["administrateur"]
        )
        with out:
            data = out.read()
        package_apply(
            establishment=record.receiver,
            package=package_read(data),
            actor=users["admin_autre"],
            channel="paquet",
        )
        assert Entry.objects.filter(pupil=record.pupil).count() == 2

    def test_a_received_file_is_typed_by_its_content_never_by_the_package(
        self,
        record,  # noqa: F811
        users,
        passport_entries,
    ):
        """Another deployment's package, however signed, cannot make a page of ours serve
        HTML: the type comes from the bytes, and what is no accepted file is left out."""
        import hashlib

        from django.core.files.base import ContentFile

        from carnet.passport.transfers import passport_export, passport_receive

        (item,) = [
            i
            for i in passport_export(establishment=record.holder, pupil=record.holder_pupil)
            if i.data["attachments"]
        ]
        html = b"<html><script>alert(1)</script></html>"
        photo = item.data["attachments"][0]
        with default_storage.open(passport_entries[0].storage_name, "rb") as source:
            jpeg = source.read()
        files = {}
        for content in (html, jpeg):
            digest = hashlib.sha256(content).hexdigest()
            files[digest] = default_storage.save(f"transferts/{digest}", ContentFile(content))
        data = dict(item.data)
        data["attachments"] = [
            {**photo, "sha256": hashlib.sha256(html).hexdigest(), "content_type": "image/png"},
            {**photo, "content_type": "text/html", "kind": "pdf"},
        ]
        passport_receive(
            establishment=record.receiver, pupil=record.pupil, items=[data], files=files
        )
        (entry,) = Entry.objects.filter(pupil=record.pupil)
        (kept,) = entry.attachments.all()
        assert (kept.content_type, kept.kind) == ("image/jpeg", "image")
