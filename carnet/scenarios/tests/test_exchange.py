"""Export and import of a scenario as a ``scenario/1`` file: the round trip, hostile files."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from carnet.accounts.tests.factories import UserFactory
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.tests.html import text
from carnet.establishments.enums import ContextField
from carnet.establishments.models import EntryMaskLabel
from carnet.referentials.models import Attitude, Competency, Criterion, Task
from carnet.scenarios.archive import MAX_ARCHIVE_BYTES
from carnet.scenarios.exchange import scenario_export
from carnet.scenarios.models import Scenario
from carnet.scenarios.services import (
    scenario_import_create,
    scenario_resources_add,
    scenario_update_links,
)
from carnet.scenarios.tests import corpus
from carnet.scenarios.tests.conftest import stored_files
from carnet.scenarios.tests.factories import ScenarioFactory, current_year

pytestmark = pytest.mark.django_db

CONTEXT = {
    "description": "Le client veut un devis.\n\n- relever\n- chiffrer",
    "liens": "https://eduscol.education.fr/",
}


@pytest.fixture
def full_scenario(establishment, teacher, colleague, diplomas):
    melec = diplomas["BP-MELEC"]
    attitude = Attitude.objects.get(diploma=melec, code="AP1")
    scenario = ScenarioFactory(
        establishment=establishment,
        author=teacher,
        co_authors=[colleague],
        title="Rénovation d'un atelier",
        co_intervention=True,
        class_level="premiere",
        context=CONTEXT,
    )
    scenario_update_links(
        scenario=scenario,
        actor=teacher,
        tasks=Task.objects.filter(activity__diploma=melec, code__in=["T1-1", "T1-2"]),
        competencies=Competency.objects.filter(diploma=melec, code="C4"),
        criteria=Criterion.objects.filter(competency__diploma=melec, competency__code="C2")[:3],
        attitudes=[attitude],
    )
    scenario_resources_add(
        scenario=scenario,
        actor=teacher,
        uploads=[
            ("dossier.pdf", corpus.real_pdf()),
            ("plan.png", corpus.png()),
            ("consignes.docx", corpus.docx()),
        ],
    )
    return scenario


def exported(scenario) -> bytes:
    return scenario_export(establishment=scenario.establishment, scenario=scenario)


def unpack(data: bytes) -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("scenario.json")), files


def repack(manifest: dict | bytes, files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        raw = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
        archive.writestr("scenario.json", raw)
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def refusal(data: bytes, establishment, actor) -> str:
    with pytest.raises(ValidationError) as refused:
        scenario_import_create(establishment=establishment, actor=actor, data=data)
    assert not Scenario.objects.filter(author=actor).exists()
    return " ".join(refused.value.messages)


class TestExport:
    def test_the_file_holds_the_scenario_and_no_person(self, full_scenario, teacher, colleague):
        manifest, files = unpack(exported(full_scenario))
        assert manifest["format"] == "scenario/1"
        assert manifest["diplome"]["code"] == "BP-MELEC"
        assert manifest["referentiel"]["taches"] == [
            {"activite": "A1", "code": "T1-1"},
            {"activite": "A1", "code": "T1-2"},
        ]
        assert manifest["referentiel"]["competences"] == ["C4"]
        assert [c["rang"] for c in manifest["referentiel"]["criteres"]] == [1, 2, 3]
        assert manifest["contexte"] == CONTEXT
        for resource in manifest["ressources"]:
            content = files[resource["fichier"]]
            assert hashlib.sha256(content).hexdigest() == resource["sha256"]
            assert resource["taille"] == len(content)
        raw = json.dumps(manifest, ensure_ascii=False)
        for person in (teacher, colleague):
            assert person.last_name not in raw and person.username not in raw

    def test_over_http_as_a_download(self, full_scenario, client_of, colleague):
        response = client_of(colleague).get(reverse("scenarios:export", args=[full_scenario.pk]))
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"].startswith("attachment;")
        assert unpack(response.content)[0]["titre"] == "Rénovation d'un atelier"


class TestRoundTrip:
    def test_a_teacher_of_another_establishment_gets_the_same_scenario_as_theirs(
        self, full_scenario, other_establishment, teacher_b, diplomas
    ):
        copy = scenario_import_create(
            establishment=other_establishment, actor=teacher_b, data=exported(full_scenario)
        )
        assert (copy.establishment, copy.author, copy.school_year) == (
            other_establishment,
            teacher_b,
            current_year(),
        )
        assert not copy.co_authors.exists()
        for field in ("title", "co_intervention", "diploma_id", "class_level", "context"):
            assert getattr(copy, field) == getattr(full_scenario, field)
        for relation in ("tasks", "competencies", "criteria", "attitudes"):
            assert set(getattr(copy, relation).all()) == set(getattr(full_scenario, relation).all())
        originals = {r.name: r for r in full_scenario.resources.all()}
        copies = {r.name: r for r in copy.resources.all()}
        assert set(copies) == {"dossier.pdf", "plan.png", "consignes.docx"}
        for name, resource in copies.items():
            assert resource.establishment_id == other_establishment.pk
            assert resource.sha256 == originals[name].sha256
            assert resource.storage_name != originals[name].storage_name
        event = AuditEvent.objects.get(action=AuditAction.SCENARIO_IMPORTED)
        assert event.establishment == other_establishment


class TestHostileFiles:
    def changed(self, scenario, change) -> bytes:
        manifest, files = unpack(exported(scenario))
        change(manifest, files)
        return repack(manifest, files)

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                lambda m, f: m["diplome"].update(code="BP-INCONNU", intitule="Bac Pro inconnu"),
                "Ce scénario est écrit pour le diplôme « Bac Pro inconnu » (code BP-INCONNU), "
                "dont le référentiel n'est pas chargé sur la plateforme",
            ),
            (
                lambda m, f: m["referentiel"]["competences"].append("C99"),
                "Le fichier cite la compétence C99, qui n'existe pas dans le référentiel",
            ),
            (
                lambda m, f: m["referentiel"]["criteres"].append({"competence": "C2", "rang": 99}),
                "le critère n° 99 de la compétence C2, qui n'existe pas",
            ),
            (
                lambda m, f: m["referentiel"]["taches"].append({"activite": "A9", "code": "T9"}),
                "la tâche T9 (activité A9), qui n'existe pas",
            ),
            (
                lambda m, f: m["referentiel"]["attitudes"].append("AP7"),
                "l'attitude professionnelle AP7, qui n'existe pas",
            ),
            (
                lambda m, f: f.update({m["ressources"][0]["fichier"]: corpus.plain_pdf()}),
                "ne correspond pas à sa somme de contrôle (SHA-256)",
            ),
            (
                lambda m, f: f.pop(m["ressources"][1]["fichier"]),
                "La ressource « plan.png » manque dans le fichier d'export.",
            ),
            (
                lambda m, f: f.update({"ressources/cache.exe": b"MZ"}),
                "un fichier que scenario.json ne cite pas (« ressources/cache.exe »)",
            ),
            (
                lambda m, f: f.update({"../../etc/passwd": b"root"}),
                "contient un chemin interdit (« ../../etc/passwd »)",
            ),
            (
                lambda m, f: f.update({f"x/{n}.txt": b"x" for n in range(40)}),
                "fichiers internes (au plus 31)",
            ),
            (lambda m, f: m.update(format="scenario/2"), "n'est pas au format scenario/1"),
            (lambda m, f: m.update(niveau="cap1"), "est un CAP ou se prépare"),
            (lambda m, f: m.update(titre=""), "le titre manque"),
        ],
    )
    def test_refused_with_a_message(
        self, full_scenario, other_establishment, teacher_b, change, message
    ):
        data = self.changed(full_scenario, change)
        found = refusal(data, other_establishment, teacher_b)
        if message == "est un CAP ou se prépare":
            assert "se prépare en Seconde, Première ou Terminale" in found
        else:
            assert message in found

    def resource_entry(self, name: str, content: bytes) -> dict:
        return {
            "fichier": f"ressources/{name}",
            "nom": name,
            "type": "pdf",
            "taille": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }

    @pytest.mark.parametrize(
        ("builder", "message"),
        [
            ("html_named_pdf", "les fichiers SVG, HTML ou XML ne sont pas acceptés"),
            ("docm", "le document contient des macros"),
            ("xlsx_bomb", "se décompresse en un volume anormal"),
            ("svg", "les fichiers SVG, HTML ou XML ne sont pas acceptés"),
        ],
    )
    def test_every_resource_is_checked_again_by_its_content(
        self, full_scenario, other_establishment, teacher_b, builder, message
    ):
        """A well-checksummed resource is still refused for what it is."""
        content = getattr(corpus, builder)()

        def change(manifest, files):
            manifest["ressources"].append(self.resource_entry("piege.pdf", content))
            files["ressources/piege.pdf"] = content

        found = refusal(self.changed(full_scenario, change), other_establishment, teacher_b)
        assert "La ressource « piege.pdf » est refusée" in found and message in found

    def test_a_zip_bomb(self, full_scenario, other_establishment, teacher_b):
        zeros = b"\0" * (9 << 20)

        def change(manifest, files):
            manifest["ressources"].append(self.resource_entry("zeros.pdf", zeros))
            files["ressources/zeros.pdf"] = zeros

        found = refusal(self.changed(full_scenario, change), other_establishment, teacher_b)
        assert "se décompresse en un volume anormal" in found

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"Bonjour", "Ce fichier n'est pas un export de scénario"),
            (b"PK\x03\x04 abime", "Le fichier d'export est endommagé ou incomplet"),
            (corpus.zipped({"autre.json": b"{}"}), "scenario.json manque"),
            (repack(b"{pas du json", {}), "scenario.json n'est pas un JSON valide"),
            (repack(b"[" * 100_000 + b"]" * 100_000, {}), "scenario.json n'est pas un JSON"),
            (repack(b"[]", {}), "n'est pas au format scenario/1"),
            (b"PK\x03\x04" + b"\0" * (MAX_ARCHIVE_BYTES + 1), "pèse plus de 55 Mo"),
        ],
    )
    def test_not_an_export(self, other_establishment, teacher_b, data, message, diplomas):
        assert message in refusal(data, other_establishment, teacher_b)


class TestImportPages:
    def upload(self, client, data: bytes):
        upload = io.BytesIO(data)
        upload.name = "scenario.zip"
        return client.post(reverse("scenarios:import"), {"file": upload})

    def test_preview_then_create(
        self,
        full_scenario,
        other_establishment,
        teacher_b,
        client_of,
        diplomas,
        django_capture_on_commit_callbacks,
    ):
        EntryMaskLabel.objects.create(
            establishment=other_establishment,
            diploma=diplomas["BP-MELEC"],
            field=ContextField.DESCRIPTION,
            label="Situation de l'entreprise B",
        )
        client = client_of(teacher_b)
        response = self.upload(client, exported(full_scenario))
        assert response.status_code == 302
        preview = client.get(response.url)
        shown = text(preview)
        assert "Rénovation d'un atelier" in shown and "Situation de l'entreprise B" in shown
        assert "dossier.pdf" in shown and not Scenario.objects.filter(author=teacher_b).exists()
        with django_capture_on_commit_callbacks(execute=True):
            created = client.post(response.url)
        scenario = Scenario.objects.get(author=teacher_b)
        assert created.url == reverse("scenarios:detail", args=[scenario.pk])
        assert not [name for name in stored_files() if "/imports/" in name]
        assert client.get(response.url).status_code == 404  # used once

    def test_someone_elses_preview_is_not_found(
        self, full_scenario, other_establishment, teacher_b, client_of
    ):
        response = self.upload(client_of(teacher_b), exported(full_scenario))
        other = UserFactory(username="autre.b", establishment=other_establishment)
        assert client_of(other).get(response.url).status_code == 404
        assert client_of(other).post(response.url).status_code == 404
        assert not Scenario.objects.filter(establishment=other_establishment).exists()

    def test_abandon(self, full_scenario, teacher_b, client_of):
        client = client_of(teacher_b)
        token = self.upload(client, exported(full_scenario)).url.rstrip("/").rsplit("/", 1)[-1]
        client.post(reverse("scenarios:import_cancel", args=[token]))
        assert not [name for name in stored_files() if "/imports/" in name]

    def test_a_refused_file_is_never_kept(self, other_establishment, teacher_b, client_of):
        response = self.upload(client_of(teacher_b), corpus.docx())
        assert response.status_code == 200
        assert "Ce fichier n'est pas un export de scénario (scenario.json manque)" in text(response)
        assert stored_files() == []
