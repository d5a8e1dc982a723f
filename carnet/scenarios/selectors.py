"""Reads the scenario pages need, with their queries planned (tests bound their counts).

Other apps read a scenario through these too: ``scenario_targets`` gives the columns of an
evaluation's grid (carnet.evaluations), ``scenarios_of_teacher`` a teacher's scenarios.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from carnet.accounts.models import User
from carnet.core.profiles import Profile
from carnet.directory.models import SchoolYear
from carnet.directory.school_years import school_year_start
from carnet.establishments.enums import ContextField
from carnet.establishments.selectors import effective_mask_labels
from carnet.referentials.models import Activity, Attitude, Competency, Criterion, Task
from carnet.scenarios.models import Scenario, ScenarioResource
from carnet.scenarios.richtext import render_html

PEOPLE_FIELDS = ("first_name", "last_name", "username")


def current_school_year() -> SchoolYear:
    """This school year, read (an unsaved one if no row exists yet: a page never writes)."""
    start = school_year_start(timezone.localdate())
    return SchoolYear.objects.filter(start_year=start).first() or SchoolYear(start_year=start)


@dataclass(frozen=True)
class LibraryFilters:
    """The library's search (by title words) and filters (by id or code, in the URL)."""

    search: str = ""
    diploma_id: int | None = None
    class_level: str = ""
    author_id: int | None = None
    mine: bool = False

    @property
    def active(self) -> bool:
        return bool(
            self.search or self.diploma_id or self.class_level or self.author_id or self.mine
        )


def _coauthored_by(user_id: int):
    return Exists(
        Scenario.co_authors.through.objects.filter(scenario_id=OuterRef("pk"), user_id=user_id)
    )


def _people():
    return User.objects.only(*PEOPLE_FIELDS).order_by("last_name", "first_name", "pk")


def scenario_library(
    *, establishment, school_year: SchoolYear, filters: LibraryFilters, user
) -> QuerySet:
    """The establishment's scenarios of one school year, filtered: two queries whatever
    their number (scenarios with author and diploma, then their co-authors)."""
    queryset = (
        Scenario.objects.of(establishment)
        .filter(school_year__start_year=school_year.start_year)
        .select_related("diploma", "school_year")
        .prefetch_related(Prefetch("co_authors", queryset=_people()))
        .annotate(resource_count=Count("resources"))
    )
    queryset = queryset.select_related("author").defer(
        *(f"author__{name}" for name in ("password", "last_login", "email"))
    )
    for word in filters.search.split():
        queryset = queryset.filter(title__icontains=word)
    if filters.diploma_id:
        queryset = queryset.filter(diploma_id=filters.diploma_id)
    if filters.class_level:
        queryset = queryset.filter(class_level=filters.class_level)
    if filters.author_id:
        author_id = filters.author_id
        queryset = queryset.filter(Q(author_id=author_id) | _coauthored_by(author_id))
    if filters.mine:
        queryset = queryset.filter(Q(author_id=user.pk) | _coauthored_by(user.pk))
    # Last changed first: what a teacher works on now (and titles sort by accents only on a
    # database with a French collation).
    return queryset.order_by("-updated_at", "-pk")


def library_authors(*, establishment, school_year: SchoolYear) -> list[User]:
    """Teachers who wrote (or co-wrote) a scenario of that year: the « Auteur » filter."""
    of_year = Scenario.objects.filter(
        establishment=establishment, school_year__start_year=school_year.start_year
    )
    return list(
        _people()
        .filter(establishment=establishment)
        .filter(
            Exists(of_year.filter(author_id=OuterRef("pk")))
            | Exists(of_year.filter(co_authors=OuterRef("pk")))
        )
    )


def scenario_years(*, establishment, current: SchoolYear) -> list[SchoolYear]:
    """The school years with scenarios, and the current one, latest first."""
    of_year = Scenario.objects.of(establishment).filter(school_year=OuterRef("pk"))
    years = SchoolYear.objects.filter(Exists(of_year)).exclude(start_year=current.start_year)
    return sorted([current, *years], key=lambda year: -year.start_year)


def scenarios_of_teacher(*, user, school_year: SchoolYear, limit: int | None = None) -> list:
    """The scenarios a teacher wrote or co-writes, of one year, last changed first."""
    queryset = (
        Scenario.objects.of(user.establishment)
        .filter(school_year__start_year=school_year.start_year)
        .filter(Q(author_id=user.pk) | _coauthored_by(user.pk))
        .select_related("diploma")
        .order_by("-updated_at", "-pk")
    )
    return list(queryset[:limit] if limit else queryset)


def coauthor_choices(*, establishment, scenario: Scenario | None = None, author=None):
    """Teachers of the establishment who may be co-authors: active ones, and the current
    co-authors whatever their state (an account disabled keeps its place until removed)."""
    author_id = author.pk if author is not None else scenario.author_id if scenario else None
    queryset = _people().filter(establishment=establishment, profile=Profile.TEACHER)
    keep = Q(is_active=True)
    if scenario is not None and scenario.pk:
        keep |= Q(scenarios_coauthored=scenario)
    return queryset.filter(keep).exclude(pk=author_id).distinct()


# One scenario.


