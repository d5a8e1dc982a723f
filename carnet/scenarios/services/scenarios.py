"""A scenario's sections « Titre », « Contexte », « Liaison avec le référentiel »; its
duplication and deletion."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction

from carnet.accounts.models import User
from carnet.audit.enums import AuditAction
from carnet.audit.services import audit_event_record
from carnet.core.profiles import Profile
from carnet.directory.models import SchoolYear
from carnet.directory.school_years import school_year_current
from carnet.establishments.enums import ContextField
from carnet.establishments.selectors import effective_mask_labels
from carnet.referentials.models import Attitude, Competency, Criterion, Diploma, Task
from carnet.scenarios.enums import ClassLevel
from carnet.scenarios.files import files_delete_on_commit
from carnet.scenarios.models import Scenario, ScenarioResource
from carnet.scenarios.richtext import clean_text, text_problem
from carnet.scenarios.services.resources import storage_name

CAP_LEVELS = (ClassLevel.CAP1, ClassLevel.CAP2)
BAC_PRO_LEVELS = (ClassLevel.SECONDE, ClassLevel.PREMIERE, ClassLevel.TERMINALE)
EVALUATED = (
    "Des évaluations portent sur ce scénario : il ne peut pas être supprimé. "
    "Supprimez d'abord ses évaluations."
)
LINK_MODELS = {
    "tasks": (Task, "activity__diploma"),
    "competencies": (Competency, "diploma"),
    "criteria": (Criterion, "competency__diploma"),
    "attitudes": (Attitude, "diploma"),
}


def _is_cap(diploma: Diploma) -> bool:
    return diploma.level.strip().upper().startswith("CAP")


def _names(users: Iterable[User]) -> str:
    return ", ".join(sorted(user.display_name for user in users))


def check_teacher(*, establishment, user: User) -> None:
    if user.profile != Profile.TEACHER or user.establishment_id != establishment.pk:
        raise ValidationError(
            "Seul un enseignant de l'établissement écrit, duplique ou importe un scénario."
        )


def title_fields(*, title: str, diploma, class_level: str) -> tuple[str, dict[str, str]]:
    title = " ".join((title or "").split())
    errors = {}
    if not title:
        errors["title"] = "Saisissez le titre du scénario."
    elif len(title) > 200:
        errors["title"] = f"Le titre compte {len(title)} caractères : au plus 200."
    if not isinstance(diploma, Diploma):
        errors["diploma"] = "Choisissez le diplôme préparé."
    elif class_level not in ClassLevel.values:
        errors["class_level"] = "Choisissez le niveau de classe."
    elif _is_cap(diploma) and class_level not in CAP_LEVELS:
        errors["class_level"] = (
            f"« {diploma.title} » est un CAP : choisissez « 1re année de CAP » ou « 2e année "
            "de CAP »."
        )
    elif not _is_cap(diploma) and class_level not in BAC_PRO_LEVELS:
        errors["class_level"] = (
            f"« {diploma.title} » se prépare en Seconde, Première ou Terminale : choisissez "
            "l'un de ces niveaux."
        )
    return title, errors


def _co_authors(*, establishment, author_id: int, users: Iterable, keep: Iterable = ()) -> list:
    """The co-authors chosen, checked: teachers of the establishment (active, or already
    co-authors), never the author."""
    ids = {getattr(user, "pk", user) for user in users} - {author_id}
    kept = {getattr(user, "pk", user) for user in keep}
    found = list(
        User.objects.of(establishment)
        .filter(profile=Profile.TEACHER, pk__in=ids)
        .filter(models.Q(is_active=True) | models.Q(pk__in=kept))
    )
    if len(found) != len(ids):
        raise ValidationError(
            {
                "co_authors": "Les co-auteurs sont des enseignants de l'établissement dont le "
                "compte est actif : rechargez la page puis choisissez de nouveau."
            }
        )
    return found


def _clean_context(*, establishment, diploma, context: Mapping[str, str]) -> dict[str, str]:
    labels = effective_mask_labels(establishment=establishment, diploma=diploma)
    cleaned, errors = {}, {}
    for field in ContextField:
        text = clean_text(context.get(field.value, ""))
        problem = text_problem(text, label=labels[field])
        if problem:
            errors[field.value] = problem
        elif text:
            cleaned[field.value] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def _has_protected_dependents(scenario: Scenario) -> bool:
    """Whether rows of other apps stand on the scenario (its evaluations), found from the
    relations that protect it: this app need not know those apps."""
    for relation in Scenario._meta.related_objects:
        if getattr(relation, "on_delete", None) is models.PROTECT:
            manager = relation.related_model._default_manager
            if manager.filter(**{relation.field.name: scenario}).exists():
                return True
    return False


@transaction.atomic
def scenario_create(
    *,
    establishment,
    author: User,
    title: str,
    diploma: Diploma,
    class_level: str,
    co_intervention: bool = False,
    co_authors: Iterable = (),
    context: Mapping[str, str] | None = None,
    school_year: SchoolYear | None = None,
) -> Scenario:
    """A new scenario of ``author`` (a teacher of the establishment), of the current school
    year unless ``school_year`` says otherwise. Section « Titre »; ``context`` may fill the
    section « Contexte » at once ({ContextField value: text})."""
    check_teacher(establishment=establishment, user=author)
    title, errors = title_fields(title=title, diploma=diploma, class_level=class_level)
    if errors:
        raise ValidationError(errors)
    chosen = _co_authors(establishment=establishment, author_id=author.pk, users=co_authors)
    cleaned = _clean_context(establishment=establishment, diploma=diploma, context=context or {})
    scenario = Scenario.objects.create(
        establishment=establishment,
        school_year=school_year or school_year_current(),
        author=author,
        title=title,
        co_intervention=bool(co_intervention),
        diploma=diploma,
        class_level=class_level,
        context=cleaned,
    )
    scenario.co_authors.set(chosen)
    return scenario


@transaction.atomic
def scenario_update_title(
    *,
    scenario: Scenario,
    actor: User,
    title: str,
    diploma: Diploma,
    class_level: str,
    co_intervention: bool,
    co_authors: Iterable,
) -> list[str]:
    """Section « Titre ». Returns what changed, in words (« le titre », « le diplôme »…).

    A new diploma empties the section « Liaison avec le référentiel » (its elements were of
    the former référentiel); it is refused once evaluations stand on the scenario.
    """
    locked = Scenario.objects.select_for_update().get(pk=scenario.pk)
    title, errors = title_fields(title=title, diploma=diploma, class_level=class_level)
    if not errors and diploma.pk != locked.diploma_id and _has_protected_dependents(locked):
        errors["diploma"] = (
            "Des évaluations portent déjà sur ce scénario : son diplôme ne peut plus changer. "
            "Dupliquez le scénario puis changez le diplôme de la copie."
        )
    if errors:
        raise ValidationError(errors)
    before = list(locked.co_authors.all())
    chosen = _co_authors(
        establishment=locked.establishment,
        author_id=locked.author_id,
        users=co_authors,
        keep=before,
    )
    changed = []
    for field, value, words in (
        ("title", title, "le titre"),
        ("co_intervention", bool(co_intervention), "la co-intervention"),
        ("diploma_id", diploma.pk, "le diplôme"),
        ("class_level", class_level, "le niveau de classe"),
    ):
        if getattr(locked, field) != value:
            setattr(locked, field, value)
            changed.append(words)
    if "le diplôme" in changed:
        for name in LINK_MODELS:
            getattr(locked, name).clear()
    if {user.pk for user in before} != {user.pk for user in chosen}:
        locked.co_authors.set(chosen)
        changed.append("les co-auteurs")
        audit_event_record(
            establishment=locked.establishment,
            actor=actor,
            action=AuditAction.SCENARIO_COAUTHORS,
            subject=locked.title,
            changes={"Enseignants co-auteurs": [_names(before), _names(chosen)]},
        )
    if changed:
        locked.save()
        scenario.refresh_from_db()
    return changed


@transaction.atomic
def scenario_update_context(*, scenario: Scenario, actor: User, context: Mapping[str, str]) -> bool:
    """Section « Contexte »: the five fields' texts (paragraphs and lists, richtext.py).
    Returns whether anything changed."""
    locked = Scenario.objects.select_for_update().get(pk=scenario.pk)
    cleaned = _clean_context(
        establishment=locked.establishment, diploma=locked.diploma, context=context
    )
    if cleaned == locked.context:
        return False
    locked.context = cleaned
    locked.save(update_fields=["context", "updated_at"])
    scenario.context, scenario.updated_at = locked.context, locked.updated_at
    return True


@transaction.atomic
def scenario_update_links(
    *,
    scenario: Scenario,
    actor: User,
    tasks: Iterable | None = None,
    competencies: Iterable | None = None,
    criteria: Iterable | None = None,
    attitudes: Iterable | None = None,
) -> bool:
    """Section « Liaison avec le référentiel »: the tasks, the competencies targeted whole,
    the criteria and the attitudes (objects or ids) of the scenario's diploma. A list left
    None is not changed: ``scenario_update_links(scenario=…, actor=…, criteria=[…])``
    links criteria alone. Returns whether anything changed."""
    locked = Scenario.objects.select_for_update().get(pk=scenario.pk)
    given = {"tasks": tasks, "competencies": competencies, "criteria": criteria}
    given["attitudes"] = attitudes
    changed = False
    for name, values in given.items():
        if values is None:
            continue
        ids = {getattr(value, "pk", value) for value in values}
        model, diploma_path = LINK_MODELS[name]
        found = set(
            model.objects.filter(pk__in=ids, **{diploma_path: locked.diploma_id}).values_list(
                "pk", flat=True
            )
        )
        if found != ids:
            raise ValidationError(
                "Un des éléments choisis n'appartient pas au référentiel du diplôme du scénario "
                ": rechargez la page puis choisissez de nouveau."
            )
        relation = getattr(locked, name)
        if set(relation.values_list("pk", flat=True)) != ids:
            relation.set(ids)
            changed = True
    if changed:
        locked.save(update_fields=["updated_at"])
    return changed


def scenario_duplicate(*, scenario: Scenario, actor: User) -> Scenario:
    """A copy of ``scenario`` (any the actor may read), belonging to ``actor``, of the current
    school year: same sections, its resources copied (new files); no co-author. A copy within
    the same year is titled « … (copie) »."""
    check_teacher(establishment=scenario.establishment, user=actor)
    year = school_year_current()
    title = scenario.title
    if scenario.school_year_id == year.pk:
        title = f"{title[:192]} (copie)"
    links = {
        name: list(getattr(scenario, name).values_list("pk", flat=True)) for name in LINK_MODELS
    }
    copies = []
    for resource in scenario.resources.all():
        with default_storage.open(resource.storage_name, "rb") as stored:
            copies.append((resource, stored.read()))
    stored: list[str] = []
    try:
        with transaction.atomic():
            copy = Scenario.objects.create(
                establishment_id=scenario.establishment_id,
                school_year=year,
                author=actor,
                title=title,
                co_intervention=scenario.co_intervention,
                diploma_id=scenario.diploma_id,
                class_level=scenario.class_level,
                context=dict(scenario.context),
                duplicated_from=scenario,
            )
            for name, ids in links.items():
                getattr(copy, name).set(ids)
            rows = []
            for resource, content in copies:
                name = storage_name(resource.storage_name.rsplit(".", 1)[-1])
                stored.append(default_storage.save(name, ContentFile(content)))
                rows.append(
                    ScenarioResource(
                        establishment_id=copy.establishment_id,
                        scenario=copy,
                        name=resource.name,
                        storage_name=stored[-1],
                        kind=resource.kind,
                        content_type=resource.content_type,
                        size=resource.size,
                        sha256=resource.sha256,
                        uploaded_by=actor,
                    )
                )
            ScenarioResource.objects.bulk_create(rows)
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return copy


@transaction.atomic
def scenario_delete(*, scenario: Scenario, actor: User) -> None:
    """Delete a scenario and its resources: its author alone, and only while no evaluation
    stands on it."""
    locked = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if locked.author_id != actor.pk:
        raise ValidationError("Seul l'auteur du scénario peut le supprimer.")
    if _has_protected_dependents(locked):
        raise ValidationError(EVALUATED)
    files = list(locked.resources.values_list("storage_name", flat=True))
    audit_event_record(
        establishment=locked.establishment,
        actor=actor,
        action=AuditAction.SCENARIO_DELETED,
        subject=locked.title,
        changes={"Ressources jointes": [str(len(files)), ""]} if files else {},
    )
    try:
        with transaction.atomic():
            locked.delete()
    except models.ProtectedError:  # an evaluation created meanwhile
        raise ValidationError(EVALUATED) from None
    files_delete_on_commit(files)
