"""Results of pupils on competencies, whatever recorded them: an app that records levels of
the référentiel's scale (carnet.evaluations: school situations; the PFMP's bilans
entreprise) declares a ``ResultSource`` in its ``navigation.py`` (``RESULT_SOURCES``); the
dashboards read them all through ``result_rows`` and know none of those apps (rule 8: school
situations and company reviews both feed the dashboard).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from carnet.core.registry import declared


class ResultRow(NamedTuple):
    """One level a pupil reached on a competency (or one of its criteria), at a date. A
    tuple: a class overview reads some 12,000 of them, five times faster made than a frozen
    dataclass."""

    pupil_id: int
    competency_id: int
    criterion_id: int | None  # None: the whole competency
    column_code: str  # « C2.3 », « C4 »
    date: datetime.date
    kind: str  # « formative », « certificative », « entreprise »
    kind_label: str
    source: str  # what recorded it, unique: « evaluation:12 », « bilan:3 »
    source_title: str  # the scenario's title, the company's name…
    unit_code: str  # the exam unit of a certificative evaluation, else ""
    published: bool  # False: a certificative result the pupil may not see yet
    level_code: str
    level_label: str
    level_value: int | None  # None: recorded but counts for nothing (Absent, Dispensé)


class ResultMark(NamedTuple):
    """What a class overview counts of a result: whose, on what, when, what recorded it
    (``ResultRow.source``) and the level's value."""

    pupil_id: int
    competency_id: int
    date: datetime.date
    source: str
    level_value: int | None


@dataclass(frozen=True)
class ResultSource:
    # The kinds of results it records (code, label as the dashboards' filters say it:
    # « Formative », « Bilan entreprise »).
    kinds: tuple[tuple[str, str], ...]
    # rows(*, establishment, pupil_ids, include_unpublished) → Iterable[ResultRow], in a
    # fixed number of queries whatever the number of pupils.
    rows: Callable[..., Iterable[ResultRow]]
    # marks(…the same arguments) → Iterable[ResultMark]: the same results, read leaner (a
    # class overview reads 12,000 of them); None: made from ``rows``.
    marks: Callable[..., Iterable[ResultMark]] | None = None


def result_sources() -> list[ResultSource]:
    return declared("RESULT_SOURCES")


def result_kinds() -> list[tuple[str, str]]:
    """Every kind of result recorded on the platform, for the dashboards' filters."""
    return [kind for source in result_sources() for kind in source.kinds]


def result_rows(
    *, establishment, pupil_ids: Iterable[int], include_unpublished: bool = False
) -> list[ResultRow]:
    """Every result of these pupils, from every source, latest first."""
    pupil_ids = list(pupil_ids)
    rows = [
        row
        for source in result_sources()
        for row in source.rows(
            establishment=establishment,
            pupil_ids=pupil_ids,
            include_unpublished=include_unpublished,
        )
    ]
    return sorted(rows, key=lambda r: (r.date, r.source), reverse=True)


def result_marks(
    *, establishment, pupil_ids: Iterable[int], include_unpublished: bool = False
) -> list[ResultMark]:
    """The results ``result_rows`` gives, only what a class overview counts, in no order."""
    pupil_ids = list(pupil_ids)
    marks: list[ResultMark] = []
    for source in result_sources():
        arguments = {
            "establishment": establishment,
            "pupil_ids": pupil_ids,
            "include_unpublished": include_unpublished,
        }
        if source.marks is not None:
            marks.extend(source.marks(**arguments))
        else:
            marks.extend(
                ResultMark(r.pupil_id, r.competency_id, r.date, r.source, r.level_value)
                for r in source.rows(**arguments)
            )
    return marks
