"""Read-only pages of the directory: the head's and the live inspector's lists of divisions,
pupils and teachers, a division's page for its teachers, and a pupil's own division.

(Who gets which answer on every URL: carnet/web/tests/test_access_matrix.py. Here: what
each profile sees, and that nothing is written or leaked.)"""

import pytest
from django.urls import reverse

from carnet.accounts.tests.factories import UserFactory
from carnet.audit.models import AuditEvent
from carnet.core.tests.html import soup
from carnet.directory.enums import StructureKind
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.inspection.tests.conftest import choose
from carnet.inspection.tests.factories import InspectorGrantFactory, today

DIVISIONS = reverse("directory:read_divisions")
PUPILS = reverse("directory:read_pupils")
TEACHERS = reverse("directory:read_teachers")
HOME = reverse("web:home")


def division_url(division) -> str:
    return reverse("directory:division", args=[division.pk])


def rows(response) -> list[list[str]]:
    return [
        [" ".join(td.get_text().split()) for td in tr.find_all("td")]
        for tr in soup(response).select("main tbody tr")
    ]


@pytest.fixture
def school(establishment, other_establishment, diplomas, users):
    """Divisions, a group, pupils (with and without INE, one who left) and teachers of A;
    a division and a pupil of B."""
    year = school_year_start(today())
    tmelec = DivisionFactory(
        establishment=establishment,
        code="TMELEC",
        label="Terminale MELEC",
        school_year__start_year=year,
        diploma=diplomas["BP-MELEC"],
    )
    cap = DivisionFactory(establishment=establishment, code="1CAP", school_year__start_year=year)
    group = DivisionFactory(
        establishment=establishment,
        code="G-ATELIER",
        kind=StructureKind.GROUP,
        school_year__start_year=year,
    )
    dupont = PupilFactory(
        establishment=establishment, division=tmelec, last_name="DUPONT", first_name="Léa"
    )
    martin = PupilFactory(
        establishment=establishment,
        division=cap,
        last_name="MARTIN",
        first_name="Hugo",
        without_ine=True,
    )
    PupilFactory(establishment=establishment, division=tmelec, last_name="PARTI", left=True)
    group.group_pupils.add(dupont, martin)
    teacher = StaffMemberFactory(
        establishment=establishment,
        user=users["enseignant"],
        last_name="PROFESSEUR",
        first_name="Karim",
        discipline="Génie électrique",
    )
    teacher.divisions.set([tmelec, group])
    StaffMemberFactory(establishment=establishment, last_name="COLLEGUE", first_name="Inès")
    StaffMemberFactory(establishment=establishment, last_name="ANCIEN", is_active=False)
    division_b = DivisionFactory(
        establishment=other_establishment, code="TB", school_year__start_year=year
    )
    PupilFactory(establishment=other_establishment, division=division_b, last_name="AILLEURS")
    return {
        "tmelec": tmelec,
        "cap": cap,
        "group": group,
        "dupont": dupont,
        "teacher": teacher,
        "division_b": division_b,
    }


@pytest.fixture
def inspector_client(users, establishment, client_of):
    """An inspector whose access to A is live, A chosen (« Consulter »)."""
    InspectorGrantFactory(establishment=establishment, inspector=users["inspecteur"])
    client = client_of(users["inspecteur"])
    choose(client, establishment)
    return client


@pytest.fixture
def readers(users, client_of, inspector_client):
    return {"chef": client_of(users["chef"]), "inspecteur": inspector_client}


@pytest.mark.django_db
class TestPupilsList:
    @pytest.mark.parametrize("reader", ["chef", "inspecteur"])
    def test_names_division_and_ine_state_never_the_ine(self, readers, reader, school):
        response = readers[reader].get(PUPILS)
        assert response.status_code == 200
        assert rows(response) == [
            ["DUPONT", "Léa", "TMELEC", "INE renseigné"],
            ["MARTIN", "Hugo", "1CAP", "sans INE"],
        ]
        body = response.content.decode()
        assert school["dupont"].ine not in body
        assert "17/05/2010" not in body  # nor the birth date
        assert "PARTI" not in body and "AILLEURS" not in body
        page = soup(response)
        assert page.find("caption").get_text() == "2\u00a0élèves"
        link = page.find("a", string="TMELEC")
        assert link["href"] == division_url(school["tmelec"])
        assert page.find("form", attrs={"method": "get"}) is None  # no search in the URL

    @pytest.mark.parametrize("reader", ["chef", "inspecteur"])
    def test_search_is_posted_and_kept_per_list(self, readers, reader, school):
        client = readers[reader]
        response = client.post(PUPILS, {"q": "dupont"})
        assert response.status_code == 302 and "dupont" not in response.url.lower()
        assert [row[0] for row in rows(client.get(PUPILS))] == ["DUPONT"]
        # Another list has its own search.
        assert len(rows(client.get(TEACHERS))) == 2
        nothing = client.post(PUPILS, {"q": "zzz"}, follow=True)
        assert "Aucun élève ne correspond à «\u00a0zzz\u00a0»." in soup(nothing).get_text()
        assert not AuditEvent.objects.exists()

    def test_queries_are_bounded(
        self, readers, school, establishment, django_assert_max_num_queries
    ):
        for n in range(40):
            PupilFactory(establishment=establishment, division=school["cap"], last_name=f"E{n}")
        with django_assert_max_num_queries(7):
            response = readers["inspecteur"].get(PUPILS)
        assert len(rows(response)) == 25


