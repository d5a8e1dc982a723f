"""Grant rules (dates, end of the school year, revocation), finding or creating the inspector
by e-mail (a new one is e-mailed a link to choose their password), and the audit trail of
grants, revocations and visits."""

import datetime
import re

import pytest
import rules
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from carnet.accounts.models import User
from carnet.accounts.tests.factories import UserFactory
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.profiles import Profile
from carnet.inspection import services
from carnet.inspection.models import GrantStatus, InspectorGrant, school_year_end
from carnet.inspection.services import (
    inspector_access_open,
    inspector_by_email,
    inspector_find_or_create,
    inspector_grant_open,
    inspector_grant_revoke,
    inspector_visit_record,
)
from carnet.inspection.tests.factories import InspectorGrantFactory, days, today

D = datetime.date
BASE_URL = "https://carnet-pro.ac-nantes.fr/"


class TestSchoolYearEnd:
    @pytest.mark.parametrize(
        ("day", "end"),
        [
            (D(2026, 9, 1), D(2027, 8, 31)),
            (D(2027, 1, 15), D(2027, 8, 31)),
            (D(2027, 7, 31), D(2027, 8, 31)),
            # August belongs to the school year that starts then (carnet/directory/school_years).
            (D(2027, 8, 1), D(2028, 8, 31)),
        ],
    )
    def test_31_august_ending_the_school_year(self, day, end):
        assert school_year_end(day) == end


@pytest.mark.django_db
class TestLive:
    def test_live_from_first_to_last_day_included(self, establishment):
        grant = InspectorGrantFactory(
            establishment=establishment, starts_on=D(2027, 1, 10), ends_on=D(2027, 1, 20)
        )
        live = InspectorGrant.objects.of(establishment)
        assert not live.live(D(2027, 1, 9)).exists()
        assert list(live.live(D(2027, 1, 10))) == [grant]
        assert list(live.live(D(2027, 1, 20))) == [grant]
        assert not live.live(D(2027, 1, 21)).exists()
        assert grant.status(D(2027, 1, 9)) == GrantStatus.FUTURE
        assert grant.status(D(2027, 1, 15)) == GrantStatus.LIVE
        assert grant.status(D(2027, 1, 21)) == GrantStatus.ENDED

    def test_revoked_is_never_live(self, establishment):
        grant = InspectorGrantFactory(establishment=establishment, revoked=True)
        assert not InspectorGrant.objects.live().exists()
        assert grant.status() == GrantStatus.REVOKED

    def test_default_day_is_today(self, establishment):
        grant = InspectorGrantFactory(
            establishment=establishment, starts_on=today(), ends_on=today()
        )
        assert list(InspectorGrant.objects.live()) == [grant]

    def test_scoped_to_the_establishment(self, establishment, other_establishment):
        InspectorGrantFactory(establishment=other_establishment)
        assert not InspectorGrant.objects.of(establishment).live().exists()
        assert not InspectorGrant.objects.of(None).exists()

    def test_database_refuses_an_end_before_the_start(self, establishment):
        with pytest.raises(IntegrityError), transaction.atomic():
            InspectorGrantFactory(establishment=establishment, starts_on=days(2), ends_on=days(1))


@pytest.mark.django_db
class TestPredicate:
    def test_live_grant_only_to_its_establishment(self, users, establishment, other_establishment):
        inspector = users["inspecteur"]
        assert not rules.has_perm("inspection.read", inspector, establishment)
        grant = InspectorGrantFactory(establishment=establishment, inspector=inspector)
        assert rules.has_perm("inspection.read", inspector, establishment)
        assert not rules.has_perm("inspection.read", inspector, other_establishment)
        assert not rules.has_perm("inspection.read", inspector, None)
        # No cached right: the next check reads the revocation.
        grant.revoked_at = grant.created_at
        grant.save()
        assert not rules.has_perm("inspection.read", inspector, establishment)

    def test_disabled_inspector_reads_nothing(self, users, establishment):
        inspector = users["inspecteur"]
        InspectorGrantFactory(establishment=establishment, inspector=inspector)
        inspector.is_active = False
        inspector.save()
        assert not rules.has_perm("inspection.read", inspector, establishment)

    def test_only_the_head_manages_grants(self, users, establishment, other_establishment):
        assert rules.has_perm("inspection.manage_grants", users["chef"], establishment)
        for profile in ("administrateur", "enseignant", "apprenant", "inspecteur", "operateur"):
            assert not rules.has_perm("inspection.manage_grants", users[profile], establishment)
        assert not rules.has_perm("inspection.manage_grants", users["chef_autre"], establishment)
        assert rules.has_perm("inspection.manage_grants", users["chef_autre"], other_establishment)


