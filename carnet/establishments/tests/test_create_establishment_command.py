"""``manage.py create_establishment``: an establishment and its single administrator, or nothing.

The test database lives in memory, so the command runs through call_command (a subprocess
would see another database); refusals surface as CommandError.
"""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from carnet.accounts.models import User
from carnet.accounts.passwords import RULE
from carnet.accounts.tests.factories import UserFactory
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.profiles import Profile
from carnet.establishments.models import Establishment
from carnet.establishments.tests.factories import EstablishmentFactory

PASSWORD = "Lurçat-Électricité-2026!"
NAME = "Lycée professionnel Jean Lurçat"
ARGS = {
    "uai": "0693046L",
    "name": NAME,
    "email": "ce.0693046L@ac-lyon.fr",
    "admin-login": "admin.0693046l",
    "admin-password": PASSWORD,
}


def create(**overrides) -> str:
    options = {**ARGS, **overrides}
    argv = []
    for key, value in options.items():
        argv += [f"--{key}", value]
    out = StringIO()
    call_command("create_establishment", *argv, stdout=out, stderr=StringIO())
    return out.getvalue()


def refusal(**overrides) -> str:
    with pytest.raises(CommandError) as exc:
        create(**overrides)
    return str(exc.value)


@pytest.mark.django_db
class TestCreation:
    def test_creates_the_establishment_and_its_administrator(self):
        output = create()
        establishment = Establishment.objects.get()
        assert establishment.uai == "0693046L"
        assert establishment.name == NAME
        assert establishment.email == "ce.0693046L@ac-lyon.fr"
        admin = User.objects.get()
        assert admin.username == "admin.0693046l"
        assert admin.profile == Profile.ADMIN
        assert admin.establishment == establishment
        assert admin.is_active
        assert not admin.is_staff
        assert not admin.is_superuser
        assert admin.check_password(PASSWORD)
        assert output.strip() == (
            f"Établissement 0693046L « {NAME} » créé, administrateur : admin.0693046l."
        )

    def test_the_administrator_can_log_in(self):
        create()
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": "admin.0693046l", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response.url == reverse("web:home")
        home = client.get(reverse("web:home"))
        assert home.status_code == 200
        assert home.wsgi_request.user.username == "admin.0693046l"
        assert home.wsgi_request.establishment.uai == "0693046L"

    def test_creation_is_audited(self):
        create()
        event = AuditEvent.objects.of(Establishment.objects.get()).get()
        assert event.action == AuditAction.ESTABLISHMENT_CREATED
        assert event.actor is None
        assert event.actor_label == "Plateforme (ligne de commande)"
        assert event.subject == "0693046L"

    def test_uai_is_normalised(self):
        create(uai=" 0693046l ")
        assert Establishment.objects.get().uai == "0693046L"

    def test_academie(self):
        create(academie="lyon")
        assert Establishment.objects.get().get_academie_display() == "Lyon"

    def test_fourteen_characters_without_special_character_are_enough(self):
        create(**{"admin-password": "Lyceeprofessionnel2026"})
        assert User.objects.get().check_password("Lyceeprofessionnel2026")


