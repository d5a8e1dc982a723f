"""Learners « hors SIECLE »: file import (preview → apply → re-apply), manual creation and
editing of learners and divisions, and their pages for every profile."""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carnet.accounts.tests.factories import UserFactory
from carnet.audit.diff import PERSONAL_VALUE
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.tests.html import soup, text
from carnet.directory.enums import OutsideStatus, PupilSource, PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil
from carnet.directory.school_years import school_year_start
from carnet.directory.selectors import first_import_done
from carnet.directory.tests.factories import (
    DivisionFactory,
    PupilFactory,
    SchoolYearFactory,
    valid_ine,
)
from carnet.imports.enums import BatchKind, BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.outside import (
    outside_division_create,
    outside_division_update,
    outside_import_apply,
    outside_import_preview,
    outside_learner_create,
    outside_learner_update,
)
from carnet.imports.parsers.files import RawFile
from carnet.imports.parsers.learners import parse_learners
from carnet.imports.services import siecle_import_run
from carnet.imports.tests import generator as gen

OUTSIDE = PupilSource.OUTSIDE_SIECLE
HEADER = "Nom;Prénom;Date de naissance;INE;Division;Statut"
INE_1, INE_2, INE_3 = valid_ine(101), valid_ine(102), valid_ine(103)
ROWS = [
    f"MARTIN;Léa;17/05/2007;{INE_1};CAP1-APP;apprentie",
    "ŒUVRAY;Cœlia;03/02/1990;;ADULTES;adulte",
    f"DURAND;Hugo;02/03/2006;{INE_2};CAP1-APP;apprenti",
]


