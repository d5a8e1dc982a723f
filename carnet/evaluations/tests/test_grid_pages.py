"""The grid's page per profile, its plain form (no JavaScript), its background save, two
co-authors at once, and its query counts."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from carnet.core.tests.html import soup, text
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil
from carnet.directory.tests.factories import DivisionFactory
from carnet.evaluations.enums import EvaluationKind
from carnet.evaluations.models import EvaluationPupil, Result, ResultChange
from carnet.evaluations.selectors import scale_of
from carnet.evaluations.services import CellChange, results_record
from carnet.referentials.models import Criterion

pytestmark = pytest.mark.django_db


def levels(school) -> dict[str, int]:
    return {level.code: level.pk for level in scale_of(diploma_id=school.diploma.pk)}


def grid_url(evaluation):
    return reverse("evaluations:grid", args=[evaluation.pk])


def cells_url(evaluation):
    return reverse("evaluations:cells", args=[evaluation.pk])


def post_json(client, evaluation, body):
    return client.post(cells_url(evaluation), json.dumps(body), content_type="application/json")


def form_of(page) -> dict:
    """What the browser would send for the grid's form as shown (no JavaScript)."""
    form = page.select_one("#grid-form")
    data = {}
    for field in form.select("input[name], textarea[name]"):
        data[field["name"]] = field.get("value", field.get_text())
    for select in form.select("select[name]"):
        chosen = select.select_one("option[selected]")
        data[select["name"]] = chosen["value"] if chosen else ""
    return data


def shown_level(page, pupil, target) -> str:
    select = page.select_one(f'select[name="c-{target.pk}-{pupil.pk}"]')
    chosen = select.select_one("option[selected]")
    return chosen.get_text() if chosen else ""


@pytest.fixture
def evaluation(school):
    return school.evaluate()


class TestGridPage:
    def test_the_author_enters_their_division_s_rows(self, school, evaluation, client_of):
        page = soup(client_of(school.teacher).get(grid_url(evaluation)))
        table = page.select_one("table.grid")
        assert len(table.select("tbody tr")) == 10
        assert len(table.select("tbody td.cell select")) == 50
        # Each cell is named by its row and column headers, described by the criterion.
        select = table.select_one("tbody td.cell select")
        row_id, column_id = select["aria-labelledby"].split()
        assert page.find(id=row_id).name == "th" and page.find(id=row_id)["scope"] == "row"
        assert page.find(id=column_id).get_text() == "C2.1"
        assert page.find(id=select["aria-describedby"]).get_text(strip=True)
        # The levels with their code and label, the keys, and « Non évalué ».
        options = [o.get_text() for o in select.select("option")]
        assert options == [
            "Non évalué",
            "1 Non maîtrisé",
            "2 Insuffisamment maîtrisé",
            "3 Maîtrisé",
            "4 Bien maîtrisé",
            "Absent",
            "Dispensé",
        ]
        legend = page.select_one("ul.legend").get_text(" ", strip=True)
        assert "3 Maîtrisé — touche 3" in legend and "Absent — touche a" in legend
        assert page.select_one("script[src$='evaluation-grid.js']") is not None
        assert page.find("button", string="Enregistrer") is not None

    def test_a_pupil_who_left_is_read_only_with_results_kept(self, school, evaluation, client_of):
        pupil = school.pupils[0]
        target = evaluation.targets.first()
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[CellChange(pupil.pk, target.pk, levels(school)["3"])],
        )
        Pupil.objects.filter(pk=pupil.pk).update(status=PupilStatus.LEFT)
        page = soup(client_of(school.teacher).get(grid_url(evaluation)))
        row = page.find(id=f"p{pupil.pk}").parent
        assert row.select("select") == [] and row.select("textarea") == []
        assert "sorti" in row.th.get_text()
        first = row.select_one("td.cell")
        assert first.get_text(" ", strip=True) == "3 Maîtrisé"
        assert "t3" in first["class"]

    def test_readers_see_the_grid_without_any_field(self, school, evaluation, client_of, users):
        for reader in (users["chef"], school.colleague):
            response = client_of(reader).get(grid_url(evaluation))
            page = soup(response)
            assert response.status_code == 200
            assert page.select("table.grid select, table.grid textarea") == []
            assert page.find("button", string="Enregistrer") is None
            assert page.select_one("script[src$='evaluation-grid.js']") is None
            assert "lecture seule" in text(response)

    def test_a_co_author_who_teaches_none_of_it_is_told_why(self, school, evaluation, client_of):
        response = client_of(school.co_author).get(grid_url(evaluation))
        assert "Vous n'enseignez dans aucune des divisions" in text(response)
        assert soup(response).select("table.grid td.cell select") == []

    def test_a_co_author_enters_the_rows_of_their_group(self, school, client_of):
        for pupil in school.pupils[:3]:
            pupil.groups.add(school.group)
        evaluation = school.evaluate(divisions=[school.division, school.group])
        page = soup(client_of(school.co_author).get(grid_url(evaluation)))
        editable = {int(s["name"].split("-")[2]) for s in page.select("table.grid td.cell select")}
        assert editable == {p.pk for p in school.pupils[:3]}
        assert len(page.select("tr.ro-row")) == 7