@pytest.mark.django_db
class TestRefusals:
    def assert_nothing_created(self, establishments: int = 0, users: int = 0):
        assert Establishment.objects.count() == establishments
        assert User.objects.count() == users
        assert AuditEvent.objects.count() == 0

    def test_invalid_uai_names_the_expected_letter(self):
        message = refusal(uai="0693046P")
        assert message.startswith("Établissement non créé :")
        assert "- Le code UAI 0693046P n'est pas valide : la lettre clé attendue est L." in message
        self.assert_nothing_created()

    def test_uai_of_the_wrong_shape(self):
        message = refusal(uai="069304")
        assert "doit comporter 7 chiffres suivis d'une lettre" in message
        self.assert_nothing_created()

    def test_already_used_uai(self):
        EstablishmentFactory(uai="0693046L", name="Déjà là")
        message = refusal(**{"admin-login": "admin.autre"})
        assert "Ce code UAI est déjà utilisé par un autre établissement." in message
        self.assert_nothing_created(establishments=1)
        assert Establishment.objects.get().name == "Déjà là"

    def test_already_used_uai_in_lower_case(self):
        EstablishmentFactory(uai="0693046L")
        assert "déjà utilisé" in refusal(uai="0693046l")
        self.assert_nothing_created(establishments=1)

    @pytest.mark.parametrize(
        "password",
        [
            "motdepasse",
            "Court-2026!",  # 11 characters
            "Abcdefghij12",  # 12 characters, no special character
            "abcdefghijk-12",  # no upper case
            "ABCDEFGHIJK-12",  # no lower case
            "Abcdefghijklm-",  # no digit
        ],
    )
    def test_weak_password(self, password):
        message = refusal(**{"admin-password": password})
        assert f"- {RULE}" in message
        self.assert_nothing_created()

    def test_login_already_taken(self):
        other = EstablishmentFactory(uai="0442953W")
        UserFactory(username="admin.0693046l", establishment=other)
        message = refusal()
        assert (
            "L'identifiant « admin.0693046l » est déjà utilisé : choisissez-en un autre." in message
        )
        self.assert_nothing_created(establishments=1, users=1)
        assert not Establishment.objects.filter(uai="0693046L").exists()

    def test_login_taken_with_other_case(self):
        UserFactory(username="admin.0693046l", inspector=True)
        assert "déjà utilisé" in refusal(**{"admin-login": "Admin.0693046L"})
        self.assert_nothing_created(users=1)

    def test_blank_login(self):
        assert "L'identifiant de l'administrateur est obligatoire." in refusal(
            **{"admin-login": "   "}
        )
        self.assert_nothing_created()

    def test_every_problem_is_listed(self):
        UserFactory(username="admin.0693046l", inspector=True)
        message = refusal(uai="0693046P", **{"admin-password": "faible"})
        assert "la lettre clé attendue est L" in message
        assert "déjà utilisé" in message
        assert RULE in message
        self.assert_nothing_created(users=1)

    def test_invalid_email(self):
        assert "- Saisissez une adresse de courriel valide." in refusal(email="pas-une-adresse")
        self.assert_nothing_created()

    def test_blank_name(self):
        assert "- Le nom de l'établissement est obligatoire." in refusal(name="  ")
        self.assert_nothing_created()

    def test_missing_required_option(self):
        with pytest.raises(CommandError):
            call_command("create_establishment", "--uai", "0693046L", stderr=StringIO())
        self.assert_nothing_created()


@pytest.mark.django_db
class TestSingleAdministrator:
    def test_model_validation_names_the_rule(self):
        """What the platform operator's admin shows (Django validates constraints)."""
        create()
        establishment = Establishment.objects.get()
        second = User(username="admin.bis", profile=Profile.ADMIN, establishment=establishment)
        with pytest.raises(ValidationError) as exc:
            second.validate_constraints()
        assert exc.value.messages == ["Cet établissement a déjà un compte administrateur."]

    def test_admin_login_of_the_wrong_shape_is_refused(self):
        message = refusal(**{"admin-login": "admin bad/<login>"})
        assert "nom d’utilisateur valide" in message
        assert not Establishment.objects.exists() and not User.objects.exists()

    def test_database_constraint_refuses_a_second_administrator(self):
        create()
        establishment = Establishment.objects.get()
        second = User(username="admin.bis", profile=Profile.ADMIN, establishment=establishment)
        second.set_password(PASSWORD)
        with pytest.raises(IntegrityError), transaction.atomic():
            second.save()
        assert User.objects.filter(establishment=establishment).count() == 1

    def test_other_profiles_are_not_limited(self):
        create()
        establishment = Establishment.objects.get()
        UserFactory(username="prof.1", establishment=establishment)
        UserFactory(username="prof.2", establishment=establishment)
        UserFactory(username="chef.1", head=True, establishment=establishment)
        assert User.objects.filter(establishment=establishment).count() == 4

    def test_each_establishment_has_its_own_administrator(self):
        create()
        create(
            uai="0573690B",
            name="Lycée professionnel B",
            email="ce.0573690B@ac-nancy-metz.fr",
            **{"admin-login": "admin.0573690b"},
        )
        assert User.objects.filter(profile=Profile.ADMIN).count() == 2
