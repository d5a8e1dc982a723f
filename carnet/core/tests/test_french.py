"""French agreement of counts (0 and 1 singular, plural from 2) and the ``nombre`` filter."""

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from carnet.core.french import NBSP, count, number, plural


class TestCount:
    @pytest.mark.parametrize(
        ("n", "expected"),
        [(0, "0 élève"), (1, "1 élève"), (2, "2 élèves"), (35, "35 élèves")],
    )
    def test_singular_for_zero_and_one(self, n, expected):
        assert count(n, "élève") == expected.replace(" ", NBSP)

    def test_irregular_and_invariable_plurals(self):
        assert count(3, "accès inspecteur", "accès inspecteur") == f"3{NBSP}accès inspecteur"
        assert count(1, "élève actif", "élèves actifs") == f"1{NBSP}élève actif"
        assert count(2, "élève actif", "élèves actifs") == f"2{NBSP}élèves actifs"

    def test_thousands_are_grouped_by_non_breaking_spaces(self):
        assert number(10000) == f"10{NBSP}000"
        assert count(1234567, "élève") == f"1{NBSP}234{NBSP}567{NBSP}élèves"

    @given(st.integers(min_value=2, max_value=10**7))
    def test_plural_from_two(self, n):
        assert plural(n, "division") == "divisions"
        assert count(n, "division").endswith(f"{NBSP}divisions")
        assert " " not in count(n, "division")


class TestNombreFilter:
    def render(self, template: str, **context) -> str:
        return Template("{% load carnet %}" + template).render(Context(context))

    @pytest.mark.parametrize(("n", "word"), [(0, "division"), (1, "division"), (2, "divisions")])
    def test_counts_in_templates(self, n, word):
        assert self.render('{{ n|nombre:"division" }}', n=n) == f"{n}{NBSP}{word}"

    def test_irregular_plural_after_a_comma(self):
        rendered = self.render('{{ n|nombre:"accès inspecteur,accès inspecteur" }}', n=4)
        assert rendered == f"4{NBSP}accès inspecteur"
