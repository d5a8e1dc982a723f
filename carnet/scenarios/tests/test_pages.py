"""The scenario pages over HTTP, per profile: what each one sees and may do, in the HTML."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from carnet.accounts.tests.factories import UserFactory
from carnet.core import registry
from carnet.core.registry import PageBlock
from carnet.core.tests.html import soup, text
from carnet.directory.models import SchoolYear
from carnet.documents import pdf
from carnet.establishments.enums import ContextField
from carnet.establishments.models import EntryMaskLabel
from carnet.inspection.tests.conftest import choose
from carnet.inspection.tests.factories import InspectorGrantFactory
from carnet.referentials.models import Attitude, Competency, Criterion, Task
from carnet.scenarios.models import Scenario
from carnet.scenarios.tests.factories import ScenarioFactory
from carnet.scenarios.views import detail

pytestmark = pytest.mark.django_db
LIBRARY = reverse("scenarios:library")
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, scenario, *args):
    return reverse(f"scenarios:{name}", args=[scenario.pk, *args])


def titles(response) -> list[str]:
    return [a.get_text(strip=True) for a in soup(response).select("table tbody td:first-child a")]


@pytest.fixture
def inspector_client(establishment, users, client_of):
    inspector = UserFactory(username="ien.a", inspector=True)
    InspectorGrantFactory(
        establishment=establishment, inspector=inspector, granted_by=users["chef"]
    )
    client = client_of(inspector)
    choose(client, establishment)
    return client


@pytest.fixture
def library(establishment, other_establishment, teacher, colleague, teacher_b, diplomas):
    cap = diplomas["CAP-ELEC"]
    return {
        "mine": ScenarioFactory(
            establishment=establishment, author=teacher, title="Borne de recharge"
        ),
        "coauthored": ScenarioFactory(
            establishment=establishment,
            author=colleague,
            co_authors=[teacher],
            title="Éclairage extérieur",
            class_level="premiere",
        ),
        "colleague": ScenarioFactory(
            establishment=establishment,
            author=colleague,
            title="Prises du CDI",
            diploma=cap,
            class_level="cap1",
        ),
        "last_year": ScenarioFactory(
            establishment=establishment, author=colleague, title="Alarme incendie", last_year=True
        ),
        "of_b": ScenarioFactory(establishment=other_establishment, author=teacher_b, title="De B"),
    }


class TestLibrary:
    def test_a_teacher_reads_this_years_scenarios_of_the_establishment(
        self, library, teacher, client_of
    ):
        response = client_of(teacher).get(LIBRARY)
        # Last changed first.
        assert titles(response) == ["Prises du CDI", "Éclairage extérieur", "Borne de recharge"]
        page = soup(response)
        assert page.find("a", string="Nouveau scénario")
        assert page.find("a", string="Importer un scénario")
        assert len(page.find_all("button", string="Dupliquer")) == 3

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("q=recharge", ["Borne de recharge"]),
            ("q=ÉCLAIRAGE ext", ["Éclairage extérieur"]),
            ("niveau=cap1", ["Prises du CDI"]),
            ("mes=on", ["Éclairage extérieur", "Borne de recharge"]),
        ],
    )
    def test_search_and_filters(self, library, teacher, client_of, query, expected):
        assert titles(client_of(teacher).get(f"{LIBRARY}?{query}")) == expected

    def test_by_diploma_and_by_author_or_co_author(self, library, teacher, colleague, client_of):
        client = client_of(teacher)
        cap = library["colleague"].diploma_id
        assert titles(client.get(f"{LIBRARY}?diplome={cap}")) == ["Prises du CDI"]
        assert titles(client.get(f"{LIBRARY}?auteur={teacher.pk}")) == [
            "Éclairage extérieur",
            "Borne de recharge",
        ]
        assert len(titles(client.get(f"{LIBRARY}?auteur={colleague.pk}"))) == 2

    def test_last_years_scenarios_are_listed_and_duplicable_into_this_year(
        self, library, teacher, client_of
    ):
        client = client_of(teacher)
        page = soup(client.get(LIBRARY))
        last_year = page.find("a", string="Scénarios de l'an dernier")
        response = client.get(last_year["href"])
        assert titles(response) == ["Alarme incendie"]
        form = soup(response).find("button", string="Dupliquer dans l'année en cours").parent
        created = client.post(form["action"])
        copy = Scenario.objects.get(author=teacher, title="Alarme incendie")
        assert created.url == url("detail", copy)
        assert "Alarme incendie" in titles(client.get(LIBRARY))

    @pytest.mark.parametrize("who", ["chef", "inspector"])
    def test_the_head_and_a_granted_inspector_read_only(
        self, library, users, client_of, inspector_client, who
    ):
        client = client_of(users["chef"]) if who == "chef" else inspector_client
        response = client.get(LIBRARY)
        assert len(titles(response)) == 3
        page = soup(response)
        assert not page.find("a", string="Nouveau scénario")
        assert not page.find("button", string="Dupliquer")
        assert not page.find("input", attrs={"name": "mes"})

    def test_reading_writes_nothing_not_even_the_school_year(self, teacher, client_of):
        assert not SchoolYear.objects.exists()
        client = client_of(teacher)
        assert "Aucun scénario n'est encore écrit cette année." in text(client.get(LIBRARY))
        client.get(reverse("web:home"))
        assert not SchoolYear.objects.exists()

    @pytest.mark.parametrize("profile", ["administrateur", "apprenant"])
    def test_no_pedagogy_for_the_administrator_or_a_pupil(self, users, client_of, profile):
        assert client_of(users[profile]).get(LIBRARY).status_code == 403

    def test_the_menu_entry(self, teacher, users, client_of):
        for user, shown in (
            (teacher, True),
            (users["chef"], True),
            (users["administrateur"], False),
        ):
            menu = soup(client_of(user).get(reverse("web:home"))).find("nav")
            assert bool(menu.find("a", string="Scénarios pédagogiques")) is shown

    def test_the_teachers_home_block(self, library, teacher, client_of):
        home = text(client_of(teacher).get(reverse("web:home")))
        assert "Vos scénarios pédagogiques" in home and "Borne de recharge" in home
        assert "Prises du CDI" not in home


class TestLibraryQueries:
    def test_constant_whatever_the_number_of_scenarios(
        self, establishment, teacher, colleague, client_of, django_assert_max_num_queries, diplomas
    ):
        def make(n):
            for index in range(n):
                ScenarioFactory(
                    establishment=establishment,
                    author=teacher if index % 2 else colleague,
                    co_authors=[colleague] if index % 2 else [],
                )

        client = client_of(teacher)
        client.get(LIBRARY)  # the session, the school year: made once
        make(20)
        with django_assert_max_num_queries(12) as few:
            client.get(LIBRARY)
        make(180)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(f"{LIBRARY}?page=4")
        assert len(titles(response)) == 50


class TestDetail:
    def test_four_sections_in_order_with_the_establishments_labels(
        self, scenario, teacher, client_of, establishment, diplomas
    ):
        scenario.context = {"description": "<script>alert(1)</script>\n\n- câbler\n- tester"}
        scenario.save()
        EntryMaskLabel.objects.create(
            establishment=establishment,
            diploma=diplomas["BP-MELEC"],
            field=ContextField.DESCRIPTION,
            label="Situation de travail",
        )
        page = soup(client_of(teacher).get(url("detail", scenario)))
        assert [h.get_text(strip=True) for h in page.find_all("h2")][:4] == [
            "1. Titre",
            "2. Contexte",
            "3. Liaison avec le référentiel",
            "4. Ressources",
        ]
        context = page.find("section", attrs={"aria-labelledby": "contexte"})
        labels = [dt.get_text(strip=True) for dt in context.find_all("dt")]
        assert labels[0] == "Situation de travail"
        assert labels[1] == ContextField.PROBLEM.label
        assert not page.find("script", string="alert(1)")
        assert "<script>alert(1)</script>" in context.get_text()
        assert [li.get_text() for li in context.find_all("li")] == ["câbler", "tester"]

    def test_a_label_changed_in_parametres_shows_at_once(
        self, scenario, teacher, client_of, admin_client_a
    ):
        client = client_of(teacher)
        assert "Matériels et logiciels utilisés" in text(client.get(url("detail", scenario)))
        labels = {field.value: field.label for field in ContextField}
        labels[ContextField.EQUIPMENT] = "Équipements du plateau technique"
        admin_client_a.post(reverse("establishments:masks") + "?diplome=BP-MELEC", labels)
        shown = text(client.get(url("detail", scenario)))
        assert "Équipements du plateau technique" in shown
        assert "Matériels et logiciels utilisés" not in shown

    def test_a_reader_has_no_edit_links_but_may_duplicate(self, scenario, colleague, client_of):
        page = soup(client_of(colleague).get(url("detail", scenario)))
        assert not page.find("a", string="Modifier")
        assert not page.find("a", string="Supprimer")
        assert page.find("button", string="Dupliquer")
        assert page.find("a", string="Fiche scénario (PDF)")

    def test_a_co_author_edits_but_does_not_delete(self, scenario, colleague, client_of):
        scenario.co_authors.add(colleague)
        page = soup(client_of(colleague).get(url("detail", scenario)))
        assert page.find("a", string="Modifier") and not page.find("a", string="Supprimer")

    def test_other_apps_blocks_come_after_the_four_sections(
        self, scenario, teacher, client_of, monkeypatch
    ):
        """Where carnet.evaluations shows a scenario's evaluations (a PageBlock)."""
        seen = []

        def context(request, obj):
            seen.append(obj)
            return {"last": True}

        block = PageBlock("scenarios.detail", "scenarios/includes/_save_buttons.html", context)
        monkeypatch.setattr(registry, "page_blocks", lambda page: [block] * (page == block.page))
        page = soup(client_of(teacher).get(url("detail", scenario)))
        button = page.find("button", string="Enregistrer et voir le scénario")
        resources = page.find("section", attrs={"aria-labelledby": "ressources"})
        assert button in resources.find_all_next("button")
        assert seen == [scenario]

    def test_queries(self, scenario, teacher, client_of, django_assert_max_num_queries):
        criteria = Criterion.objects.filter(competency__diploma=scenario.diploma)
        scenario.criteria.set(criteria)
        client = client_of(teacher)
        with django_assert_max_num_queries(16):
            client.get(url("detail", scenario))

    def test_another_establishments_scenario_is_not_found(self, scenario, teacher_b, client_of):
        assert client_of(teacher_b).get(url("detail", scenario)).status_code == 404


