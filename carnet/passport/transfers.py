"""The passport follows its pupil to another establishment (carnet.transfers): every entry,
its référentiel codes and attachments; at the destination each becomes a live entry of the
pupil's passport (``passport_receive``), validated if it was validated, else a draft the
pupil can send to their new teachers. Never a level: the passport holds none."""

import hashlib

from django.core.files.storage import default_storage
from django.db import transaction

from carnet.core.registry import TransferFile, TransferItem
from carnet.passport.enums import EntryPlace, EntryStatus
from carnet.passport.models import Attachment, Entry
from carnet.passport.selectors import entries_of
from carnet.passport.services import STORAGE_DIR
from carnet.referentials.models import Activity, Competency, Diploma, Task
from carnet.scenarios.files import file_store, files_removed_on_failure
from carnet.scenarios.resources import ResourceRefused, check_received


def _opener(name: str):
    return lambda: default_storage.open(name, "rb")


def passport_export(*, establishment, pupil) -> list[TransferItem]:
    items = []
    diplomas = dict(Diploma.objects.values_list("pk", "code"))
    for entry in entries_of(pupil=pupil).filter(establishment=establishment):
        attachments = list(entry.attachments.all())
        tasks = list(entry.tasks.all())
        items.append(
            TransferItem(
                key=f"passeport-{establishment.uai}-{entry.pk}",
                data={
                    "key": f"passeport-{establishment.uai}-{entry.pk}",
                    "diploma": diplomas.get(
                        tasks[0].activity.diploma_id
                        if tasks
                        else (entry.activity.diploma_id if entry.activity_id else None),
                        "",
                    ),
                    "title": entry.title,
                    "place": entry.place,
                    "place_label": entry.place_label,
                    "starts_on": entry.starts_on.isoformat(),
                    "ends_on": entry.ends_on.isoformat() if entry.ends_on else "",
                    "context": entry.context,
                    "description": entry.description,
                    "activity": entry.activity.code if entry.activity_id else "",
                    "tasks": [t.code for t in tasks],
                    "competencies": [c.code for c in entry.competencies.all()],
                    "equipment": entry.equipment,
                    "autonomy": entry.autonomy,
                    "validated": entry.status == EntryStatus.VALIDATED,
                    "validated_on": entry.validated_at.date().isoformat()
                    if entry.validated_at
                    else "",
                    "attachments": [
                        {
                            "sha256": a.sha256,
                            "name": a.name,
                            "kind": a.kind,
                            "content_type": a.content_type,
                            "size": a.size,
                        }
                        for a in attachments
                    ],
                },
                files=tuple(
                    TransferFile(sha256=a.sha256, size=a.size, open=_opener(a.storage_name))
                    for a in attachments
                ),
            )
        )
    return items


@transaction.atomic
def passport_receive(*, establishment, pupil, items: list[dict], files: dict) -> None:
    """Live entries of ``pupil``'s passport from the items received (an item already made
    into an entry is skipped); attachments copied from the received files."""
    done = set(
        Entry.objects.filter(pupil=pupil)
        .exclude(transfer_key="")
        .values_list("transfer_key", flat=True)
    )
    with files_removed_on_failure() as stored:
        for data in items:
            if data["key"] in done:
                continue
            done.add(data["key"])
            _receive_one(establishment, pupil, data, files, stored)


def _receive_one(establishment, pupil, data: dict, files: dict, stored: list) -> None:
    diploma = data.get("diploma") or ""
    tasks = list(Task.objects.filter(activity__diploma__code=diploma, code__in=data["tasks"]))
    competencies = list(
        Competency.objects.filter(diploma__code=diploma, code__in=data["competencies"])
    )
    activity = Activity.objects.filter(diploma__code=diploma, code=data["activity"]).first()
    company = data["place"] == EntryPlace.COMPANY
    entry = Entry.objects.create(
        establishment=establishment,
        pupil=pupil,
        place=data["place"],
        place_detail=(data["place_label"] if company else data.get("place_label", ""))[:150],
        title=data["title"][:200],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"] or None,
        context=data["context"],
        description=data["description"],
        activity=activity,
        equipment=data["equipment"],
        autonomy=data["autonomy"],
        status=EntryStatus.VALIDATED if data["validated"] else EntryStatus.DRAFT,
        transfer_key=data["key"],
    )
    entry.tasks.set(tasks)
    entry.competencies.set(competencies)
    rows = []
    for attachment in data["attachments"]:
        received = files.get(attachment["sha256"])
        if received is None:
            continue
        with default_storage.open(received, "rb") as source:
            content = source.read()
        if hashlib.sha256(content).hexdigest() != attachment["sha256"]:
            continue
        try:
            # Its type from its content, never from the package (carnet.scenarios.resources).
            checked = check_received(content)
        except ResourceRefused:
            continue
        rows.append(
            Attachment(
                establishment=establishment,
                entry=entry,
                kind=checked.kind,
                **file_store(
                    name=attachment["name"], checked=checked, directory=STORAGE_DIR, stored=stored
                ),
            )
        )
    Attachment.objects.bulk_create(rows)
