"""Administrator's lists of divisions and pupils: paginated, searchable, scoped."""

import pytest
from django.urls import reverse

from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.tests.html import soup, text
from carnet.directory.tests.factories import DivisionFactory, PupilFactory

DIVISIONS = reverse("directory:divisions")
PUPILS = reverse("directory:pupils")


def names(response) -> list[str]:
    return [row.find("td").get_text(strip=True) for row in soup(response).select("tbody tr")]


@pytest.mark.django_db
class TestPupilList:
    def test_lists_active_pupils_of_the_establishment_only(
        self, admin_client_a, establishment, other_establishment
    ):
        PupilFactory(establishment=establishment, last_name="ACTIF")
        PupilFactory(establishment=establishment, last_name="PARTI", left=True)
        PupilFactory(establishment=other_establishment, last_name="AILLEURS")
        assert names(admin_client_a.get(PUPILS)) == ["ACTIF"]
        assert names(admin_client_a.get(PUPILS + "?statut=")) == ["ACTIF", "PARTI"]
        assert names(admin_client_a.get(PUPILS + "?statut=sorti")) == ["PARTI"]

    def test_search_is_posted_so_no_name_reaches_the_url(self, admin_client_a, establishment):
        PupilFactory(establishment=establishment, last_name="DUPONT", first_name="Léa")
        PupilFactory(establishment=establishment, last_name="MARTIN", first_name="Hugo")
        response = admin_client_a.post(PUPILS, {"q": "dupont"})
        assert response.status_code == 302
        assert "dupont" not in response.url.lower()
        page = admin_client_a.get(response.url)
        assert names(page) == ["DUPONT"]
        assert soup(page).find("input", attrs={"name": "q"})["value"] == "dupont"
        cleared = admin_client_a.post(PUPILS, {"q": "dupont", "clear": "1"}, follow=True)
        assert names(cleared) == ["DUPONT", "MARTIN"]

    def test_search_by_ine_and_by_two_words(self, admin_client_a, establishment):
        pupil = PupilFactory(establishment=establishment, last_name="DUPONT", first_name="Léa")
        PupilFactory(establishment=establishment, last_name="DUPONT", first_name="Hugo")
        admin_client_a.post(PUPILS, {"q": pupil.ine.lower()})
        assert names(admin_client_a.get(PUPILS)) == ["DUPONT"]
        admin_client_a.post(PUPILS, {"q": "dupont hugo"})
        rows = soup(admin_client_a.get(PUPILS)).select("tbody tr td:nth-of-type(2)")
        assert [td.get_text(strip=True) for td in rows] == ["Hugo"]

    def test_filter_by_division_keeps_the_filter_in_pagination(self, admin_client_a, establishment):
        division = DivisionFactory(establishment=establishment, code="TMELEC")
        for n in range(30):
            PupilFactory(establishment=establishment, division=division, last_name=f"E{n:02d}")
        PupilFactory(establishment=establishment, last_name="AUTRE")
        response = admin_client_a.get(PUPILS + f"?division={division.pk}")
        assert "de la division TMELEC" in text(response)
        assert len(names(response)) == 25
        next_link = soup(response).find("a", rel="next")["href"]
        assert f"division={division.pk}" in next_link and "page=2" in next_link
        assert len(names(admin_client_a.get(PUPILS + next_link))) == 5

    def test_pupil_without_ine_is_shown_as_such(self, admin_client_a, establishment):
        PupilFactory(establishment=establishment, ine=None)
        assert "sans INE" in text(admin_client_a.get(PUPILS))

    def test_query_count_does_not_grow_with_the_page(
        self, admin_client_a, establishment, django_assert_max_num_queries
    ):
        for n in range(40):
            PupilFactory(establishment=establishment, last_name=f"E{n:02d}")
        with django_assert_max_num_queries(7):
            admin_client_a.get(PUPILS)


