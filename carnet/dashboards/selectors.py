"""Reads of the dashboards, always of one establishment, with their queries planned.

The results come from every source through ``carnet.core.results`` (school situations, the
PFMP's bilans entreprise…): this app knows none of them. A pupil's dashboard is a fixed
number of queries (the divisions, the division's pupils, the référentiel's competencies
with their criteria, its units with their competencies, its scale, the results — one per
source — and the pupil's bilans), whatever the number of results; the class overview the
same whatever the number of pupils.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch

from carnet.core.results import ResultRow, result_kinds, result_marks, result_rows
from carnet.core.tenancy import get_scoped_or_404
from carnet.dashboards.enums import BilanKind
from carnet.dashboards.models import Bilan, BilanLevel
from carnet.dashboards.proposal import Mark, Proposal, method_of, propose
from carnet.directory.enums import PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil, StaffMember
from carnet.directory.school_years import school_year_start
from carnet.referentials.models import Competency, ScaleLevel

SECONDE, PREMIERE, TERMINALE = "seconde", "premiere", "terminale"
# MEF: 11 characters, the 9th the training's length in years, the 10th its year.
BAC_PRO_YEARS = {"1": SECONDE, "2": PREMIERE, "3": TERMINALE}
CODE_PREFIXES = {"2": SECONDE, "1": PREMIERE, "T": TERMINALE}


def proposal_method() -> str:
    return method_of(getattr(settings, "DASHBOARDS_PROPOSED_LEVEL_METHOD", None)).code


def class_level(division) -> str:
    """« seconde », « premiere », « terminale » for a division of a three-year Bac Pro (from
    its MEF, else the first character of its code: 2MELEC, 1MELEC, TMELEC); "" otherwise
    (a CAP, a group, a division without MEF)."""
    mef = division.mef or ""
    if len(mef) == 11 and mef.isascii() and mef.isdigit():
        return BAC_PRO_YEARS.get(mef[9], "") if mef[8] == "3" else ""
    return CODE_PREFIXES.get((division.code or " ")[0].upper(), "")


# --- Selection ------------------------------------------------------------------------------


def dashboard_divisions(*, establishment, today: datetime.date, user=None) -> list[Division]:
    """The establishment's divisions of the current school year, by code (one query), each
    with ``taught``: whether ``user`` teaches it (in post), what the rule
    ``dashboards.write_bilan`` asks (the pages show « Créer un bilan » from it; the bilan's
    own pages check the rule)."""
    taught = StaffMember.divisions.through.objects.filter(
        division_id=OuterRef("pk"),
        staffmember__user_id=getattr(user, "pk", None),
        staffmember__is_active=True,
    )
    return list(
        Division.objects.of(establishment)
        .filter(school_year__start_year=school_year_start(today), kind=StructureKind.DIVISION)
        .annotate(taught=Exists(taught))
        .select_related("diploma")
        .order_by("code", "pk")
    )


def division_pupils(*, division) -> list[Pupil]:
    """The division's active pupils, by name (one query)."""
    return list(
        Pupil.objects.of(division.establishment_id)
        .filter(division=division, status=PupilStatus.ACTIVE)
        .order_by("last_name_key", "first_name_key", "pk")
    )


def neighbours(pupils: list, pupil) -> tuple:
    """The previous and the next pupil of the list (None at either end)."""
    index = next(i for i, p in enumerate(pupils) if p.pk == pupil.pk)
    previous = pupils[index - 1] if index > 0 else None
    following = pupils[index + 1] if index + 1 < len(pupils) else None
    return previous, following


# --- The référentiel --------------------------------------------------------------------------


@dataclass
class CompetencyInfo:
    pk: int
    code: str
    label: str
    criteria: list = field(default_factory=list)  # [(code « C2.3 », label)…]


@dataclass(frozen=True)
class UnitOption:
    code: str
    label: str
    group: str  # « Bac Pro », « Certification intermédiaire »