def open_grant(users, establishment, **kwargs):
    values = {
        "establishment": establishment,
        "inspector": users["inspecteur"],
        "starts_on": today(),
        "ends_on": school_year_end(today()),
        "actor": users["chef"],
        **kwargs,
    }
    return inspector_grant_open(**values)


@pytest.mark.django_db
class TestOpen:
    def test_opens_up_to_the_end_of_the_school_year(self, users, establishment):
        grant = open_grant(users, establishment, note="  Visite   CCF  ")
        assert grant.pk is not None
        assert grant.is_live()
        assert grant.granted_by == users["chef"]
        assert grant.note == "Visite CCF"
        assert rules.has_perm("inspection.read", users["inspecteur"], establishment)

    def test_not_a_day_after_the_end_of_the_school_year(self, users, establishment):
        end = school_year_end(today())
        with pytest.raises(ValidationError) as caught:
            open_grant(users, establishment, ends_on=end + datetime.timedelta(days=1))
        assert caught.value.message_dict["ends_on"] == [
            f"L'accès prend fin au plus tard à la fin de l'année scolaire, le {end:%d/%m/%Y}."
        ]
        assert not InspectorGrant.objects.exists()

    def test_may_start_on_the_last_day_of_the_school_year(self, users, establishment):
        end = school_year_end(today())
        grant = open_grant(users, establishment, starts_on=end, ends_on=end)
        assert grant.status() == (GrantStatus.LIVE if end == today() else GrantStatus.FUTURE)

    @pytest.mark.parametrize(
        "start",
        [
            school_year_end(today()) + datetime.timedelta(days=1),  # 1 September
            D(school_year_end(today()).year + 2, 1, 5),  # a later school year
        ],
    )
    def test_not_starting_after_the_current_school_year(self, users, establishment, start):
        with pytest.raises(ValidationError) as caught:
            open_grant(users, establishment, starts_on=start, ends_on=start)
        assert caught.value.message_dict == {
            "starts_on": [
                "L'accès commence au plus tard à la fin de l'année scolaire en cours, le "
                f"{school_year_end(today()):%d/%m/%Y}."
            ]
        }
        assert not InspectorGrant.objects.exists()

    @pytest.mark.parametrize(
        ("on", "start", "allowed"),
        [
            # July still belongs to the school year 2026-2027: September is the next one.
            (D(2027, 7, 15), D(2027, 8, 31), True),
            (D(2027, 7, 15), D(2027, 9, 1), False),
            # In August the new school year has begun (carnet/directory/school_years).
            (D(2027, 8, 15), D(2027, 9, 1), True),
            (D(2027, 8, 15), D(2028, 8, 31), True),
            (D(2027, 8, 15), D(2028, 9, 1), False),
        ],
    )
    def test_latest_start_follows_today(self, users, establishment, on, start, allowed):
        if allowed:
            assert open_grant(users, establishment, starts_on=start, ends_on=start, today=on).pk
        else:
            with pytest.raises(ValidationError, match="au plus tard à la fin de l'année"):
                open_grant(users, establishment, starts_on=start, ends_on=start, today=on)

    def test_end_before_start_refused(self, users, establishment):
        with pytest.raises(ValidationError) as caught:
            open_grant(users, establishment, starts_on=days(1), ends_on=today())
        assert caught.value.message_dict == {
            "ends_on": ["La date de fin doit être postérieure ou égale à la date de début."]
        }

    def test_one_day_grant(self, users, establishment):
        assert open_grant(users, establishment, ends_on=today()).is_live()

    def test_start_in_the_past_refused(self, users, establishment):
        with pytest.raises(ValidationError) as caught:
            open_grant(users, establishment, starts_on=days(-1), ends_on=today())
        assert "ne peut pas être passée" in caught.value.message_dict["starts_on"][0]

    def test_only_an_inspector_account(self, users, establishment):
        with pytest.raises(ValidationError) as caught:
            open_grant(users, establishment, inspector=users["enseignant"])
        assert caught.value.messages == ["Ce compte n'est pas un compte d'inspecteur."]

    def test_disabled_inspector_refused(self, users, establishment):
        users["inspecteur"].is_active = False
        users["inspecteur"].save()
        with pytest.raises(ValidationError, match="désactivé"):
            open_grant(users, establishment)

    def test_overlapping_grant_refused_until_closed(self, users, establishment):
        first = open_grant(users, establishment, ends_on=today())
        with pytest.raises(ValidationError) as caught:
            open_grant(users, establishment)
        assert caught.value.messages == [
            f"{users['inspecteur'].get_full_name()} a déjà un accès à l'établissement du "
            f"{today():%d/%m/%Y} au {today():%d/%m/%Y} : fermez-le d'abord ou choisissez une "
            "autre période."
        ]
        inspector_grant_revoke(grant=first, actor=users["chef"])
        assert open_grant(users, establishment).is_live()

    def test_same_inspector_in_two_establishments(self, users, establishment, other_establishment):
        open_grant(users, establishment)
        open_grant(users, other_establishment, actor=users["chef_autre"])
        assert InspectorGrant.objects.live().filter(inspector=users["inspecteur"]).count() == 2

    def test_audited_on_the_establishment(self, users, establishment, other_establishment):
        open_grant(users, establishment)
        event = AuditEvent.objects.of(establishment).get(action=AuditAction.INSPECTOR_GRANTED)
        assert event.actor == users["chef"]
        assert "ien.x" in event.subject
        assert event.changes == {
            "Période": ["", f"du {today():%d/%m/%Y} au {school_year_end(today()):%d/%m/%Y}"]
        }
        assert not AuditEvent.objects.of(other_establishment).exists()