class TestPlainForm:
    def test_enregistrer_writes_what_changed_and_keeps_a_co_author_s_entry(
        self, school, evaluation, client_of
    ):
        scale = levels(school)
        teacher = client_of(school.teacher)
        first, second = school.pupils[0], school.pupils[1]
        columns = list(evaluation.targets.all())
        data = form_of(soup(teacher.get(grid_url(evaluation))))
        # Meanwhile, the co-author (through the services) enters a cell of the same grid.
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[CellChange(second.pk, columns[0].pk, scale["4"])],
        )
        data[f"c-{columns[0].pk}-{first.pk}"] = str(scale["3"])
        data[f"c-{columns[1].pk}-{first.pk}"] = str(scale["absent"])
        data[f"comment-{first.pk}"] = "Travail soigné"
        response = teacher.post(
            reverse("evaluations:grid_save", args=[evaluation.pk]), data, follow=True
        )
        assert "Grille enregistrée : 2 cases enregistrées et 1 commentaire enregistré." in text(
            response
        )
        page = soup(response)
        assert shown_level(page, first, columns[0]) == "3 Maîtrisé"
        assert shown_level(page, first, columns[1]) == "Absent"
        # The stale page said « Non évalué » for this cell: it was not touched, the entry kept.
        assert shown_level(page, second, columns[0]) == "4 Bien maîtrisé"
        assert page.find("textarea", attrs={"name": f"comment-{first.pk}"}).get_text() == (
            "Travail soigné"
        )

    def test_completer_fills_only_the_empty_cells_of_a_column_and_a_row(
        self, school, evaluation, client_of
    ):
        scale = levels(school)
        teacher = client_of(school.teacher)
        columns = list(evaluation.targets.all())
        results_record(
            evaluation=evaluation,
            actor=school.teacher,
            cells=[CellChange(school.pupils[0].pk, columns[0].pk, scale["absent"])],
        )
        data = form_of(soup(teacher.get(grid_url(evaluation))))
        data[f"fill-col-{columns[0].pk}"] = str(scale["3"])
        data[f"fill-row-{school.pupils[5].pk}"] = str(scale["2"])
        teacher.post(reverse("evaluations:grid_save", args=[evaluation.pk]), data)
        values = {
            (r.pupil_id, r.target_id): r.level.code
            for r in Result.objects.filter(evaluation=evaluation).select_related("level")
        }
        assert values[school.pupils[0].pk, columns[0].pk] == "absent"  # kept
        assert all(values[p.pk, columns[0].pk] == "3" for p in school.pupils[1:])
        assert [values.get((school.pupils[5].pk, c.pk)) for c in columns] == [
            "3",
            "2",
            "2",
            "2",
            "2",
        ]
        assert len(values) == 10 + 4

    def test_nothing_changed_is_said_and_tampering_refused(self, school, evaluation, client_of):
        teacher = client_of(school.teacher)
        data = form_of(soup(teacher.get(grid_url(evaluation))))
        response = teacher.post(
            reverse("evaluations:grid_save", args=[evaluation.pk]), data, follow=True
        )
        assert "Aucune modification à enregistrer." in text(response)
        target = evaluation.targets.first()
        stranger = school.pupils[0]
        Pupil.objects.filter(pk=stranger.pk).update(status=PupilStatus.LEFT)
        data[f"c-{target.pk}-{stranger.pk}"] = str(levels(school)["4"])
        data[f"c-{target.pk}-{school.pupils[1].pk}"] = "²"
        response = teacher.post(
            reverse("evaluations:grid_save", args=[evaluation.pk]), data, follow=True
        )
        said = text(response)
        assert "1 case illisible : rechargez la page" in said
        assert f"{stranger.last_name} {stranger.first_name} : ligne en lecture seule" in said
        assert not Result.objects.exists()


