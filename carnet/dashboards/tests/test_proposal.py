"""The proposed level: order, bounds, what counts and what does not."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from carnet.dashboards.proposal import METHODS, Mark, method_of, propose, round_to_scale

SCALE = [1, 2, 3, 4]
DAY = datetime.date(2026, 9, 1)

marks = st.lists(
    st.builds(
        Mark,
        date=st.integers(0, 300).map(lambda n: DAY + datetime.timedelta(days=n)),
        source=st.integers(0, 30).map(lambda n: f"evaluation:{n}"),
        value=st.one_of(st.none(), st.sampled_from(SCALE)),
    ),
    max_size=30,
)
methods = st.sampled_from(sorted(METHODS))


def mark(day: int, value, source=None) -> Mark:
    return Mark(DAY + datetime.timedelta(days=day), source or f"evaluation:{day}", value)


class TestExamples:
    def test_the_most_recent_half_counts_double(self):
        # 1, 1 (old) then 4, 4 (recent): (1 + 1 + 8 + 8) / 6 = 3.
        proposal = propose([mark(1, 1), mark(2, 1), mark(3, 4), mark(4, 4)], scale=SCALE)
        assert proposal.value == 3
        assert proposal.explanation == "3 — 4\u00a0évaluations, les plus récentes comptent double"

    def test_an_odd_count_gives_the_middle_one_to_the_recent_half(self):
        # 1, 1, 4 → weights 1, 2, 2: (1 + 2 + 8) / 5 = 2.2.
        proposal = propose([mark(1, 1), mark(2, 1), mark(3, 4)], scale=SCALE)
        assert proposal.mean == 2.2 and proposal.value == 2

    def test_the_plain_mean_and_the_last_one(self):
        results = [mark(1, 1), mark(2, 1), mark(3, 4), mark(4, 4)]
        assert propose(results, scale=SCALE, method="moyenne").value == 3  # 2.5 rounds up
        assert propose(results, scale=SCALE, method="derniere").value == 4
        assert propose(results, scale=SCALE, method="moyenne").explanation == (
            "3 — 4\u00a0évaluations, moyenne simple"
        )

    def test_the_criteria_of_one_evaluation_make_one_mark(self):
        same = [mark(1, 4, "evaluation:1"), mark(1, 2, "evaluation:1"), mark(2, 1)]
        proposal = propose(same, scale=SCALE, method="moyenne")
        assert proposal.counted == 2 and proposal.mean == 2.0

    def test_absent_counts_for_nothing_and_is_said(self):
        proposal = propose([mark(1, 4), mark(2, None)], scale=SCALE)
        assert proposal.value == 4
        assert proposal.explanation == (
            "4 — 1\u00a0évaluation, 1\u00a0résultat sans valeur (absent, dispensé) non compté"
        )

    def test_nothing_to_propose(self):
        proposal = propose([mark(1, None)], scale=SCALE)
        assert proposal.value is None and proposal.counted == 0
        assert propose([], scale=SCALE).explanation == "Aucun résultat pris en compte"

    def test_an_unknown_method_is_the_default(self):
        assert method_of("inconnue").code == "recentes_double"

    def test_rounding_goes_to_a_value_of_the_scale(self):
        assert round_to_scale(2.5, SCALE) == 3
        assert round_to_scale(2.49, SCALE) == 2
        assert round_to_scale(3.2, [1, 2, 4]) == 4  # a scale with a gap
        assert round_to_scale(9, SCALE) == 4


class TestProperties:
    @given(marks, methods, st.randoms())
    def test_the_order_the_marks_arrive_in_never_matters(self, results, method, rnd):
        shuffled = list(results)
        rnd.shuffle(shuffled)
        assert propose(results, scale=SCALE, method=method) == propose(
            shuffled, scale=SCALE, method=method
        )

    @given(marks, methods)
    def test_the_proposal_is_a_level_of_the_scale(self, results, method):
        proposal = propose(results, scale=SCALE, method=method)
        if proposal.counted:
            assert proposal.value in SCALE
            assert min(SCALE) <= proposal.mean <= max(SCALE)
        else:
            assert proposal.value is None

    @given(marks, methods, st.integers(0, 300))
    def test_a_result_without_value_changes_nothing_but_the_count(self, results, method, day):
        with_absent = [*results, mark(day, None, "evaluation:99")]
        before = propose(results, scale=SCALE, method=method)
        after = propose(with_absent, scale=SCALE, method=method)
        assert (after.value, after.mean) == (before.value, before.mean)
        assert after.counted == before.counted
        assert after.uncounted == before.uncounted + 1

    @given(st.lists(st.sampled_from([2, 3, 4]), min_size=1, max_size=10), methods)
    def test_absent_is_not_a_1(self, values, method):
        results = [mark(n, v) for n, v in enumerate(values)]
        absent = propose([*results, mark(len(values), None)], scale=SCALE, method=method)
        one = propose([*results, mark(len(values), 1)], scale=SCALE, method=method)
        assert absent.mean != one.mean

    @given(marks, st.integers(-100, 100))
    def test_the_plain_mean_ignores_the_dates(self, results, shift):
        moved = [Mark(m.date + datetime.timedelta(days=shift), m.source, m.value) for m in results]
        assert (
            propose(results, scale=SCALE, method="moyenne").mean
            == propose(moved, scale=SCALE, method="moyenne").mean
        )

    @given(st.sampled_from(SCALE), st.integers(1, 10), methods)
    def test_the_same_level_every_time_is_that_level(self, value, count, method):
        results = [mark(n, value) for n in range(count)]
        assert propose(results, scale=SCALE, method=method).value == value

    @given(marks, st.sampled_from(SCALE))
    def test_a_better_latest_result_never_lowers_the_proposal(self, results, value):
        later = mark(400, max(SCALE), "evaluation:latest")
        worse = mark(400, min(SCALE), "evaluation:latest")
        assert (
            propose([*results, later], scale=SCALE).mean
            >= propose([*results, worse], scale=SCALE).mean
        )
