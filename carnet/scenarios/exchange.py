"""A scenario as a ``scenario/1`` file (archive.py), and a file's scenario as this platform
knows it: its diploma and the elements of its référentiel, found by their codes.

Reads only: the import itself is services/exchange.py.
"""

from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify

from carnet.establishments.enums import ContextField
from carnet.establishments.selectors import effective_mask_labels
from carnet.referentials.models import Attitude, Competency, Criterion, Diploma, Task
from carnet.scenarios.archive import (
    FORMAT,
    ArchiveRefused,
    ScenarioArchive,
    archive_build,
    manifest_resource,
)
from carnet.scenarios.models import Scenario


def scenario_export(*, establishment, scenario: Scenario) -> bytes:
    """The ``scenario/1`` zip of a scenario: no name of a person in it (neither author nor
    co-authors), only what a colleague needs to teach it."""
    links = {
        "taches": [
            {"activite": task.activity.code, "code": task.code}
            for task in scenario.tasks.select_related("activity").order_by(
                "activity__position", "position"
            )
        ],
        "competences": list(
            scenario.competencies.order_by("position").values_list("code", flat=True)
        ),
        "criteres": [
            {"competence": criterion.competency.code, "rang": criterion.position}
            for criterion in scenario.criteria.select_related("competency").order_by(
                "competency__position", "position"
            )
        ],
        "attitudes": list(scenario.attitudes.order_by("position").values_list("code", flat=True)),
    }
    labels = effective_mask_labels(establishment=establishment, diploma=scenario.diploma)
    resources, files = [], []
    for index, resource in enumerate(scenario.resources.order_by("created_at", "pk"), start=1):
        with default_storage.open(resource.storage_name, "rb") as stored:
            content = stored.read()
        entry = manifest_resource(
            index=index,
            name=resource.name,
            extension=resource.storage_name.rsplit(".", 1)[-1],
            content=content,
        )
        resources.append(entry)
        files.append((entry["fichier"], content))
    manifest = {
        "format": FORMAT,
        "exporte_le": timezone.localdate().isoformat(),
        "titre": scenario.title,
        "co_intervention": scenario.co_intervention,
        "diplome": {"code": scenario.diploma.code, "intitule": scenario.diploma.title},
        "niveau": scenario.class_level,
        "contexte": {
            field_.value: scenario.context[field_.value]
            for field_ in ContextField
            if scenario.context.get(field_.value)
        },
        "intitules_contexte": {field_.value: labels[field_] for field_ in ContextField},
        "referentiel": links,
        "ressources": resources,
    }
    return archive_build(manifest=manifest, files=files)


def export_file_name(scenario: Scenario) -> str:
    return f"scenario-{slugify(scenario.title)[:60] or scenario.pk}.zip"


@dataclass
class ResolvedArchive:
    """A file's scenario with its référentiel elements found on this platform."""

    archive: ScenarioArchive
    diploma: Diploma
    tasks: list[Task] = field(default_factory=list)
    competencies: list[Competency] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    attitudes: list[Attitude] = field(default_factory=list)


def _unknown(what: str, diploma: Diploma) -> ArchiveRefused:
    return ArchiveRefused(
        f"Le fichier cite {what}, qui n'existe pas dans le référentiel « {diploma.title} » de la "
        "plateforme : le scénario a peut-être été écrit pour une autre version du référentiel. "
        "Demandez à votre collègue de retirer cet élément puis de l'exporter de nouveau."
    )


def archive_resolve(*, archive: ScenarioArchive) -> ResolvedArchive:
    """Find the file's diploma and elements (five queries); raises ArchiveRefused, with a
    French message, for a diploma whose référentiel is not loaded or an unknown element."""
    diploma = Diploma.objects.filter(code=archive.diploma_code).first()
    if diploma is None:
        named = f"« {archive.diploma_title} » " if archive.diploma_title else ""
        raise ArchiveRefused(
            f"Ce scénario est écrit pour le diplôme {named}(code {archive.diploma_code}), dont "
            "le référentiel n'est pas chargé sur la plateforme : il ne peut pas être importé. "
            "Demandez à l'opérateur de la plateforme de charger ce référentiel."
        )
    tasks = {
        (task.activity.code, task.code): task
        for task in Task.objects.filter(activity__diploma=diploma).select_related("activity")
    }
    competencies = {c.code: c for c in Competency.objects.filter(diploma=diploma)}
    criteria = {
        (criterion.competency.code, criterion.position): criterion
        for criterion in Criterion.objects.filter(competency__diploma=diploma).select_related(
            "competency"
        )
    }
    attitudes = {a.code: a for a in Attitude.objects.filter(diploma=diploma)}
    resolved = ResolvedArchive(archive=archive, diploma=diploma)
    for key in archive.tasks:
        if key not in tasks:
            raise _unknown(f"la tâche {key[1]} (activité {key[0]})", diploma)
        resolved.tasks.append(tasks[key])
    for code in archive.competencies:
        if code not in competencies:
            raise _unknown(f"la compétence {code}", diploma)
        resolved.competencies.append(competencies[code])
    for key in archive.criteria:
        if key not in criteria:
            raise _unknown(f"le critère n° {key[1]} de la compétence {key[0]}", diploma)
        resolved.criteria.append(criteria[key])
    for code in archive.attitudes:
        if code not in attitudes:
            raise _unknown(f"l'attitude professionnelle {code}", diploma)
        resolved.attitudes.append(attitudes[code])
    return resolved
