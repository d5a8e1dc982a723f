"""Loading référentiels. Idempotent: the same file twice changes nothing."""

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from carnet.referentials.models import (
    Activity,
    Attitude,
    Competency,
    Criterion,
    Diploma,
    ExamUnit,
    ScaleLevel,
    Task,
)
from carnet.referentials.parser import ReferentialData


class LoadOutcome(StrEnum):
    CREATED = "créé"
    UPDATED = "mis à jour"
    UNCHANGED = "inchangé"


def _sync(model, parent_filter: dict, rows: list[tuple[str, dict]], key: str = "code") -> dict:
    """Make the children of one parent exactly ``rows`` (key → fields). Returns key → instance."""
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**parent_filter)}
    result = {}
    for value, fields in rows:
        obj = existing.pop(value, None)
        if obj is None:
            obj = model.objects.create(**parent_filter, **{key: value}, **fields)
        elif any(getattr(obj, name) != new for name, new in fields.items()):
            for name, new in fields.items():
                setattr(obj, name, new)
            obj.save()
        result[value] = obj
    if existing:
        try:
            model.objects.filter(pk__in=[obj.pk for obj in existing.values()]).delete()
        except ProtectedError:
            gone = ", ".join(sorted(str(value) for value in existing))
            raise ValidationError(
                f"Ce fichier retire du référentiel des éléments déjà utilisés par des scénarios "
                f"ou des évaluations ({model._meta.verbose_name} : {gone}) : rien n'a été "
                "chargé. Gardez-les dans le fichier."
            ) from None
    return result


@transaction.atomic
def referential_load(*, data: ReferentialData) -> LoadOutcome:
    diploma = Diploma.objects.filter(code=data.code).first()
    if diploma is not None and diploma.source_sha256 == data.sha256:
        return LoadOutcome.UNCHANGED
    outcome = LoadOutcome.CREATED if diploma is None else LoadOutcome.UPDATED
    diploma, _ = Diploma.objects.update_or_create(
        code=data.code,
        defaults={
            "cfd": data.cfd,
            "title": data.title,
            "level": data.level,
            "mef_prefix": data.mef_prefix,
            "provenance": data.provenance,
            "source_sha256": data.sha256,
        },
    )
    competencies = _sync(
        Competency,
        {"diploma": diploma},
        [(c.code, {"label": c.label, "position": i}) for i, c in enumerate(data.competencies, 1)],
    )
    for competency in data.competencies:
        _sync(
            Criterion,
            {"competency": competencies[competency.code]},
            [(i, {"label": label}) for i, label in enumerate(competency.criteria, 1)],
            key="position",
        )
    activities = _sync(
        Activity,
        {"diploma": diploma},
        [(a.code, {"label": a.label, "position": i}) for i, a in enumerate(data.activities, 1)],
    )
    for activity in data.activities:
        tasks = _sync(
            Task,
            {"activity": activities[activity.code]},
            [
                (t.code, {"label": t.label, "autonomy": t.autonomy, "position": i})
                for i, t in enumerate(activity.tasks, 1)
            ],
        )
        for task in activity.tasks:
            tasks[task.code].competencies.set([competencies[c] for c in task.competencies])
    _sync(
        Attitude,
        {"diploma": diploma},
        [(a.code, {"label": a.label, "position": i}) for i, a in enumerate(data.attitudes, 1)],
    )
    units = _sync(
        ExamUnit,
        {"diploma": diploma},
        [
            (
                u.code,
                {"exam": u.exam, "label": u.label, "coefficient": u.coefficient, "position": i},
            )
            for i, u in enumerate(data.units, 1)
        ],
    )
    for unit in data.units:
        units[unit.code].competencies.set([competencies[c] for c in unit.competencies])
    _sync(
        ScaleLevel,
        {"diploma": diploma},
        [
            (
                level.code,
                {"label": level.label, "key": level.key, "value": level.value, "position": i},
            )
            for i, level in enumerate(data.scale, 1)
        ],
    )
    return outcome
