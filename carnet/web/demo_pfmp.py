"""The demo's PFMP: a period for the demo pupil's division, the pupil's placement (company,
tutor), two fiches activités (one sent and checked by the teacher, one draft) and the bilan
entreprise, filled and validated (it shows in the dashboards).

Written through the PFMP's services. Idempotent: a period of that title already there is left
as it is.
"""

import datetime

from carnet.directory.models import Pupil, StaffMember
from carnet.pfmp.models import Period
from carnet.pfmp.services import (
    period_create,
    placement_update,
    review_fill,
    review_validate,
    sheet_check,
    sheet_save,
    sheet_send,
)
from carnet.referentials.models import Competency, Criterion, ScaleLevel, Task

TITLE = "PFMP de démonstration"


def demo_pfmp_load(*, establishment, pupil_user, today: datetime.date) -> Period | None:
    pupil = (
        Pupil.objects.of(establishment).filter(user=pupil_user).select_related("division").first()
    )
    division = pupil.division if pupil else None
    if division is None or division.diploma_id is None:
        return None
    existing = Period.objects.of(establishment).filter(division=division, title=TITLE).first()
    if existing is not None:
        return existing
    member = (
        StaffMember.objects.of(establishment)
        .filter(divisions=division, user__isnull=False, is_active=True)
        .select_related("user")
        .order_by("sts_id")
        .first()
    )
    if member is None:
        return None
    teacher = member.user
    starts_on = today - datetime.timedelta(days=60)
    period = period_create(
        division=division,
        actor=teacher,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=25),
        weeks=4,
        title=TITLE,
    )
    placement = period.placements.get(pupil=pupil)
    placement_update(
        placement=placement,
        referent=teacher,
        company_name="Lumitec Électricité",
        company_siret="73282932000074",
        company_city="Villeurbanne",
        tutor_name="Sophie Marchand",
        tutor_function="Cheffe de chantier",
        tutor_email="s.marchand@lumitec-demo.invalid",
        tutor_phone="04 78 00 00 00",
    )
    tasks = list(
        Task.objects.filter(activity__diploma_id=division.diploma_id).order_by(
            "activity__position", "position"
        )[:3]
    )
    sent = sheet_save(
        placement=placement,
        actor=pupil_user,
        task_ids=[t.pk for t in tasks[:2]],
        starts_on=starts_on + datetime.timedelta(days=2),
        ends_on=starts_on + datetime.timedelta(days=4),
        title="Pose d'un tableau de distribution",
        company_context="Rénovation de l'éclairage d'un atelier de PME.",
        description="J'ai posé et câblé le tableau avec mon tuteur, puis fait les essais.",
        equipment="Perceuse, pince à sertir, multimètre",
        autonomy="avec_aide",
        difficulties="Le repérage des circuits existants.",
    )
    sheet_send(sheet=sent, actor=pupil_user)
    sheet_save(
        placement=placement,
        actor=pupil_user,
        task_ids=[t.pk for t in tasks[2:]],
        starts_on=starts_on + datetime.timedelta(days=9),
        title="Mise en service de l'éclairage",
        description="Brouillon : à compléter.",
    )
    competencies = list(
        Competency.objects.filter(diploma_id=division.diploma_id).order_by("position")[:1]
    )
    criteria = list(
        Criterion.objects.filter(competency__diploma_id=division.diploma_id).order_by(
            "competency__position", "position"
        )[1:3]
    )
    review = sheet_check(
        sheet=sent,
        actor=teacher,
        task_ids=[t.pk for t in tasks[:2]],
        competency_ids=[c.pk for c in competencies],
        criterion_ids=[c.pk for c in criteria],
    )
    levels = list(
        ScaleLevel.objects.filter(diploma_id=division.diploma_id, value__isnull=False).order_by(
            "-value"
        )
    )
    review_fill(
        review=review,
        actor=teacher,
        levels={t.pk: levels[index % 2].pk for index, t in enumerate(review.targets.all())},
        tutor_appreciation="Stagiaire sérieuse et curieuse.",
        attendance="Aucune absence",
        teacher_signature=teacher.display_name,
        tutor_signature="Sophie Marchand",
        signed_on=starts_on + datetime.timedelta(days=25),
        read_and_approved=True,
    )
    review_validate(review=review, actor=teacher)
    return period


def demo_pfmp_clear(*, establishment, year) -> None:
    """Last year's demo periods go before last year's demo divisions (a period protects its
    division): their placements, fiches and bilans with them."""
    Period.objects.of(establishment).exclude(division__school_year=year).delete()
