"""Every list of names, in every app, in French order and searched folded (the directory's
and the accounts' lists have their own tests next to them)."""

import pytest
from django.urls import reverse

from carnet.accounts.tests.factories import UserFactory
from carnet.core.tests.html import soup
from carnet.directory.enums import PupilSource
from carnet.directory.tests.factories import DivisionFactory, PupilFactory
from carnet.inspection.tests.factories import InspectorGrantFactory

NAMES = ["ZOLA", "ŒUF", "OBERT", "Étienne", "evrard"]
FRENCH_ORDER = ["Étienne", "evrard", "OBERT", "ŒUF", "ZOLA"]


def column(response, n: int = 1) -> list[str]:
    """The n-th column of the page's first table."""
    return [
        row.select_one(f"td:nth-of-type({n})").get_text(strip=True)
        for row in soup(response).find("table").select("tbody tr")
    ]


@pytest.mark.django_db
class TestOrderAndSearch:
    def test_pupils_without_ine_of_the_transfers_tab(self, admin_client_a, establishment):
        for last in NAMES:
            PupilFactory(establishment=establishment, last_name=last, ine=None)
        response = admin_client_a.get(reverse("establishments:transfers"))
        assert column(response) == FRENCH_ORDER

    def test_learners_outside_siecle(self, admin_client_a, establishment):
        division = DivisionFactory(establishment=establishment, source=PupilSource.OUTSIDE_SIECLE)
        for last in NAMES:
            PupilFactory(
                establishment=establishment,
                division=division,
                last_name=last,
                source=PupilSource.OUTSIDE_SIECLE,
            )
        assert column(admin_client_a.get(reverse("imports:outside_list"))) == FRENCH_ORDER

    def test_inspectors_tab_is_searched_folded(self, admin_client_a, establishment):
        for n, last in enumerate(["LEFÈVRE", "N’DIAYE", "MARTIN"]):
            inspector = UserFactory(
                username=f"ien{n}", inspector=True, last_name=last, first_name="Cœlia"
            )
            InspectorGrantFactory(establishment=establishment, inspector=inspector)
        url = reverse("accounts:users_tab", args=["inspecteurs"])
        admin_client_a.post(url, {"q": "lefevre"})
        assert column(admin_client_a.get(url)) == ["Cœlia LEFÈVRE"]
        admin_client_a.post(url, {"q": "n'diaye coelia"})
        assert column(admin_client_a.get(url)) == ["Cœlia N’DIAYE"]
