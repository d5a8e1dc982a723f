"""The proposed level of a competency: what the dashboard suggests, the teacher decides.

Pure Python (no Django): the dashboards, the bilans and the bench call ``propose``.

What counts
    A *mark* is one result on the competency or one of its criteria. The marks of one source
    (one evaluation, one bilan entreprise) are first merged into one: the mean of their
    values, at the source's date — « 4 évaluations » means four evaluations, whatever the
    number of criteria each one assessed. A mark without value (Absent, Dispensé: levels of
    the scale with no ``valeur``) counts for nothing: neither a 1 nor a 0, it is left out
    and only mentioned. « Non évalué » is recorded as nothing, so it never reaches here.

The methods (``METHODS``; the one in use is the setting ``DASHBOARDS_PROPOSED_LEVEL_METHOD``)
    - ``recentes_double`` (default): the sources in date order (then by their key, so that
      the order the marks arrive in never matters); the most recent half (rounded up: 3 of
      5) weigh 2, the others 1; the weighted mean.
    - ``moyenne``: the plain mean of the sources: neither the order nor the dates matter.
    - ``derniere``: the most recent source alone.

    The mean is rounded half up (2.5 → 3) to the nearest value of the scale, so the proposal
    is always one of the scale's levels, between its lowest and its highest.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

DEFAULT_METHOD = "recentes_double"


class Mark(NamedTuple):
    """One result: ``date`` is anything ordered (a datetime.date), ``source`` what recorded it
    (« evaluation:12 »), ``value`` the level's value or None (Absent, Dispensé). A tuple: a
    class overview makes 12,000 of them."""

    date: Any
    source: str
    value: int | None


@dataclass(frozen=True)
class Proposal:
    value: int | None  # a value of the scale; None: nothing to propose
    mean: float | None  # the (weighted) mean before rounding
    counted: int  # sources that counted
    uncounted: int  # marks without value (Absent, Dispensé), left out
    explanation: str  # in French: « 3 — 4 évaluations, les plus récentes comptent double »


@dataclass(frozen=True)
class Method:
    code: str
    label: str
    rule: str  # how it weighs, as the explanation says it (« les plus récentes comptent double »)


METHODS = {
    "recentes_double": Method(
        "recentes_double",
        "Les plus récentes comptent double",
        "les plus récentes comptent double",
    ),
    "moyenne": Method("moyenne", "Moyenne simple", "moyenne simple"),
    "derniere": Method("derniere", "La plus récente seule", "la plus récente seule"),
}


def method_of(code: str | None) -> Method:
    """The method ``code`` names; the default for an unknown or empty one."""
    return METHODS.get(code or "", METHODS[DEFAULT_METHOD])


def _sources(marks: Iterable[Mark]) -> tuple[list[tuple[Any, str, float]], int]:
    """One (date, source, mean value) per source holding a value, in date order; and the
    number of marks without value."""
    values: dict[str, list[int]] = {}
    dates: dict[str, Any] = {}
    uncounted = 0
    for date, source, value in marks:
        if value is None:
            uncounted += 1
            continue
        if source in values:
            values[source].append(value)
            # A source has one date; should two marks disagree, the latest is the source's.
            if date > dates[source]:
                dates[source] = date
        else:
            values[source] = [value]
            dates[source] = date
    merged = [(dates[s], s, sum(v) / len(v)) for s, v in values.items()]
    merged.sort(key=lambda item: (item[0], item[1]))
    return merged, uncounted


def _weights(code: str, count: int) -> list[int]:
    """The weight of each source, oldest first."""
    if code == "derniere":
        return [0] * (count - 1) + [1]
    if code == "recentes_double":
        recent = math.ceil(count / 2)
        return [1] * (count - recent) + [2] * recent
    return [1] * count


def round_to_scale(mean: float, scale: Sequence[int]) -> int:
    """The value of the scale nearest to ``mean``, a tie going up (2.5 → 3)."""
    ordered = sorted(set(scale))
    return min(ordered, key=lambda v: (abs(v - mean), -v))


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n}\u00a0{singular if n <= 1 else plural}"


def propose(marks: Iterable[Mark], *, scale: Sequence[int], method: str | None = None) -> Proposal:
    """The proposed level from ``marks`` on the scale whose values are ``scale``."""
    chosen = method_of(method)
    sources, uncounted = _sources(marks)
    absent = ""
    if uncounted:
        absent = (
            ", "
            + _count(uncounted, "résultat sans valeur", "résultats sans valeur")
            + (" (absent, dispensé) non compté" + ("s" if uncounted > 1 else ""))
        )
    if not sources or not scale:
        return Proposal(None, None, 0, uncounted, "Aucun résultat pris en compte" + absent)
    weights = _weights(chosen.code, len(sources))
    mean = sum(w * v for w, (_, _, v) in zip(weights, sources, strict=True)) / sum(weights)
    value = round_to_scale(mean, scale)
    evaluations = _count(len(sources), "évaluation", "évaluations")
    rule = "" if len(sources) == 1 else f", {chosen.rule}"
    return Proposal(value, mean, len(sources), uncounted, f"{value} — {evaluations}{rule}{absent}")