@pytest.mark.django_db
class TestRevoke:
    def test_live_grant_closed_at_once_and_audited(self, users, establishment):
        grant = InspectorGrantFactory(establishment=establishment, inspector=users["inspecteur"])
        assert rules.has_perm("inspection.read", users["inspecteur"], establishment)
        inspector_grant_revoke(grant=grant, actor=users["chef"])
        grant.refresh_from_db()
        assert grant.revoked_at is not None
        assert grant.revoked_by == users["chef"]
        assert grant.status() == GrantStatus.REVOKED
        assert not rules.has_perm("inspection.read", users["inspecteur"], establishment)
        event = AuditEvent.objects.of(establishment).get(action=AuditAction.INSPECTOR_REVOKED)
        assert event.actor == users["chef"]
        assert event.changes["Période"][1] == f"fermé le {today():%d/%m/%Y}"

    def test_future_grant_cancelled(self, users, establishment):
        grant = InspectorGrantFactory(establishment=establishment, future=True)
        inspector_grant_revoke(grant=grant, actor=users["chef"])
        grant.refresh_from_db()
        assert grant.status(days(2)) == GrantStatus.REVOKED
        assert not InspectorGrant.objects.live(days(2)).exists()

    def test_twice_refused_once_audited(self, users, establishment):
        grant = InspectorGrantFactory(establishment=establishment)
        inspector_grant_revoke(grant=grant, actor=users["chef"])
        with pytest.raises(ValidationError, match="déjà fermé"):
            inspector_grant_revoke(grant=grant, actor=users["chef"])
        assert AuditEvent.objects.filter(action=AuditAction.INSPECTOR_REVOKED).count() == 1

    def test_ended_grant_refused(self, users, establishment):
        grant = InspectorGrantFactory(establishment=establishment, expired=True)
        with pytest.raises(ValidationError, match="déjà terminé"):
            inspector_grant_revoke(grant=grant, actor=users["chef"])
        grant.refresh_from_db()
        assert grant.revoked_at is None


