"""Every write of the PFMP: periods and placements, fiches activités, the teacher's check of
a fiche (tasks, competencies to assess), the bilan entreprise and the tutor's proposal.

Rule 7: the competencies and criteria chosen facing a placement's fiches are the columns of
its bilan (``review_sync``): a new choice adds a column, a choice dropped removes its column
unless a level was entered in it; a level already entered is never overwritten or removed;
a validated bilan no longer changes.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil
from carnet.pfmp.enums import Autonomy, ReviewStatus, SheetStatus
from carnet.pfmp.models import (
    ActivitySheet,
    CompanyReview,
    Period,
    Placement,
    ReviewResult,
    ReviewTarget,
    SheetAttachment,
    SheetTarget,
    TutorLink,
)
from carnet.pfmp.weeks import normalize_siret, siret_problem
from carnet.referentials.models import Competency, Criterion, ScaleLevel, Task
from carnet.scenarios.archive import clean_file_name
from carnet.scenarios.resources import ResourceRefused, check_resource

MAX_ATTACHMENTS = 10
ATTACHMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}
TUTOR_LINK_DAYS = 21
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


def _delete_on_commit(names: list[str]) -> None:
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def sheet_attachments_add(
    *, sheet: ActivitySheet, actor, uploads: list[tuple[str, bytes]]
) -> list[SheetAttachment]:
    """Photos and PDFs, checked by their content (photos re-encoded: EXIF, GPS position and
    anything but the pixels gone); all or none."""
    if sheet.status != SheetStatus.DRAFT:
        raise ValidationError("Cette fiche a été envoyée : on n'y joint plus de fichier.")
    if not uploads:
        raise ValidationError("Choisissez au moins une photo ou un PDF à joindre.")
    problems, checked = [], []
    for name, data in uploads:
        shown = clean_file_name(name)
        try:
            item = check_resource(data)
        except ResourceRefused as refused:
            problems.append(f"« {shown} » : {refused.message}")
            continue
        if item.content_type not in ATTACHMENT_TYPES:
            problems.append(
                f"« {shown} » : une fiche accepte des photos (PNG, JPEG) et des PDF. "
                "Enregistrez ce document en PDF."
            )
            continue
        checked.append((name, item))
    if problems:
        raise ValidationError(problems)
    stored: list[str] = []
    try:
        with transaction.atomic():
            ActivitySheet.objects.select_for_update().filter(pk=sheet.pk).first()
            present = SheetAttachment.objects.filter(sheet=sheet).count()
            if present + len(checked) > MAX_ATTACHMENTS:
                raise ValidationError(
                    f"Une fiche a au plus {MAX_ATTACHMENTS} pièces jointes : celle-ci en a "
                    f"déjà {present}. Supprimez-en une d'abord."
                )
            rows = []
            for name, item in checked:
                stored.append(
                    default_storage.save(
                        f"{STORAGE_DIR}/{secrets.token_hex(16)}.{item.extension}",
                        ContentFile(item.content),
                    )
                )
                rows.append(
                    SheetAttachment(
                        establishment_id=sheet.establishment_id,
                        sheet=sheet,
                        name=clean_file_name(name, extension=item.extension),
                        storage_name=stored[-1],
                        content_type=item.content_type,
                        size=len(item.content),
                        sha256=hashlib.sha256(item.content).hexdigest(),
                    )
                )
            return SheetAttachment.objects.bulk_create(rows)
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def sheet_attachment_delete(*, attachment: SheetAttachment, actor) -> None:
    if attachment.sheet.status != SheetStatus.DRAFT:
        raise ValidationError("Cette fiche a été envoyée : ses pièces jointes restent.")
    SheetAttachment.objects.filter(pk=attachment.pk).delete()
    _delete_on_commit([attachment.storage_name])


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


def review_of(placement: Placement) -> CompanyReview:
    review, _ = CompanyReview.objects.get_or_create(
        placement=placement, defaults={"establishment_id": placement.establishment_id}
    )
    return review


@transaction.atomic
def review_sync(*, placement: Placement) -> CompanyReview:
    """The bilan's columns made again from the choices on every fiche of the placement."""
    review = review_of(placement)
    review = CompanyReview.objects.select_for_update().get(pk=review.pk)
    if review.status == ReviewStatus.VALIDATED:
        return review
    wanted = {}
    targets = SheetTarget.objects.filter(sheet__placement=placement).select_related(
        "competency", "criterion"
    )
    for target in targets:
        key = (target.competency_id, target.criterion_id)
        order = (target.competency.position, target.criterion.position if target.criterion else 0)
        wanted[key] = order
    present = {(t.competency_id, t.criterion_id): t for t in review.targets.all()}
    filled = set(ReviewResult.objects.filter(review=review).values_list("target_id", flat=True))
    ReviewTarget.objects.filter(
        pk__in=[t.pk for key, t in present.items() if key not in wanted and t.pk not in filled]
    ).delete()
    kept = {key: t for key, t in present.items() if key in wanted or t.pk in filled}
    ReviewTarget.objects.bulk_create(
        ReviewTarget(review=review, competency_id=key[0], criterion_id=key[1], position=0)
        for key in wanted
        if key not in kept
    )
    # Positions: the référentiel's order of competencies and criteria.
    rows = list(review.targets.select_related("competency", "criterion"))
    rows.sort(key=lambda t: (t.competency.position, t.criterion.position if t.criterion else 0))
    for position, target in enumerate(rows, start=1):
        target.position = position
    ReviewTarget.objects.bulk_update(rows, ["position"])
    return review


