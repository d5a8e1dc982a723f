"""Lists of divisions and pupils: searches ignore case, accents, ligatures and typographic
apostrophes/hyphens; names come in French order. Same on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carnet.core.tests.html import soup
from carnet.core.text import NameRefused, clean_name, fold
from carnet.directory.models import Pupil
from carnet.directory.tests.factories import DivisionFactory, PupilFactory


def _cleaned(text: str) -> str:
    try:
        return clean_name(text)[:100]
    except NameRefused:
        return ""


# Names as forms and imports leave them (cleaned), up to the column's 100 characters.
NAMES = st.text(min_size=1, max_size=100).map(_cleaned).filter(bool)

DIVISIONS = reverse("directory:divisions")
PUPILS = reverse("directory:pupils")


def column(response, n: int = 1) -> list[str]:
    return [
        row.select_one(f"td:nth-of-type({n})").get_text(strip=True)
        for row in soup(response).select("tbody tr")
    ]


def searched(client, url, term):
    client.post(url, {"q": term})
    return client.get(url)


@pytest.fixture
def pupils(establishment):
    for last, first in [
        ("LEFÈVRE", "Élodie"),
        ("N’DIAYE", "Aminata"),
        ("CŒUR", "Lætitia"),
        ("MARTIN", "Jean‑Pierre"),  # non-breaking hyphen, as some files have it
        ("Lefebvre", "Hugo"),
    ]:
        PupilFactory(establishment=establishment, last_name=last, first_name=first)


@pytest.mark.django_db
class TestPupilSearch:
    @pytest.mark.parametrize(
        ("term", "found"),
        [
            ("lefevre", ["LEFÈVRE"]),
            ("LÉFÈVRE élodie", ["LEFÈVRE"]),
            ("n'diaye", ["N’DIAYE"]),
            ("N’Diaye", ["N’DIAYE"]),
            ("ndiaye", ["N’DIAYE"]),
            ("coeur laetitia", ["CŒUR"]),
            ("jean-pierre", ["MARTIN"]),
            ("lefe", ["Lefebvre", "LEFÈVRE"]),
        ],
    )
    def test_case_accents_ligatures_and_apostrophes_are_ignored(
        self, admin_client_a, pupils, term, found
    ):
        assert column(searched(admin_client_a, PUPILS, term)) == found

    def test_the_term_is_shown_as_typed(self, admin_client_a, pupils):
        page = searched(admin_client_a, PUPILS, "N’Diaye")
        assert soup(page).find("input", attrs={"name": "q"})["value"] == "N’Diaye"

    def test_wildcards_are_plain_characters(self, admin_client_a, pupils):
        assert column(searched(admin_client_a, PUPILS, "%")) == []
        assert column(searched(admin_client_a, PUPILS, "_")) == []


@pytest.mark.django_db
class TestPupilOrder:
    def test_french_order_whatever_the_case_and_accents(self, admin_client_a, establishment):
        for last in ["ZOLA", "ŒUF", "OBERT", "ÉTIENNE", "Evrard", "élie", "Eve"]:
            PupilFactory(establishment=establishment, last_name=last)
        assert column(admin_client_a.get(PUPILS)) == [
            "élie",
            "ÉTIENNE",
            "Eve",
            "Evrard",
            "OBERT",
            "ŒUF",
            "ZOLA",
        ]

    def test_first_names_then_creation_break_ties(self, admin_client_a, establishment):
        for first in ["Zoé", "Élodie", "emma"]:
            PupilFactory(establishment=establishment, last_name="MARTIN", first_name=first)
        assert column(admin_client_a.get(PUPILS), 2) == ["Élodie", "emma", "Zoé"]

    def test_query_count_stays_bounded_with_a_search(
        self, admin_client_a, establishment, django_assert_max_num_queries
    ):
        for n in range(40):
            PupilFactory(establishment=establishment, last_name=f"LÉA{n:02d}")
        admin_client_a.post(PUPILS, {"q": "lea"})
        with django_assert_max_num_queries(7):
            assert len(column(admin_client_a.get(PUPILS))) == 25


@pytest.mark.django_db
class TestDivisionSearch:
    def test_code_and_label_words_whatever_the_accents(self, admin_client_a, establishment):
        DivisionFactory(establishment=establishment, code="1MELEC", label="Première MÉLEC")
        DivisionFactory(establishment=establishment, code="TMELEC", label="Terminale MÉLEC")
        DivisionFactory(establishment=establishment, code="2CAP-ÉLEC", label="CAP")
        assert column(searched(admin_client_a, DIVISIONS, "premiere")) == ["1MELEC"]
        assert column(searched(admin_client_a, DIVISIONS, "melec terminale")) == ["TMELEC"]
        assert column(searched(admin_client_a, DIVISIONS, "cap elec")) == ["2CAP-ÉLEC"]

    def test_searches_are_per_list(self, admin_client_a, establishment):
        division = DivisionFactory(establishment=establishment, code="1MELEC")
        PupilFactory(establishment=establishment, division=division, last_name="DUPONT")
        admin_client_a.post(PUPILS, {"q": "dupont"})
        page = admin_client_a.get(DIVISIONS)
        assert soup(page).find("input", attrs={"name": "q"})["value"] == ""
        assert column(page) == ["1MELEC"]


@pytest.mark.django_db
class TestStoredKeys:
    """The keys are the database's (generated columns): whatever writes the row."""

    @settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(last=NAMES, first=NAMES)
    def test_equal_to_python_fold_on_every_kind_of_write(self, establishment, last, first):
        pupil = PupilFactory(establishment=establishment, last_name=last, first_name=first)
        assert keys(pupil) == (fold(last), fold(first))
        Pupil.objects.filter(pk=pupil.pk).update(last_name=first)
        assert keys(pupil) == (fold(first), fold(first))
        pupil.last_name, pupil.first_name = "CŒUR", last
        Pupil.objects.bulk_update([pupil], ["last_name", "first_name"])
        assert keys(pupil) == ("coeur", fold(last))
        [created] = Pupil.objects.bulk_create(
            [Pupil(establishment=establishment, last_name=last, first_name="Léa")]
        )
        assert keys(created) == (fold(last), "lea")
        Pupil.objects.filter(pk__in=[pupil.pk, created.pk]).delete()


def keys(pupil) -> tuple[str, str]:
    return Pupil.objects.values_list("last_name_key", "first_name_key").get(pk=pupil.pk)
