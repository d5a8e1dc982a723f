import datetime

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from carnet.accounts.models import User
from carnet.core.identifiers import uai_problem
from carnet.core.profiles import Profile
from carnet.directory.models import Division, Pupil, StaffMember
from carnet.establishments.models import Establishment
from carnet.web.demo import DEMO_PASSWORD, DEMO_UAI, demo_load


@pytest.mark.django_db
class TestDemo:
    def test_builds_the_demo_establishment_and_prints_one_login_per_profile(self, diplomas, capsys):
        call_command("load_demo", "--force")
        out = capsys.readouterr().out
        establishment = Establishment.objects.get(uai=DEMO_UAI)
        assert uai_problem(establishment.uai) is None and establishment.identity_complete
        divisions = Division.objects.of(establishment)
        assert divisions.count() == 3
        assert {d.diploma.code for d in divisions} == {"BP-MELEC", "CAP-ELEC"}
        pupils = Pupil.objects.of(establishment)
        assert pupils.count() == 60
        assert pupils.filter(ine__isnull=True).count() == 3
        assert StaffMember.objects.of(establishment).filter(function="ENS").count() == 6
        for profile in Profile:
            if profile == Profile.OPERATOR:
                continue
            user = User.objects.filter(profile=profile).first()
            assert user.username in out
            request = RequestFactory().post("/connexion/")
            assert authenticate(request, username=user.username, password=DEMO_PASSWORD) is not None
        assert DEMO_PASSWORD in out

    def test_running_it_twice_changes_nothing(self, diplomas):
        call_command("load_demo", "--force")
        counts = (Pupil.objects.count(), Division.objects.count(), User.objects.count())
        call_command("load_demo", "--force")
        assert (Pupil.objects.count(), Division.objects.count(), User.objects.count()) == counts

    def test_refused_outside_development_without_force(self, diplomas):
        with pytest.raises(CommandError, match="DEBUG"):
            call_command("load_demo")
        assert not Establishment.objects.filter(uai=DEMO_UAI).exists()

    def test_never_takes_over_a_real_account(self, diplomas, users):
        real = users["enseignant"]
        real.username = "sophie.perrin"  # a demo login
        real.save()
        with pytest.raises(CommandError, match="appartient déjà à un autre compte"):
            call_command("load_demo", "--force")
        real.refresh_from_db()
        assert real.establishment.uai == "0442953W"
        assert not Establishment.objects.filter(uai=DEMO_UAI).exists()

    def test_a_new_school_year_moves_the_demo_without_leftovers(self, diplomas):
        call_command("load_demo", "--force")
        demo_load(today=datetime.date(2099, 12, 1))
        divisions = Division.objects.filter(establishment__uai=DEMO_UAI)
        assert divisions.count() == 3
        assert set(divisions.values_list("school_year__start_year", flat=True)) == {2099}
        assert Pupil.objects.filter(division__isnull=True).count() == 0

    def test_the_demo_inspector_and_teachers_have_something_to_see(self, diplomas):
        from carnet.inspection.models import InspectorGrant

        call_command("load_demo", "--force")
        call_command("load_demo", "--force")
        grant = InspectorGrant.objects.get(inspector__username="alain.besson")
        assert grant.is_live() and grant.establishment.uai == DEMO_UAI
        teacher = StaffMember.objects.get(user__username="sophie.perrin")
        assert teacher.divisions.count() == 2
        from carnet.directory.selectors import first_import_done

        assert first_import_done(establishment=grant.establishment)  # « Nouvel enseignant »


@pytest.mark.django_db
class TestDemoPedagogy:
    def test_three_scenarios_per_teacher_with_evaluations_and_results(self, diplomas):
        from carnet.evaluations.models import Evaluation, Result
        from carnet.scenarios.models import Scenario

        call_command("load_demo", "--force")
        teachers = StaffMember.objects.filter(establishment__uai=DEMO_UAI, function="ENS")
        for member in teachers:
            assert Scenario.objects.filter(author=member.user).count() == 3
        evaluations = Evaluation.objects.filter(establishment__uai=DEMO_UAI)
        assert evaluations.filter(kind="formative").count() == 3 * teachers.count()
        assert evaluations.filter(kind="certificative").count() == teachers.count()
        assert evaluations.filter(kind="certificative", published_at__isnull=False).exists()
        results = Result.objects.filter(establishment__uai=DEMO_UAI)
        levels = set(results.values_list("level__code", flat=True))
        assert {"1", "2", "3", "4", "absent"} <= levels
        counts = (Scenario.objects.count(), evaluations.count(), results.count())
        call_command("load_demo", "--force")
        assert (Scenario.objects.count(), evaluations.count(), results.count()) == counts

    def test_a_bilan_intermediaire_or_two_with_one_level_decided_otherwise(self, diplomas):
        from carnet.dashboards.models import Bilan, BilanLevel

        call_command("load_demo", "--force")
        bilans = Bilan.objects.filter(establishment__uai=DEMO_UAI, kind="intermediaire")
        assert bilans.count() == 2
        assert bilans.filter(pupil__user__isnull=False).exists()  # the demo pupil's
        levels = BilanLevel.objects.filter(bilan__in=bilans, decided__isnull=False)
        assert any(level.decided.value != level.proposed_value for level in levels)
        call_command("load_demo", "--force")
        assert bilans.count() == 2


@pytest.mark.django_db
class TestDemoPassport:
    def test_the_demo_pupil_has_a_passport_with_one_validated_entry(self, diplomas):
        from carnet.passport.enums import EntryStatus
        from carnet.passport.models import Entry

        call_command("load_demo", "--force")
        pupil = Pupil.objects.get(user__username="manon.laurent")
        statuses = list(Entry.objects.filter(pupil=pupil).values_list("status", flat=True))
        assert statuses.count(EntryStatus.VALIDATED) == 1
        assert EntryStatus.SUBMITTED in statuses and len(statuses) >= 3
        call_command("load_demo", "--force")
        assert Entry.objects.filter(pupil=pupil).count() == len(statuses)


@pytest.mark.django_db
class TestDemoPfmp:
    def test_a_period_a_placement_two_fiches_and_a_validated_bilan(self, diplomas):
        from carnet.pfmp.models import ActivitySheet, CompanyReview, Period

        call_command("load_demo", "--force")
        period = Period.objects.get(establishment__uai=DEMO_UAI)
        placement = period.placements.get(pupil__user__username="manon.laurent")
        assert placement.company_name and placement.tutor_name
        sheets = ActivitySheet.objects.filter(placement=placement)
        assert sorted(sheets.values_list("status", flat=True)) == ["brouillon", "envoyee"]
        review = CompanyReview.objects.get(placement=placement)
        assert review.status == "valide" and review.results.count() == 3
        call_command("load_demo", "--force")
        assert (
            ActivitySheet.objects.filter(placement__period__establishment__uai=DEMO_UAI).count()
            == 2
        )
