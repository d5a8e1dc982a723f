"""The other pages: « Nouvelle évaluation » (with and without htmx), « Modifier », « Publier »,
the history, the lists, « Mes résultats », the scenario's block and the menus."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from carnet.accounts.tests.factories import UserFactory
from carnet.core.tests.html import soup, text
from carnet.directory.tests.factories import DivisionFactory, PupilFactory
from carnet.evaluations.enums import EvaluationKind
from carnet.evaluations.models import Evaluation, EvaluationTarget
from carnet.evaluations.selectors import scale_of
from carnet.evaluations.services import (
    CellChange,
    CommentChange,
    evaluation_publish,
    results_record,
)
from carnet.evaluations.tests.conftest import today

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def create_url(school):
    return reverse("evaluations:create", args=[school.scenario.pk])


def levels(school) -> dict[str, int]:
    return {level.code: level.pk for level in scale_of(diploma_id=school.diploma.pk)}


def checked(page, name) -> set[str]:
    return {box["value"] for box in page.select(f'input[name="{name}"][checked]')}


def creation_data(school, **values):
    return {
        "kind": "formative",
        "date": today().isoformat(),
        "divisions": [school.division.pk],
        "grain": "critere",
        "criteria": [c.pk for c in school.scenario.criteria.all()],
    } | values


class TestNewEvaluation:
    def test_proposes_the_scenario_s_criteria_and_the_teacher_s_division(
        self, school, client_of, diplomas
    ):
        DivisionFactory(
            establishment=school.establishment,
            school_year=school.division.school_year,
            diploma=diplomas["CAP-ELEC"],
            code="CAP-AUTRE",
        )
        page = soup(client_of(school.teacher).get(create_url(school)))
        assert checked(page, "criteria") == {str(c.pk) for c in school.scenario.criteria.all()}
        assert checked(page, "divisions") == {str(school.division.pk)}
        assert checked(page, "pupils") == {str(p.pk) for p in school.pupils}
        offered = [
            label.get_text(" ", strip=True) for label in page.select("#divisions-field label")
        ]
        assert offered[0] == "2MELEC-A (division, 10 élèves, votre classe)"
        assert not any("CAP-AUTRE" in label for label in offered)
        units = [o.get_text() for o in page.select("select[name=unit] option")]
        assert units[1:] == [f"{u.code} — {u.label}" for u in school.diploma.units.all()]
        summary = page.select_one("#targets-field details[open] summary").get_text(" ", strip=True)
        assert summary.startswith("C2") and "3\u00a0critères cochés sur 11" in summary

    def test_htmx_refreshes_the_pupils_as_the_full_page_would(self, school, client_of):
        for pupil in school.pupils[:2]:
            pupil.groups.add(school.group)
        lone = PupilFactory(establishment=school.establishment, division=None, last_name="SEUL")
        lone.groups.add(school.group)
        client = client_of(school.teacher)
        data = creation_data(school, divisions=[school.division.pk, school.group.pk], step="pupils")
        partial = client.post(create_url(school), data, **HTMX)
        full = client.post(create_url(school), data)
        assert "<html" not in partial.content.decode()
        assert str(soup(partial).select_one("#pupils-field")) == str(
            soup(full).select_one("#pupils-field")
        )
        assert checked(soup(partial), "pupils") == {str(p.pk) for p in [*school.pupils, lone]}
        assert not Evaluation.objects.exists()

    def test_creates_with_the_pupils_ticked(self, school, client_of):
        client = client_of(school.teacher)
        key = str(school.division.pk)
        data = creation_data(school, pupils_for=key, pupils=[p.pk for p in school.pupils[:4]])
        response = client.post(create_url(school), data, follow=True)
        evaluation = Evaluation.objects.get()
        assert response.redirect_chain[-1][0] == reverse("evaluations:grid", args=[evaluation.pk])
        assert "L'évaluation est créée : 4 élèves, 5 colonnes." in text(response)
        assert evaluation.created_by == school.teacher

    def test_a_stale_pupils_list_is_shown_again_before_anything_is_created(self, school, client_of):
        school.pupils[0].groups.add(school.group)
        outsider = PupilFactory(establishment=school.establishment, division=None)
        outsider.groups.add(school.group)
        data = creation_data(
            school,
            divisions=[school.division.pk, school.group.pk],
            pupils_for=str(school.division.pk),
            pupils=[p.pk for p in school.pupils],
        )
        response = client_of(school.teacher).post(create_url(school), data)
        assert "la liste des élèves est mise à jour" in text(response)
        assert str(outsider.pk) in checked(soup(response), "pupils")
        assert not Evaluation.objects.exists()

    def test_refusals_under_their_fields(self, school, client_of):
        data = creation_data(school, kind="certificative", divisions=[], criteria=[])
        page = soup(client_of(school.teacher).post(create_url(school), data))
        errors = {
            block.get("id"): block.get_text(" ", strip=True) for block in page.select(".errors")
        }
        assert "Une évaluation certificative porte sur une unité du diplôme." in " ".join(
            errors.values()
        )
        assert "Choisissez au moins une division ou un groupe." in page.select_one(
            "#divisions-field"
        ).get_text(" ", strip=True)
        assert not Evaluation.objects.exists()

    def test_certificative_on_u31(self, school, client_of):
        u31 = school.diploma.units.get(code="U31")
        data = creation_data(school, kind="certificative", unit=u31.pk)
        client_of(school.teacher).post(create_url(school), data)
        evaluation = Evaluation.objects.get()
        assert (evaluation.kind, evaluation.unit) == (EvaluationKind.CERTIFICATIVE, u31)

    def test_only_authors_open_it(self, school, client_of, users):
        for user in (school.colleague, users["chef"]):
            assert client_of(user).get(create_url(school)).status_code == 403
        assert client_of(school.co_author).get(create_url(school)).status_code == 200


class TestEditPublishHistory:
    def test_indicators_show_in_the_grid(self, school, client_of):
        evaluation = school.evaluate()
        target = EvaluationTarget.objects.filter(evaluation=evaluation).first()
        newcomer = PupilFactory(establishment=school.establishment, division=school.division)
        client = client_of(school.teacher)
        page = soup(client.get(reverse("evaluations:edit", args=[evaluation.pk])))
        assert f"{newcomer} " in page.select_one(".pupils-list").get_text()
        data = {
            "title": "Séance 1",
            "date": today().isoformat(),
            f"indicator_{target.pk}": "Le disjoncteur est calibré",
            "pupils": [p.pk for p in school.pupils] + [newcomer.pk],
        }
        response = client.post(reverse("evaluations:edit", args=[evaluation.pk]), data, follow=True)
        assert "L'évaluation est modifiée (1 élève ajouté)." in text(response)
        assert "indicateurs de réussite : Le disjoncteur est calibré" in text(response)
        assert evaluation.assignments.count() == 11

    def test_publish_a_certificative_evaluation(self, school, client_of, users):
        evaluation = school.evaluate(
            kind=EvaluationKind.CERTIFICATIVE, unit=school.diploma.units.get(code="U31")
        )
        url = reverse("evaluations:publish", args=[evaluation.pk])
        assert client_of(users["chef"]).post(url).status_code == 403
        assert client_of(school.colleague).post(url).status_code == 403
        client = client_of(school.co_author)
        assert "Publier les résultats" in text(client.get(url))
        response = client.post(url, follow=True)
        assert "Les résultats sont publiés" in text(response)
        evaluation.refresh_from_db()
        assert evaluation.published_by == school.co_author
        again = client.get(url, follow=True)
        assert "Cette évaluation est déjà publiée." in text(again)

    def test_history_names_pupils_by_number(self, school, client_of, users):
        evaluation = school.evaluate(
            kind=EvaluationKind.CERTIFICATIVE, unit=school.diploma.units.get(code="U31")
        )
        pupil = school.pupils[0]
        target = evaluation.targets.first()
        for level in ("2", "3"):
            results_record(
                evaluation=evaluation,
                actor=school.teacher,
                cells=[CellChange(pupil.pk, target.pk, levels(school)[level])],
            )
        response = client_of(users["chef"]).get(
            reverse("evaluations:history", args=[evaluation.pk])
        )
        rows = [
            [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in soup(response).select("tbody tr")
        ]
        assert [row[2:6] for row in rows] == [
            [f"n° {pupil.pk}", "C2.1", "2 Insuffisamment maîtrisé", "3 Maîtrisé"],
            [f"n° {pupil.pk}", "C2.1", "non évalué", "2 Insuffisamment maîtrisé"],
        ]
        assert pupil.last_name not in response.content.decode()


class TestListsAndPupil:
    def test_the_teacher_s_own_evaluations_then_all(self, school, client_of, users):
        mine = school.evaluate(title="Séance de câblage")
        other = school.evaluate(actor=school.co_author, title="Autre séance")
        other.scenario.co_authors.remove(school.teacher)
        client = client_of(school.teacher)
        page = text(client.get(reverse("evaluations:list")))
        assert "Séance de câblage" in page and "2 évaluations" in page
        head = text(client_of(users["chef"]).get(reverse("evaluations:list") + "?q=câblage"))
        assert "Séance de câblage" in head and "Autre séance" not in head
        assert mine.pk and other.pk

    def test_mes_resultats_shows_only_the_pupil_s_own_and_published(self, school, client_of):
        account = UserFactory(
            username="lea.eleve", learner=True, establishment=school.establishment
        )
        pupil = school.pupils[0]
        pupil.user = account
        pupil.save()
        formative = school.evaluate(title="Câblage formatif")
        certificative = school.evaluate(
            kind=EvaluationKind.CERTIFICATIVE,
            unit=school.diploma.units.get(code="U31"),
            title="Épreuve U31",
        )
        scale = levels(school)
        for evaluation, level in ((formative, "3"), (certificative, "4")):
            results_record(
                evaluation=evaluation,
                actor=school.teacher,
                cells=[
                    CellChange(p.pk, evaluation.targets.first().pk, scale[level])
                    for p in school.pupils[:2]
                ],
                comments=[
                    CommentChange(pupil.pk, f"Avis {level} sur {evaluation.title}"),
                    CommentChange(school.pupils[1].pk, "Avis sur une autre élève"),
                ],
            )
        client = client_of(account)
        response = client.get(reverse("evaluations:my_results"))
        said = text(response)
        assert "Câblage formatif" in said and "3 Maîtrisé" in said
        assert "Avis 3 sur Câblage formatif" in said
        # Nothing of the certificative evaluation before the jury: neither level nor comment.
        assert "Épreuve U31" not in said and "4 Bien maîtrisé" not in said
        assert "Avis 4" not in said
        assert school.pupils[1].last_name not in said and "autre élève" not in said
        evaluation_publish(evaluation=certificative, actor=school.teacher)
        said = text(client.get(reverse("evaluations:my_results")))
        assert "Épreuve U31" in said and "4 Bien maîtrisé" in said
        assert "Avis 4 sur Épreuve U31" in said
        # The pupil reads no grid.
        assert client.get(reverse("evaluations:grid", args=[formative.pk])).status_code == 403

    def test_menus(self, school, client_of, users):
        def menu(user):
            page = soup(client_of(user).get(reverse("web:home")))
            return {a.get_text(strip=True) for a in page.select("nav.main-nav a")}

        assert "Évaluations" in menu(school.teacher)
        assert "Évaluations" in menu(users["chef"])
        assert "Mes résultats" in menu(users["apprenant"])
        admin = menu(users["administrateur"])
        assert "Évaluations" not in admin and "Mes résultats" not in admin


class TestScenarioBlock:
    def render(self, user, scenario):
        request = RequestFactory().get("/")
        request.user = user
        request.establishment = scenario.establishment
        template = Template('{% load carnet %}{% page_blocks "scenarios.detail" scenario %}')
        return soup_of(template.render(Context({"request": request, "scenario": scenario})))

    def test_lists_the_evaluations_with_nouvelle_evaluation_for_authors(self, school, users):
        school.evaluate(title="Séance 1")
        block = self.render(school.teacher, school.scenario)
        assert block.find("a", string="Nouvelle évaluation")["href"] == reverse(
            "evaluations:create", args=[school.scenario.pk]
        )
        assert "Séance 1" in block.get_text()
        head = self.render(users["chef"], school.scenario)
        assert head.find("a", string="Nouvelle évaluation") is None
        assert "Séance 1" in head.get_text()
        assert self.render(users["administrateur"], school.scenario).get_text() == ""


def soup_of(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")
