"""Every form holding a name cleans it (invisible characters dropped, white space
collapsed) and refuses a deformed one on its field: staff account, learner hors SIECLE,
inspector grant, establishment name, PFMP company, tutor and tutor's signature (walked over
every form of every app); hors-SIECLE division code and label are cleaned too."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from carnet.accounts.models import User
from carnet.core.forms import NameField
from carnet.core.tests.html import soup
from carnet.directory.enums import PupilSource
from carnet.directory.models import Division, Pupil
from carnet.directory.tests.factories import DivisionFactory
from carnet.establishments.models import Establishment

SNEAKY = "\u202e\u200b\u2066\u00ad\ufeff\x00\x1b\x9b"
ZALGO = "D\u0336\u0317\u0325\u0353UPONT"
REFUSED = "Ce nom est refusé"


def field_errors(response, name: str) -> str:
    """The error text shown with a field (templates/includes/_field.html)."""
    page = soup(response)
    field = page.find(attrs={"name": name})
    box = field.find_parent(class_="field") if field is not None else None
    return " ".join(box.get_text(" ").split()) if box is not None else ""


def project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the apps' code (tests aside)."""
    import carnet

    found = []
    for module_info in pkgutil.walk_packages(carnet.__path__, "carnet."):
        if ".tests" in module_info.name or ".migrations" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        found += [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
        ]
    return found


def holds_a_name(field_name: str) -> bool:
    # « username » is a login (ASCII, checked by its own rules), not a person's name.
    return field_name != "username" and (field_name.endswith("name") or field_name == "signature")


class TestEveryNameFieldOfEveryForm:
    def test_the_walk_sees_the_forms(self):
        names = {cls.__name__ for cls in project_forms()}
        assert {"StaffAccountForm", "LearnerForm", "PlacementForm", "TutorForm"} <= names

    def test_each_is_a_name_field(self):
        found = [
            f"{cls.__module__}.{cls.__name__}.{name}"
            for cls in project_forms()
            for name, field in getattr(cls, "base_fields", {}).items()
            if holds_a_name(name) and not isinstance(field, NameField)
        ]
        assert found == [], "un nom saisi doit être un NameField (carnet.core.forms)"


class TestNameField:
    @given(st.text(max_size=40))
    def test_what_it_keeps_is_clean(self, value):
        field = NameField(required=False, max_length=200)
        try:
            cleaned = field.clean(value)
        except ValidationError as exc:
            assert REFUSED in str(exc) or "caractères" in str(exc), exc
        else:
            assert cleaned == cleaned.strip() and "\x00" not in cleaned and "\u202e" not in cleaned


@pytest.fixture
def imported(establishment):
    establishment.first_import_at = timezone.now()
    establishment.save(update_fields=["first_import_at"])
    return establishment


TEACHER = {"civility": "Mme", "birth_date": "1985-03-04", "email": "l@ac-nantes.fr"}


@pytest.mark.django_db
class TestStaffAccountForm:
    def test_invisible_characters_are_dropped(self, admin_client_a, imported):
        response = admin_client_a.post(
            reverse("accounts:teacher_new"),
            {
                **TEACHER,
                "last_name": f"MAR{SNEAKY}TIN",
                "first_name": "Léa\t\tMarie ",
                "discipline": f"Génie{SNEAKY} électrique",
            },
        )
        assert response.status_code == 200
        user = User.objects.get(last_name="MARTIN")
        assert user.first_name == "Léa Marie"
        assert user.staff_member.discipline == "Génie électrique"

    @pytest.mark.parametrize("field", ["last_name", "first_name"])
    def test_a_deformed_name_is_refused_on_its_field(self, admin_client_a, imported, field):
        data = {**TEACHER, "last_name": "MARTIN", "first_name": "Léa", field: ZALGO}
        response = admin_client_a.post(reverse("accounts:teacher_new"), data)
        assert REFUSED in field_errors(response, field)
        assert "Retapez-le avec ses seuls accents" in field_errors(response, field)
        assert not User.objects.filter(last_name="MARTIN").exists()

    def test_edition_too(self, admin_client_a, users):
        teacher = users["enseignant"]
        url = reverse("accounts:user_edit", args=[teacher.pk])
        response = admin_client_a.post(url, {"last_name": ZALGO, "first_name": "Léa"})
        assert REFUSED in field_errors(response, "last_name")
        admin_client_a.post(url, {"last_name": f"DU{SNEAKY}PONT", "first_name": "Léa"})
        teacher.refresh_from_db()
        assert teacher.last_name == "DUPONT"