def scenario_page(*, establishment, pk: int) -> Scenario:
    """The scenario with what every one of its pages shows (raises DoesNotExist)."""
    return (
        Scenario.objects.of(establishment)
        .select_related("diploma", "school_year", "author")
        .prefetch_related(Prefetch("co_authors", queryset=_people()))
        .get(pk=pk)
    )


@dataclass(frozen=True)
class ContextEntry:
    field: ContextField
    label: str  # the establishment's masque de saisie, read now
    text: str
    html: str


def scenario_context(*, establishment, scenario: Scenario) -> list[ContextEntry]:
    """The five Contexte fields, labelled by the establishment's masque de saisie for the
    scenario's diploma (one query): a label changed in Paramètres shows at once."""
    labels = effective_mask_labels(establishment=establishment, diploma=scenario.diploma)
    return [
        ContextEntry(
            field=field_,
            label=labels[field_],
            text=scenario.context.get(field_.value, ""),
            html=render_html(scenario.context.get(field_.value, "")),
        )
        for field_ in ContextField
    ]


@dataclass
class ActivityLinks:
    activity: Activity
    tasks: list[Task] = field(default_factory=list)


@dataclass
class CompetencyLinks:
    competency: Competency
    whole: bool = False
    criteria: list[Criterion] = field(default_factory=list)
    criteria_total: int = 0

    @property
    def count(self) -> int:
        return len(self.criteria)


@dataclass
class Links:
    activities: list[ActivityLinks]
    competencies: list[CompetencyLinks]
    attitudes: list[Attitude]

    @property
    def empty(self) -> bool:
        return not (self.activities or self.competencies or self.attitudes)

    @property
    def criteria_count(self) -> int:
        return sum(link.count for link in self.competencies)


def scenario_links(*, scenario: Scenario) -> Links:
    """The section « Liaison avec le référentiel », grouped as the référentiel is: tasks
    under their activity, criteria under their competency with « n critères sur m »."""
    tasks = scenario.tasks.select_related("activity").order_by("activity__position", "position")
    activities: dict[int, ActivityLinks] = {}
    for task in tasks:
        activities.setdefault(task.activity_id, ActivityLinks(task.activity)).tasks.append(task)
    whole_ids = set(scenario.competencies.values_list("pk", flat=True))
    criteria_by_competency = defaultdict(list)
    for criterion in scenario.criteria.order_by("competency__position", "position"):
        criteria_by_competency[criterion.competency_id].append(criterion)
    competencies = (
        Competency.objects.filter(pk__in=whole_ids | set(criteria_by_competency))
        .annotate(criteria_total=Count("criteria"))
        .order_by("position")
    )
    return Links(
        activities=list(activities.values()),
        competencies=[
            CompetencyLinks(
                competency=competency,
                whole=competency.pk in whole_ids,
                criteria=criteria_by_competency.get(competency.pk, []),
                criteria_total=competency.criteria_total,
            )
            for competency in competencies
        ],
        attitudes=list(scenario.attitudes.order_by("position")),
    )


@dataclass(frozen=True)
class ScenarioTarget:
    """A column of an evaluation's grid: a criterion, or a whole competency (criterion None)."""

    competency: Competency
    criterion: Criterion | None = None

    @property
    def code(self) -> str:
        if self.criterion is None:
            return self.competency.code
        return f"{self.competency.code}.{self.criterion.position}"

    @property
    def label(self) -> str:
        return (self.criterion or self.competency).label


def scenario_targets(*, scenario: Scenario) -> list[ScenarioTarget]:
    """What the scenario targets, as an evaluation's grid needs it, in the référentiel's order:
    each competency targeted whole, then the criteria targeted one by one (two queries)."""
    targets = [
        (competency.position, -1, ScenarioTarget(competency))
        for competency in scenario.competencies.all()
    ]
    for criterion in scenario.criteria.select_related("competency"):
        target = ScenarioTarget(criterion.competency, criterion)
        targets.append((criterion.competency.position, criterion.position, target))
    return [target for *_, target in sorted(targets, key=lambda t: (t[0], t[1]))]


@dataclass
class ReferentialChoices:
    """The diploma's référentiel, for the form of the section « Liaison avec le référentiel »."""

    activities: list[Activity]  # with .tasks prefetched
    competencies: list[Competency]  # with .criteria prefetched
    attitudes: list[Attitude]


def referential_choices(*, diploma) -> ReferentialChoices:
    """Five queries, whatever the size of the référentiel."""
    return ReferentialChoices(
        activities=list(
            Activity.objects.filter(diploma=diploma)
            .prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("position")))
            .order_by("position")
        ),
        competencies=list(
            Competency.objects.filter(diploma=diploma)
            .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("position")))
            .order_by("position")
        ),
        attitudes=list(Attitude.objects.filter(diploma=diploma).order_by("position")),
    )


def scenario_link_ids(*, scenario: Scenario) -> dict[str, set[int]]:
    """The ids chosen in each list of the section (four small queries)."""
    return {
        "tasks": set(scenario.tasks.values_list("pk", flat=True)),
        "competencies": set(scenario.competencies.values_list("pk", flat=True)),
        "criteria": set(scenario.criteria.values_list("pk", flat=True)),
        "attitudes": set(scenario.attitudes.values_list("pk", flat=True)),
    }


def scenario_resources(*, scenario: Scenario) -> list[ScenarioResource]:
    return list(scenario.resources.select_related("uploaded_by").order_by("created_at", "pk"))
