"""Writes of the passeport professionnel: entries, their attachments, sending, validation,
and the one-click conversions (an evaluation the pupil took part in, a PFMP fiche).

Every function is keyword-only and atomic; bad input raises ``ValidationError`` with a
French message saying what to correct, and nothing is changed. Attachments follow the
scenarios' resources: checked by their content (``check_resource``: images re-encoded,
EXIF and GPS gone), stored under random names, deleted once no row names them.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from carnet.accounts.models import User
from carnet.audit.services import actor_label
from carnet.directory.models import Pupil
from carnet.evaluations.models import Evaluation, EvaluationPupil
from carnet.passport.enums import EntryPlace, EntryStatus, EventAction
from carnet.passport.models import Attachment, Entry, EntryEvent
from carnet.pfmp.enums import Autonomy
from carnet.pfmp.models import ActivitySheet, Placement
from carnet.referentials.models import Activity, Competency, Task
from carnet.scenarios.files import (
    file_store,
    files_delete_on_commit,
    files_removed_on_failure,
    megabytes,
    uploads_checked,
)
from carnet.scenarios.resources import CheckedResource
from carnet.scenarios.resources.zips import MB

STORAGE_DIR = "passeports"
MAX_ATTACHMENTS = 10
MAX_ENTRY_BYTES = 30 * MB


@dataclass
class EntryData:
    """What the pupil types (or what a conversion pre-fills)."""

    title: str
    place: str
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    place_detail: str = ""
    placement_id: int | None = None
    context: str = ""
    description: str = ""
    activity_id: int | None = None
    task_ids: list[int] = field(default_factory=list)
    competency_ids: list[int] = field(default_factory=list)
    equipment: str = ""
    autonomy: str = ""


def diploma_id_of(pupil: Pupil) -> int | None:
    """The diploma the pupil prepares (their division's), whose référentiel they pick from."""
    division = pupil.division
    return division.diploma_id if division is not None else None


def entry_problems(*, pupil: Pupil, data: EntryData) -> dict[str, str]:
    """Every problem of ``data`` at once, {field: message}."""
    problems = {}
    if not data.title.strip():
        problems["title"] = "Donnez un intitulé à la situation (ce que vous avez fait, en bref)."
    if data.place not in EntryPlace.values:
        problems["place"] = (
            "Choisissez où la situation a eu lieu : en établissement, en entreprise ou autre."
        )
    if data.ends_on is not None and data.starts_on and data.ends_on < data.starts_on:
        problems["ends_on"] = "La date de fin précède la date de début : corrigez l'une d'elles."
    if data.autonomy and data.autonomy not in Autonomy.values:
        problems["autonomy"] = "Choisissez l'autonomie dans la liste : seul, avec aide ou observé."
    if (
        data.placement_id is not None
        and not Placement.objects.filter(pk=data.placement_id, pupil=pupil).exists()
    ):
        problems["placement_id"] = "Ce stage n'est pas le vôtre : choisissez l'un de vos stages."
    diploma_id = diploma_id_of(pupil)
    picked = bool(data.task_ids or data.competency_ids or data.activity_id)
    if picked and diploma_id is None:
        problems["task_ids"] = (
            "Votre division n'est rattachée à aucun diplôme : les tâches du référentiel ne "
            "peuvent pas être choisies. Demandez à l'administrateur de rattacher la division."
        )
        return problems
    if data.task_ids:
        found = Task.objects.filter(pk__in=data.task_ids, activity__diploma_id=diploma_id).count()
        if found != len(set(data.task_ids)):
            problems["task_ids"] = (
                "Choisissez les tâches parmi celles du référentiel de votre diplôme."
            )
    if data.competency_ids:
        found = Competency.objects.filter(pk__in=data.competency_ids, diploma_id=diploma_id).count()
        if found != len(set(data.competency_ids)):
            problems["competency_ids"] = (
                "Choisissez les compétences parmi celles du référentiel de votre diplôme."
            )
    if (
        data.activity_id is not None
        and not Activity.objects.filter(pk=data.activity_id, diploma_id=diploma_id).exists()
    ):
        problems["activity_id"] = "Choisissez l'activité parmi celles de votre diplôme."
    return problems


def _activity_for(data: EntryData) -> int | None:
    """The activity chosen, else that of most of the tasks (the first one on a tie)."""
    if data.activity_id is not None or not data.task_ids:
        return data.activity_id
    counts = (
        Task.objects.filter(pk__in=data.task_ids)
        .values("activity_id", "activity__position")
        .annotate(n=Count("pk"))
        .order_by("-n", "activity__position")
    )
    first = counts.first()
    return first["activity_id"] if first else None


def _apply(entry: Entry, data: EntryData) -> None:
    entry.title = data.title.strip()[:200]
    entry.place = data.place
    entry.place_detail = data.place_detail.strip()[:150]
    entry.placement_id = data.placement_id if data.place == EntryPlace.COMPANY else None
    entry.starts_on = data.starts_on
    entry.ends_on = data.ends_on
    entry.context = data.context.strip()
    entry.description = data.description.strip()
    entry.activity_id = _activity_for(data)
    entry.equipment = data.equipment.strip()
    entry.autonomy = data.autonomy


def _check(pupil: Pupil, data: EntryData) -> None:
    problems = entry_problems(pupil=pupil, data=data)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def entry_create(*, pupil: Pupil, actor: User, data: EntryData, **sources) -> Entry:
    """A new draft entry of ``pupil``'s passport (``sources``: source_evaluation or
    source_sheet, for a conversion)."""
    _check(pupil, data)
    entry = Entry(establishment_id=pupil.establishment_id, pupil=pupil, **sources)
    _apply(entry, data)
    entry.save()
    entry.tasks.set(data.task_ids)
    entry.competencies.set(data.competency_ids)
    return entry


def _locked(entry: Entry) -> Entry:
    return (
        Entry.objects.select_for_update(of=("self",))
        .select_related("pupil__division")
        .get(pk=entry.pk)
    )


def _must_be_editable(entry: Entry) -> None:
    if entry.status == EntryStatus.SUBMITTED:
        raise ValidationError(
            "Cette situation est envoyée à votre professeur : attendez sa réponse avant de "
            "la modifier."
        )
    if entry.status == EntryStatus.VALIDATED:
        raise ValidationError(
            "Cette situation est validée par votre professeur : elle ne se modifie plus."
        )


@transaction.atomic
def entry_update(*, entry: Entry, actor: User, data: EntryData) -> Entry:
    entry = _locked(entry)
    _must_be_editable(entry)
    _check(entry.pupil, data)
    _apply(entry, data)
    entry.save()
    entry.tasks.set(data.task_ids)
    entry.competencies.set(data.competency_ids)
    return entry


def _event(entry: Entry, actor: User, action: EventAction, comment: str = "") -> EntryEvent:
    return EntryEvent.objects.create(
        establishment_id=entry.establishment_id,
        entry=entry,
        action=action,
        comment=comment,
        actor=actor,
        actor_label=actor_label(actor),
    )


@transaction.atomic
def entry_submit(*, entry: Entry, actor: User) -> Entry:
    """« Envoyer à mon professeur »: a draft, or an entry sent back for changes."""
    entry = _locked(entry)
    _must_be_editable(entry)
    if not entry.description and not entry.tasks.exists():
        raise ValidationError(
            "Décrivez ce que vous avez fait ou cochez au moins une tâche avant d'envoyer la "
            "situation à votre professeur."
        )
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = timezone.now()
    entry.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(entry, actor, EventAction.SUBMITTED)
    return entry


def _must_be_submitted(entry: Entry) -> None:
    if entry.status != EntryStatus.SUBMITTED:
        raise ValidationError(
            "Cette situation n'attend pas de validation : l'élève ne l'a pas envoyée, ou elle "
            "a déjà reçu une réponse."
        )


@transaction.atomic
def entry_validate(*, entry: Entry, actor: User) -> Entry:
    entry = _locked(entry)
    _must_be_submitted(entry)
    entry.status = EntryStatus.VALIDATED
    entry.validated_at = timezone.now()
    entry.validated_by = actor
    entry.teacher_comment = ""
    entry.save(
        update_fields=["status", "validated_at", "validated_by", "teacher_comment", "updated_at"]
    )
    _event(entry, actor, EventAction.VALIDATED)
    return entry


@transaction.atomic
def entry_request_changes(*, entry: Entry, actor: User, comment: str) -> Entry:
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            {"comment": "Dites à l'élève ce qu'il doit reprendre : le commentaire est vide."}
        )
    entry = _locked(entry)
    _must_be_submitted(entry)
    entry.status = EntryStatus.CHANGES
    entry.teacher_comment = comment
    entry.save(update_fields=["status", "teacher_comment", "updated_at"])
    _event(entry, actor, EventAction.CHANGES, comment)
    return entry