def competencies_of(*, diploma_id: int) -> list[CompetencyInfo]:
    """The diploma's competencies with their criteria, in the référentiel's order (one query)."""
    rows = (
        Competency.objects.filter(diploma_id=diploma_id)
        .order_by("position", "pk", "criteria__position")
        .values_list("pk", "code", "label", "criteria__position", "criteria__label")
    )
    found: dict[int, CompetencyInfo] = {}
    for pk, code, label, position, criterion in rows:
        info = found.setdefault(pk, CompetencyInfo(pk, code, label))
        if position is not None:
            info.criteria.append((f"{code}.{position}", criterion))
    return list(found.values())


def referential_of(
    *, diploma_id: int
) -> tuple[list[CompetencyInfo], list[UnitOption], dict[str, set[int]]]:
    """The diploma's competencies with their criteria, its exam units and the competencies
    each unit certifies, in one query (competencies × criteria × units: a hundred rows). A
    unit that certifies no competency is not offered: it would filter nothing."""
    rows = (
        Competency.objects.filter(diploma_id=diploma_id)
        .order_by("position", "pk", "criteria__position", "units__position")
        .values_list(
            "pk", "code", "label", "criteria__position", "criteria__label",
            "units__code", "units__label", "units__position", "diploma__level",
        )
    )  # fmt: skip
    found: dict[int, CompetencyInfo] = {}
    units: dict[str, tuple] = {}
    of_unit: dict[str, set[int]] = defaultdict(set)
    for pk, code, label, position, criterion, unit, unit_label, unit_position, level in rows:
        info = found.setdefault(pk, CompetencyInfo(pk, code, label))
        criterion_code = f"{code}.{position}"
        if position is not None and (not info.criteria or info.criteria[-1][0] != criterion_code):
            info.criteria.append((criterion_code, criterion))
        if unit is not None:
            units.setdefault(unit, (unit_position, UnitOption(unit, unit_label, level)))
            of_unit[unit].add(pk)
    options = [option for _, option in sorted(units.values(), key=lambda u: (u[0], u[1].code))]
    return list(found.values()), options, dict(of_unit)


def scale_of(*, diploma_id: int) -> list[ScaleLevel]:
    return list(ScaleLevel.objects.filter(diploma_id=diploma_id).order_by("position"))


def scale_values(scale) -> list[int]:
    return sorted({level.value for level in scale if level.value is not None})


# --- Filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    units: frozenset = frozenset()  # empty: « Tout afficher »
    kinds: frozenset = frozenset()  # empty: every kind

    @classmethod
    def from_query(cls, query) -> "Filters":
        known_kinds = {code for code, _ in result_kinds()}
        units = frozenset(u for u in query.getlist("unite") if 0 < len(u) <= 20 and u.isprintable())
        kinds = frozenset(k for k in query.getlist("type") if k in known_kinds)
        return cls(units=units, kinds=kinds)

    def query_items(self) -> list[tuple[str, str]]:
        units = [("unite", u) for u in sorted(self.units)]
        return units + [("type", k) for k in sorted(self.kinds)]


def keep(row: ResultRow, filters: Filters, unit_competencies: dict[str, set[int]]) -> bool:
    """Whether ``row`` passes the filters. A unit keeps its certificative results and, of the
    others (formative, bilans entreprise), those on the competencies it certifies."""
    if filters.kinds and row.kind not in filters.kinds:
        return False
    if not filters.units:
        return True
    if row.unit_code:
        return row.unit_code in filters.units
    return any(row.competency_id in unit_competencies.get(u, ()) for u in filters.units)


# --- A pupil's dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResultLine:
    date: datetime.date
    date_text: str  # dd/mm/yyyy, formatted once here (400 rows: the template's |date costs)
    column_code: str
    criterion_label: str  # "" for the whole competency
    source_title: str
    kind_label: str
    unit_code: str
    level_code: str
    level_label: str
    level_value: int | None


@dataclass(frozen=True)
class Point:
    """One evaluation on the chart: the mean of its marks on the competency."""

    date: datetime.date
    source_title: str
    value: float


@dataclass
class CompetencyView:
    competency: CompetencyInfo
    results: list[ResultLine]
    proposal: Proposal
    points: list[Point]