@pytest.mark.django_db
class TestDivisionsList:
    @pytest.mark.parametrize("reader", ["chef", "inspecteur"])
    def test_every_division_and_group_read_only(self, readers, reader, school):
        response = readers[reader].get(DIVISIONS)
        assert rows(response) == [
            [
                "1CAP",
                "Division",
                "Division 1CAP",
                str(school["cap"].school_year),
                "diplôme non rattaché",
                "1",
            ],
            [
                "G-ATELIER",
                "Groupe",
                "Division G-ATELIER",
                str(school["group"].school_year),
                "diplôme non rattaché",
                "2",
            ],
            [
                "TMELEC",
                "Division",
                "Terminale MELEC",
                str(school["tmelec"].school_year),
                school["tmelec"].diploma.title,
                "1",
            ],
        ]
        main = soup(response).find("main")
        # Read-only: the only form is the search.
        assert [form["action"] for form in main.find_all("form")] == [DIVISIONS]
        assert "Rattacher" not in main.get_text()
        assert "TB" not in [row[0] for row in rows(response)]

    def test_queries_are_bounded(self, readers, establishment, django_assert_max_num_queries):
        for n in range(30):
            DivisionFactory(establishment=establishment, code=f"D{n:02d}")
        with django_assert_max_num_queries(5):
            assert len(rows(readers["chef"].get(DIVISIONS))) == 25


@pytest.mark.django_db
class TestTeachersList:
    @pytest.mark.parametrize("reader", ["chef", "inspecteur"])
    def test_teachers_in_post_with_their_classes_this_year(self, readers, reader, school):
        old = DivisionFactory(
            establishment=school["tmelec"].establishment,
            code="ANCIENNE",
            school_year__start_year=school_year_start(today()) - 1,
        )
        school["teacher"].divisions.add(old)
        response = readers[reader].get(TEACHERS)
        assert rows(response) == [
            ["COLLEGUE", "Inès", "—", "—"],
            ["PROFESSEUR", "Karim", "Génie électrique", "TMELEC, G-ATELIER"],
        ]
        links = soup(response).select("main tbody a")
        assert [a["href"] for a in links] == [
            division_url(school["tmelec"]),
            division_url(school["group"]),
        ]

    def test_queries_are_bounded(
        self, readers, establishment, school, django_assert_max_num_queries
    ):
        for _ in range(30):
            StaffMemberFactory(establishment=establishment).divisions.add(school["cap"])
        with django_assert_max_num_queries(8):
            assert len(rows(readers["inspecteur"].get(TEACHERS))) == 25


@pytest.mark.django_db
class TestDivisionPage:
    def test_a_teacher_opens_a_division_they_teach(self, users, client_of, school):
        client = client_of(users["enseignant"])
        # From the home page: each of their classes is a link.
        home = soup(client.get(HOME))
        link = home.find("a", string="TMELEC")
        assert link["href"] == division_url(school["tmelec"])
        response = client.get(link["href"])
        assert response.status_code == 200
        page = soup(response)
        assert page.h1.get_text() == "Division TMELEC"
        assert rows(response) == [["DUPONT", "Léa", "INE renseigné"]]
        assert "Karim PROFESSEUR" in page.find("dl").get_text()
        assert page.find("a", string="← Accueil")["href"] == HOME

    def test_a_group_lists_its_members_with_their_division(self, users, client_of, school):
        response = client_of(users["enseignant"]).get(division_url(school["group"]))
        assert soup(response).h1.get_text() == "Groupe G-ATELIER"
        assert rows(response) == [
            ["DUPONT", "Léa", "TMELEC", "INE renseigné"],
            ["MARTIN", "Hugo", "1CAP", "sans INE"],
        ]

    def test_a_teacher_is_refused_a_division_they_do_not_teach(self, users, client_of, school):
        response = client_of(users["enseignant"]).get(division_url(school["cap"]))
        assert response.status_code == 403
        assert "MARTIN" not in response.content.decode()

    def test_a_teacher_who_left_is_refused(self, users, client_of, school):
        school["teacher"].is_active = False
        school["teacher"].save()
        assert client_of(users["enseignant"]).get(division_url(school["tmelec"])).status_code == 403

    def test_a_teacher_of_b_does_not_find_a_s_division(
        self, client_of, other_establishment, school
    ):
        teacher_b = UserFactory(username="prof.b", establishment=other_establishment)
        StaffMemberFactory(establishment=other_establishment, user=teacher_b).divisions.add(
            school["division_b"]
        )
        client = client_of(teacher_b)
        assert client.get(division_url(school["division_b"])).status_code == 200
        assert client.get(division_url(school["tmelec"])).status_code == 404

    @pytest.mark.parametrize("reader", ["chef", "inspecteur"])
    def test_readers_open_every_division(self, readers, reader, school):
        response = readers[reader].get(division_url(school["cap"]))
        assert rows(response) == [["MARTIN", "Hugo", "sans INE"]]
        assert soup(response).find("a", string="← Divisions")["href"] == DIVISIONS

    @pytest.mark.parametrize("profile", ["administrateur", "apprenant", "chef_autre"])
    def test_others_are_refused(self, users, client_of, profile, school):
        response = client_of(users[profile]).get(division_url(school["tmelec"]))
        assert response.status_code == (404 if profile == "chef_autre" else 403)
        assert "DUPONT" not in response.content.decode()

    def test_queries_are_bounded(
        self, users, client_of, school, establishment, django_assert_max_num_queries
    ):
        for _ in range(40):
            PupilFactory(establishment=establishment, division=school["tmelec"])
        client = client_of(users["enseignant"])
        with django_assert_max_num_queries(8):
            response = client.get(division_url(school["tmelec"]))
        assert len(rows(response)) == 41


