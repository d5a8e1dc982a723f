"""Periods and placements, the pupils' fiches activités and their attachments, and the
teacher's check of a fiche (tasks, competencies to assess), which rule 7 copies into the bilan."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil
from carnet.pfmp.enums import Autonomy, SheetStatus
from carnet.pfmp.models import (
    ActivitySheet,
    CompanyReview,
    Period,
    Placement,
    SheetAttachment,
    SheetTarget,
)
from carnet.pfmp.services.reviews import review_sync
from carnet.pfmp.weeks import normalize_siret, siret_problem
from carnet.referentials.models import Competency, Criterion, Task
from carnet.scenarios.files import (
    file_store,
    files_delete_on_commit,
    files_removed_on_failure,
    uploads_checked,
)
from carnet.scenarios.resources import CheckedResource

MAX_ATTACHMENTS = 10
ATTACHMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}
STORAGE_DIR = "pfmp"


# Periods and placements ------------------------------------------------------------------


def _period_problems(starts_on, ends_on, weeks) -> dict:
    problems = {}
    if starts_on and ends_on and ends_on < starts_on:
        problems["ends_on"] = "La fin de la période précède son début : corrigez l'une des dates."
    if weeks is not None and not 1 <= weeks <= 22:
        problems["weeks"] = "Une période compte de 1 à 22 semaines."
    return problems


@transaction.atomic
def period_create(
    *,
    division,
    actor,
    starts_on: datetime.date,
    ends_on: datetime.date,
    weeks: int,
    title: str = "",
) -> Period:
    """A PFMP period of the division, and a placement for each of its active pupils (the
    company and the tutor are filled afterwards); the teacher who creates it is the referent."""
    problems = _period_problems(starts_on, ends_on, weeks)
    if problems:
        raise ValidationError(problems)
    period = Period.objects.create(
        establishment_id=division.establishment_id,
        division=division,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        weeks=weeks,
        created_by=actor,
    )
    pupils = Pupil.objects.filter(division=division, status=PupilStatus.ACTIVE).values_list(
        "pk", flat=True
    )
    Placement.objects.bulk_create(
        Placement(
            establishment_id=division.establishment_id, period=period, pupil_id=pk, referent=actor
        )
        for pk in pupils
    )
    return period


@transaction.atomic
def period_update(
    *, period: Period, starts_on: datetime.date, ends_on: datetime.date, weeks: int, title: str = ""
) -> Period:
    problems = _period_problems(starts_on, ends_on, weeks)
    if problems:
        raise ValidationError(problems)
    period.title, period.starts_on, period.ends_on, period.weeks = (
        title.strip(),
        starts_on,
        ends_on,
        weeks,
    )
    period.save(update_fields=["title", "starts_on", "ends_on", "weeks"])
    return period


PLACEMENT_FIELDS = (
    "company_name",
    "company_siret",
    "company_city",
    "tutor_name",
    "tutor_function",
    "tutor_email",
    "tutor_phone",
)


@transaction.atomic
def placement_update(
    *,
    placement: Placement,
    referent=None,
    weeks_done: int | None = None,
    **fields: str,
) -> Placement:
    """The company, the tutor, the referent teacher and the weeks done of one pupil."""
    unknown = set(fields) - set(PLACEMENT_FIELDS)
    if unknown:
        raise TypeError(f"champs inconnus : {sorted(unknown)}")
    problems = {}
    fields["company_siret"] = normalize_siret(fields.get("company_siret", ""))
    problem = siret_problem(fields["company_siret"])
    if problem:
        problems["company_siret"] = problem
    if weeks_done is not None and weeks_done > placement.period.weeks:
        problems["weeks_done"] = (
            f"La période compte {placement.period.weeks} semaines : un élève ne peut en avoir "
            "effectué davantage."
        )
    if problems:
        raise ValidationError(problems)
    for name in PLACEMENT_FIELDS:
        setattr(placement, name, (fields.get(name) or "").strip())
    placement.referent = referent
    placement.weeks_done = weeks_done
    placement.save()
    return placement


# Fiches activités (the pupil) --------------------------------------------------------------


def _sheet_problems(placement: Placement, data: dict) -> dict:
    problems = {}
    if not (data.get("title") or "").strip():
        problems["title"] = (
            "Donnez un titre à votre fiche (ce que vous avez fait, en quelques mots)."
        )
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on is None:
        problems["starts_on"] = "Indiquez la date de l'activité (ou son premier jour)."
    elif ends_on and ends_on < starts_on:
        problems["ends_on"] = "Le dernier jour précède le premier : corrigez l'une des dates."
    autonomy = data.get("autonomy", "")
    if autonomy and autonomy not in Autonomy.values:
        problems["autonomy"] = "Choisissez « Seul », « Avec aide » ou « Observé »."
    return problems


SHEET_FIELDS = (
    "starts_on",
    "ends_on",
    "title",
    "company_context",
    "description",
    "equipment",
    "autonomy",
    "difficulties",
)


def _diploma_tasks(placement: Placement, task_ids) -> list[Task]:
    diploma_id = placement.period.division.diploma_id
    ids = {int(pk) for pk in task_ids}
    tasks = list(Task.objects.filter(pk__in=ids, activity__diploma_id=diploma_id))
    if len(tasks) != len(ids):
        raise ValidationError({"tasks": "Une tâche choisie n'est pas une tâche du diplôme."})
    return tasks


@transaction.atomic
def sheet_save(
    *, placement: Placement, actor, sheet: ActivitySheet | None = None, task_ids=(), **data
) -> ActivitySheet:
    """A new fiche (``sheet`` None) or the pupil's draft, changed. A fiche sent to the
    teacher is no longer the pupil's to change."""
    if sheet is not None and sheet.status != SheetStatus.DRAFT:
        raise ValidationError(
            "Cette fiche a été envoyée à votre professeur : elle ne peut plus être modifiée."
        )
    problems = _sheet_problems(placement, data)
    if problems:
        raise ValidationError(problems)
    tasks = _diploma_tasks(placement, task_ids)
    if sheet is None:
        sheet = ActivitySheet(establishment_id=placement.establishment_id, placement=placement)
    for name in SHEET_FIELDS:
        value = data.get(name)
        if name not in ("starts_on", "ends_on"):
            value = (value or "").strip()
        setattr(sheet, name, value)
    sheet.save()
    sheet.tasks.set(tasks)
    return sheet


