"""The chart (accessible SVG), the class level from the MEF, what the unit filter offers."""

import datetime
from dataclasses import dataclass

from carnet.core.results import ResultRow
from carnet.dashboards.chart import decimal, level_chart
from carnet.dashboards.selectors import (
    PREMIERE,
    SECONDE,
    TERMINALE,
    Filters,
    UnitOption,
    class_level,
    keep,
    unit_options,
)

SCALE = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]


@dataclass
class P:
    date: datetime.date
    value: float


@dataclass
class D:
    mef: str
    code: str = ""


def row(**options) -> ResultRow:
    values = {
        "pupil_id": 1,
        "competency_id": 10,
        "criterion_id": None,
        "column_code": "C2",
        "date": datetime.date(2026, 10, 1),
        "kind": "formative",
        "kind_label": "Formative",
        "source": "evaluation:1",
        "source_title": "Scénario",
        "unit_code": "",
        "published": True,
        "level_code": "3",
        "level_label": "Maîtrisé",
        "level_value": 3,
    } | options
    return ResultRow(**values)


class TestChart:
    def test_an_image_with_a_title_and_every_point_said(self):
        points = [P(datetime.date(2026, 9, 7), 2), P(datetime.date(2026, 10, 5), 3.5)]
        svg = level_chart(chart_id="g1", title="Niveaux de C2 <test>", points=points, scale=SCALE)
        assert 'role="img"' in svg and 'aria-labelledby="g1-titre g1-desc"' in svg
        assert '<title id="g1-titre">Niveaux de C2 &lt;test&gt;</title>' in svg
        assert "07/09/2026 : 2 ; 05/10/2026 : 3,5" in svg
        assert svg.count("<circle") == 2 and "<polyline" in svg

    def test_one_point_and_none(self):
        one = level_chart(
            chart_id="g", title="t", points=[P(datetime.date(2026, 9, 7), 4)], scale=SCALE
        )
        assert one.count("<circle") == 1 and "<polyline" not in one
        assert "0 point." in level_chart(chart_id="g", title="t", points=[], scale=SCALE)

    def test_decimals_the_french_way(self):
        assert (decimal(3), decimal(2.5), decimal(2.25)) == ("3", "2,5", "2,25")


class TestClassLevel:
    def test_from_the_mef_or_the_code(self):
        assert class_level(D("24725520310")) == SECONDE
        assert class_level(D("24725520320")) == PREMIERE
        assert class_level(D("24725520330")) == TERMINALE
        assert class_level(D("50025524210")) == ""  # a CAP: two years
        assert class_level(D("", "1MELEC")) == PREMIERE
        assert class_level(D("", "GR-ATELIER")) == ""


class TestUnits:
    UNITS = [UnitOption("U31", "Épreuve E31", "Bac Pro"), UnitOption("U32", "E32", "Bac Pro")]

    def test_seconde_none_premiere_both_levels_terminale_the_diploma(self):
        rows = [row(unit_code="UP2", kind="certificative")]
        assert unit_options(level=SECONDE, units=self.UNITS, rows=rows) == []
        premiere = unit_options(level=PREMIERE, units=self.UNITS, rows=rows)
        assert [(u.code, u.group) for u in premiere] == [
            ("U31", "Bac Pro"),
            ("U32", "Bac Pro"),
            ("UP2", "Certification intermédiaire"),
        ]
        assert unit_options(level=TERMINALE, units=self.UNITS, rows=rows) == self.UNITS

    def test_a_unit_keeps_its_certificative_results_and_the_others_on_its_competencies(self):
        of_units = {"U31": {10}, "U32": {11}}
        u31 = Filters(units=frozenset({"U31"}))
        both = Filters(units=frozenset({"U31", "U32"}))
        assert keep(row(), u31, of_units)
        assert not keep(row(competency_id=11), u31, of_units)
        assert keep(row(competency_id=11), both, of_units)
        assert not keep(row(unit_code="U32", kind="certificative"), u31, of_units)
        assert keep(row(), Filters(), of_units)
        assert not keep(row(), Filters(kinds=frozenset({"certificative"})), of_units)
