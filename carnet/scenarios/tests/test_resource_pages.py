"""Section « Ressources » over HTTP: uploads (hostile ones refused), and who gets a file, how."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carnet.core.tests.html import text
from carnet.scenarios.models import ScenarioResource
from carnet.scenarios.resources import MAX_RESOURCE_BYTES
from carnet.scenarios.services import scenario_resources_add
from carnet.scenarios.tests import corpus
from carnet.scenarios.tests.conftest import stored_files
from carnet.scenarios.tests.factories import ScenarioFactory

pytestmark = pytest.mark.django_db


def resources_url(scenario):
    return reverse("scenarios:edit_resources", args=[scenario.pk])


def file_url(resource, **query):
    url = reverse("scenarios:resource", args=[resource.scenario_id, resource.pk])
    return url + ("?telecharger=1" if query else "")


def upload(client, scenario, *files):
    return client.post(
        resources_url(scenario),
        {"files": [SimpleUploadedFile(name, data) for name, data in files]},
    )


class TestUpload:
    def test_several_files_at_once(self, scenario, teacher, client_of):
        response = upload(
            client_of(teacher), scenario, ("a.pdf", corpus.real_pdf()), ("b.xlsx", corpus.xlsx())
        )
        assert response.url == resources_url(scenario)
        assert sorted(r.name for r in scenario.resources.all()) == ["a.pdf", "b.xlsx"]

    @pytest.mark.parametrize(
        ("name", "builder", "message"),
        [
            ("dessin.svg", "svg", "les fichiers SVG, HTML ou XML ne sont pas acceptés"),
            ("cours.pdf", "html_named_pdf", "les fichiers SVG, HTML ou XML ne sont pas acceptés"),
            ("notes.xlsx", "xlsx_bomb", "le document se décompresse en un volume anormal"),
            ("macro.docx", "docm", "le document contient des macros"),
            ("macro.xlsx", "xlsm", "le document contient des macros"),
            ("macro.odt", "odt_with_basic_macro", "le document contient des macros"),
        ],
    )
    def test_hostile_files_are_refused_and_nothing_is_stored(
        self, scenario, teacher, client_of, name, builder, message
    ):
        response = upload(
            client_of(teacher),
            scenario,
            ("bon.pdf", corpus.real_pdf()),
            (name, getattr(corpus, builder)()),
        )
        assert response.status_code == 200
        assert f"« {name} » : {message}" in text(response)
        assert not ScenarioResource.objects.exists() and stored_files() == []

    def test_a_file_too_big_is_dropped_unread(self, scenario, teacher, client_of):
        response = upload(
            client_of(teacher), scenario, ("gros.pdf", b"%PDF-" + b"0" * MAX_RESOURCE_BYTES)
        )
        assert "« gros.pdf » : une ressource pèse au plus 10 Mo" in text(response)
        assert stored_files() == []

    def test_nothing_chosen(self, scenario, teacher, client_of):
        response = client_of(teacher).post(resources_url(scenario), {})
        assert "Choisissez au moins un fichier à joindre." in text(response)

    def test_a_reader_cannot_upload(self, scenario, colleague, client_of):
        response = upload(client_of(colleague), scenario, ("a.pdf", corpus.real_pdf()))
        assert response.status_code == 403
        assert stored_files() == []


@pytest.fixture
def attached(scenario, teacher):
    created = scenario_resources_add(
        scenario=scenario,
        actor=teacher,
        uploads=[("fiche.pdf", corpus.real_pdf()), ("plan.png", corpus.png()),
                 ("consignes.docx", corpus.docx()), ("releve.odt", corpus.odt())],
    )  # fmt: skip
    return {resource.name: resource for resource in created}


class TestServe:
    def test_office_documents_always_download(self, attached, colleague, client_of):
        client = client_of(colleague)
        for name in ("consignes.docx", "releve.odt"):
            response = client.get(file_url(attached[name]))
            assert response["Content-Disposition"].startswith("attachment;"), name
            assert name in response["Content-Disposition"]
            assert "sandbox" in response["Content-Security-Policy"]

    def test_pdf_and_images_open_in_the_browser_or_download(self, attached, colleague, client_of):
        client = client_of(colleague)
        pdf = client.get(file_url(attached["fiche.pdf"]))
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf["Content-Disposition"].startswith("inline;")
        assert b"".join(pdf.streaming_content) == corpus.real_pdf()
        image = client.get(file_url(attached["plan.png"]))
        assert (image["Content-Type"], image["Content-Disposition"][:7]) == ("image/png", "inline;")
        assert "sandbox" in image["Content-Security-Policy"]
        download = client.get(file_url(attached["fiche.pdf"], telecharger=True))
        assert download["Content-Disposition"].startswith("attachment;")
        assert pdf["X-Content-Type-Options"] == "nosniff"

    def test_the_head_reads_them(self, attached, users, client_of):
        assert client_of(users["chef"]).get(file_url(attached["plan.png"])).status_code == 200

    def test_a_resource_of_another_scenario_by_its_address(
        self, attached, establishment, teacher, client_of
    ):
        other = ScenarioFactory(establishment=establishment, author=teacher)
        url = reverse("scenarios:resource", args=[other.pk, attached["plan.png"].pk])
        assert client_of(teacher).get(url).status_code == 404


class TestDelete:
    def url(self, resource):
        return reverse("scenarios:resource_delete", args=[resource.scenario_id, resource.pk])

    def test_a_co_author_deletes(self, scenario, attached, colleague, client_of):
        scenario.co_authors.add(colleague)
        response = client_of(colleague).post(self.url(attached["plan.png"]))
        assert response.url == resources_url(scenario)
        assert not ScenarioResource.objects.filter(name="plan.png").exists()

    def test_a_reader_does_not(self, attached, colleague, client_of):
        assert client_of(colleague).post(self.url(attached["plan.png"])).status_code == 403
        assert ScenarioResource.objects.filter(name="plan.png").exists()


class TestRefusedWrites:
    def test_a_teacher_who_is_no_author_changes_nothing(self, scenario, colleague, client_of):
        client = client_of(colleague)
        for name, data in (
            ("edit_title", {"title": "Piraté", "diploma": scenario.diploma_id,
                            "class_level": "seconde"}),
            ("edit_context", {"description": "Piraté"}),
            ("delete", {}),
        ):  # fmt: skip
            url = reverse(f"scenarios:{name}", args=[scenario.pk])
            assert client.post(url, data).status_code == 403
        scenario.refresh_from_db()
        assert (scenario.title, scenario.context) == ("Tableau de chantier", {})