@transaction.atomic
def sheet_send(*, sheet: ActivitySheet, actor) -> ActivitySheet:
    """« Envoyer à mon professeur »: the fiche leaves the draft state; the teacher reads it."""
    sheet = ActivitySheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.status != SheetStatus.DRAFT:
        return sheet
    sheet.status, sheet.sent_at = SheetStatus.SENT, timezone.now()
    sheet.save(update_fields=["status", "sent_at", "updated_at"])
    return sheet


def sheet_attachments_add(
    *, sheet: ActivitySheet, actor, uploads: list[tuple[str, bytes]]
) -> list[SheetAttachment]:
    """Photos and PDFs, checked by their content (photos re-encoded: EXIF, GPS position and
    anything but the pixels gone); all or none."""
    if sheet.status != SheetStatus.DRAFT:
        raise ValidationError("Cette fiche a été envoyée : on n'y joint plus de fichier.")
    if not uploads:
        raise ValidationError("Choisissez au moins une photo ou un PDF à joindre.")
    checked = uploads_checked(uploads, refuse=_not_for_a_sheet)
    with files_removed_on_failure() as stored, transaction.atomic():
        ActivitySheet.objects.select_for_update().filter(pk=sheet.pk).first()
        present = SheetAttachment.objects.filter(sheet=sheet).count()
        if present + len(checked) > MAX_ATTACHMENTS:
            raise ValidationError(
                f"Une fiche a au plus {MAX_ATTACHMENTS} pièces jointes : celle-ci en a "
                f"déjà {present}. Supprimez-en une d'abord."
            )
        return SheetAttachment.objects.bulk_create(
            SheetAttachment(
                establishment_id=sheet.establishment_id,
                sheet=sheet,
                **file_store(name=name, checked=item, directory=STORAGE_DIR, stored=stored),
            )
            for name, item in checked
        )


def _not_for_a_sheet(item: CheckedResource) -> str | None:
    if item.content_type in ATTACHMENT_TYPES:
        return None
    return "une fiche accepte des photos (PNG, JPEG) et des PDF. Enregistrez ce document en PDF."


@transaction.atomic
def sheet_attachment_delete(*, attachment: SheetAttachment, actor) -> None:
    if attachment.sheet.status != SheetStatus.DRAFT:
        raise ValidationError("Cette fiche a été envoyée : ses pièces jointes restent.")
    SheetAttachment.objects.filter(pk=attachment.pk).delete()
    files_delete_on_commit([attachment.storage_name])


# The teacher's check of a fiche, and rule 7 ------------------------------------------------


@transaction.atomic
def sheet_check(
    *,
    sheet: ActivitySheet,
    actor,
    task_ids,
    competency_ids=(),
    criterion_ids=(),
) -> CompanyReview:
    """The table « Tâches/Compétences »: the tasks the teacher kept or added, and the
    competencies (whole) and criteria to assess facing them; copied at once into the
    pupil's bilan entreprise for the period (rule 7)."""
    placement = sheet.placement
    diploma_id = placement.period.division.diploma_id
    tasks = _diploma_tasks(placement, task_ids)
    competency_ids = {int(pk) for pk in competency_ids}
    criterion_ids = {int(pk) for pk in criterion_ids}
    competencies = {
        c.pk: c for c in Competency.objects.filter(pk__in=competency_ids, diploma_id=diploma_id)
    }
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(pk__in=criterion_ids, competency__diploma_id=diploma_id)
    }
    if len(competencies) != len(competency_ids) or len(criteria) != len(criterion_ids):
        raise ValidationError("Une compétence ou un critère choisi n'est pas du diplôme.")
    sheet.checked_tasks.set(tasks)
    sheet.checked_at = timezone.now()
    sheet.save(update_fields=["checked_at", "updated_at"])
    SheetTarget.objects.filter(sheet=sheet).delete()
    SheetTarget.objects.bulk_create(
        [SheetTarget(sheet=sheet, competency_id=pk) for pk in competencies]
        + [
            SheetTarget(sheet=sheet, competency_id=c.competency_id, criterion=c)
            for c in criteria.values()
        ]
    )
    return review_sync(placement=placement)