def table(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def year() -> int:
    return school_year_start(timezone.localdate())


def preview(establishment, content: bytes, actor=None, name="apprentis.csv") -> ImportBatch:
    return outside_import_preview(
        establishment=establishment, upload=RawFile(name, content), actor=actor
    )


def import_file(establishment, content: bytes, actor=None) -> ImportBatch:
    batch = preview(establishment, content, actor)
    assert batch.status == BatchStatus.PREVIEW, batch.problems
    return outside_import_apply(batch=batch, actor=actor)


def learners(establishment):
    return Pupil.objects.of(establishment).filter(source=OUTSIDE)


def data_writes(queries) -> list[str]:
    """SQL that changed establishment data (not the import's own history row)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
        and "imports_importbatch" not in q["sql"]
    ]


def current_division(establishment, code: str, **kwargs) -> Division:
    return DivisionFactory(
        establishment=establishment,
        school_year=SchoolYearFactory(start_year=year()),
        code=code,
        **kwargs,
    )


# --- Import ---------------------------------------------------------------------------------


@pytest.mark.django_db
class TestImportPreviewApply:
    def test_preview_changes_nothing_then_apply_creates_everything(self, establishment, users):
        admin = users["administrateur"]
        batch = preview(establishment, table(*ROWS), admin)
        assert batch.kind == BatchKind.OUTSIDE_SIECLE
        assert batch.status == BatchStatus.PREVIEW
        assert batch.counts["pupils"] == {"created": 3, "updated": 0, "unchanged": 0, "left": 0}
        assert batch.counts["divisions"] == {"created": 2, "unchanged": 0}
        assert [(c["kind"], c["action"], c["label"]) for c in batch.changes] == [
            ("Division", "créée", "CAP1-APP"),
            ("Division", "créée", "ADULTES"),
            ("Apprenant", "créé", "MARTIN Léa"),
            ("Apprenant", "créé", "ŒUVRAY Cœlia"),
            ("Apprenant", "créé", "DURAND Hugo"),
        ]
        assert batch.files[0]["sha256"] == RawFile("a", table(*ROWS)).sha256
        assert batch.payload["digest"]
        assert not Pupil.objects.exists() and not Division.objects.exists()

        outside_import_apply(batch=batch, actor=admin)
        batch.refresh_from_db()
        assert batch.status == BatchStatus.APPLIED and batch.payload == {}
        rows = {
            p.last_name: (p.first_name, p.birth_date, p.ine, p.division.code, p.outside_status)
            for p in learners(establishment).select_related("division")
        }
        assert rows == {
            "MARTIN": ("Léa", datetime.date(2007, 5, 17), INE_1, "CAP1-APP", "apprenti"),
            "ŒUVRAY": ("Cœlia", datetime.date(1990, 2, 3), None, "ADULTES", "adulte"),
            "DURAND": ("Hugo", datetime.date(2006, 3, 2), INE_2, "CAP1-APP", "apprenti"),
        }
        divisions = Division.objects.of(establishment)
        assert {(d.code, d.source, d.kind, d.school_year.start_year) for d in divisions} == {
            ("CAP1-APP", OUTSIDE, StructureKind.DIVISION, year()),
            ("ADULTES", OUTSIDE, StructureKind.DIVISION, year()),
        }
        event = AuditEvent.objects.of(establishment).get(action=AuditAction.IMPORT_APPLIED)
        assert event.subject == "apprentis.csv"
        assert "MARTIN" not in json.dumps(event.changes)

    def test_same_file_again_is_all_unchanged_and_writes_nothing(self, establishment, users):
        import_file(establishment, table(*ROWS), users["administrateur"])
        batch = preview(establishment, table(*reversed(ROWS)), users["administrateur"])
        assert batch.counts["pupils"] == {"created": 0, "updated": 0, "unchanged": 3, "left": 0}
        assert batch.counts["divisions"] == {"created": 0, "unchanged": 2}
        assert batch.changes == []
        events = AuditEvent.objects.count()
        with CaptureQueriesContext(connection) as queries:
            outside_import_apply(batch=batch, actor=users["administrateur"])
        assert data_writes(queries) == []
        assert AuditEvent.objects.count() == events
        assert learners(establishment).count() == 3

    def test_key_is_the_ine_then_names_and_birth_date_whatever_case_and_accents(
        self, establishment
    ):
        import_file(establishment, table(*ROWS))
        martin, oeuvray = learners(establishment).filter(last_name__in=["MARTIN", "ŒUVRAY"])
        rows = [
            # Same INE: the learner, whose names were misspelt, is updated.
            f"MARTINE;Lea;17/05/2007;{INE_1};CAP2-APP;apprenti",
            # No INE before: found by names and birth date, case and accents ignored.
            f"Oeuvray;COELIA;03/02/1990;{INE_3};ADULTES;autre",
        ]
        batch = preview(establishment, table(*rows))
        assert batch.counts["pupils"] == {"created": 0, "updated": 2, "unchanged": 0, "left": 0}
        details = {c["label"]: c["details"] for c in batch.changes if c["kind"] == "Apprenant"}
        assert details["MARTINE Lea"] == [
            "nom : MARTIN → MARTINE",
            "prénom : Léa → Lea",
            "division : CAP1-APP → CAP2-APP",
        ]
        assert details["Oeuvray COELIA"] == [
            "nom : ŒUVRAY → Oeuvray",
            "prénom : Cœlia → COELIA",
            f"INE : (vide) → {INE_3}",
            "statut : Adulte → Autre",
        ]
        outside_import_apply(batch=batch, actor=None)
        martin.refresh_from_db()
        oeuvray.refresh_from_db()
        assert (martin.last_name, martin.division.code) == ("MARTINE", "CAP2-APP")
        assert (oeuvray.ine, oeuvray.outside_status) == (INE_3, OutsideStatus.OTHER)
        assert learners(establishment).count() == 3  # DURAND, absent from the file, is kept
        assert learners(establishment).get(last_name="DURAND").status == PupilStatus.ACTIVE

    def test_siecle_pupils_are_never_matched(self, establishment):
        siecle = PupilFactory(
            establishment=establishment, last_name="MARTIN", first_name="Léa", ine=None
        )
        siecle.birth_date = datetime.date(2007, 5, 17)
        siecle.save()
        batch = import_file(establishment, table("MARTIN;Léa;17/05/2007;;CAP1-APP;apprenti"))
        assert batch.counts["pupils"]["created"] == 1
        assert Pupil.objects.of(establishment).filter(last_name="MARTIN").count() == 2

    def test_ine_of_a_siecle_pupil_refuses_the_file(self, establishment):
        PupilFactory(establishment=establishment, last_name="BLANC", first_name="Noé", ine=INE_2)
        batch = preview(establishment, table(*ROWS))
        assert batch.status == BatchStatus.REFUSED
        assert [p["message"] for p in batch.errors] == [
            f"Ligne 4 (DURAND Hugo) : l'INE {INE_2} est déjà celui de l'élève BLANC Noé "
            "(SIECLE) de l'établissement. Vérifiez-le : un INE est propre à un apprenant."
        ]
        assert batch.payload == {} and batch.changes == []
        assert not learners(establishment).exists()

    def test_learners_join_an_existing_division_even_from_siecle(self, establishment):
        mixed = current_division(establishment, "CAP1-APP", source=PupilSource.SIECLE)
        batch = import_file(establishment, table(ROWS[0].replace("CAP1-APP", "cap1-app")))
        assert batch.counts["divisions"] == {"created": 0, "unchanged": 1}
        assert learners(establishment).get().division == mixed

    def test_a_group_is_not_a_division(self, establishment):
        current_division(establishment, "CAP1-APP", kind=StructureKind.GROUP)
        batch = preview(establishment, table(ROWS[0]))
        assert batch.status == BatchStatus.REFUSED
        assert "« CAP1-APP » est un groupe" in batch.errors[0]["message"]

    def test_a_left_learner_in_the_file_comes_back(self, establishment):
        import_file(establishment, table(ROWS[0]))
        learner = learners(establishment).get()
        account = UserFactory(learner=True, establishment=establishment, is_active=False)
        Pupil.objects.filter(pk=learner.pk).update(
            status=PupilStatus.LEFT, left_on=datetime.date(2026, 10, 1), user=account
        )
        batch = import_file(establishment, table(ROWS[0]))
        assert [c["action"] for c in batch.changes] == ["réactivé"]
        learner.refresh_from_db()
        account.refresh_from_db()
        assert (learner.status, learner.left_on, account.is_active) == (
            PupilStatus.ACTIVE,
            None,
            True,
        )

    def test_a_file_with_errors_is_refused_whole(self, establishment):
        batch = preview(establishment, table(ROWS[0], "DURAND;Hugo;31/02/2006;;CAP1-APP;apprenti"))
        assert batch.status == BatchStatus.REFUSED
        assert batch.errors[0]["message"].startswith("Ligne 3 (DURAND Hugo) : date de naissance")
        with pytest.raises(ValidationError):
            outside_import_apply(batch=batch, actor=None)
        assert not Pupil.objects.exists() and not Division.objects.exists()

    def test_query_count_does_not_grow_with_the_file(self, establishment):
        def counted(n: int) -> tuple[int, int]:
            rows = [f"NOM{i};Léa;17/05/2007;;DIV{i % 4};apprenti" for i in range(n)]
            with CaptureQueriesContext(connection) as previewing:
                batch = preview(establishment, table(*rows))
            with CaptureQueriesContext(connection) as applying:
                outside_import_apply(batch=batch, actor=None)
            Pupil.objects.all().delete()
            Division.objects.all().delete()
            return len(previewing), len(applying)

        previewing_few, applying_few = counted(10)
        previewing_many, applying_many = counted(400)
        assert previewing_many == previewing_few
        # Bulk writes: a few more batches on SQLite (999 parameters a query), never one a row.
        assert applying_many <= applying_few + 10


@pytest.mark.django_db
class TestApplyRefusals:
    def test_data_changed_since_the_preview(self, establishment, users):
        batch = preview(establishment, table(*ROWS))
        division = current_division(establishment, "ADULTES", source=OUTSIDE)
        outside_learner_create(
            establishment=establishment,
            data={
                "last_name": "DURAND",
                "first_name": "Hugo",
                "birth_date": datetime.date(2006, 3, 2),
                "ine": INE_2,
                "division": division,
                "outside_status": "apprenti",
            },
            actor=users["administrateur"],
        )
        before = sorted(Pupil.objects.values_list("pk", "last_name", "division_id"))
        with pytest.raises(ValidationError) as refused:
            outside_import_apply(batch=batch, actor=users["administrateur"])
        assert refused.value.messages == [
            "Les données de l'établissement ont changé depuis cet aperçu (un autre import ou "
            "une modification a eu lieu entre-temps) : déposez de nouveau le fichier pour "
            "obtenir un aperçu à jour."
        ]
        assert sorted(Pupil.objects.values_list("pk", "last_name", "division_id")) == before
        batch.refresh_from_db()
        assert batch.status == BatchStatus.PREVIEW

    def test_applied_or_cancelled_batch_is_not_applied_again(self, establishment):
        batch = import_file(establishment, table(*ROWS))
        with pytest.raises(ValidationError, match="déjà été appliqué ou abandonné"):
            outside_import_apply(batch=batch, actor=None)

    def test_a_siecle_batch_is_not_applied_here(self, establishment):
        batch = preview(establishment, table(*ROWS))
        ImportBatch.objects.filter(pk=batch.pk).update(kind=BatchKind.SIECLE)
        with pytest.raises(ValidationError):
            outside_import_apply(batch=batch, actor=None)
        assert not Pupil.objects.exists()


@pytest.mark.django_db
class TestSiecleImportAfterwards:
    def test_siecle_imports_never_mark_them_left(self, establishment, diplomas):
        import_file(establishment, table(*ROWS))
        national = gen.establishment(uai=establishment.uai, year=year(), pupils=30)

        def run(e):
            files = [RawFile(name, content) for name, content in gen.all_files(e).items()]
            status, counts, problems = siecle_import_run(establishment=establishment, uploads=files)
            assert status == "applied", problems
            return counts

        assert run(national)["pupils"]["created"] == 30
        national.pupils = national.pupils[:20]  # ten pupils left the lycée
        assert run(national)["pupils"]["left"] == 10
        assert learners(establishment).count() == 3
        assert set(learners(establishment).values_list("status", flat=True)) == {PupilStatus.ACTIVE}
        assert Pupil.objects.of(establishment).filter(status=PupilStatus.LEFT).count() == 10
        # And the hors-SIECLE file still finds its learners.
        assert preview(establishment, table(*ROWS)).counts["pupils"]["unchanged"] == 3

    def test_a_hors_siecle_import_counts_as_a_first_import(self, establishment):
        assert not first_import_done(establishment=establishment)
        import_file(establishment, table(ROWS[0]))
        assert first_import_done(establishment=establishment)


# --- Manual creation and editing ------------------------------------------------------------


@pytest.fixture
def division_a(establishment):
    return current_division(establishment, "CAP1-APP", source=OUTSIDE)


def learner_data(division, **overrides) -> dict:
    return {
        "last_name": "MARTIN",
        "first_name": "Léa",
        "birth_date": datetime.date(2007, 5, 17),
        "ine": "",
        "division": division,
        "outside_status": "apprenti",
        **overrides,
    }


@pytest.mark.django_db
class TestManualLearner:
    def test_create_is_audited_without_the_name(self, establishment, users, division_a):
        learner = outside_learner_create(
            establishment=establishment,
            data=learner_data(division_a, ine=INE_1.lower(), last_name="  MARTIN  "),
            actor=users["administrateur"],
        )
        assert (learner.source, learner.status, learner.outside_status) == (
            OUTSIDE,
            PupilStatus.ACTIVE,
            "apprenti",
        )
        assert (learner.last_name, learner.ine, learner.division) == ("MARTIN", INE_1, division_a)
        event = AuditEvent.objects.get(action=AuditAction.LEARNER_CREATED)
        assert event.subject == f"apprenant n° {learner.pk}"
        assert event.changes["Division"] == ["", "CAP1-APP"]
        assert event.changes["Statut"] == ["", "Apprenti"]
        assert event.changes["INE"] == ["", PERSONAL_VALUE]
        assert "MARTIN" not in json.dumps(event.changes) and INE_1 not in json.dumps(event.changes)

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"last_name": " "}, "last_name", "Le nom est obligatoire."),
            ({"first_name": "x" * 101}, "first_name", "Le prénom compte 100 caractères au plus."),
            ({"birth_date": None}, "birth_date", "La date de naissance est obligatoire"),
            ({"birth_date": datetime.date(2099, 1, 1)}, "birth_date", "est impossible"),
            ({"ine": "123"}, "ine", "L'INE 123 n'est pas valide"),
            ({"outside_status": "eleve"}, "outside_status", "Choisissez le statut"),
            ({"division": None}, "division", "Choisissez la division"),
        ],
    )
    def test_bad_input_changes_nothing(
        self, establishment, users, division_a, overrides, field, message
    ):
        with pytest.raises(ValidationError) as refused:
            outside_learner_create(
                establishment=establishment,
                data={**learner_data(division_a), **overrides},
                actor=users["administrateur"],
            )
        assert message in refused.value.message_dict[field][0]
        assert not Pupil.objects.exists() and not AuditEvent.objects.exists()

    def test_ine_taken_division_of_another_establishment_and_duplicates(
        self, establishment, other_establishment, users, division_a
    ):
        PupilFactory(establishment=establishment, last_name="BLANC", first_name="Noé", ine=INE_2)
        admin = users["administrateur"]
        with pytest.raises(ValidationError) as refused:
            outside_learner_create(
                establishment=establishment, data=learner_data(division_a, ine=INE_2), actor=admin
            )
        assert refused.value.message_dict["ine"] == [
            f"L'INE {INE_2} est déjà celui de BLANC Noé (SIECLE) : un INE est propre à un "
            "apprenant."
        ]
        elsewhere = DivisionFactory(establishment=other_establishment)
        with pytest.raises(ValidationError) as refused:
            outside_learner_create(
                establishment=establishment, data=learner_data(elsewhere), actor=admin
            )
        assert "division" in refused.value.message_dict
        outside_learner_create(
            establishment=establishment, data=learner_data(division_a), actor=admin
        )
        with pytest.raises(ValidationError) as refused:
            outside_learner_create(
                establishment=establishment,
                data=learner_data(division_a, last_name="Martin", first_name="LEA"),
                actor=admin,
            )
        assert "existe déjà" in refused.value.message_dict["last_name"][0]
        assert learners(establishment).count() == 1

    def test_update_leaving_disables_the_account(self, establishment, users, division_a):
        admin = users["administrateur"]
        learner = outside_learner_create(
            establishment=establishment, data=learner_data(division_a), actor=admin
        )
        account = UserFactory(learner=True, establishment=establishment)
        Pupil.objects.filter(pk=learner.pk).update(user=account)
        other = current_division(establishment, "CAP2-APP", source=OUTSIDE)
        changes = outside_learner_update(
            learner=learner,
            data=learner_data(other, first_name="Léana", status=PupilStatus.LEFT),
            actor=admin,
        )
        assert changes == {
            "Prénom": [PERSONAL_VALUE, PERSONAL_VALUE],
            "Division": ["CAP1-APP", "CAP2-APP"],
            "Situation": ["Actif", "Sorti"],
            "Date de sortie": ["", timezone.localdate().strftime("%d/%m/%Y")],
        }
        learner.refresh_from_db()
        account.refresh_from_db()
        assert (learner.first_name, learner.status, account.is_active) == (
            "Léana",
            PupilStatus.LEFT,
            False,
        )
        event = AuditEvent.objects.get(action=AuditAction.LEARNER_UPDATED)
        assert "Léana" not in json.dumps(event.changes)
        # Nothing changed: nothing audited.
        data = learner_data(other, first_name="Léana", status=PupilStatus.LEFT)
        assert outside_learner_update(learner=learner, data=data, actor=admin) == {}
        assert AuditEvent.objects.filter(action=AuditAction.LEARNER_UPDATED).count() == 1

    def test_update_refuses_bad_input_and_siecle_pupils(self, establishment, users, division_a):
        admin = users["administrateur"]
        learner = outside_learner_create(
            establishment=establishment, data=learner_data(division_a), actor=admin
        )
        with pytest.raises(ValidationError):
            outside_learner_update(
                learner=learner, data=learner_data(division_a, last_name=""), actor=admin
            )
        learner.refresh_from_db()
        assert learner.last_name == "MARTIN"
        siecle = PupilFactory(establishment=establishment)
        with pytest.raises(ValidationError, match="Seuls les apprenants hors SIECLE"):
            outside_learner_update(learner=siecle, data=learner_data(division_a), actor=admin)


@pytest.mark.django_db
class TestManualDivision:
    def test_create_and_update(self, establishment, users, diplomas):
        admin = users["administrateur"]
        cap = diplomas["CAP-ELEC"] if "CAP-ELEC" in diplomas else next(iter(diplomas.values()))
        division = outside_division_create(
            establishment=establishment,
            data={"code": " CAP1-APP ", "label": "CAP électricien, apprentis", "diploma": cap},
            actor=admin,
        )
        assert (division.code, division.source, division.kind, division.diploma) == (
            "CAP1-APP",
            OUTSIDE,
            StructureKind.DIVISION,
            cap,
        )
        assert division.school_year.start_year == year()
        event = AuditEvent.objects.get(action=AuditAction.DIVISION_CREATED)
        assert event.changes["Diplôme"] == ["", cap.title]
        changes = outside_division_update(
            division=division,
            data={"code": "CAP1-A", "label": "CAP électricien, apprentis", "diploma": None},
            actor=admin,
        )
        assert changes == {"Code": ["CAP1-APP", "CAP1-A"], "Diplôme": [cap.title, ""]}
        division.refresh_from_db()
        assert (division.code, division.diploma) == ("CAP1-A", None)
        assert AuditEvent.objects.filter(action=AuditAction.DIVISION_UPDATED).count() == 1

    def test_refusals_change_nothing(self, establishment, users):
        admin = users["administrateur"]
        current_division(establishment, "1MELEC", source=PupilSource.SIECLE)
        for data, message in [
            ({"code": "", "label": "", "diploma": None}, "Le code de la division est obligatoire"),
            ({"code": "1melec", "label": "", "diploma": None}, "« 1MELEC » existe déjà"),
            ({"code": "A/B", "label": "", "diploma": None}, "barre oblique"),
        ]:
            with pytest.raises(ValidationError) as refused:
                outside_division_create(establishment=establishment, data=data, actor=admin)
            assert message in refused.value.message_dict["code"][0]
        assert Division.objects.count() == 1
        assert not AuditEvent.objects.exists()
        siecle = Division.objects.get()
        with pytest.raises(ValidationError, match="elle se met à jour par l'import"):
            outside_division_update(
                division=siecle, data={"code": "X", "label": "", "diploma": None}, actor=admin
            )
        siecle.refresh_from_db()
        assert siecle.code == "1MELEC"


# --- Pages ----------------------------------------------------------------------------------

REFUSED = ["chef", "enseignant", "apprenant", "inspecteur", "operateur"]


@pytest.fixture
def objects_of_a(establishment, users):
    """A hors-SIECLE learner, division and preview of establishment A."""
    division = current_division(establishment, "ZORGDIV", source=OUTSIDE)
    learner = PupilFactory(
        establishment=establishment,
        division=division,
        source=OUTSIDE,
        last_name="ZORGLUB",
        ine=None,
        outside_status="apprenti",
    )
    batch = preview(establishment, table(*ROWS), users["administrateur"])
    return {"division": division, "learner": learner, "batch": batch}


def page_urls(objects) -> dict[str, str]:
    return {
        "outside_list": reverse("imports:outside_list"),
        "outside_upload": reverse("imports:outside_upload"),
        "outside_template_csv": reverse("imports:outside_template_csv"),
        "outside_template_xlsx": reverse("imports:outside_template_xlsx"),
        "outside_learner_create": reverse("imports:outside_learner_create"),
        "outside_division_create": reverse("imports:outside_division_create"),
        "outside_learner_edit": reverse(
            "imports:outside_learner_edit", args=[objects["learner"].pk]
        ),
        "outside_division_edit": reverse(
            "imports:outside_division_edit", args=[objects["division"].pk]
        ),
        "outside_batch": reverse("imports:outside_batch", args=[objects["batch"].token]),
    }


@pytest.mark.django_db
class TestAccess:
    # Who may open each page: carnet/web/tests/test_access_matrix.py.
    def test_posts_refused_to_other_profiles_and_establishments(
        self, users, client_of, objects_of_a
    ):
        token = objects_of_a["batch"].token
        urls = page_urls(objects_of_a)
        posts = [
            reverse("imports:outside_confirm", args=[token]),
            reverse("imports:outside_cancel", args=[token]),
            urls["outside_upload"],
            urls["outside_learner_create"],
            urls["outside_learner_edit"],
            urls["outside_division_create"],
            urls["outside_division_edit"],
        ]
        for url in posts:
            for profile in REFUSED:
                assert client_of(users[profile]).post(url, {}).status_code == 403, (url, profile)
        for url in (*posts[:2], urls["outside_learner_edit"], urls["outside_division_edit"]):
            assert client_of(users["admin_autre"]).post(url, {}).status_code == 404, url
        assert ImportBatch.objects.get(token=token).status == BatchStatus.PREVIEW
        assert (
            not learners(objects_of_a["learner"].establishment).filter(last_name="MARTIN").exists()
        )

    def test_siecle_objects_are_not_edited_here(self, admin_client_a, establishment):
        pupil = PupilFactory(establishment=establishment)
        url = reverse("imports:outside_learner_edit", args=[pupil.pk])
        assert admin_client_a.get(url).status_code == 404
        url = reverse("imports:outside_division_edit", args=[pupil.division.pk])
        assert admin_client_a.get(url).status_code == 404

    def test_the_menu_entry_leads_to_the_list(self, admin_client_a):
        nav = soup(admin_client_a.get(reverse("web:home"))).find(
            "nav", attrs={"aria-label": "Menu principal"}
        )
        link = nav.find("a", string="Apprenants hors SIECLE")
        assert link["href"] == reverse("imports:outside_list")


@pytest.mark.django_db
class TestListPage:
    def test_learners_with_their_division_paginated_and_divisions(
        self, admin_client_a, establishment, other_establishment
    ):
        division = current_division(establishment, "CAP1-APP", source=OUTSIDE)
        for n in range(30):
            PupilFactory(
                establishment=establishment,
                division=division,
                source=OUTSIDE,
                last_name=f"APPRENTI{n:02d}",
                outside_status="adulte",
            )
        PupilFactory(establishment=establishment, last_name="SIECLEONLY")
        PupilFactory(establishment=other_establishment, source=OUTSIDE, last_name="AUTRELYCEE")
        url = reverse("imports:outside_list")
        page = soup(admin_client_a.get(url))
        learners_table, divisions_table = page.select("table")
        rows = learners_table.select("tbody tr")
        assert len(rows) == 25
        cells = [td.get_text(" ", strip=True) for td in rows[0].select("td")]
        assert cells[0] == "APPRENTI00" and cells[4] == "CAP1-APP" and cells[5] == "Adulte"
        assert rows[0].find("a")["href"] == reverse(
            "imports:outside_learner_edit",
            args=[Pupil.objects.get(last_name="APPRENTI00").pk],
        )
        assert learners_table.caption.get_text() == "30 apprenants hors SIECLE"
        second = soup(admin_client_a.get(url + "?page=2"))
        assert len(second.select("table")[0].select("tbody tr")) == 5
        body = text(admin_client_a.get(url))
        assert "SIECLEONLY" not in body and "AUTRELYCEE" not in body
        division_cells = [td.get_text(" ", strip=True) for td in divisions_table.select("td")]
        assert division_cells[:5] == [
            "CAP1-APP",
            division.label,
            f"{year()}-{year() + 1}",
            "diplôme non rattaché",
            "30",
        ]

    def test_query_count_is_bounded(
        self, admin_client_a, establishment, django_assert_max_num_queries
    ):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert admin_client_a.get(reverse("imports:outside_list")).status_code == 200
            return len(queries)

        division = current_division(establishment, "CAP1-APP", source=OUTSIDE)
        PupilFactory.create_batch(3, establishment=establishment, division=division, source=OUTSIDE)
        few = count()
        for n in range(5):
            other = current_division(establishment, f"D{n}", source=OUTSIDE)
            PupilFactory.create_batch(
                8, establishment=establishment, division=other, source=OUTSIDE
            )
        assert count() == few
        with django_assert_max_num_queries(10):
            admin_client_a.get(reverse("imports:outside_list"))

    def test_empty_list(self, admin_client_a):
        body = text(admin_client_a.get(reverse("imports:outside_list")))
        assert "Aucun apprenant hors SIECLE pour l'instant." in body
        assert "Aucune division hors SIECLE pour l'instant." in body

    def test_no_inline_script_or_style(self, admin_client_a, objects_of_a):
        for name, url in page_urls(objects_of_a).items():
            if name.startswith("outside_template"):
                continue
            page = soup(admin_client_a.get(url))
            assert all(script.get("src") for script in page.find_all("script")), name
            assert page.find("style") is None and page.find(attrs={"style": True}) is None, name


@pytest.mark.django_db
class TestUploadJourney:
    def post(self, client, content: bytes, name: str = "apprentis.csv"):
        file = io.BytesIO(content)
        file.name = name
        return client.post(reverse("imports:outside_upload"), {"file": file})

    def test_upload_preview_confirm_then_same_file_unchanged(self, admin_client_a, establishment):
        page = soup(admin_client_a.get(reverse("imports:outside_upload")))
        assert page.find("input", attrs={"type": "file", "name": "file"})
        assert page.find("a", href=reverse("imports:outside_template_xlsx"))
        assert page.find("a", href=reverse("imports:outside_template_csv"))

        response = self.post(admin_client_a, table(*ROWS))
        batch = ImportBatch.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("imports:outside_batch", args=[batch.token])
        preview_page = admin_client_a.get(response.url)
        page = soup(preview_page)
        assert page.h1.get_text() == "Aperçu de l'import"
        counts = {
            tr.th.get_text(): tr.td.get_text(" ", strip=True)
            for tr in page.select("table.counts tbody tr")
        }
        assert counts == {
            "Apprenants": "3 créés , 0 modifié , 0 inchangé",
            "Divisions": "2 créées , 0 existante",
        }
        changes = [
            [td.get_text(strip=True) for td in tr.select("td")]
            for tr in page.select("#changements ~ table tbody tr")
        ]
        assert ["Apprenant", "créé", "MARTIN Léa", "division CAP1-APP ; apprenti"] in changes
        buttons = [b.get_text() for b in page.select(".confirm-box button")]
        assert buttons == ["Confirmer l'import", "Abandonner"]
        assert not Pupil.objects.exists()

        confirm = page.select_one(".confirm-box form")["action"]
        response = admin_client_a.post(confirm)
        assert response.url == reverse("imports:outside_batch", args=[batch.token])
        applied = admin_client_a.get(response.url)
        assert soup(applied).h1.get_text() == "Import appliqué"
        assert "L'import des apprenants hors SIECLE a été appliqué." in text(applied)
        assert learners(establishment).count() == 3

        response = self.post(admin_client_a, table(*ROWS))
        again = admin_client_a.get(response.url)
        assert "0 créé , 0 modifié , 3 inchangés" in text(again)
        assert "Aucun changement : tous les apprenants du fichier sont déjà à jour." in text(again)

    def test_changes_are_paginated(self, admin_client_a):
        rows = [f"NOM{n:03d};Léa;17/05/2007;;CAP1-APP;apprenti" for n in range(60)]
        response = self.post(admin_client_a, table(*rows))
        first = soup(admin_client_a.get(response.url))
        assert len(first.select("#changements ~ table tbody tr")) == 50
        assert first.find("a", rel="next")["href"] == "?page=2"
        second = soup(admin_client_a.get(response.url + "?page=2"))
        assert len(second.select("#changements ~ table tbody tr")) == 11  # 60 + 1 division

    def test_refused_file_shows_every_problem_and_no_confirm_button(self, admin_client_a):
        content = table("MARTIN;Léa;17/05/2007;;CAP1-APP;apprenti", "DURAND;Hugo;2006;123;;x")
        response = self.post(admin_client_a, content)
        page = soup(admin_client_a.get(response.url))
        assert page.h1.get_text() == "Import refusé"
        alert = page.select_one(".alert-error").get_text(" ", strip=True)
        assert "Import refusé : rien n'a été modifié." in alert
        assert "Ligne 3 (DURAND Hugo) : date de naissance « 2006 » illisible" in alert
        assert "Ligne 3 (DURAND Hugo) : la division est obligatoire" in alert
        assert "Ligne 3 (DURAND Hugo) : statut « x » inconnu" in alert
        warnings = page.select_one("ul.warnings").get_text(" ", strip=True)
        assert "Ligne 3 (DURAND Hugo) : l'INE « 123 »" in warnings
        assert page.select(".confirm-box") == []

    def test_cancel(self, admin_client_a):
        response = self.post(admin_client_a, table(*ROWS))
        batch = ImportBatch.objects.get()
        response = admin_client_a.post(reverse("imports:outside_cancel", args=[batch.token]))
        assert response.url == reverse("imports:outside_list")
        assert "L'aperçu a été abandonné : rien n'a été importé." in text(
            admin_client_a.get(response.url)
        )
        batch.refresh_from_db()
        assert (batch.status, batch.payload) == (BatchStatus.CANCELLED, {})
        response = admin_client_a.post(reverse("imports:outside_confirm", args=[batch.token]))
        assert "déjà été appliqué ou abandonné" in text(admin_client_a.get(response.url))
        assert not Pupil.objects.exists()

    def test_digest_refusal_is_shown(self, admin_client_a, establishment):
        response = self.post(admin_client_a, table(*ROWS))
        batch = ImportBatch.objects.get(status=BatchStatus.PREVIEW)
        # The data changes in between (a learner of the file typed in by hand).
        PupilFactory(
            establishment=establishment,
            source=OUTSIDE,
            siecle_eleve_id="",
            last_name="MARTIN",
            first_name="Léa",
            birth_date=datetime.date(2007, 5, 17),
            ine=INE_1,
        )
        response = admin_client_a.post(reverse("imports:outside_confirm", args=[batch.token]))
        body = text(admin_client_a.get(response.url))
        assert "Les données de l'établissement ont changé depuis cet aperçu" in body
        assert learners(establishment).count() == 1

    def test_form_errors(self, admin_client_a):
        response = admin_client_a.post(reverse("imports:outside_upload"), {})
        assert "Choisissez le fichier à importer." in text(response)
        response = self.post(admin_client_a, b"")
        assert "Le fichier déposé est vide." in text(response)
        response = self.post(admin_client_a, b"x" * (5 * 1024 * 1024 + 1))
        assert response.status_code == 200
        assert "Le fichier dépasse 5 Mo" in text(response)
        assert not ImportBatch.objects.exists()

    def test_xlsx_upload(self, admin_client_a, establishment):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(HEADER.split(";"))
        sheet.append(
            ["MARTIN", "Léa", datetime.datetime(2007, 5, 17), INE_1, "CAP1-APP", "apprenti"]
        )
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = self.post(admin_client_a, buffer.getvalue(), "apprentis.xlsx")
        page = soup(admin_client_a.get(response.url))
        assert "apprenants hors SIECLE, XLSX" in page.get_text()
        admin_client_a.post(page.select_one(".confirm-box form")["action"])
        assert learners(establishment).get().birth_date == datetime.date(2007, 5, 17)


@pytest.mark.django_db
class TestTemplateDownloads:
    def test_csv(self, admin_client_a):
        response = admin_client_a.get(reverse("imports:outside_template_csv"))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="modele_apprenants_hors_siecle.csv"'
        )
        assert response.content.startswith(b"\xef\xbb\xbf")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0] == "Nom;Prénom;Date de naissance;INE;Division;Statut"
        assert lines[1] == "MARTIN;Léa;17/05/2007;;CAP1-APP;apprenti"
        assert len(lines) == 2

    def test_xlsx(self, admin_client_a):
        response = admin_client_a.get(reverse("imports:outside_template_xlsx"))
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert 'filename="modele_apprenants_hors_siecle.xlsx"' in response["Content-Disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("Nom", "Prénom", "Date de naissance", "INE", "Division", "Statut")
        assert rows[1][2] == datetime.datetime(2007, 5, 17)  # a real date cell
        assert len(rows) == 2
        parsed = parse_learners(response.content, "modele.xlsx")
        assert parsed.problems == [] and len(parsed.rows) == 1


@pytest.mark.django_db
class TestLearnerForms:
    def test_create(self, admin_client_a, establishment):
        division = current_division(establishment, "CAP1-APP", source=OUTSIDE)
        old = DivisionFactory(
            establishment=establishment, school_year=SchoolYearFactory(start_year=2001)
        )
        url = reverse("imports:outside_learner_create")
        page = soup(admin_client_a.get(url))
        assert page.find("input", attrs={"name": "birth_date"})["type"] == "date"
        assert page.find("input", attrs={"name": "outside_status", "value": "apprenti"}).has_attr(
            "checked"
        )
        options = [o.get_text() for o in page.select("select[name=division] option")]
        assert options == ["— Choisissez la division —", f"CAP1-APP — {division.label}"]
        assert old.code not in options
        assert page.find("select", attrs={"name": "status"}) is None
        response = admin_client_a.post(
            url,
            {
                "last_name": "MARTIN",
                "first_name": "Léa",
                "birth_date": "2007-05-17",
                "ine": "",
                "division": division.pk,
                "outside_status": "adulte",
            },
        )
        assert response.status_code == 302 and response.url == reverse("imports:outside_list")
        learner = learners(establishment).get()
        assert (learner.birth_date, learner.outside_status) == (
            datetime.date(2007, 5, 17),
            "adulte",
        )
        assert "L'apprenant MARTIN Léa a été créé." in text(admin_client_a.get(response.url))

    def test_create_refused_shows_the_errors(
        self, admin_client_a, establishment, other_establishment
    ):
        division = current_division(establishment, "CAP1-APP", source=OUTSIDE)
        elsewhere = DivisionFactory(establishment=other_establishment)
        url = reverse("imports:outside_learner_create")
        data = {
            "last_name": "MARTIN",
            "first_name": "Léa",
            "birth_date": "17/05/2007",
            "ine": "123",
            "division": division.pk,
            "outside_status": "apprenti",
        }
        page = soup(admin_client_a.post(url, data))
        assert page.select_one(".alert-error")
        assert "L'INE 123 n'est pas valide" in page.select_one("#id_ine_error").get_text()
        page = soup(admin_client_a.post(url, {**data, "ine": "", "division": elsewhere.pk}))
        assert page.select_one("#id_division_error").get_text(strip=True) == (
            "Choisissez une division de la liste."
        )
        page = soup(admin_client_a.post(url, {**data, "ine": "", "birth_date": "31/02/2007"}))
        assert "Saisissez une date valide (jj/mm/aaaa)." in page.get_text()
        assert not Pupil.objects.exists()

    def test_edit(self, admin_client_a, establishment):
        division = current_division(establishment, "CAP1-APP", source=OUTSIDE)
        learner = PupilFactory(
            establishment=establishment,
            division=division,
            source=OUTSIDE,
            last_name="MARTIN",
            ine=INE_1,
            outside_status="apprenti",
        )
        url = reverse("imports:outside_learner_edit", args=[learner.pk])
        page = soup(admin_client_a.get(url))
        assert page.h1.get_text() == "Modifier l'apprenant MARTIN Léa"
        assert page.find("input", attrs={"name": "birth_date"})["value"] == "2010-05-17"
        assert page.find("input", attrs={"name": "ine"})["value"] == INE_1
        assert page.select_one("select[name=status] option[selected]")["value"] == "actif"
        response = admin_client_a.post(
            url,
            {
                "last_name": "MARTIN",
                "first_name": "Léa",
                "birth_date": "2010-05-17",
                "ine": INE_1,
                "division": division.pk,
                "outside_status": "autre",
                "status": "sorti",
            },
        )
        assert response.status_code == 302
        learner.refresh_from_db()
        assert (learner.outside_status, learner.status) == ("autre", PupilStatus.LEFT)
        assert "L'apprenant MARTIN Léa a été modifié." in text(admin_client_a.get(response.url))


@pytest.mark.django_db
class TestDivisionForms:
    def test_create_with_a_loaded_diploma(self, admin_client_a, establishment, diplomas):
        url = reverse("imports:outside_division_create")
        page = soup(admin_client_a.get(url))
        options = [o.get_text() for o in page.select("select[name=diploma] option")]
        assert options[0] == "— Aucun (diplôme non rattaché) —"
        assert sorted(options[1:]) == sorted(d.title for d in diplomas.values())
        diploma = next(iter(diplomas.values()))
        response = admin_client_a.post(
            url, {"code": "CAP1-APP", "label": "Apprentis", "diploma": diploma.pk}
        )
        assert response.status_code == 302
        division = Division.objects.of(establishment).get()
        assert (division.code, division.diploma, division.source) == ("CAP1-APP", diploma, OUTSIDE)
        assert "La division CAP1-APP a été créée." in text(admin_client_a.get(response.url))
        # The same code again: refused, under the field.
        page = soup(admin_client_a.post(url, {"code": "cap1-app", "label": ""}))
        assert "existe déjà" in page.select_one("#id_code_error").get_text()
        assert Division.objects.count() == 1

    def test_edit(self, admin_client_a, establishment):
        division = current_division(establishment, "CAP1-APP", source=OUTSIDE)
        url = reverse("imports:outside_division_edit", args=[division.pk])
        page = soup(admin_client_a.get(url))
        assert page.find("input", attrs={"name": "code"})["value"] == "CAP1-APP"
        response = admin_client_a.post(url, {"code": "CAP1-A", "label": "Nouveau libellé"})
        assert response.status_code == 302
        division.refresh_from_db()
        assert (division.code, division.label) == ("CAP1-A", "Nouveau libellé")
        assert "La division CAP1-A a été modifiée." in text(admin_client_a.get(response.url))