@pytest.mark.django_db
class TestLearnerAndDivisionForms:
    @pytest.fixture
    def division(self, establishment):
        return DivisionFactory(
            establishment=establishment,
            source=PupilSource.OUTSIDE_SIECLE,
            school_year__start_year=timezone.localdate().year
            - (1 if timezone.localdate().month < 9 else 0),
        )

    def learner(self, division, **fields):
        return {
            "last_name": "MARTIN",
            "first_name": "Léa",
            "birth_date": "2008-05-17",
            "ine": "",
            "division": division.pk,
            "outside_status": "apprenti",
            **fields,
        }

    def test_invisible_characters_are_dropped(self, admin_client_a, division):
        response = admin_client_a.post(
            reverse("directory:outside_learner_create"),
            self.learner(division, last_name=f"MAR{SNEAKY}TIN", first_name="\u200bLéa"),
        )
        assert response.status_code == 302, field_errors(response, "last_name")
        learner = Pupil.objects.get(source=PupilSource.OUTSIDE_SIECLE)
        assert (learner.last_name, learner.first_name) == ("MARTIN", "Léa")

    @pytest.mark.parametrize("field", ["last_name", "first_name"])
    def test_a_deformed_name_is_refused_on_its_field(self, admin_client_a, division, field):
        response = admin_client_a.post(
            reverse("directory:outside_learner_create"), self.learner(division, **{field: ZALGO})
        )
        assert REFUSED in field_errors(response, field)
        assert not Pupil.objects.filter(source=PupilSource.OUTSIDE_SIECLE).exists()

    def test_division_code_and_label(self, admin_client_a, establishment):
        admin_client_a.post(
            reverse("directory:outside_division_create"),
            {"code": f"CAP1{SNEAKY}-APP", "label": f"CAP\u00a0\u00a0{SNEAKY}apprentis"},
        )
        division = Division.objects.of(establishment).get(source=PupilSource.OUTSIDE_SIECLE)
        assert (division.code, division.label) == ("CAP1-APP", "CAP apprentis")


@pytest.mark.django_db
class TestInspectorGrantForm:
    def data(self, **fields):
        today = timezone.localdate().isoformat()
        return {
            "email": "ien@ac-nantes.fr",
            "first_name": "Claire",
            "last_name": "LEFÈVRE",
            "starts_on": today,
            "ends_on": today,
            "note": "",
            **fields,
        }

    def test_invisible_characters_are_dropped(self, client_of, users):
        client_of(users["chef"]).post(
            reverse("inspection:grants"),
            self.data(last_name=f"LE{SNEAKY}FÈVRE", note=f"Visite{SNEAKY} CCF"),
        )
        inspector = User.objects.get(email="ien@ac-nantes.fr")
        assert inspector.last_name == "LEFÈVRE"
        assert inspector.inspector_grants.get().note == "Visite CCF"

    def test_a_deformed_name_is_refused_on_its_field(self, client_of, users):
        response = client_of(users["chef"]).post(
            reverse("inspection:grants"), self.data(first_name=ZALGO)
        )
        assert REFUSED in field_errors(response, "first_name")
        assert not User.objects.filter(email="ien@ac-nantes.fr").exists()


@pytest.mark.django_db
class TestEstablishmentName:
    GOOD = {
        "uai": "0442953W",
        "address": "3 rue de la Forge",
        "postal_code": "44000",
        "city": "Nantes",
        "academie": "nantes",
        "phone": "02 40 00 00 00",
        "email": "ce.0442953w@ac-nantes.fr",
    }

    def test_invisible_characters_are_dropped(self, admin_client_a, establishment):
        admin_client_a.post(
            reverse("establishments:identity"),
            {**self.GOOD, "name": f"Lycée{SNEAKY} Jean\u00a0Jaurès", "city": f"Nan{SNEAKY}tes"},
        )
        establishment.refresh_from_db()
        assert (establishment.name, establishment.city) == ("Lycée Jean Jaurès", "Nantes")

    def test_a_deformed_name_is_refused_on_its_field(self, admin_client_a, establishment):
        before = establishment.name
        response = admin_client_a.post(
            reverse("establishments:identity"), {**self.GOOD, "name": ZALGO}
        )
        assert REFUSED in field_errors(response, "name")
        establishment.refresh_from_db()
        assert establishment.name == before

    def test_create_establishment_command(self, db):
        options = [
            "--uai",
            "0756036D",
            "--email",
            "ce@c.fr",
            "--admin-login",
            "admin.c",
            "--admin-password",
            "Carnet-Admin-2026!",
        ]
        with pytest.raises(CommandError, match="nom de l'établissement est refusé"):
            call_command("create_establishment", "--name", ZALGO, *options)
        call_command("create_establishment", "--name", f"Lycée{SNEAKY} C", *options)
        assert Establishment.objects.get(uai="0756036D").name == "Lycée C"