def _points(rows: list[ResultRow]) -> list[Point]:
    by_source: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        if row.level_value is not None:
            by_source[row.source].append(row)
    points = [
        Point(
            max(r.date for r in group),
            group[0].source_title,
            round(sum(r.level_value for r in group) / len(group), 2),
        )
        for group in by_source.values()
    ]
    return sorted(points, key=lambda p: (p.date, p.source_title))


def competency_views(
    *, rows: list[ResultRow], competencies, scale, method: str, criteria_labels=None
) -> list[CompetencyView]:
    """Per competency (référentiel order): its results latest first, its proposed level and
    the points of its chart. ``rows`` already filtered."""
    labels = criteria_labels or {
        code: label for info in competencies for code, label in info.criteria
    }
    by_competency: dict[int, list[ResultRow]] = defaultdict(list)
    for row in rows:
        by_competency[row.competency_id].append(row)
    values = scale_values(scale)
    views = []
    for info in competencies:
        own = sorted(
            by_competency.get(info.pk, []),
            key=lambda r: (r.date, r.source, r.column_code),
            reverse=True,
        )
        views.append(
            CompetencyView(
                competency=info,
                results=[
                    ResultLine(
                        date=r.date,
                        date_text=f"{r.date:%d/%m/%Y}",
                        column_code=r.column_code,
                        criterion_label=labels.get(r.column_code, "") if r.criterion_id else "",
                        source_title=r.source_title,
                        kind_label=r.kind_label,
                        unit_code=r.unit_code,
                        level_code=r.level_code,
                        level_label=r.level_label,
                        level_value=r.level_value,
                    )
                    for r in own
                ],
                proposal=propose(
                    [Mark(r.date, r.source, r.level_value) for r in own],
                    scale=values,
                    method=method,
                ),
                points=_points(own),
            )
        )
    return views


@dataclass
class Dashboard:
    pupil: Pupil
    diploma_id: int | None
    level: str  # class level of the division: seconde, premiere…
    filters: Filters
    units: list[UnitOption]
    kinds: list[tuple[str, str]]
    scale: list[ScaleLevel]
    competencies: list[CompetencyView]
    result_count: int
    method: str


def unit_options(*, level: str, units: list[UnitOption], rows: list[ResultRow]) -> list[UnitOption]:
    """What the unit filter offers: nothing in Seconde; the diploma's units otherwise and, in
    Première, also the units of the certification intermédiaire (BEP: UP1, UP2…) that the
    pupils' certificative results name, though they are the units of another diploma."""
    if level == SECONDE:
        return []
    if level != PREMIERE:
        return units
    known = {u.code for u in units}
    others = sorted({r.unit_code for r in rows if r.unit_code and r.unit_code not in known})
    return units + [UnitOption(code, code, "Certification intermédiaire") for code in others]


def pupil_dashboard(
    *,
    establishment,
    pupil,
    division,
    filters: Filters,
    include_unpublished: bool,
    method: str | None = None,
) -> Dashboard:
    """A pupil's record per competency, filtered (five queries and one per result source)."""
    method = method_of(method or proposal_method()).code
    diploma_id = division.diploma_id if division else None
    level = class_level(division) if division else ""
    rows = result_rows(
        establishment=establishment, pupil_ids=[pupil.pk], include_unpublished=include_unpublished
    )
    if diploma_id is None:
        return Dashboard(pupil, None, level, filters, [], result_kinds(), [], [], 0, method)
    competencies, units, unit_competencies = referential_of(diploma_id=diploma_id)
    offered = unit_options(level=level, units=units, rows=rows)
    if not offered:
        filters = Filters(kinds=filters.kinds)
    scale = scale_of(diploma_id=diploma_id)
    kept = [r for r in rows if keep(r, filters, unit_competencies)]
    shown = competencies
    if filters.units:
        wanted = set().union(*(unit_competencies.get(u, set()) for u in filters.units))
        present = {r.competency_id for r in kept}
        shown = [c for c in competencies if c.pk in wanted or c.pk in present]
    return Dashboard(
        pupil=pupil,
        diploma_id=diploma_id,
        level=level,
        filters=filters,
        units=offered,
        kinds=result_kinds(),
        scale=scale,
        competencies=competency_views(rows=kept, competencies=shown, scale=scale, method=method),
        result_count=len(kept),
        method=method,
    )


