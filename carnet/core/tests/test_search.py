"""The database folds as carnet.core.text.fold does, on SQLite and on PostgreSQL alike.

Run on both (CI runs the suite on PostgreSQL): the expected values are Python's.
"""

import pytest
from django.contrib.auth.models import Group
from django.db.models import Value
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from carnet.core.search import Folded, name_order, words_match
from carnet.core.text import fold

# What a database column can hold: no NUL (PostgreSQL refuses it), no lone surrogate.
STORABLE = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


@pytest.fixture
def one_row(db):
    return Group.objects.create(name="une ligne")


def folded_by_the_database(value: str) -> str:
    return Group.objects.annotate(key=Folded(Value(value))).values_list("key", flat=True)[0]


@pytest.mark.django_db
class TestFoldedInTheDatabase:
    @settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(value=STORABLE)
    @example(value="LEFÈVRE N’DIAYE Cœur Ærø Straße Nguyễn Łódź")
    @example(value="l'''a `%_\\ Jean‑Pierre – Le\u0301a ǅ")
    def test_same_key_as_python(self, one_row, value):
        assert folded_by_the_database(value) == fold(value)

    def test_columns_and_null(self, one_row):
        Group.objects.create(name="ÉLODIE D’ARC")
        assert set(Group.objects.annotate(k=Folded("name")).values_list("k", flat=True)) == {
            "une ligne",
            "elodie darc",
        }
        assert Group.objects.annotate(k=Folded(Value(None))).values_list("k", flat=True)[0] is None


@pytest.mark.django_db
class TestSearchAndOrder:
    NAMES = ["ZOLA", "Œuvre", "Orange", "Édith", "eden", "EVE", "école", "LEFÈVRE", "lefebvre"]

    def test_french_order_case_and_accents_aside(self):
        for name in self.NAMES:
            Group.objects.create(name=name)
        ordered = list(Group.objects.order_by(*name_order("name")).values_list("name", flat=True))
        assert ordered == [
            "école",
            "eden",
            "Édith",
            "EVE",
            "lefebvre",
            "LEFÈVRE",
            "Œuvre",  # « oeuvre »: Œ is O then E
            "Orange",
            "ZOLA",
        ]

    def test_ties_are_in_creation_order(self):
        first = Group.objects.create(name="Lefèvre")
        second = Group.objects.create(name="LEFEVRE")
        third = Group.objects.create(name="lefevre ")
        ordered = list(Group.objects.order_by(*name_order("name")))
        assert ordered[:2] == [first, second] and ordered[2] == third

    @pytest.mark.parametrize(
        ("term", "found"),
        [
            ("lefevre", {"LEFÈVRE Élodie"}),
            ("LÉFÈVRE", {"LEFÈVRE Élodie"}),
            ("n'diaye", {"N’DIAYE Aminata"}),
            ("ndiaye", {"N’DIAYE Aminata"}),
            ("coeur", {"CŒUR Lætitia"}),
            ("laetitia cœur", {"CŒUR Lætitia"}),
            ("jean pierre", {"MARTIN Jean‑Pierre"}),
            ("jean-pierre martin", {"MARTIN Jean‑Pierre"}),
            ("%", set()),
            ("_", set()),
            ("\u200b", {"LEFÈVRE Élodie", "N’DIAYE Aminata", "CŒUR Lætitia", "MARTIN Jean‑Pierre"}),
        ],
    )
    def test_words_are_found_whatever_the_case_accents_and_apostrophes(self, term, found):
        for name in ("LEFÈVRE Élodie", "N’DIAYE Aminata", "CŒUR Lætitia", "MARTIN Jean‑Pierre"):
            Group.objects.create(name=name)
        assert (
            set(Group.objects.filter(words_match(term, "name")).values_list("name", flat=True))
            == found
        )
