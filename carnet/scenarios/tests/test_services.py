"""The scenario services: what they write, what they refuse (changing nothing), what they audit."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from carnet.accounts.tests.factories import UserFactory
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.establishments.enums import ContextField
from carnet.establishments.models import EntryMaskLabel
from carnet.evaluations.tests.factories import EvaluationFactory
from carnet.referentials.models import Competency, Criterion, Task
from carnet.scenarios.enums import ClassLevel, ResourceKind
from carnet.scenarios.models import Scenario, ScenarioResource
from carnet.scenarios.resources import MAX_RESOURCES
from carnet.scenarios.selectors import scenario_links, scenario_targets
from carnet.scenarios.services import (
    scenario_create,
    scenario_delete,
    scenario_duplicate,
    scenario_resource_delete,
    scenario_resources_add,
    scenario_update_context,
    scenario_update_links,
    scenario_update_title,
)
from carnet.scenarios.tests import corpus
from carnet.scenarios.tests.conftest import stored_files
from carnet.scenarios.tests.factories import ScenarioFactory, current_year

pytestmark = pytest.mark.django_db


def criteria(diploma, *codes_and_ranks):
    return [
        Criterion.objects.get(competency__diploma=diploma, competency__code=code, position=rank)
        for code, rank in codes_and_ranks
    ]


class TestCreate:
    def test_a_teacher_writes_a_scenario_of_the_current_year(
        self, establishment, teacher, colleague, diplomas
    ):
        scenario = scenario_create(
            establishment=establishment,
            author=teacher,
            title="  Mise en service   d'un tableau ",
            diploma=diplomas["BP-MELEC"],
            class_level=ClassLevel.PREMIERE,
            co_intervention=True,
            co_authors=[colleague],
            context={"description": "Le client\r\nveut un devis.", "liens": "  "},
        )
        assert scenario.title == "Mise en service d'un tableau"
        assert scenario.school_year == current_year()
        assert list(scenario.co_authors.all()) == [colleague]
        assert scenario.context == {"description": "Le client\nveut un devis."}

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"title": " "}, "title", "Saisissez le titre du scénario."),
            ({"title": "x" * 201}, "title", "au plus 200"),
            ({"class_level": ClassLevel.CAP1}, "class_level", "Seconde, Première ou Terminale"),
            ({"diploma": None}, "diploma", "Choisissez le diplôme préparé."),
        ],
    )
    def test_refusals(self, establishment, teacher, diplomas, fields, field, message):
        data = {
            "title": "Titre",
            "diploma": diplomas["BP-MELEC"],
            "class_level": ClassLevel.SECONDE,
            **fields,
        }
        with pytest.raises(ValidationError) as refused:
            scenario_create(establishment=establishment, author=teacher, **data)
        assert message in " ".join(refused.value.message_dict[field])
        assert not Scenario.objects.exists()

    def test_a_cap_in_a_cap_year(self, establishment, teacher, diplomas):
        with pytest.raises(ValidationError, match="est un CAP"):
            scenario_create(
                establishment=establishment,
                author=teacher,
                title="T",
                diploma=diplomas["CAP-ELEC"],
                class_level=ClassLevel.TERMINALE,
            )

    def test_co_authors_are_teachers_of_the_establishment(
        self, establishment, teacher, teacher_b, users, diplomas
    ):
        for intruder in (teacher_b, users["chef"], UserFactory(establishment=establishment,
                                                                is_active=False)):  # fmt: skip
            with pytest.raises(ValidationError) as refused:
                scenario_create(
                    establishment=establishment,
                    author=teacher,
                    title="T",
                    diploma=diplomas["BP-MELEC"],
                    class_level=ClassLevel.SECONDE,
                    co_authors=[intruder],
                )
            assert "co_authors" in refused.value.message_dict
        assert not Scenario.objects.exists()

    def test_only_a_teacher_of_the_establishment_is_an_author(
        self, establishment, users, teacher_b, diplomas
    ):
        for author in (users["chef"], users["administrateur"], teacher_b):
            with pytest.raises(ValidationError, match="Seul un enseignant"):
                scenario_create(
                    establishment=establishment,
                    author=author,
                    title="T",
                    diploma=diplomas["BP-MELEC"],
                    class_level=ClassLevel.SECONDE,
                )


class TestTitle:
    def update(self, scenario, actor, **changes):
        data = {
            "title": scenario.title,
            "diploma": scenario.diploma,
            "class_level": scenario.class_level,
            "co_intervention": scenario.co_intervention,
            "co_authors": list(scenario.co_authors.all()),
            **changes,
        }
        return scenario_update_title(scenario=scenario, actor=actor, **data)

    def test_co_authors_changed_is_audited(self, scenario, teacher, colleague):
        assert self.update(scenario, teacher, co_authors=[colleague]) == ["les co-auteurs"]
        event = AuditEvent.objects.get(action=AuditAction.SCENARIO_COAUTHORS)
        assert event.subject == "Tableau de chantier"
        assert event.changes == {"Enseignants co-auteurs": ["", colleague.display_name]}
        assert self.update(scenario, teacher, co_authors=[colleague]) == []

    def test_a_new_diploma_empties_the_links(self, scenario, teacher, diplomas):
        melec = diplomas["BP-MELEC"]
        scenario_update_links(scenario=scenario, actor=teacher, criteria=criteria(melec, ("C1", 1)))
        changed = self.update(
            scenario, teacher, diploma=diplomas["CAP-ELEC"], class_level=ClassLevel.CAP1
        )
        assert changed == ["le diplôme", "le niveau de classe"]
        assert not scenario.criteria.exists()

    def test_the_diploma_stays_once_an_evaluation_stands_on_the_scenario(
        self, scenario, teacher, diplomas
    ):
        EvaluationFactory(scenario=scenario)
        with pytest.raises(ValidationError, match="Des évaluations portent déjà"):
            self.update(scenario, teacher, diploma=diplomas["CAP-ELEC"], class_level="cap1")
        scenario.refresh_from_db()
        assert scenario.diploma.code == "BP-MELEC"


class TestContext:
    def test_cleaned_and_saved(self, scenario, teacher):
        changed = scenario_update_context(
            scenario=scenario,
            actor=teacher,
            context={"description": "<b>Gras</b>\n\n- a\n- b", "materiels": "", "autre": "x"},
        )
        scenario.refresh_from_db()
        assert changed and scenario.context == {"description": "<b>Gras</b>\n\n- a\n- b"}

    def test_too_long_is_refused_with_the_establishments_label(
        self, scenario, teacher, establishment, diplomas
    ):
        EntryMaskLabel.objects.create(
            establishment=establishment,
            diploma=diplomas["BP-MELEC"],
            field=ContextField.EQUIPMENT,
            label="Outillage du plateau",
        )
        with pytest.raises(ValidationError) as refused:
            scenario_update_context(
                scenario=scenario, actor=teacher, context={"materiels": "x" * 10_001}
            )
        assert (
            "« Outillage du plateau » compte 10001 caractères"
            in refused.value.message_dict["materiels"][0]
        )
        scenario.refresh_from_db()
        assert scenario.context == {}


class TestLinks:
    def test_link_criteria_alone_and_read_them_for_a_grid(self, scenario, teacher, diplomas):
        melec = diplomas["BP-MELEC"]
        c4 = Competency.objects.get(diploma=melec, code="C4")
        scenario_update_links(
            scenario=scenario,
            actor=teacher,
            tasks=Task.objects.filter(activity__diploma=melec, code="T1-1"),
            competencies=[c4],
        )
        scenario_update_links(
            scenario=scenario, actor=teacher, criteria=criteria(melec, ("C2", 3), ("C2", 1))
        )
        assert scenario.tasks.count() == 1 and scenario.competencies.count() == 1
        targets = scenario_targets(scenario=scenario)
        assert [t.code for t in targets] == ["C2.1", "C2.3", "C4"]
        links = scenario_links(scenario=scenario)
        c2 = links.competencies[0]
        total = Criterion.objects.filter(competency__diploma=melec, competency__code="C2").count()
        assert (c2.competency.code, c2.count, c2.criteria_total, c2.whole) == (
            "C2",
            2,
            total,
            False,
        )
        assert links.competencies[1].whole

    def test_an_element_of_another_diploma_is_refused(self, scenario, teacher, diplomas):
        cap = Criterion.objects.filter(competency__diploma=diplomas["CAP-ELEC"])[:1]
        with pytest.raises(ValidationError, match="n'appartient pas au référentiel"):
            scenario_update_links(scenario=scenario, actor=teacher, criteria=cap)
        assert not scenario.criteria.exists()


class TestResources:
    def test_attached_under_random_names_and_checked_by_content(self, scenario, teacher):
        created = scenario_resources_add(
            scenario=scenario,
            actor=teacher,
            uploads=[("../../fiche élève.PDF", corpus.real_pdf()), ("photo.pdf", corpus.png())],
        )
        assert [(r.name, r.kind) for r in created] == [
            ("fiche élève.pdf", ResourceKind.PDF),
            ("photo.png", ResourceKind.IMAGE),
        ]
        assert all(r.storage_name.startswith("scenarios/") for r in created)
        assert "élève" not in "".join(stored_files())
        assert len(stored_files()) == 2

    def test_one_refused_file_and_nothing_is_stored(self, scenario, teacher):
        with pytest.raises(ValidationError) as refused:
            scenario_resources_add(
                scenario=scenario,
                actor=teacher,
                uploads=[("bon.pdf", corpus.real_pdf()), ("macro.docx", corpus.docm())],
            )
        assert refused.value.messages == [
            "« macro.docx » : le document contient des macros ou des contrôles actifs : il est "
            "refusé. Enregistrez-le sans macros (format .docx, .xlsx ou .odt) puis réessayez."
        ]
        assert stored_files() == [] and not ScenarioResource.objects.exists()

    def test_at_most_50_mb_per_scenario(self, scenario, teacher):
        ScenarioResource.objects.create(
            establishment=scenario.establishment, scenario=scenario, name="gros.pdf",
            storage_name="scenarios/x.pdf", kind="pdf", content_type="application/pdf",
            size=50 * 1024 * 1024 - 10, sha256="0" * 64,
        )  # fmt: skip
        with pytest.raises(ValidationError, match="pèsent au plus 50 Mo ensemble"):
            scenario_resources_add(
                scenario=scenario, actor=teacher, uploads=[("b.png", corpus.png())]
            )
        assert stored_files() == []

    def test_at_most_so_many_files(self, scenario, teacher):
        scenario_resources_add(
            scenario=scenario, actor=teacher, uploads=[("a.png", corpus.png())] * MAX_RESOURCES
        )
        with pytest.raises(ValidationError, match=f"au plus {MAX_RESOURCES} ressources"):
            scenario_resources_add(
                scenario=scenario, actor=teacher, uploads=[("b.png", corpus.png())]
            )

    def test_deleting_one_deletes_its_file_once_committed(
        self, scenario, teacher, django_capture_on_commit_callbacks
    ):
        (resource,) = scenario_resources_add(
            scenario=scenario, actor=teacher, uploads=[("a.odt", corpus.odt())]
        )
        with django_capture_on_commit_callbacks(execute=True):
            scenario_resource_delete(resource=resource, actor=teacher)
        assert stored_files() == []
        event = AuditEvent.objects.get(action=AuditAction.RESOURCE_DELETED)
        assert event.changes == {"Ressource": ["a.odt", ""]}


class TestDuplicate:
    def test_a_copy_of_last_years_scenario_is_the_duplicators_own(
        self, establishment, teacher, colleague, diplomas
    ):
        source = ScenarioFactory(
            establishment=establishment,
            author=teacher,
            co_authors=[colleague],
            last_year=True,
            title="Éclairage du hall",
            context={"description": "Texte"},
        )
        scenario_update_links(
            scenario=source, actor=teacher, criteria=criteria(diplomas["BP-MELEC"], ("C3", 2))
        )
        (original,) = scenario_resources_add(
            scenario=source, actor=teacher, uploads=[("plan.png", corpus.png())]
        )
        copy = scenario_duplicate(scenario=source, actor=colleague)
        assert (copy.author, copy.school_year, copy.title) == (colleague, current_year(),
                                                               "Éclairage du hall")  # fmt: skip
        assert copy.duplicated_from == source and not copy.co_authors.exists()
        assert copy.context == {"description": "Texte"}
        assert [c.pk for c in copy.criteria.all()] == [c.pk for c in source.criteria.all()]
        (resource,) = copy.resources.all()
        assert resource.storage_name != original.storage_name
        assert resource.sha256 == original.sha256
        with (
            default_storage.open(resource.storage_name, "rb") as copied,
            default_storage.open(original.storage_name, "rb") as stored,
        ):
            assert copied.read() == stored.read()

    def test_a_copy_within_the_year_says_so(self, scenario, colleague):
        assert scenario_duplicate(scenario=scenario, actor=colleague).title == (
            "Tableau de chantier (copie)"
        )

    def test_only_a_teacher_duplicates(self, scenario, users, teacher_b):
        for actor in (users["chef"], teacher_b):
            with pytest.raises(ValidationError):
                scenario_duplicate(scenario=scenario, actor=actor)


class TestDelete:
    def test_the_author_deletes_and_it_is_audited(
        self, scenario, teacher, django_capture_on_commit_callbacks
    ):
        scenario_resources_add(scenario=scenario, actor=teacher, uploads=[("a.png", corpus.png())])
        with django_capture_on_commit_callbacks(execute=True):
            scenario_delete(scenario=scenario, actor=teacher)
        assert not Scenario.objects.exists() and stored_files() == []
        event = AuditEvent.objects.get(action=AuditAction.SCENARIO_DELETED)
        assert event.subject == "Tableau de chantier"
        assert event.changes == {"Ressources jointes": ["1", ""]}

    def test_a_co_author_does_not(self, scenario, colleague):
        scenario.co_authors.add(colleague)
        with pytest.raises(ValidationError, match="Seul l'auteur"):
            scenario_delete(scenario=scenario, actor=colleague)
        assert Scenario.objects.exists()

    def test_not_once_evaluated(self, scenario, teacher):
        EvaluationFactory(scenario=scenario)
        with pytest.raises(ValidationError, match="Des évaluations portent sur ce scénario"):
            scenario_delete(scenario=scenario, actor=teacher)
        assert Scenario.objects.exists()
