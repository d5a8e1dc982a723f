"""Loading référentiels (service and load_referentiel command) and their pages."""

import json
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carnet.accounts.tests.factories import UserFactory
from carnet.referentials.models import (
    Activity,
    Attitude,
    Competency,
    Criterion,
    Diploma,
    ExamUnit,
    Task,
)
from carnet.referentials.parser import parse_referential
from carnet.referentials.services import LoadOutcome, referential_load

DATA = Path(__file__).resolve().parents[3] / "data" / "referentiels"
MELEC = DATA / "bp-melec.json"
CAP = DATA / "cap-electricien.json"


def melec_json() -> dict:
    return json.loads(MELEC.read_text(encoding="utf-8"))


def load(data: dict) -> LoadOutcome:
    result = parse_referential(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    assert result.problems == []
    return referential_load(data=result.referential)


def pks(model, **filters) -> dict:
    return dict(model.objects.filter(**filters).values_list("pk", "label"))


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.mark.django_db
class TestReferentialLoad:
    def test_created(self):
        outcome = referential_load(data=parse_referential(MELEC.read_bytes()).referential)
        assert outcome == LoadOutcome.CREATED
        diploma = Diploma.objects.get()
        assert diploma.code == "BP-MELEC"
        assert diploma.cfd == "40025520"
        assert diploma.mef_prefix == "24725520"
        assert "MELEC" in diploma.provenance
        assert Competency.objects.filter(diploma=diploma).count() == 13
        assert Criterion.objects.filter(competency__diploma=diploma).count() == 78
        assert Activity.objects.filter(diploma=diploma).count() == 5
        assert Task.objects.filter(activity__diploma=diploma).count() == 17
        assert Attitude.objects.filter(diploma=diploma).count() == 5
        assert ExamUnit.objects.filter(diploma=diploma).count() == 4
        assert list(diploma.competencies.values_list("code", flat=True)) == [
            f"C{i}" for i in range(1, 14)
        ]
        task = Task.objects.get(activity__diploma=diploma, code="T1-1")
        assert sorted(task.competencies.values_list("code", flat=True)) == sorted(
            ["C1", "C3", "C10", "C11", "C12"]
        )
        u2 = ExamUnit.objects.get(diploma=diploma, code="U2")
        assert sorted(u2.competencies.values_list("code", flat=True)) == sorted(
            ["C1", "C3", "C10", "C11"]
        )
        first = Criterion.objects.filter(competency__code="C1").order_by("position")
        assert [c.position for c in first] == list(range(1, first.count() + 1))

    def test_same_file_twice_is_unchanged(self, django_assert_max_num_queries):
        data = parse_referential(MELEC.read_bytes()).referential
        assert referential_load(data=data) == LoadOutcome.CREATED
        before = {
            model: sorted(model.objects.values_list("pk", flat=True))
            for model in (Diploma, Competency, Criterion, Activity, Task, Attitude, ExamUnit)
        }
        loaded_at = Diploma.objects.get().loaded_at
        # One SELECT on the diploma (plus the savepoint of transaction.atomic): nothing written.
        with django_assert_max_num_queries(3):
            assert referential_load(data=data) == LoadOutcome.UNCHANGED
        after = {model: sorted(model.objects.values_list("pk", flat=True)) for model in before}
        assert after == before
        assert Diploma.objects.get().loaded_at == loaded_at

    def test_label_changed_is_updated_and_keeps_the_rows(self):
        data = melec_json()
        assert load(data) == LoadOutcome.CREATED
        competencies = pks(Competency)
        criteria = pks(Criterion)
        tasks = pks(Task)
        c1 = Competency.objects.get(code="C1")

        data["competences"][0]["intitule"] = "Analyser les conditions de l'opération (révisé)"
        data["competences"][1]["criteres"][0] = "Critère reformulé"
        assert load(data) == LoadOutcome.UPDATED

        assert Competency.objects.get(pk=c1.pk).label == (
            "Analyser les conditions de l'opération (révisé)"
        )
        # Same rows, same primary keys: only the labels changed.
        assert pks(Competency).keys() == competencies.keys()
        assert pks(Criterion).keys() == criteria.keys()
        assert pks(Task) == tasks
        changed = {pk for pk, label in pks(Competency).items() if competencies[pk] != label}
        assert changed == {c1.pk}
        changed = {pk for pk, label in pks(Criterion).items() if criteria[pk] != label}
        assert len(changed) == 1
        assert Criterion.objects.get(pk=changed.pop()).label == "Critère reformulé"
        assert Competency.objects.count() == 13
        assert Criterion.objects.count() == 78

    def test_competency_absent_from_new_version_is_removed(self):
        data = melec_json()
        load(data)
        c13 = Competency.objects.get(code="C13")
        c13_criteria = list(c13.criteria.values_list("pk", flat=True))
        assert c13_criteria
        kept = {pk for pk in pks(Competency) if pk != c13.pk}

        data["competences"] = [c for c in data["competences"] if c["code"] != "C13"]
        for activity in data["activites"]:
            for task in activity["taches"]:
                task["competences"] = [c for c in task["competences"] if c != "C13"]
        for unit in data["unites"]:
            unit["competences"] = [c for c in unit["competences"] if c != "C13"]
        assert load(data) == LoadOutcome.UPDATED

        assert not Competency.objects.filter(code="C13").exists()
        assert not Criterion.objects.filter(pk__in=c13_criteria).exists()
        assert set(pks(Competency)) == kept
        assert Criterion.objects.count() == 78 - len(c13_criteria)
        assert not Task.competencies.through.objects.filter(competency_id=c13.pk).exists()
        assert not ExamUnit.competencies.through.objects.filter(competency_id=c13.pk).exists()

    def test_task_competencies_follow_the_new_version(self):
        data = melec_json()
        load(data)
        data["activites"][0]["taches"][0]["competences"] = ["C2"]
        load(data)
        task = Task.objects.get(code="T1-1")
        assert list(task.competencies.values_list("code", flat=True)) == ["C2"]

    def test_removed_criterion_and_task(self):
        data = melec_json()
        load(data)
        removed_task = data["activites"][0]["taches"].pop()
        removed_criterion = data["competences"][0]["criteres"].pop()
        load(data)
        assert not Task.objects.filter(code=removed_task["code"]).exists()
        assert not Criterion.objects.filter(label=removed_criterion).exists()
        assert Task.objects.count() == 16
        assert Criterion.objects.count() == 77

    def test_two_diplomas_do_not_interfere(self):
        load(melec_json())
        assert referential_load(data=parse_referential(CAP.read_bytes()).referential) == (
            LoadOutcome.CREATED
        )
        assert Competency.objects.filter(diploma__code="BP-MELEC").count() == 13
        assert Competency.objects.filter(diploma__code="CAP-ELEC").count() == 9


@pytest.mark.django_db
class TestLoadReferentielCommand:
    def run(self, *files) -> str:
        out = StringIO()
        call_command("load_referentiel", *map(str, files), stdout=out)
        return out.getvalue()

    def test_loads_both_files_then_unchanged(self):
        output = self.run(MELEC, CAP)
        assert "BP-MELEC" in output
        assert "CAP-ELEC" in output
        assert output.count(": créé —") == 2
        assert set(Diploma.objects.values_list("code", flat=True)) == {"BP-MELEC", "CAP-ELEC"}
        assert Competency.objects.count() == 13 + 9

        output = self.run(MELEC, CAP)
        assert output.count(": inchangé —") == 2
        assert "créé" not in output
        assert Diploma.objects.count() == 2

    def test_updated_file(self, tmp_path):
        self.run(MELEC)
        data = melec_json()
        data["intitule"] = "Bac Pro MELEC (nouvelle version)"
        changed = tmp_path / "bp-melec-v2.json"
        changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert ": mis à jour —" in self.run(changed)
        assert Diploma.objects.get().title == "Bac Pro MELEC (nouvelle version)"

    def test_a_bad_file_loads_nothing(self, tmp_path):
        bad = tmp_path / "mauvais.json"
        data = melec_json()
        data["code"] = "BP-AUTRE"
        data["activites"][0]["taches"][0]["competences"].append("C42")
        bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(CommandError) as exc:
            self.run(MELEC, bad, CAP)
        message = str(exc.value)
        assert message.startswith("Aucun référentiel chargé.")
        assert f"{bad} : Tâche T1-1 : compétence C42 inconnue." in message
        assert Diploma.objects.count() == 0
        assert Competency.objects.count() == 0

    def test_not_json_and_missing_file(self, tmp_path):
        bad = tmp_path / "casse.json"
        bad.write_bytes(b"\xff\xfe pas du JSON")
        missing = tmp_path / "absent.json"
        with pytest.raises(CommandError) as exc:
            self.run(bad, missing, MELEC)
        message = str(exc.value)
        assert f"{bad} : Le fichier n'est pas en UTF-8" in message
        assert f"{missing} : fichier introuvable ou illisible." in message
        assert Diploma.objects.count() == 0

    def test_bad_file_leaves_loaded_referential_untouched(self, tmp_path):
        self.run(MELEC)
        data = melec_json()
        data["competences"][0]["intitule"] = ""
        bad = tmp_path / "bp-melec-casse.json"
        bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(CommandError):
            self.run(bad)
        assert (
            Competency.objects.get(code="C1").label
            == melec_json()["competences"][0]["intitule"].strip()
        )


@pytest.fixture
def teacher_client(db, client_of):
    return client_of(UserFactory(username="prof.referentiels"))


@pytest.mark.django_db
class TestReferentialPages:
    def test_list(self, teacher_client, diplomas, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):
            response = teacher_client.get(reverse("referentials:list"))
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        rows = {
            tuple(td.get_text(strip=True) for td in tr.find_all("td"))
            for tr in soup.select("table tbody tr")
        }
        melec = diplomas["BP-MELEC"]
        assert ("Bac Pro", melec.title, "40025520", "5", "13") in rows
        assert ("CAP", "CAP Électricien", "50025524", "0", "9") in rows
        link = soup.find("a", string=melec.title)
        assert link["href"] == reverse("referentials:detail", args=["BP-MELEC"])

    def test_list_when_empty(self, teacher_client):
        response = teacher_client.get(reverse("referentials:list"))
        assert "Aucun référentiel n'est chargé sur la plateforme." in page_text(response)

    def test_detail(self, teacher_client, diplomas, django_assert_max_num_queries):
        with django_assert_max_num_queries(13):  # + the scale
            response = teacher_client.get(reverse("referentials:detail", args=["BP-MELEC"]))
        assert response.status_code == 200
        text = page_text(response)
        source = melec_json()
        assert " ".join(source["provenance"].split()) in text
        soup = BeautifulSoup(response.content, "html.parser")
        codes = [
            s.find("strong").get_text(strip=True)
            for s in soup.select("details.competency > summary")
        ]
        assert codes == [f"C{i}" for i in range(1, 14)]
        for competency in source["competences"]:
            assert " ".join(competency["intitule"].split()) in text
        criteria = [li.get_text(strip=True) for li in soup.select("details.competency ol li")]
        assert len(criteria) == 78
        assert criteria == [
            " ".join(c.split()) for comp in source["competences"] for c in comp["criteres"]
        ]
        for activity in source["activites"]:
            for task in activity["taches"]:
                assert task["code"] in text

    def test_detail_query_count_does_not_grow_with_the_rows(self, teacher_client, diplomas):
        small = melec_json()
        small["code"] = "BP-PETIT"
        small["competences"] = [{**small["competences"][0], "criteres": ["Un seul critère"]}]
        small["activites"] = [{**small["activites"][0]}]
        small["activites"][0]["taches"] = [{**small["activites"][0]["taches"][0]}]
        small["activites"][0]["taches"][0]["competences"] = ["C1"]
        small["attitudes_professionnelles"] = small["attitudes_professionnelles"][:1]
        small["unites"] = [{**small["unites"][0], "competences": ["C1"]}]
        load(small)
        counts = {}
        for code in ("BP-PETIT", "BP-MELEC"):
            with CaptureQueriesContext(connection) as queries:
                response = teacher_client.get(reverse("referentials:detail", args=[code]))
            assert response.status_code == 200
            counts[code] = len(queries)
        assert counts["BP-PETIT"] == counts["BP-MELEC"]

    def test_unknown_code_is_404(self, teacher_client, diplomas):
        response = teacher_client.get(reverse("referentials:detail", args=["INCONNU"]))
        assert response.status_code == 404

    def test_anonymous_is_sent_to_login(self, client, diplomas):
        response = client.get(reverse("referentials:detail", args=["BP-MELEC"]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
class TestDuplicateDiplomaInOneRun:
    def test_two_files_of_one_diploma_are_refused_and_nothing_loaded(self, tmp_path):
        copy = tmp_path / "copie.json"
        copy.write_bytes(MELEC.read_bytes())
        with pytest.raises(CommandError, match="Le diplôme BP-MELEC est décrit par plusieurs"):
            call_command("load_referentiel", str(MELEC), str(copy), stdout=StringIO())
        assert not Diploma.objects.exists()


@pytest.mark.django_db
class TestScaleLoading:
    def test_the_scale_is_loaded_and_shown(self, diplomas, teacher_client):
        melec = diplomas["BP-MELEC"]
        assert [(s.code, s.value) for s in melec.scale.all()] == [
            ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("absent", None), ("dispense", None)
        ]  # fmt: skip
        page = teacher_client.get(reverse("referentials:detail", args=["BP-MELEC"]))
        assert "Bien maîtrisé" in page.content.decode()
        assert "Non évalué" in page.content.decode()
