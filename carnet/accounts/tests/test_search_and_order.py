"""« Gestion des utilisateurs » and « Gestion des accès élèves »: searches ignore case and
accents, are kept per tab, and names come in French order (lists and printed sheets)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from carnet.accounts.selectors import similar_people
from carnet.accounts.tests.factories import UserFactory
from carnet.core.tests.html import soup
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.documents import credentials as documents

USERS = reverse("accounts:users")


def tab(name: str) -> str:
    return reverse("accounts:users_tab", args=[name])


def column(response, n: int = 1) -> list[str]:
    return [
        row.select_one(f"td:nth-of-type({n})").get_text(strip=True)
        for row in soup(response).select("tbody tr")
    ]


def search_box(response) -> str:
    return soup(response).find("input", attrs={"name": "q"})["value"]


@pytest.fixture
def teachers(establishment):
    for n, (last, first) in enumerate(
        [("LEFÈVRE", "Élodie"), ("N’DIAYE", "Cœlia"), ("Œillet", "Hugo"), ("OBERT", "Léa")]
    ):
        UserFactory(username=f"t{n}", establishment=establishment, last_name=last, first_name=first)


@pytest.mark.django_db
class TestUsersList:
    @pytest.mark.parametrize(
        ("term", "found"),
        [("lefevre", ["LEFÈVRE"]), ("n'diaye", ["N’DIAYE"]), ("coelia", ["N’DIAYE"])],
    )
    def test_search_ignores_case_and_accents(self, admin_client_a, teachers, term, found):
        admin_client_a.post(USERS, {"q": term})
        assert column(admin_client_a.get(USERS)) == found

    def test_french_order(self, admin_client_a, teachers):
        # prof.a, the teacher of the ``users`` fixture, is « TEST… »: left aside.
        names = [n for n in column(admin_client_a.get(USERS)) if not n.startswith("TEST")]
        assert names == ["LEFÈVRE", "N’DIAYE", "OBERT", "Œillet"]

    def test_a_search_stays_in_its_tab(self, admin_client_a, users, teachers):
        admin_client_a.post(tab("enseignants"), {"q": "lefevre"})
        head = admin_client_a.get(tab("chef"))
        assert search_box(head) == "" and column(head) != []
        assert search_box(admin_client_a.get(tab("personnels"))) == ""
        assert search_box(admin_client_a.get(tab("inspecteurs"))) == ""
        back = admin_client_a.get(tab("enseignants"))
        assert search_box(back) == "lefevre" and column(back) == ["LEFÈVRE"]
        # « Gestion des utilisateurs » without a tab is the teachers' tab.
        assert search_box(admin_client_a.get(USERS)) == "lefevre"

    def test_staff_without_account(self, admin_client_a, establishment):
        for last in ["ZOLA", "ÉMERY", "Dupré", "ŒUVRARD"]:
            StaffMemberFactory(establishment=establishment, last_name=last, function="EDU")
        assert column(admin_client_a.get(tab("personnels"))) == [
            "Dupré",
            "ÉMERY",
            "ŒUVRARD",
            "ZOLA",
        ]
        admin_client_a.post(tab("personnels"), {"q": "dupre"})
        assert column(admin_client_a.get(tab("personnels"))) == ["Dupré"]


@pytest.mark.django_db
class TestSimilarPeople:
    @pytest.mark.parametrize(
        ("imported", "typed"),
        [
            (("DUPRÉ", "ÉLODIE"), ("dupre", "elodie")),
            (("N’DIAYE", "Aminata"), ("N'Diaye", "aminata")),
            (("MARTIN", "Jean‑Pierre"), ("Martin", "Jean-Pierre")),  # non-breaking hyphen
            (("MARTIN", "Jean–Pierre"), ("Martin", "Jean Pierre")),  # en dash
            (("DA SILVA", "Inês"), ("Dasilva", "Ines")),
            (("CŒUR", "Lætitia"), ("Coeur", "Laetitia")),
        ],
    )
    def test_found_whatever_the_case_accents_and_punctuation(
        self, establishment, imported, typed, django_assert_num_queries
    ):
        StaffMemberFactory.create_batch(20, establishment=establishment)
        member = StaffMemberFactory(
            establishment=establishment, last_name=imported[0], first_name=imported[1]
        )
        with django_assert_num_queries(1):
            found = similar_people(
                establishment=establishment,
                last_name=typed[0],
                first_name=typed[1],
                birth_date=None,
            )
        assert found == [member]

    def test_birth_dates_that_differ_are_other_people(self, establishment):
        StaffMemberFactory(
            establishment=establishment,
            last_name="DUPRÉ",
            first_name="Élodie",
            birth_date=timezone.datetime(1980, 1, 2).date(),
        )
        assert not similar_people(
            establishment=establishment,
            last_name="Dupré",
            first_name="Élodie",
            birth_date=timezone.datetime(1990, 1, 2).date(),
        )


@pytest.fixture
def division(establishment):
    division = DivisionFactory(establishment=establishment, code="2MELEC")
    for last in ["ZOLA", "ŒUF", "OBERT", "Étienne", "evrard"]:
        PupilFactory(establishment=establishment, division=division, last_name=last)
    return division


@pytest.fixture
def printed(monkeypatch):
    sheets = []
    real = documents.credentials_pdf

    def spy(**kwargs):
        sheets.append([card.full_name.split()[0] for card in kwargs["cards"]])
        return real(**kwargs)

    monkeypatch.setattr("carnet.accounts.views.pupil_access.credentials_pdf", spy)
    return sheets


FRENCH_ORDER = ["Étienne", "evrard", "OBERT", "ŒUF", "ZOLA"]


@pytest.mark.django_db
class TestPupilAccessOrder:
    def test_the_division_page(self, admin_client_a, division):
        url = reverse("accounts:pupil_access_division", args=[division.pk])
        assert column(admin_client_a.get(url)) == FRENCH_ORDER

    def test_the_printed_sheets(self, admin_client_a, division, printed):
        admin_client_a.post(reverse("accounts:pupil_access_generate", args=[division.pk]))
        admin_client_a.post(
            reverse("accounts:pupil_access_reset", args=[division.pk]), {"tous": "1"}
        )
        assert printed == [FRENCH_ORDER, FRENCH_ORDER]