@transaction.atomic
def entry_delete(*, entry: Entry, actor: User) -> None:
    """A draft (or an entry to rework) the pupil no longer wants; its files go with it."""
    entry = _locked(entry)
    _must_be_editable(entry)
    names = list(entry.attachments.values_list("storage_name", flat=True))
    entry.delete()
    files_delete_on_commit(names)


# Attachments.


def attachment_rows(
    *, entry: Entry, actor: User | None, files: list[tuple[str, CheckedResource]], stored: list
) -> list[Attachment]:
    """Rows for ``files``, each stored first (its name appended to ``stored``)."""
    return [
        Attachment(
            establishment_id=entry.establishment_id,
            entry=entry,
            kind=checked.kind,
            uploaded_by=actor,
            **file_store(name=name, checked=checked, directory=STORAGE_DIR, stored=stored),
        )
        for name, checked in files
    ]


def entry_attachments_add(
    *, entry: Entry, actor: User, uploads: list[tuple[str, bytes]]
) -> list[Attachment]:
    """Join files to an entry, each checked by its content, all or none."""
    if not uploads:
        raise ValidationError("Choisissez au moins un fichier à joindre.")
    _must_be_editable(entry)
    checked = uploads_checked(uploads)
    with files_removed_on_failure() as stored, transaction.atomic():
        entry = _locked(entry)
        _must_be_editable(entry)
        present = entry.attachments.aggregate(count=Count("pk"), total=Sum("size"))
        count, total = present["count"], present["total"] or 0
        added = sum(len(item.content) for _, item in checked)
        if count + len(checked) > MAX_ATTACHMENTS:
            raise ValidationError(
                f"Une situation a au plus {MAX_ATTACHMENTS} pièces jointes : celle-ci en a "
                f"déjà {count}. Supprimez-en une ou choisissez moins de fichiers."
            )
        if total + added > MAX_ENTRY_BYTES:
            raise ValidationError(
                f"Les pièces jointes d'une situation pèsent au plus {MAX_ENTRY_BYTES // MB} "
                f"Mo ensemble : celles-ci en pèsent déjà {megabytes(total)}, les fichiers choisis "
                f"{megabytes(added)}. Réduisez les photos ou supprimez d'abord une pièce jointe."
            )
        rows = attachment_rows(entry=entry, actor=actor, files=checked, stored=stored)
        created = Attachment.objects.bulk_create(rows)
        Entry.objects.filter(pk=entry.pk).update(updated_at=timezone.now())
    return created


