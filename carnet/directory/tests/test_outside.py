"""Learners and divisions « hors SIECLE » typed in by hand: the services (validation,
audit without names) and the pages « Nouvel apprenant », « Nouvelle division » and their
edition."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from carnet.accounts.tests.factories import UserFactory
from carnet.audit.diff import PERSONAL_VALUE
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.tests.html import soup, text
from carnet.directory.enums import PupilSource, PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil
from carnet.directory.outside import (
    outside_division_create,
    outside_division_update,
    outside_learner_create,
    outside_learner_update,
)
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import (
    DivisionFactory,
    PupilFactory,
    SchoolYearFactory,
    valid_ine,
)

OUTSIDE = PupilSource.OUTSIDE_SIECLE
INE_1, INE_2 = valid_ine(101), valid_ine(102)


def year() -> int:
    return school_year_start(timezone.localdate())


def learners(establishment):
    return Pupil.objects.of(establishment).filter(source=OUTSIDE)


def current_division(establishment, code: str, **kwargs) -> Division:
    return DivisionFactory(
        establishment=establishment,
        school_year=SchoolYearFactory(start_year=year()),
        code=code,
        **kwargs,
    )


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
            ({"code": "1melec", "label": "", "diploma": None}, "« 1MELEC » existe déjà"),
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


@pytest.mark.django_db
class TestLearnerForms:
    def test_create(self, admin_client_a, establishment):
        division = current_division(establishment, "CAP1-APP", source=OUTSIDE)
        old = DivisionFactory(
            establishment=establishment, school_year=SchoolYearFactory(start_year=2001)
        )
        url = reverse("directory:outside_learner_create")
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
        url = reverse("directory:outside_learner_create")
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

    def test_every_error_at_once(self, admin_client_a, establishment):
        """A missing division does not hide an impossible birth date (nor a bad INE)."""
        current_division(establishment, "CAP1-APP", source=OUTSIDE)
        data = {
            "last_name": "MARTIN",
            "first_name": "Léa",
            "birth_date": "2099-01-01",
            "ine": "123",
            "division": "",
            "outside_status": "apprenti",
        }
        page = soup(admin_client_a.post(reverse("directory:outside_learner_create"), data))
        errors = {
            name: page.select_one(f"#id_{name}_error").get_text(" ", strip=True)
            for name in ("birth_date", "ine", "division")
        }
        assert "La date de naissance 01/01/2099 est impossible." in errors["birth_date"]
        assert "L'INE 123 n'est pas valide" in errors["ine"]
        assert errors["division"]  # Django's own message for the missing choice
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
        url = reverse("directory:outside_learner_edit", args=[learner.pk])
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
        url = reverse("directory:outside_division_create")
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
        url = reverse("directory:outside_division_edit", args=[division.pk])
        page = soup(admin_client_a.get(url))
        assert page.find("input", attrs={"name": "code"})["value"] == "CAP1-APP"
        response = admin_client_a.post(url, {"code": "CAP1-A", "label": "Nouveau libellé"})
        assert response.status_code == 302
        division.refresh_from_db()
        assert (division.code, division.label) == ("CAP1-A", "Nouveau libellé")
        assert "La division CAP1-A a été modifiée." in text(admin_client_a.get(response.url))
