"""The demo pupil's passeport professionnel: a situation validated by a teacher, one sent
and waiting, one draft made from an evaluation they took part in (one click), and one
« autre ». Written through the passport's services; idempotent (by title, and the
conversion finds the entry it made)."""

import datetime

from carnet.directory.models import Pupil, StaffMember
from carnet.evaluations.models import EvaluationPupil
from carnet.passport.enums import EntryPlace
from carnet.passport.models import Entry
from carnet.passport.services import (
    EntryData,
    entry_create,
    entry_from_evaluation,
    entry_submit,
    entry_validate,
)
from carnet.referentials.models import Task


def demo_passport_load(*, establishment, today: datetime.date) -> None:
    pupil = (
        Pupil.objects.of(establishment)
        .filter(user__isnull=False, division__diploma__isnull=False)
        .select_related("division", "user")
        .order_by("pk")
        .first()
    )
    if pupil is None:
        return
    teacher = (
        StaffMember.objects.of(establishment)
        .filter(divisions=pupil.division, user__isnull=False, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    tasks = list(
        Task.objects.filter(activity__diploma_id=pupil.division.diploma_id).order_by(
            "activity__position", "position"
        )
    )
    learner = pupil.user
    existing = set(Entry.objects.filter(pupil=pupil).values_list("title", flat=True))

    def add(title: str, **values) -> Entry | None:
        if title in existing:
            return None
        return entry_create(pupil=pupil, actor=learner, data=EntryData(title=title, **values))

    validated = add(
        "Pose et raccordement d'un tableau de distribution",
        place=EntryPlace.SCHOOL,
        place_detail="Atelier d'électrotechnique",
        starts_on=today - datetime.timedelta(days=40),
        context="Maquette d'un logement T3 : le tableau est à installer avant la mise en service.",
        description="J'ai repéré les circuits, posé le tableau, raccordé les départs puis "
        "vérifié la continuité des conducteurs de protection avec mon binôme.",
        task_ids=[t.pk for t in tasks[:2]],
        equipment="Multimètre, pince à dénuder, tournevis isolés",
        autonomy="avec_aide",
    )
    if validated is not None and teacher is not None:
        entry_validate(entry=entry_submit(entry=validated, actor=learner), actor=teacher.user)
    sent = add(
        "Diagnostic d'un éclairage défaillant",
        place=EntryPlace.SCHOOL,
        place_detail="Atelier d'électrotechnique",
        starts_on=today - datetime.timedelta(days=12),
        description="J'ai consigné le circuit, mesuré les tensions et remplacé l'interrupteur "
        "défectueux.",
        task_ids=[t.pk for t in tasks[2:4]],
        autonomy="seul",
    )
    if sent is not None:
        entry_submit(entry=sent, actor=learner)
    add(
        "Visite du salon des métiers de l'électricité",
        place=EntryPlace.OTHER,
        place_detail="Parc des expositions",
        starts_on=today - datetime.timedelta(days=5),
        description="J'ai rencontré des installateurs et découvert les bornes de recharge.",
    )
    taken = (
        EvaluationPupil.objects.filter(pupil=pupil)
        .select_related("evaluation")
        .order_by("-evaluation__date", "pk")
        .first()
    )
    if taken is not None:
        entry_from_evaluation(pupil=pupil, evaluation=taken.evaluation, actor=learner)