@transaction.atomic
def entry_attachment_delete(*, attachment: Attachment, actor: User) -> None:
    entry = _locked(attachment.entry)
    _must_be_editable(entry)
    deleted, _ = Attachment.objects.filter(pk=attachment.pk).delete()
    if deleted:
        files_delete_on_commit([attachment.storage_name])


# One-click conversions.


def _converted(*, pupil: Pupil, actor: User, data: EntryData, **source) -> tuple[Entry, bool]:
    """The entry made from ``source``, or the one made before (converting twice finds it)."""
    existing = Entry.objects.filter(pupil=pupil, **source).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return entry_create(pupil=pupil, actor=actor, data=data, **source), True
    except IntegrityError:  # the same click twice at once: the other request made it
        return Entry.objects.get(pupil=pupil, **source), False


def _in_diploma(ids, pupil: Pupil, model) -> list[int]:
    diploma_id = diploma_id_of(pupil)
    if diploma_id is None:
        return []
    lookup = "activity__diploma_id" if model is Task else "diploma_id"
    rows = model.objects.filter(pk__in=ids, **{lookup: diploma_id})
    return list(rows.values_list("pk", flat=True))


@transaction.atomic
def entry_from_evaluation(
    *, pupil: Pupil, evaluation: Evaluation, actor: User
) -> tuple[Entry, bool]:
    """A draft from a scenario's evaluation the pupil took part in: the scenario's title,
    context, tasks and the competencies evaluated — never a level."""
    if not EvaluationPupil.objects.filter(evaluation=evaluation, pupil=pupil).exists():
        raise ValidationError(
            "Vous n'avez pas participé à cette évaluation : elle ne peut pas devenir une "
            "situation de votre passeport."
        )
    scenario = evaluation.scenario
    context = "\n\n".join(
        str(value).strip() for value in (scenario.context or {}).values() if value
    ).strip()
    competency_ids = set(evaluation.targets.values_list("competency_id", flat=True))
    competency_ids |= set(scenario.competencies.values_list("pk", flat=True))
    competency_ids |= set(scenario.criteria.values_list("competency_id", flat=True))
    data = EntryData(
        title=scenario.title,
        place=EntryPlace.SCHOOL,
        starts_on=evaluation.date,
        context=context,
        task_ids=_in_diploma(scenario.tasks.values_list("pk", flat=True), pupil, Task),
        competency_ids=_in_diploma(competency_ids, pupil, Competency),
    )
    return _converted(pupil=pupil, actor=actor, data=data, source_evaluation=evaluation)


@transaction.atomic
def entry_from_sheet(*, pupil: Pupil, sheet: ActivitySheet, actor: User) -> tuple[Entry, bool]:
    """A draft from one of the pupil's PFMP fiches activités: dates, company, description,
    tasks (those the teacher checked, else the pupil's), equipment, autonomy."""
    placement = sheet.placement
    if placement.pupil_id != pupil.pk:
        raise ValidationError(
            "Cette fiche activités n'est pas la vôtre : elle ne peut pas devenir une "
            "situation de votre passeport."
        )
    task_ids = list(sheet.checked_tasks.values_list("pk", flat=True)) or list(
        sheet.tasks.values_list("pk", flat=True)
    )
    task_ids = _in_diploma(task_ids, pupil, Task)
    competency_ids = _in_diploma(
        Task.competencies.through.objects.filter(task_id__in=task_ids).values_list(
            "competency_id", flat=True
        ),
        pupil,
        Competency,
    )
    data = EntryData(
        title=sheet.title,
        place=EntryPlace.COMPANY,
        placement_id=placement.pk,
        starts_on=sheet.starts_on,
        ends_on=sheet.ends_on,
        context=sheet.company_context,
        description=sheet.description,
        task_ids=task_ids,
        competency_ids=competency_ids,
        equipment=sheet.equipment,
        autonomy=sheet.autonomy,
    )
    return _converted(pupil=pupil, actor=actor, data=data, source_sheet=sheet)
