import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from carnet.accounts.enums import Profile
from carnet.accounts.models import User
from carnet.core.demo import DEMO_PASSWORD, DEMO_UAI
from carnet.core.identifiers import uai_problem
from carnet.directory.models import Division, Pupil, StaffMember
from carnet.establishments.models import Establishment


@pytest.mark.django_db
class TestDemo:
    def test_builds_the_demo_establishment_and_prints_one_login_per_profile(self, diplomas, capsys):
        call_command("load_demo")
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
        call_command("load_demo")
        counts = (Pupil.objects.count(), Division.objects.count(), User.objects.count())
        call_command("load_demo")
        assert (Pupil.objects.count(), Division.objects.count(), User.objects.count()) == counts