class TestBackgroundSave:
    def test_saves_and_says_what_was_refused(self, school, evaluation, client_of):
        scale = levels(school)
        target = evaluation.targets.first()
        left = school.pupils[9]
        Pupil.objects.filter(pk=left.pk).update(status=PupilStatus.LEFT)
        body = {
            "cells": [
                {"pupil": school.pupils[0].pk, "target": target.pk, "level": scale["3"]},
                {"pupil": left.pk, "target": target.pk, "level": scale["3"]},
            ],
            "comments": [{"pupil": school.pupils[0].pk, "text": "Bien"}],
        }
        answer = post_json(client_of(school.teacher), evaluation, body).json()
        assert answer["saved"] == [
            f"{school.pupils[0].pk}:{target.pk}",
            f"{school.pupils[0].pk}:commentaire",
        ]
        assert list(answer["refused"]) == [f"{left.pk}:{target.pk}"]
        assert "lecture seule" in answer["refused"][f"{left.pk}:{target.pk}"]
        assert EvaluationPupil.objects.get(pupil=school.pupils[0]).comment == "Bien"

    @pytest.mark.parametrize(
        "body",
        [
            "pas du json",
            "[]",
            '{"cells": {}}',
            '{"cells": [{"pupil": true, "target": 1, "level": 1}]}',
            '{"cells": [{"pupil": 1, "target": 1, "level": "3"}]}',
            '{"comments": [{"pupil": 1, "text": 3}]}',
        ],
    )
    def test_malformed_requests_answer_400_in_french(self, school, evaluation, client_of, body):
        response = client_of(school.teacher).post(
            cells_url(evaluation), body, content_type="application/json"
        )
        assert response.status_code == 400
        assert "rechargez la page" in response.json()["error"]
        assert not Result.objects.exists()

    def test_the_page_s_token_in_a_header_is_what_the_script_sends(self, school, evaluation, users):
        """The CSRF cookie is HttpOnly: the script reads the form's token and sends it as
        X-CSRFToken; without it the save is refused."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(school.teacher, backend="carnet.accounts.backends.AccountBackend")
        page = soup(client.get(grid_url(evaluation)))
        token = page.select_one("#grid-form input[name=csrfmiddlewaretoken]")["value"]
        cell = {
            "pupil": school.pupils[0].pk,
            "target": evaluation.targets.first().pk,
            "level": levels(school)["3"],
        }
        body = json.dumps({"cells": [cell]})
        refused = client.post(cells_url(evaluation), body, content_type="application/json")
        assert refused.status_code == 403 and not Result.objects.exists()
        saved = client.post(
            cells_url(evaluation), body, content_type="application/json", HTTP_X_CSRFTOKEN=token
        )
        assert saved.status_code == 200 and Result.objects.count() == 1

    def test_not_an_author_403_and_nothing_written(self, school, evaluation, client_of, users):
        body = {
            "cells": [
                {
                    "pupil": school.pupils[0].pk,
                    "target": evaluation.targets.first().pk,
                    "level": levels(school)["3"],
                }
            ]
        }
        for user in (school.colleague, users["chef"], users["administrateur"]):
            assert post_json(client_of(user), evaluation, body).status_code == 403
        assert not Result.objects.exists()

    def test_two_co_authors_at_once_last_write_wins_no_cell_lost(self, school, client_of):
        """The teacher (division) and the co-author (group of 3 pupils of it) enter the same
        grid in two browsers: interleaved saves, each a single small request."""
        for pupil in school.pupils[:3]:
            pupil.groups.add(school.group)
        evaluation = school.evaluate(divisions=[school.division, school.group])
        scale = levels(school)
        columns = list(evaluation.targets.all())
        one, two = client_of(school.teacher), client_of(school.co_author)
        page_one = soup(one.get(grid_url(evaluation)))
        page_two = soup(two.get(grid_url(evaluation)))
        assert page_one.select_one("table.grid") and page_two.select_one("table.grid")

        def save(client, pupil, column, level):
            cell = {"pupil": pupil.pk, "target": columns[column].pk, "level": scale[level]}
            answer = post_json(client, evaluation, {"cells": [cell]}).json()
            assert answer["refused"] == {}, answer

        shared = school.pupils[0]
        save(one, shared, 0, "2")
        save(two, shared, 1, "3")  # another cell of the same row: both kept
        save(two, shared, 0, "4")  # the same cell: the later write wins
        save(one, school.pupils[5], 0, "1")
        save(two, school.pupils[1], 2, "absent")
        save(one, shared, 2, "3")
        for client in (one, two):
            page = soup(client.get(grid_url(evaluation)))
            assert [shown_level(page, shared, columns[n]) for n in range(3)] == [
                "4 Bien maîtrisé",
                "3 Maîtrisé",
                "3 Maîtrisé",
            ]
        assert Result.objects.filter(evaluation=evaluation).count() == 5
        stored = {
            (r.pupil_id, r.target_id): r.level.code
            for r in Result.objects.filter(evaluation=evaluation).select_related("level")
        }
        assert stored[shared.pk, columns[0].pk] == "4"
        assert stored[shared.pk, columns[1].pk] == "3"
        assert stored[school.pupils[1].pk, columns[2].pk] == "absent"


@pytest.fixture
def big_grid(school):
    """30 pupils × 40 criteria, a third of the cells filled."""
    for n in range(20):
        school.pupils.append(
            Pupil.objects.create(
                establishment=school.establishment,
                division=school.division,
                last_name=f"NOM{n:02d}",
                first_name="Sam",
            )
        )
    criteria = list(
        Criterion.objects.filter(competency__diploma=school.diploma).order_by(
            "competency__position", "position"
        )[:40]
    )
    evaluation = school.evaluate(criteria=[c.pk for c in criteria])
    scale = list(levels(school).values())
    targets = list(evaluation.targets.all())
    results_record(
        evaluation=evaluation,
        actor=school.teacher,
        cells=[
            CellChange(p.pk, t.pk, scale[(i + j) % len(scale)])
            for i, p in enumerate(school.pupils)
            for j, t in enumerate(targets)
            if (i + j) % 3 == 0
        ],
    )
    return evaluation


class TestQueries:
    def test_a_30_by_40_grid_in_at_most_12_queries(
        self, school, big_grid, client_of, django_assert_max_num_queries
    ):
        client = client_of(school.co_author)  # a co-author: one more permission query
        school.co_author.staff_member.divisions.add(school.division)
        with django_assert_max_num_queries(12):
            response = client.get(grid_url(big_grid))
        assert len(soup(response).select("table.grid td.cell select")) == 1200

    @pytest.mark.parametrize(("kind", "most"), [("formative", 8), ("certificative", 9)])
    def test_saving_a_cell_in_a_bounded_number_of_queries(
        self, school, big_grid, client_of, django_assert_max_num_queries, kind, most
    ):
        """The request (session, then the user with their establishment, the evaluation: 3)
        and the save (references, current cells, the write; a certificative cell's change
        history too), plus the two savepoints of the test's transaction: 6 and 7 queries
        reach the database in production."""
        evaluation = big_grid
        if kind == "certificative":
            unit = school.diploma.units.get(code="U31")
            evaluation = school.evaluate(
                kind=EvaluationKind.CERTIFICATIVE,
                unit=unit,
                criteria=list(
                    Criterion.objects.filter(competency__units=unit).values_list("pk", flat=True)
                ),
            )
        client = client_of(school.teacher)
        body = {
            "cells": [
                {
                    "pupil": school.pupils[3].pk,
                    "target": evaluation.targets.last().pk,
                    "level": levels(school)["4"],
                }
            ]
        }
        client.get(grid_url(evaluation))
        with django_assert_max_num_queries(most):
            answer = post_json(client, evaluation, body).json()
        assert answer["refused"] == {} and len(answer["saved"]) == 1
        assert ResultChange.objects.exists() == (kind == "certificative")


class TestLeftAndMoved:
    def test_a_pupil_moved_to_another_division_is_read_only(self, school, evaluation, client_of):
        moved = school.pupils[2]
        moved.division = DivisionFactory(
            establishment=school.establishment, school_year=school.division.school_year
        )
        moved.save()
        page = soup(client_of(school.teacher).get(grid_url(evaluation)))
        row = page.find(id=f"p{moved.pk}").parent
        assert row.select("select") == []
        assert "lecture seule" in row.th.get_text()