@pytest.mark.django_db
class TestInspectorsWithoutALiveAccess:
    @pytest.mark.parametrize("trait", ["expired", "future", "revoked"])
    def test_see_nothing(self, users, client_of, establishment, school, trait):
        InspectorGrantFactory(
            establishment=establishment, inspector=users["inspecteur"], **{trait: True}
        )
        client = client_of(users["inspecteur"])
        choose(client, establishment)
        for url in (PUPILS, DIVISIONS, TEACHERS, division_url(school["tmelec"])):
            response = client.get(url)
            assert response.status_code == 403, url
            for secret in ("DUPONT", "TMELEC", "PROFESSEUR", "Lycée professionnel A"):
                assert secret not in response.content.decode()

    def test_the_search_is_the_only_post_and_writes_nothing_else(self, inspector_client, school):
        assert inspector_client.post(PUPILS, {"q": "martin"}).status_code == 302
        assert [row[0] for row in rows(inspector_client.get(PUPILS))] == ["MARTIN"]
        assert inspector_client.post(division_url(school["tmelec"])).status_code == 403
        assert not AuditEvent.objects.exists()


@pytest.mark.django_db
class TestMenus:
    @pytest.mark.parametrize("reader", ["chef", "inspecteur"])
    def test_annuaire_drop_down(self, readers, reader):
        nav = soup(readers[reader].get(HOME)).find("nav", attrs={"aria-label": "Menu principal"})
        (menu,) = [d for d in nav.find_all("details") if "Annuaire" in d.summary.get_text()]
        assert [(a.get_text(), a["href"]) for a in menu.find_all("a")] == [
            ("Divisions", DIVISIONS),
            ("Élèves", PUPILS),
            ("Enseignants", TEACHERS),
        ]

    @pytest.mark.parametrize("profile", ["administrateur", "enseignant", "apprenant", "inspecteur"])
    def test_not_for_the_others(self, users, client_of, profile):
        nav = soup(client_of(users[profile]).get(HOME)).find("nav")
        assert "Annuaire" not in nav.get_text()


@pytest.mark.django_db
class TestLearnerHome:
    def test_shows_their_division_and_establishment(self, users, client_of, school, establishment):
        dupont = school["dupont"]
        dupont.user = users["apprenant"]
        dupont.save()
        page = soup(client_of(users["apprenant"]).get(HOME))
        block = page.find("h2", string="Votre classe").find_parent("section")
        figures = {
            div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True)
            for div in block.select("dl.figures > div")
        }
        year = school["tmelec"].school_year
        assert figures == {
            "Établissement": "Lycée professionnel A (UAI 0442953W)",
            "Division": "TMELEC — Terminale MELEC",
            "Année scolaire": str(year),
            "Diplôme préparé": school["tmelec"].diploma.title,
        }
        assert "bientôt" not in page.get_text()
        assert page.find("a", string="Mon passeport professionnel") is not None

    def test_a_learner_without_division_is_told_whom_to_ask(self, users, client_of, establishment):
        PupilFactory(establishment=establishment, user=users["apprenant"], division=None)
        block = soup(client_of(users["apprenant"]).get(HOME)).find("main")
        assert "Lycée professionnel A" in block.get_text()
        assert "aucune division" in block.get_text()

    def test_queries_are_bounded(self, users, client_of, school, django_assert_max_num_queries):
        school["dupont"].user = users["apprenant"]
        school["dupont"].save()
        client = client_of(users["apprenant"])
        # Session, user, whether the pupil left (signed out at once: accounts/backends.py),
        # establishment, the pupil twice (division block, passport block), the passport's counts.
        with django_assert_max_num_queries(7):
            assert client.get(HOME).status_code == 200
