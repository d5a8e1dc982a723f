"""Grant rules (dates, end of the school year, revocation), finding or creating the inspector
by e-mail, and the audit trail of grants, revocations and visits."""

import datetime

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from carnet.accounts.enums import Profile
from carnet.accounts.models import User
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.tests.factories import UserFactory
from carnet.inspection.models import GrantStatus, InspectorGrant, school_year_end
from carnet.inspection.services import (
    inspector_access_open,
    inspector_find_or_create,
    inspector_grant_open,
    inspector_grant_revoke,
    inspector_visit_record,
)
from carnet.inspection.tests.factories import InspectorGrantFactory, days, today

D = datetime.date


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

    def test_next_school_year_starting_later(self, users, establishment):
        start = school_year_end(today()) + datetime.timedelta(days=1)  # 1 September
        grant = open_grant(users, establishment, starts_on=start, ends_on=school_year_end(start))
        assert grant.status() == GrantStatus.FUTURE

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


@pytest.mark.django_db
class TestFindOrCreate:
    def find(self, users, establishment, **kwargs):
        return inspector_find_or_create(actor=users["chef"], establishment=establishment, **kwargs)

    def test_found_by_email_whatever_the_case(self, users, establishment):
        inspector = users["inspecteur"]
        inspector.email = "Ien.X@ac-nantes.fr"
        inspector.save()
        before = User.objects.count()
        found = self.find(users, establishment, email="  ien.x@AC-NANTES.FR ")
        assert found.inspector == inspector
        assert not found.created and found.password == ""
        assert User.objects.count() == before
        assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_CREATED).exists()

    def test_names_given_are_ignored_for_an_existing_inspector(self, users, establishment):
        users["inspecteur"].email = "ien.x@ac-nantes.fr"
        users["inspecteur"].save()
        found = self.find(
            users, establishment, email="ien.x@ac-nantes.fr", first_name="Autre", last_name="NOM"
        )
        found.inspector.refresh_from_db()
        assert found.inspector.last_name != "NOM"

    def test_created_when_unknown_with_a_temporary_password(
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
        inspector = User.objects.get(pk=found.inspector.pk)
        assert inspector.profile == Profile.INSPECTOR
        assert inspector.establishment is None
        assert inspector.username == "jeanne.dupre"
        assert inspector.email == "Jeanne.Dupre@ac-nantes.fr"
        assert inspector.must_change_password
        assert len(found.password) >= 12
        assert found.password not in inspector.password
        assert inspector.check_password(found.password)
        event = AuditEvent.objects.of(establishment).get(action=AuditAction.ACCOUNT_CREATED)
        assert event.actor == users["chef"]
        # Found, not created again, by the next head.
        again = inspector_find_or_create(
            email="jeanne.dupre@ac-nantes.fr",
            actor=users["chef_autre"],
            establishment=other_establishment,
        )
        assert again.inspector == inspector and not again.created

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
    def test_all_or_nothing_no_account_left_when_the_grant_is_refused(self, users, establishment):
        before = User.objects.count()
        with pytest.raises(ValidationError) as caught:
            inspector_access_open(
                establishment=establishment,
                email="nouvelle@ac-nantes.fr",
                first_name="Anne",
                last_name="Nouvelle",
                starts_on=today(),
                ends_on=school_year_end(today()) + datetime.timedelta(days=1),
                actor=users["chef"],
            )
        assert "ends_on" in caught.value.message_dict
        assert User.objects.count() == before
        assert not AuditEvent.objects.exists()

    def test_overlap_refused_after_creation_rolls_the_account_back(self, users, establishment):
        grant, found = inspector_access_open(
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
            inspector_access_open(
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
            inspector_access_open(
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
