"""Home page per profile, the menus (no dead links), security headers."""

import pytest
from django.urls import reverse

from carnet.core.tests.html import soup, text
from carnet.directory.tests.factories import PupilFactory, StaffMemberFactory

HOME = reverse("web:home")


@pytest.mark.django_db
class TestAdministratorHome:
    def test_shows_the_establishment_state(
        self, admin_client_a, establishment, other_establishment
    ):
        PupilFactory.create_batch(4, establishment=establishment)
        PupilFactory.create_batch(2, establishment=establishment, ine=None)
        PupilFactory(establishment=establishment, ine=None, left=True)
        PupilFactory.create_batch(3, establishment=other_establishment)
        StaffMemberFactory.create_batch(2, establishment=establishment)
        figures = {
            div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True)
            for div in soup(admin_client_a.get(HOME)).select("dl.figures > div")
        }
        assert figures["Élèves actifs"] == "6"
        assert figures["Élèves sans INE"] == "2 — voir la liste"
        assert figures["Enseignants"] == "2"
        assert figures["Compte chef d'établissement"] == "oui"  # users fixture has one

    def test_says_what_identity_is_missing(self, admin_client_a, establishment):
        establishment.email = ""
        establishment.save()
        assert "il manque l'adresse électronique" in text(admin_client_a.get(HOME))

    def test_complete_identity(self, admin_client_a):
        assert "Identité complète" in text(admin_client_a.get(HOME))


@pytest.mark.django_db
class TestMenus:
    def test_administrator_menu_has_the_three_entries_and_no_dead_link(self, admin_client_a):
        page = soup(admin_client_a.get(HOME))
        nav = page.find("nav", attrs={"aria-label": "Menu principal"})
        top = [
            (li.find("summary") or li.find(["a", "span"])).get_text(" ", strip=True)
            for li in nav.select(":scope > ul > li")
        ]
        assert top == ["Gérer les imports ▾", "Gérer les profils utilisateurs ▾", "Paramètres"]
        for link in nav.find_all("a"):
            assert link["href"].startswith("/")
        links = {a.get_text(strip=True) for a in nav.find_all("a")}
        assert {
            "Importation des fichiers SIECLE",
            "Apprenants hors SIECLE",
            "Gestion des utilisateurs",
            "Gestion des accès élèves",
            "Paramètres",
        } <= links
        # Every module of the administrator exists now: nothing « bientôt » in their menu.
        assert nav.select(".menu-soon") == []

    def test_every_menu_link_of_every_profile_answers_200(self, users, client_of, diplomas):
        for profile in ("administrateur", "chef", "enseignant", "apprenant", "inspecteur"):
            client = client_of(users[profile])
            nav = soup(client.get(HOME)).find("nav", attrs={"aria-label": "Menu principal"})
            for link in nav.find_all("a"):
                assert client.get(link["href"], follow=True).status_code == 200, (profile, link)

    def test_administrator_sees_no_pedagogical_entry(self, admin_client_a):
        nav_text = text(admin_client_a.get(HOME))
        for word in ("Scénarios", "Tableaux de bord", "passeport professionnel"):
            assert word not in nav_text.split("Menu général")[0]

    @pytest.mark.parametrize(
        ("profile", "heading"),
        [
            ("chef", "Accueil du chef d'établissement"),
            ("enseignant", "Bonjour"),
            ("apprenant", "Bonjour"),
            ("inspecteur", "Établissements accessibles"),
        ],
    )
    def test_each_profile_has_its_home(self, users, client_of, profile, heading):
        assert soup(client_of(users[profile]).get(HOME)).h1.get_text().startswith(heading)


@pytest.mark.django_db
class TestHeaders:
    def test_csp_and_no_store_for_signed_in_pages(self, admin_client_a):
        response = admin_client_a.get(HOME)
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["Cache-Control"] == "no-store"
        assert response["X-Frame-Options"] == "DENY"

    def test_no_inline_script_or_style_in_pages(self, admin_client_a):
        page = soup(admin_client_a.get(reverse("establishments:identity")))
        assert all(script.get("src") for script in page.find_all("script"))
        assert page.find("style") is None
        assert not page.select("[style]")
        assert not [
            tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)
        ]


@pytest.mark.django_db
class TestLanguage:
    def test_french_whatever_the_browser_asks(self, admin_client_a):
        """The platform is French-only: Django's own messages too, even for an English browser."""
        response = admin_client_a.post(
            reverse("establishments:identity"), {"uai": ""}, HTTP_ACCEPT_LANGUAGE="en-US,en"
        )
        assert "Ce champ est obligatoire." in text(response)


@pytest.mark.django_db
class TestTeacherHome:
    def test_lists_the_classes_of_the_teacher_this_year(self, users, client_of, establishment):
        from django.utils import timezone

        from carnet.directory.school_years import school_year_start
        from carnet.directory.tests.factories import (
            DivisionFactory,
            PupilFactory,
            StaffMemberFactory,
        )

        year = school_year_start(timezone.localdate())
        mine = DivisionFactory(
            establishment=establishment, code="TMELEC", school_year__start_year=year
        )
        old = DivisionFactory(
            establishment=establishment, code="ANCIENNE", school_year__start_year=year - 1
        )
        DivisionFactory(establishment=establishment, code="AUTRE", school_year__start_year=year)
        PupilFactory.create_batch(2, establishment=establishment, division=mine)
        StaffMemberFactory(establishment=establishment, user=users["enseignant"]).divisions.set(
            [mine, old]
        )
        rows = [
            [td.get_text(strip=True) for td in row.find_all("td")]
            for row in soup(client_of(users["enseignant"]).get(HOME)).select("tbody tr")
        ]
        assert rows == [["TMELEC", "diplôme non rattaché", "2"]]


@pytest.mark.django_db
class TestModuleRegistration:
    """A new module adds its app to INSTALLED_APPS: its menu entry and home block appear for
    whoever holds its permission, with no change to core or to another app."""

    @pytest.fixture
    def with_module(self, settings):
        import importlib

        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "carnet.web.tests.sample_module"]
        importlib.import_module("carnet.web.tests.sample_module.rules")  # autodiscovered at startup

    def test_the_module_shows_for_those_it_permits(self, users, client_of, with_module):
        page = soup(client_of(users["enseignant"]).get(HOME))
        nav = page.find("nav", attrs={"aria-label": "Menu principal"})
        assert "Module d'essai" in nav.get_text()
        assert "Bloc du module d’essai" in page.get_text()

    @pytest.mark.parametrize("profile", ["administrateur", "chef", "apprenant", "inspecteur"])
    def test_and_not_for_the_others(self, users, client_of, with_module, profile):
        page = soup(client_of(users[profile]).get(HOME))
        assert "Module d'essai" not in page.get_text()
        assert "Bloc du module" not in page.get_text()

    def test_nothing_shows_without_the_app(self, users, client_of):
        assert "Module d'essai" not in text(client_of(users["enseignant"]).get(HOME))