@pytest.mark.django_db
class TestDivisionList:
    def test_lists_divisions_with_counts_and_unattached_diploma(
        self, admin_client_a, establishment, other_establishment, diplomas
    ):
        melec = DivisionFactory(
            establishment=establishment, code="TMELEC", diploma=diplomas["BP-MELEC"]
        )
        DivisionFactory(establishment=establishment, code="2XYZ", mef="99999999910")
        DivisionFactory(establishment=other_establishment, code="AILLEURS")
        PupilFactory(establishment=establishment, division=melec)
        PupilFactory(establishment=establishment, division=melec, left=True)
        response = admin_client_a.get(DIVISIONS)
        rows = [
            [td.get_text(strip=True) for td in r.find_all("td")]
            for r in soup(response).select("tbody tr")
        ]
        assert [r[0] for r in rows] == ["2XYZ", "TMELEC"]
        assert rows[0][5].startswith("diplôme non rattaché")
        assert rows[1][5].startswith("Baccalauréat professionnel")
        assert rows[1][6] == "1"

    def test_search(self, admin_client_a, establishment):
        DivisionFactory(establishment=establishment, code="TMELEC", label="Terminale")
        DivisionFactory(establishment=establishment, code="1CAP", label="Première année")
        admin_client_a.post(DIVISIONS, {"q": "cap"})
        assert names(admin_client_a.get(DIVISIONS)) == ["1CAP"]

    def test_empty_state_says_where_divisions_come_from(self, admin_client_a):
        shown = text(admin_client_a.get(DIVISIONS))
        assert "créées par l' import des fichiers SIECLE ou à la main" in shown
        assert "bientôt" not in shown


@pytest.mark.django_db
class TestAttachDiploma:
    def test_a_division_of_unknown_mef_is_attached_by_hand_and_audited(
        self, admin_client_a, establishment, diplomas
    ):
        division = DivisionFactory(establishment=establishment, code="2TCI", mef="24725410310")
        page = soup(admin_client_a.get(DIVISIONS))
        form = page.find("form", attrs={"action": f"/annuaire/divisions/{division.pk}/diplome/"})
        assert form.find("button", string="Rattacher")
        assert page.find("label", attrs={"for": f"diplome-{division.pk}"})
        response = admin_client_a.post(form["action"], {"diplome": "CAP-ELEC"}, follow=True)
        assert "rattachée au diplôme « CAP Électricien »" in text(response)  # text(): spaces folded
        division.refresh_from_db()
        assert division.diploma == diplomas["CAP-ELEC"]
        event = AuditEvent.objects.get(action=AuditAction.DIVISION_UPDATED)
        assert event.changes == {"Diplôme": ["", "CAP Électricien"]}

    def test_refused_to_others_and_404_for_another_establishment(
        self, users, client_of, establishment, diplomas
    ):
        division = DivisionFactory(establishment=establishment)
        url = reverse("directory:division_diploma", args=[division.pk])
        for profile in ("chef", "enseignant", "operateur"):
            assert client_of(users[profile]).post(url, {"diplome": "CAP-ELEC"}).status_code == 403
        assert client_of(users["admin_autre"]).post(url, {"diplome": "CAP-ELEC"}).status_code == 404
        assert client_of(users["administrateur"]).get(url).status_code == 405
        division.refresh_from_db()
        assert division.diploma is None

    def test_unknown_diploma_changes_nothing(self, admin_client_a, establishment, diplomas):
        division = DivisionFactory(establishment=establishment)
        url = reverse("directory:division_diploma", args=[division.pk])
        response = admin_client_a.post(url, {"diplome": "NOPE"}, follow=True)
        assert "Choisissez un diplôme dans la liste." in text(response)
        assert not AuditEvent.objects.exists()


@pytest.mark.django_db
class TestGroups:
    def test_a_group_lists_its_pupils(self, admin_client_a, establishment):
        group = DivisionFactory(establishment=establishment, code="G1", kind="groupe")
        member = PupilFactory(establishment=establishment, last_name="MEMBRE")
        member.groups.add(group)
        PupilFactory(establishment=establishment, last_name="AUTRE")
        assert names(admin_client_a.get(PUPILS + f"?division={group.pk}")) == ["MEMBRE"]
        rows = soup(admin_client_a.get(DIVISIONS)).select("tbody tr")
        group_row = next(r for r in rows if r.td.get_text(strip=True) == "G1")
        assert [td.get_text(strip=True) for td in group_row.find_all("td")][1] == "Groupe"
        assert group_row.find_all("td")[-1].get_text(strip=True) == "1"