class TestSheet:
    def test_a_pdf_with_logo_sections_and_labels(
        self, scenario, colleague, client_of, monkeypatch, establishment, diplomas
    ):
        establishment.logo = "etablissements/logo.png"
        EntryMaskLabel.objects.create(
            establishment=establishment,
            diploma=diplomas["BP-MELEC"],
            field=ContextField.SPACES,
            label="Lieux de formation",
        )
        rendered = {}

        def spy(*, template, context):
            rendered["html"] = pdf.render_html(template=template, context=context)
            return pdf.html_to_pdf(html=rendered["html"])

        monkeypatch.setattr(detail, "render_pdf", spy)
        monkeypatch.setattr(
            detail, "establishment_images", lambda e: {"logo": "data:,", "stamp": None}
        )
        response = client_of(colleague).get(url("sheet", scenario))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        page = BeautifulSoup(rendered["html"], "html.parser")
        assert page.find("img", class_="head__logo")["src"] == "data:,"
        assert [h.get_text() for h in page.find_all("h2")] == [
            "1. Titre",
            "2. Contexte",
            "3. Liaison avec le référentiel",
            "4. Ressources",
        ]
        assert "Lieux de formation" in page.get_text()


class TestEditPages:
    @pytest.mark.parametrize("name", ["edit_title", "edit_context", "edit_links", "edit_resources"])
    def test_author_and_co_authors_only(self, scenario, colleague, teacher, client_of, name):
        assert client_of(teacher).get(url(name, scenario)).status_code == 200
        assert client_of(colleague).get(url(name, scenario)).status_code == 403
        scenario.co_authors.add(colleague)
        assert client_of(colleague).get(url(name, scenario)).status_code == 200

    def test_create_then_the_context(self, teacher, client_of, diplomas, colleague):
        client = client_of(teacher)
        response = client.post(
            reverse("scenarios:create"),
            {
                "title": "Tableau divisionnaire",
                "diploma": diplomas["BP-MELEC"].pk,
                "class_level": "seconde",
                "co_authors": [colleague.pk],
            },
        )
        scenario = Scenario.objects.get()
        assert response.url == url("edit_context", scenario)
        assert list(scenario.co_authors.all()) == [colleague]

    def test_create_with_htmx_loads_the_scenarios_whole_page(self, teacher, client_of, diplomas):
        response = client_of(teacher).post(
            reverse("scenarios:create"),
            {"title": "T", "diploma": diplomas["BP-MELEC"].pk, "class_level": "seconde"},
            **HTMX,
        )
        assert response["HX-Redirect"] == url("edit_context", Scenario.objects.get())

    def test_create_refused_with_french_messages(self, teacher, client_of, diplomas):
        response = client_of(teacher).post(
            reverse("scenarios:create"),
            {"title": "", "diploma": diplomas["CAP-ELEC"].pk, "class_level": "terminale"},
        )
        shown = text(response)
        assert "Saisissez le titre du scénario." in shown
        assert not Scenario.objects.exists()

    def test_a_cap_year_is_said(self, teacher, client_of, diplomas):
        response = client_of(teacher).post(
            reverse("scenarios:create"),
            {"title": "T", "diploma": diplomas["CAP-ELEC"].pk, "class_level": "terminale"},
        )
        assert "est un CAP : choisissez « 1re année de CAP » ou « 2e année de CAP »." in text(
            response
        )

    @pytest.mark.parametrize("name", ["edit_title", "edit_context", "edit_links", "edit_resources"])
    def test_htmx_partial_equals_the_panel_of_the_full_page(
        self, scenario, teacher, client_of, name
    ):
        client = client_of(teacher)

        def panel(response):
            element = soup(response).select_one("#editor-panel")
            for token in element.select("input[name=csrfmiddlewaretoken]"):
                token["value"] = ""
            return str(element)

        full, partial = client.get(url(name, scenario)), client.get(url(name, scenario), **HTMX)
        assert "<html" not in partial.content.decode()
        assert panel(partial) == panel(full)

    def test_links_with_counters(self, scenario, teacher, client_of):
        c2 = list(
            Criterion.objects.filter(competency__diploma=scenario.diploma, competency__code="C2")
        )
        client = client_of(teacher)
        response = client.post(
            url("edit_links", scenario), {"criteres": [c2[0].pk, c2[2].pk], "continuer": "1"}
        )
        assert response.url == url("edit_resources", scenario)
        assert set(scenario.criteria.all()) == {c2[0], c2[2]}
        page = soup(client.get(url("edit_links", scenario)))
        box = page.find("input", attrs={"name": "criteres", "value": str(c2[0].pk)})
        group = box.find_parent("details")
        assert group.find(attrs={"data-counter": True}).get_text() == f"2 critères sur {len(c2)}"
        assert group.has_attr("open")

    def test_tasks_whole_competencies_and_attitudes_are_kept_and_shown(
        self, scenario, teacher, client_of, monkeypatch
    ):
        diploma = scenario.diploma
        tasks = list(Task.objects.filter(activity__diploma=diploma).order_by("pk")[:2])
        c4 = Competency.objects.get(diploma=diploma, code="C4")
        attitude = Attitude.objects.filter(diploma=diploma).order_by("pk").first()
        client = client_of(teacher)
        client.post(
            url("edit_links", scenario),
            {"taches": [t.pk for t in tasks], "competences": [c4.pk], "attitudes": [attitude.pk]},
        )
        assert set(scenario.tasks.all()) == set(tasks)
        assert list(scenario.competencies.all()) == [c4]
        assert list(scenario.attitudes.all()) == [attitude]
        # Ticked again when the section is opened again.
        page = soup(client.get(url("edit_links", scenario)))
        for name, pk in [
            ("taches", tasks[0].pk),
            ("competences", c4.pk),
            ("attitudes", attitude.pk),
        ]:
            assert page.find("input", attrs={"name": name, "value": str(pk)}).has_attr("checked")
        said = text(client.get(url("detail", scenario)))
        assert tasks[0].code in said and tasks[1].code in said
        assert c4.code in said and attitude.label[:40] in said
        rendered = {}

        def spy(*, template, context):
            rendered["html"] = pdf.render_html(template=template, context=context)
            return pdf.html_to_pdf(html=rendered["html"])

        monkeypatch.setattr(detail, "render_pdf", spy)
        assert client.get(url("sheet", scenario)).content.startswith(b"%PDF-")
        sheet = " ".join(BeautifulSoup(rendered["html"], "html.parser").get_text().split())
        assert tasks[0].code in sheet and c4.code in sheet and attitude.label[:40] in sheet

    def test_an_element_of_another_diploma_is_refused(self, scenario, teacher, client_of, diplomas):
        other = Criterion.objects.filter(competency__diploma=diplomas["CAP-ELEC"]).first()
        response = client_of(teacher).post(url("edit_links", scenario), {"criteres": [other.pk]})
        assert "n'est pas dans le référentiel du diplôme" in text(response)
        assert not scenario.criteria.exists()

    def test_delete_asks_then_deletes(self, scenario, teacher, client_of):
        client = client_of(teacher)
        assert "Supprimer le scénario « Tableau de chantier » ?" in text(
            client.get(url("delete", scenario))
        )
        assert client.post(url("delete", scenario)).url == LIBRARY
        assert not Scenario.objects.exists()

    def test_a_co_author_cannot_delete(self, scenario, colleague, client_of):
        scenario.co_authors.add(colleague)
        assert client_of(colleague).post(url("delete", scenario)).status_code == 403
        assert Scenario.objects.exists()