# The bilan entreprise ---------------------------------------------------------------------

REVIEW_TEXT_FIELDS = ("tutor_appreciation", "attendance", "teacher_signature", "tutor_signature")


def _levels_checked(review: CompanyReview, levels: dict) -> dict[int, int | None]:
    """{target pk: level pk or None} checked against the bilan's columns and the scale."""
    targets = set(review.targets.values_list("pk", flat=True))
    diploma_id = review.placement.period.division.diploma_id
    scale = set(ScaleLevel.objects.filter(diploma_id=diploma_id).values_list("pk", flat=True))
    checked = {}
    for target, level in levels.items():
        target, level = int(target), (int(level) if level not in (None, "") else None)
        if target not in targets or (level is not None and level not in scale):
            raise ValidationError(
                "Un niveau saisi ne correspond pas à ce bilan : rechargez la page et recommencez."
            )
        checked[target] = level
    return checked


def _write_levels(review: CompanyReview, levels: dict[int, int | None], actor) -> None:
    ReviewResult.objects.filter(
        review=review, target_id__in=[t for t, lv in levels.items() if lv is None]
    ).delete()
    for target, level in levels.items():
        if level is not None:
            ReviewResult.objects.update_or_create(
                target_id=target,
                defaults={"review": review, "level_id": level, "updated_by": actor},
            )


@transaction.atomic
def review_fill(
    *,
    review: CompanyReview,
    actor,
    levels: dict,
    signed_on: datetime.date | None = None,
    read_and_approved: bool = False,
    **texts: str,
) -> CompanyReview:
    """The teacher fills the bilan (online, or typing in the paper form): a level per
    column (None: « Non évalué », nothing stored), the appreciation, attendance, signatures."""
    review = CompanyReview.objects.select_for_update().get(pk=review.pk)
    if review.status == ReviewStatus.VALIDATED:
        raise ValidationError("Ce bilan est validé : il ne se modifie plus.")
    checked = _levels_checked(review, levels)
    _write_levels(review, checked, actor)
    for name in REVIEW_TEXT_FIELDS:
        setattr(review, name, (texts.get(name) or "").strip())
    review.signed_on, review.read_and_approved = signed_on, read_and_approved
    review.save()
    return review


