"""Writes of the bilans: create (from the dashboard), change (a bilan terminal not validated
yet), validate (locks the bilan terminal), unlock (the head, audited).

The proposed levels are computed here, from the results of that moment, never read from the
form: a bilan keeps what the dashboard proposed beside what the teacher decided.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.dashboards.enums import BilanKind
from carnet.dashboards.models import Bilan, BilanLevel
from carnet.dashboards.selectors import pupil_proposals, terminal_bilan_of
from carnet.referentials.models import ScaleLevel

COMMENT_MAX = 5000
LOCKED = (
    "Ce bilan terminal est validé : il ne peut plus être modifié. Le chef d'établissement "
    "peut le déverrouiller."
)
INTERMEDIATE_KEPT = (
    "Un bilan intermédiaire reste tel qu'il a été fait : créez-en un nouveau à la date "
    "d'aujourd'hui, il s'ajoutera à l'historique."
)
ALREADY_TERMINAL = (
    "Cet élève a déjà un bilan terminal pour ce diplôme : ouvrez-le depuis la liste de ses bilans."
)


def _check(*, pupil, date, comment: str, decided: dict, scale) -> dict:
    errors = {}
    if pupil is not None and (pupil.division_id is None or pupil.division.diploma_id is None):
        errors["__all__"] = (
            "La division de l'élève n'est rattachée à aucun diplôme : demandez à "
            "l'administrateur de la rattacher (Divisions), puis recommencez."
        )
    if not isinstance(date, datetime.date):
        errors["date"] = "Indiquez la date du bilan (jj/mm/aaaa)."
    elif date > timezone.localdate():
        errors["date"] = "La date du bilan ne peut pas être dans le futur : corrigez-la."
    if len(comment) > COMMENT_MAX:
        errors["comment"] = f"Le commentaire dépasse {COMMENT_MAX} caractères : raccourcissez-le."
    allowed = {level.pk for level in scale}
    wrong = [pk for pk in decided.values() if pk is not None and pk not in allowed]
    if wrong:
        errors["__all__"] = (
            "Un niveau retenu n'est pas de l'échelle du diplôme : rechargez la page."
        )
    return errors


def _levels(bilan, views, decided: dict) -> list[BilanLevel]:
    return [
        BilanLevel(
            bilan=bilan,
            competency_id=view.competency.pk,
            proposed_value=view.proposal.value,
            explanation=view.proposal.explanation[:255],
            decided_id=decided.get(view.competency.pk),
        )
        for view in views
    ]


@transaction.atomic
def bilan_create(
    *,
    establishment,
    pupil,
    actor,
    kind: str,
    date: datetime.date,
    comment: str = "",
    decided: dict[int, int | None],
) -> Bilan:
    """A new bilan of ``pupil`` at ``date``: per competency of the diploma, the proposed level
    (computed now) and the level the teacher decided (``decided``: competency pk → scale level
    pk, or None: « non positionné »)."""
    if kind not in BilanKind.values:
        raise ValidationError({"kind": "Choisissez un bilan intermédiaire ou le bilan terminal."})
    comment = comment.strip()
    diploma_id = pupil.division.diploma_id if pupil.division_id else None
    views, scale, method = ([], [], "")
    if diploma_id is not None:
        views, scale, method = pupil_proposals(
            establishment=establishment, pupil=pupil, diploma_id=diploma_id
        )
    errors = _check(pupil=pupil, date=date, comment=comment, decided=decided, scale=scale)
    if (
        not errors
        and kind == BilanKind.TERMINAL
        and terminal_bilan_of(establishment=establishment, pupil=pupil, diploma_id=diploma_id)
    ):
        errors["__all__"] = ALREADY_TERMINAL
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            bilan = Bilan.objects.create(
                establishment=establishment,
                pupil=pupil,
                diploma_id=diploma_id,
                division_id=pupil.division_id,
                kind=kind,
                date=date,
                comment=comment,
                method=method,
                author=actor,
            )
    except IntegrityError:  # a bilan terminal created meanwhile
        raise ValidationError({"__all__": ALREADY_TERMINAL}) from None
    BilanLevel.objects.bulk_create(_levels(bilan, views, decided))
    return bilan


@transaction.atomic
def bilan_update(
    *, bilan, actor, date: datetime.date, comment: str = "", decided: dict[int, int | None]
) -> Bilan:
    """Change the bilan terminal not validated yet: its date, comment and decided levels (the
    proposed levels stay those of its creation). A bilan intermédiaire is never changed."""
    bilan = Bilan.objects.select_for_update().get(pk=bilan.pk)
    if bilan.kind != BilanKind.TERMINAL:
        raise ValidationError({"__all__": INTERMEDIATE_KEPT})
    if bilan.locked:
        raise ValidationError({"__all__": LOCKED})
    scale = list(ScaleLevel.objects.filter(diploma_id=bilan.diploma_id))
    comment = comment.strip()
    errors = _check(pupil=None, date=date, comment=comment, decided=decided, scale=scale)
    if errors:
        raise ValidationError(errors)
    bilan.date, bilan.comment = date, comment
    bilan.save(update_fields=["date", "comment", "updated_at"])
    levels = list(bilan.levels.all())
    for level in levels:
        level.decided_id = decided.get(level.competency_id)
    BilanLevel.objects.bulk_update(levels, ["decided"])
    return bilan


@transaction.atomic
def bilan_validate(*, bilan, actor) -> Bilan:
    """The teacher validates the bilan terminal: it is locked from now on (audited)."""
    bilan = Bilan.objects.select_for_update().get(pk=bilan.pk)
    if bilan.kind != BilanKind.TERMINAL:
        raise ValidationError({"__all__": "Seul le bilan terminal se valide."})
    if bilan.validated_at is not None:
        raise ValidationError({"__all__": "Ce bilan terminal est déjà validé."})
    bilan.validated_at, bilan.validated_by = timezone.now(), actor
    bilan.save(update_fields=["validated_at", "validated_by", "updated_at"])
    audit_event_record(
        establishment=bilan.establishment,
        actor=actor,
        action=AuditAction.BILAN_VALIDATED,
        subject=f"Bilan terminal n°\u00a0{bilan.pk} (élève n°\u00a0{bilan.pupil_id})",
    )
    return bilan


@transaction.atomic
def bilan_unlock(*, bilan, actor) -> Bilan:
    """The head unlocks a validated bilan terminal: the teacher may change it again (audited)."""
    bilan = Bilan.objects.select_for_update().get(pk=bilan.pk)
    if not bilan.locked:
        raise ValidationError({"__all__": "Ce bilan n'est pas verrouillé."})
    validated_at = bilan.validated_at
    bilan.validated_at, bilan.validated_by = None, None
    bilan.save(update_fields=["validated_at", "validated_by", "updated_at"])
    audit_event_record(
        establishment=bilan.establishment,
        actor=actor,
        action=AuditAction.BILAN_UNLOCKED,
        subject=f"Bilan terminal n°\u00a0{bilan.pk} (élève n°\u00a0{bilan.pupil_id})",
        changes={"Validé le": [timezone.localtime(validated_at).strftime("%d/%m/%Y %H:%M"), ""]},
    )
    return bilan
