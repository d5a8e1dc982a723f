"""The bilan entreprise: its columns from the fiches' choices (rule 7), its levels, its
validation, and the tutor's link and proposal."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carnet.pfmp.enums import ReviewStatus
from carnet.pfmp.models import (
    CompanyReview,
    Placement,
    ReviewResult,
    ReviewTarget,
    SheetTarget,
    TutorLink,
)
from carnet.referentials.models import ScaleLevel

TUTOR_LINK_DAYS = 21


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