def e_mailed_link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.mark.django_db
class TestFindOrCreate:
    @pytest.fixture(autouse=True)
    def _on_commit(self, django_capture_on_commit_callbacks):
        self.committed = django_capture_on_commit_callbacks

    def find(self, users, establishment, **kwargs):
        # The invitation leaves once the transaction commits: run what would run then.
        with self.committed(execute=True):
            return inspector_find_or_create(
                actor=users["chef"], establishment=establishment, base_url=BASE_URL, **kwargs
            )

    def test_found_by_email_whatever_the_case(self, users, establishment):
        inspector = users["inspecteur"]
        inspector.email = "Ien.X@ac-nantes.fr"
        inspector.save()
        before = User.objects.count()
        found = self.find(users, establishment, email="  ien.x@AC-NANTES.FR ")
        assert found.inspector == inspector
        assert not found.created
        assert User.objects.count() == before
        assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_CREATED).exists()

    def test_by_email_only_inspectors_and_never_an_empty_address(self, users):
        users["enseignant"].email = "prof@ac-nantes.fr"
        users["enseignant"].save()
        assert inspector_by_email("prof@ac-nantes.fr") is None
        assert inspector_by_email("  ") is None
        assert users["inspecteur"].email == ""
        assert inspector_by_email("") is None
        users["inspecteur"].is_active = False
        users["inspecteur"].email = "ien.x@ac-nantes.fr"
        users["inspecteur"].save()
        # A disabled inspector is still found (the grant is then refused, by name).
        assert inspector_by_email("IEN.X@ac-nantes.fr") == users["inspecteur"]

    def test_names_given_are_ignored_for_an_existing_inspector(self, users, establishment):
        users["inspecteur"].email = "ien.x@ac-nantes.fr"
        users["inspecteur"].save()
        found = self.find(
            users, establishment, email="ien.x@ac-nantes.fr", first_name="Autre", last_name="NOM"
        )
        found.inspector.refresh_from_db()
        assert found.inspector.last_name != "NOM"

    def test_created_when_unknown_without_password_and_invited_by_email(
        self, users, establishment, other_establishment
    ):
        found = self.find(
            users,
            establishment,
            email="Jeanne.Dupre@ac-nantes.fr",
            first_name=" Jeanne ",
            last_name="Dupré",
        )
        assert found.created
        assert not hasattr(found, "password")
        inspector = User.objects.get(pk=found.inspector.pk)
        assert inspector.profile == Profile.INSPECTOR
        assert inspector.establishment is None
        assert inspector.username == "jeanne.dupre"
        assert inspector.email == "Jeanne.Dupre@ac-nantes.fr"
        # No password at all: nobody knows one, the inspector chooses it through the link.
        assert not inspector.has_usable_password()
        (message,) = mail.outbox
        assert message.to == ["Jeanne.Dupre@ac-nantes.fr"]
        assert "Votre identifiant : jeanne.dupre" in message.body
        assert e_mailed_link(message).startswith(BASE_URL + "mot-de-passe-oublie/"), message.body
        event = AuditEvent.objects.of(establishment).get(action=AuditAction.ACCOUNT_CREATED)
        assert event.actor == users["chef"]
        # Found, not created again (nor invited again), by the next head.
        with self.committed(execute=True):
            again = inspector_find_or_create(
                email="jeanne.dupre@ac-nantes.fr",
                actor=users["chef_autre"],
                establishment=other_establishment,
                base_url=BASE_URL,
            )
        assert again.inspector == inspector and not again.created
        assert len(mail.outbox) == 1

    def test_created_meanwhile_by_another_head_is_found_not_invited(
        self, users, establishment, monkeypatch
    ):
        existing = UserFactory(username="ien.y", inspector=True, email="ien.y@ac-nantes.fr")
        real = services.inspector_by_email
        looked_up = []

        def not_yet_the_first_time(email):
            looked_up.append(email)
            return None if len(looked_up) == 1 else real(email)

        monkeypatch.setattr(services, "inspector_by_email", not_yet_the_first_time)
        found = self.find(
            users, establishment, email="IEN.Y@ac-nantes.fr", first_name="Yves", last_name="Y"
        )
        assert found.inspector == existing and not found.created
        assert len(looked_up) == 2
        assert mail.outbox == []
        assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_CREATED).exists()

    def test_other_profiles_are_not_inspectors(self, users, establishment):
        teacher = users["enseignant"]
        teacher.email = "homonyme@ac-nantes.fr"
        teacher.save()
        found = self.find(
            users,
            establishment,
            email="homonyme@ac-nantes.fr",
            first_name="Paul",
            last_name="Homonyme",
        )
        assert found.created
        assert found.inspector != teacher
        assert found.inspector.profile == Profile.INSPECTOR

    def test_a_new_inspector_needs_names(self, users, establishment):
        before = User.objects.count()
        with pytest.raises(ValidationError) as caught:
            self.find(users, establishment, email="nouveau@ac-nantes.fr")
        assert set(caught.value.message_dict) == {"first_name", "last_name"}
        assert "indiquez son nom" in caught.value.message_dict["last_name"][0]
        assert User.objects.count() == before
        assert mail.outbox == []

    def test_email_required(self, users, establishment):
        with pytest.raises(ValidationError) as caught:
            self.find(users, establishment, email="  ")
        assert "email" in caught.value.message_dict

    def test_one_inspector_account_per_address(self, users, establishment):
        from django.db import IntegrityError, transaction

        UserFactory(username="ien.ancien", inspector=True, email="ien@ac.fr")
        with pytest.raises(IntegrityError), transaction.atomic():
            UserFactory(username="ien.double", inspector=True, email="IEN@ac.fr")
        # Other profiles may share an address (a teacher who is also an inspector).
        UserFactory(username="prof.ien", email="ien@ac.fr", establishment=establishment)