# --- The class overview -----------------------------------------------------------------------


@dataclass
class OverviewRow:
    pupil: Pupil
    cells: list[Proposal]  # one per competency, in the competencies' order


@dataclass
class Overview:
    division: Division
    competencies: list[CompetencyInfo]
    rows: list[OverviewRow]
    scale: list[ScaleLevel]
    method: str


def class_overview(
    *, establishment, division, include_unpublished: bool = True, method: str | None = None
) -> Overview:
    """Division × competencies: the proposed level of each pupil on each competency (four
    queries and one per result source, whatever the number of pupils)."""
    method = method_of(method or proposal_method()).code
    pupils = division_pupils(division=division)
    if division.diploma_id is None:
        return Overview(division, [], [OverviewRow(p, []) for p in pupils], [], method)
    competencies = competencies_of(diploma_id=division.diploma_id)
    scale = scale_of(diploma_id=division.diploma_id)
    values = scale_values(scale)
    marks: dict[tuple[int, int], list[Mark]] = defaultdict(list)
    for mark in result_marks(
        establishment=establishment,
        pupil_ids=[p.pk for p in pupils],
        include_unpublished=include_unpublished,
    ):
        marks[mark.pupil_id, mark.competency_id].append(
            Mark(mark.date, mark.source, mark.level_value)
        )
    rows = [
        OverviewRow(
            pupil,
            [
                propose(marks.get((pupil.pk, c.pk), []), scale=values, method=method)
                for c in competencies
            ],
        )
        for pupil in pupils
    ]
    return Overview(division, competencies, rows, scale, method)


# --- Bilans -----------------------------------------------------------------------------------


def pupil_bilans(
    *, establishment, pupil, visible_to_pupil: bool = False, with_levels: bool = True
) -> list[Bilan]:
    """A pupil's bilans, latest first, with their levels (two queries; one without). The pupil
    sees a bilan terminal only once validated."""
    bilans = Bilan.objects.of(establishment).filter(pupil=pupil)
    if visible_to_pupil:
        bilans = bilans.exclude(kind=BilanKind.TERMINAL, validated_at__isnull=True)
    bilans = bilans.select_related("author", "diploma")
    if not with_levels:
        return list(bilans.order_by("-date", "-pk"))
    return list(
        bilans.prefetch_related(
            Prefetch(
                "levels",
                BilanLevel.objects.select_related("competency", "decided").order_by(
                    "competency__position"
                ),
            )
        ).order_by("-date", "-pk")
    )


def bilan_get(*, establishment, pk: int) -> Bilan:
    return get_scoped_or_404(
        Bilan.objects.select_related(
            "pupil__division", "diploma", "division", "author", "validated_by"
        ).prefetch_related(
            Prefetch(
                "levels",
                BilanLevel.objects.select_related("competency", "decided").order_by(
                    "competency__position"
                ),
            )
        ),
        establishment,
        pk=pk,
    )


def terminal_bilan_of(*, establishment, pupil, diploma_id) -> Bilan | None:
    return (
        Bilan.objects.of(establishment)
        .filter(pupil=pupil, diploma_id=diploma_id, kind=BilanKind.TERMINAL)
        .first()
    )


def pupil_proposals(*, establishment, pupil, diploma_id: int, method: str | None = None):
    """What a new bilan pre-fills: every competency of the diploma with its proposed level
    from all the pupil's results, unfiltered (four queries and one per result source)."""
    method = method_of(method or proposal_method()).code
    competencies = competencies_of(diploma_id=diploma_id)
    scale = scale_of(diploma_id=diploma_id)
    rows = result_rows(establishment=establishment, pupil_ids=[pupil.pk], include_unpublished=True)
    views = competency_views(rows=rows, competencies=competencies, scale=scale, method=method)
    return views, scale, method