@transaction.atomic
def review_validate(*, review: CompanyReview, actor) -> CompanyReview:
    """A validated bilan feeds the dashboards (type « entreprise ») and no longer changes."""
    review = CompanyReview.objects.select_for_update().get(pk=review.pk)
    if review.status == ReviewStatus.VALIDATED:
        return review
    problems = []
    if not review.results.exists():
        problems.append("Saisissez au moins un niveau avant de valider le bilan.")
    if not (review.teacher_signature and review.tutor_signature and review.signed_on):
        problems.append(
            "Indiquez les noms des signataires (professeur et tuteur) et la date de signature."
        )
    if not review.read_and_approved:
        problems.append("Cochez « Lu et approuvé » une fois le bilan relu avec le tuteur.")
    if problems:
        raise ValidationError(problems)
    review.status = ReviewStatus.VALIDATED
    review.validated_at, review.validated_by = timezone.now(), actor
    review.save()
    return review


# The tutor's link and proposal ------------------------------------------------------------


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def tutor_link_create(*, review: CompanyReview, actor, now=None) -> tuple[TutorLink, str]:
    """A personal link for the tutor (21 days); earlier links of the bilan are revoked.
    Returns the link and its secret: only its hash is stored."""
    if review.status == ReviewStatus.VALIDATED:
        raise ValidationError("Ce bilan est validé : le tuteur n'a plus rien à y saisir.")
    if not review.targets.exists():
        raise ValidationError(
            "Ce bilan n'a encore aucune compétence : choisissez-les d'abord sur les fiches."
        )
    now = now or timezone.now()
    TutorLink.objects.filter(review=review, revoked_at__isnull=True).update(revoked_at=now)
    secret = secrets.token_hex(24)
    link = TutorLink.objects.create(
        review=review,
        secret_hash=secret_hash(secret),
        created_by=actor,
        expires_at=now + datetime.timedelta(days=TUTOR_LINK_DAYS),
    )
    return link, secret


@transaction.atomic
def tutor_link_revoke(*, link: TutorLink, actor, now=None) -> None:
    TutorLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )


@transaction.atomic
def tutor_proposal_submit(
    *,
    link: TutorLink,
    levels: dict,
    appreciation: str = "",
    attendance: str = "",
    signature: str = "",
) -> CompanyReview:
    """The tutor's entries, kept as a proposal the teacher accepts or sets aside."""
    review = CompanyReview.objects.select_for_update().get(pk=link.review_id)
    if review.status == ReviewStatus.VALIDATED:
        raise ValidationError("Ce bilan a déjà été validé par le professeur.")
    checked = _levels_checked(review, levels)
    if not signature.strip():
        raise ValidationError({"signature": "Indiquez votre nom : il vaut signature."})
    review.tutor_proposal = {
        "levels": {str(t): lv for t, lv in checked.items() if lv is not None},
        "appreciation": appreciation.strip(),
        "attendance": attendance.strip(),
        "signature": signature.strip(),
        "at": timezone.localdate().isoformat(),
    }
    review.status = ReviewStatus.PROPOSED
    review.save()
    return review


@transaction.atomic
def tutor_proposal_accept(*, review: CompanyReview, actor) -> CompanyReview:
    """The teacher accepts the tutor's proposal: its levels, appreciation, attendance and
    signature are copied into the bilan (still to validate)."""
    review = CompanyReview.objects.select_for_update().get(pk=review.pk)
    proposal = review.tutor_proposal or {}
    if review.status != ReviewStatus.PROPOSED or not proposal:
        raise ValidationError("Aucune proposition du tuteur n'attend sur ce bilan.")
    checked = _levels_checked(review, proposal.get("levels", {}))
    _write_levels(review, checked, actor)
    review.tutor_appreciation = proposal.get("appreciation", "")
    review.attendance = proposal.get("attendance", "")
    review.tutor_signature = proposal.get("signature", "")
    review.tutor_proposal = {}
    review.status = ReviewStatus.OPEN
    review.save()
    return review


@transaction.atomic
def tutor_proposal_discard(*, review: CompanyReview, actor) -> CompanyReview:
    review = CompanyReview.objects.select_for_update().get(pk=review.pk)
    if review.status == ReviewStatus.PROPOSED:
        review.tutor_proposal, review.status = {}, ReviewStatus.OPEN
        review.save()
    return review