@pytest.mark.django_db
class TestAccessOpen:
    @pytest.fixture(autouse=True)
    def _on_commit(self, django_capture_on_commit_callbacks):
        self.committed = django_capture_on_commit_callbacks

    def access_open(self, **kwargs):
        # The invitation leaves once the transaction commits: run what would run then.
        with self.committed(execute=True):
            return inspector_access_open(base_url=BASE_URL, **kwargs)

    @pytest.mark.parametrize(
        "period",
        [
            {"starts_on": today(), "ends_on": school_year_end(today()) + datetime.timedelta(1)},
            {
                "starts_on": school_year_end(today()) + datetime.timedelta(days=1),
                "ends_on": school_year_end(today()) + datetime.timedelta(days=2),
            },
        ],
    )
    def test_all_or_nothing_no_account_no_e_mail_when_the_grant_is_refused(
        self, users, establishment, period
    ):
        before = User.objects.count()
        with pytest.raises(ValidationError) as caught:
            self.access_open(
                establishment=establishment,
                email="nouvelle@ac-nantes.fr",
                first_name="Anne",
                last_name="Nouvelle",
                actor=users["chef"],
                **period,
            )
        assert set(caught.value.message_dict) <= {"starts_on", "ends_on"}
        assert User.objects.count() == before
        assert not AuditEvent.objects.exists()
        # The invitation of the account rolled back never leaves.
        assert mail.outbox == []

    def test_new_inspector_granted_and_invited_once(self, users, establishment):
        grant, found = self.access_open(
            establishment=establishment,
            email="anne@ac-nantes.fr",
            first_name="Anne",
            last_name="Nouvelle",
            starts_on=today(),
            ends_on=today(),
            actor=users["chef"],
        )
        assert found.created and grant.inspector == found.inspector
        (message,) = mail.outbox
        assert message.to == ["anne@ac-nantes.fr"]
        assert grant.inspector.username in message.body

    def test_known_inspector_granted_without_e_mail(self, users, other_establishment):
        users["inspecteur"].email = "ien.x@ac-nantes.fr"
        users["inspecteur"].save()
        grant, found = self.access_open(
            establishment=other_establishment,
            email="IEN.X@ac-nantes.fr",
            starts_on=today(),
            ends_on=today(),
            actor=users["chef_autre"],
        )
        assert not found.created and grant.inspector == users["inspecteur"]
        assert mail.outbox == []

    def test_overlap_refused_after_creation_rolls_the_account_back(self, users, establishment):
        grant, found = self.access_open(
            establishment=establishment,
            email="anne@ac-nantes.fr",
            first_name="Anne",
            last_name="Nouvelle",
            starts_on=today(),
            ends_on=today(),
            actor=users["chef"],
        )
        assert found.created and grant.inspector == found.inspector
        with pytest.raises(ValidationError, match="a déjà un accès"):
            self.access_open(
                establishment=establishment,
                email="ANNE@ac-nantes.fr",
                starts_on=today(),
                ends_on=today(),
                actor=users["chef"],
            )
        assert (
            User.objects.filter(
                profile=Profile.INSPECTOR, email__iexact="anne@ac-nantes.fr"
            ).count()
            == 1
        )

    def test_every_problem_at_once(self, users, establishment):
        with pytest.raises(ValidationError) as caught:
            self.access_open(
                establishment=establishment,
                email="inconnu@ac-nantes.fr",
                starts_on=days(-1),
                ends_on=days(-2),
                actor=users["chef"],
            )
        assert set(caught.value.message_dict) == {
            "starts_on",
            "ends_on",
            "first_name",
            "last_name",
        }


@pytest.mark.django_db
class TestVisit:
    def test_recorded_with_the_inspector_as_actor(self, users, establishment, other_establishment):
        grant = InspectorGrantFactory(establishment=establishment, inspector=users["inspecteur"])
        assert (
            inspector_visit_record(inspector=users["inspecteur"], establishment=establishment)
            == grant
        )
        event = AuditEvent.objects.of(establishment).get(action=AuditAction.INSPECTOR_VISIT)
        assert event.actor == users["inspecteur"]
        assert event.actor_label.endswith("(Inspecteur)")
        assert not AuditEvent.objects.of(other_establishment).exists()

    @pytest.mark.parametrize("trait", ["expired", "future", "revoked"])
    def test_refused_without_a_live_grant(self, users, establishment, trait):
        InspectorGrantFactory(
            establishment=establishment, inspector=users["inspecteur"], **{trait: True}
        )
        with pytest.raises(PermissionDenied):
            inspector_visit_record(inspector=users["inspecteur"], establishment=establishment)
        assert not AuditEvent.objects.exists()
