"""Accounts across re-imports: an account the administrator disabled stays disabled; the
imports say why they disable (« sorti », « parti », « sans accès ») and list, by name, the
accounts they disable or enable; a DIR individual of STS-web becomes a head only when the
administrator confirms it, and every head account is marked ``was_head`` for good."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carnet.accounts.enums import DisabledReason
from carnet.accounts.models import User
from carnet.accounts.tests.factories import UserFactory
from carnet.core.profiles import Profile
from carnet.core.tests.html import soup, text
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil, StaffMember
from carnet.directory.outside import outside_learner_update
from carnet.imports.enums import BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.files import RawFile
from carnet.imports.services import siecle_import_preview, siecle_import_run
from carnet.imports.siecle import siecle_plan
from carnet.imports.tests import generator as gen
from carnet.imports.tests.learners import ROWS, import_file, learners, table

TODAY = datetime.date(2026, 11, 28)
HEAD = "90001"  # the generator's PROVISEUR Claire (DIR)
ADMIN = DisabledReason.ADMIN


def files_of(school) -> list[RawFile]:
    return [RawFile(name, content) for name, content in gen.all_files(school).items()]


def run(establishment, school, heads=(HEAD,)):
    status, counts, problems = siecle_import_run(
        establishment=establishment, uploads=files_of(school), today=TODAY, heads=heads
    )
    assert status == "applied", problems
    return counts


def account_of(sts_id: str) -> User:
    return StaffMember.objects.select_related("user").get(sts_id=sts_id).user


def disabled_by_admin(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False, disabled_reason=ADMIN)


def state(user: User) -> tuple[bool, str]:
    user.refresh_from_db()
    return user.is_active, user.disabled_reason


@pytest.fixture
def school(establishment):
    return gen.establishment(uai=establishment.uai, pupils=30, teachers=3)


@pytest.mark.django_db
class TestDisabledByTheAdministrator:
    def test_a_teacher_stays_disabled_across_sts_reimports(self, establishment, school, diplomas):
        run(establishment, school)
        teacher = account_of("91000")
        disabled_by_admin(teacher)
        batch = siecle_import_preview(
            establishment=establishment, uploads=files_of(school), actor=None, today=TODAY
        )
        kept = [c for c in batch.changes if c["kind"] == "Compte"]
        assert kept == [
            {
                "kind": "Compte",
                "action": "laissé désactivé",
                "label": f"{teacher.last_name} {teacher.first_name}",
                "details": ["désactivé par l'administrateur : seul l'administrateur le réactive"],
            }
        ]
        run(establishment, school)
        assert state(teacher) == (False, ADMIN)

    def test_a_pupil_who_comes_back_stays_disabled(self, establishment, school, diplomas):
        run(establishment, school)
        account = UserFactory(learner=True, establishment=establishment)
        Pupil.objects.filter(siecle_eleve_id=school.pupils[0].eleve_id).update(user=account)
        disabled_by_admin(account)
        away = school.pupils.pop(0)
        run(establishment, school)
        assert state(account) == (False, ADMIN)  # left: the reason stays the administrator's
        school.pupils.insert(0, away)
        counts = run(establishment, school)
        assert counts["pupils"]["updated"] == 1  # back: réactivé…
        assert state(account) == (False, ADMIN)  # …but not the account

    def test_a_learner_back_in_a_hors_siecle_file_stays_disabled(self, establishment):
        import_file(establishment, table(ROWS[0]))
        account = UserFactory(learner=True, establishment=establishment)
        learners(establishment).update(
            status=PupilStatus.LEFT, left_on=datetime.date(2026, 10, 1), user=account
        )
        disabled_by_admin(account)
        batch = import_file(establishment, table(ROWS[0]))
        assert [(c["kind"], c["action"]) for c in batch.changes] == [
            ("Apprenant", "réactivé"),
            ("Compte", "laissé désactivé"),
        ]
        assert learners(establishment).get().status == PupilStatus.ACTIVE
        assert state(account) == (False, ADMIN)

    def test_a_learner_set_active_by_hand_stays_disabled(self, establishment, users):
        import_file(establishment, table(ROWS[0]))
        learner = learners(establishment).select_related("division").get()
        account = UserFactory(learner=True, establishment=establishment)
        learners(establishment).update(user=account)
        learner.refresh_from_db()
        data = {
            "last_name": learner.last_name,
            "first_name": learner.first_name,
            "birth_date": learner.birth_date,
            "ine": learner.ine,
            "division": learner.division,
            "outside_status": learner.outside_status,
        }
        outside_learner_update(learner=learner, data={**data, "status": "sorti"}, actor=None)
        assert state(account) == (False, DisabledReason.LEFT)
        disabled_by_admin(account)
        outside_learner_update(learner=learner, data={**data, "status": "actif"}, actor=None)
        assert state(account) == (False, ADMIN)


@pytest.mark.django_db
class TestReasons:
    def test_pupils_leave_and_come_back(self, establishment, school, diplomas):
        run(establishment, school)
        account = UserFactory(learner=True, establishment=establishment)
        Pupil.objects.filter(siecle_eleve_id=school.pupils[0].eleve_id).update(user=account)
        away = school.pupils.pop(0)
        run(establishment, school)
        assert state(account) == (False, DisabledReason.LEFT)
        school.pupils.insert(0, away)
        run(establishment, school)
        assert state(account) == (True, "")

    def test_staff_absent_from_sts_then_back(self, establishment, school, diplomas):
        run(establishment, school)
        teacher = account_of("91001")
        gone = next(s for s in school.staff if s.sts_id == "91001")
        school.staff.remove(gone)
        run(establishment, school)
        assert state(teacher) == (False, DisabledReason.DEPARTED)
        school.staff.append(gone)
        run(establishment, school)
        assert state(teacher) == (True, "")

    def test_a_function_without_pedagogical_access(self, establishment, school, diplomas):
        run(establishment, school)
        teacher = account_of("91002")
        next(s for s in school.staff if s.sts_id == "91002").function = "EDU"
        run(establishment, school)
        assert state(teacher) == (False, DisabledReason.NO_ACCESS)

    def test_the_preview_page_lists_the_accounts_by_name(
        self, admin_client_a, establishment, school, diplomas
    ):
        run(establishment, school)
        account = UserFactory(learner=True, establishment=establishment)
        leaving = school.pupils.pop(0)
        Pupil.objects.filter(siecle_eleve_id=leaving.eleve_id).update(user=account)
        gone = next(s for s in school.staff if s.sts_id == "91001")
        school.staff.remove(gone)
        files = [SimpleUploadedFile(n, c) for n, c in gen.all_files(school).items()]
        response = admin_client_a.post(reverse("imports:siecle"), {"files": files})
        page = soup(admin_client_a.get(response.url))
        assert "Comptes que l'import désactive ou réactive (2)" in page.get_text()
        rows = {
            tuple(td.get_text(strip=True) for td in tr.select("td"))
            for tr in page.select("table.accounts tbody tr")
        }
        assert rows == {
            (
                f"{leaving.last_name} {leaving.first_name}",
                "désactivé",
                "élève sorti de l'établissement",
            ),
            (f"{gone.last_name} {gone.first_name}", "désactivé", "absent du fichier STS-web"),
        }


@pytest.mark.django_db
class TestHeadsOfStsWeb:
    @pytest.fixture
    def deputies(self, establishment):
        school = gen.establishment(uai=establishment.uai, pupils=30, teachers=2)
        school.staff.append(gen.Staff("90009", "ADJOINT", "Marc", "DIR"))
        return school

    def test_only_the_confirmed_dir_gets_the_head_profile(
        self, admin_client_a, establishment, deputies, diplomas
    ):
        files = [SimpleUploadedFile(n, c) for n, c in gen.all_files(deputies).items()]
        preview_url = admin_client_a.post(reverse("imports:siecle"), {"files": files}).url
        page = soup(admin_client_a.get(preview_url))
        boxes = page.select(".confirm-box form input[type=checkbox][name=chef]")
        assert [box["value"] for box in boxes] == ["90001", "90009"]
        labels = [page.find("label", attrs={"for": box["id"]}).get_text() for box in boxes]
        assert labels == [
            "Donner le profil chef d'établissement à PROVISEUR Claire",
            "Donner le profil chef d'établissement à ADJOINT Marc",
        ]
        assert not any(box.has_attr("checked") for box in boxes)
        batch = ImportBatch.objects.get()
        response = admin_client_a.post(
            reverse("imports:confirm", args=[batch.token]), {"chef": ["90001"]}, follow=True
        )
        assert "L'import a été appliqué." in text(response)
        head = account_of("90001")
        assert (head.profile, head.was_head, head.has_usable_password()) == (
            Profile.HEAD,
            True,
            False,
        )
        assert account_of("90009") is None  # imported as staff, without account
        assert not User.objects.filter(last_name="ADJOINT").exists()
        history = ImportBatch.objects.get().changes
        details = {c["label"]: c["details"][-1] for c in history if c.get("confirm")}
        assert details == {
            "PROVISEUR Claire": "profil chef d'établissement donné",
            "ADJOINT Marc": "profil chef d'établissement non confirmé",
        }

    def test_a_teacher_turned_dir_is_a_head_only_when_confirmed(
        self, establishment, deputies, diplomas
    ):
        run(establishment, deputies)
        teacher = account_of("91000")
        next(s for s in deputies.staff if s.sts_id == "91000").function = "DIR"
        run(establishment, deputies, heads=(HEAD,))
        teacher.refresh_from_db()
        assert (teacher.profile, teacher.is_active, teacher.was_head) == (
            Profile.TEACHER,
            False,
            False,
        )
        assert teacher.disabled_reason == DisabledReason.NO_ACCESS
        run(establishment, deputies, heads=(HEAD, "91000"))
        teacher.refresh_from_db()
        assert (teacher.profile, teacher.is_active, teacher.was_head) == (Profile.HEAD, True, True)

    def test_a_confirmation_is_checked_against_the_preview(
        self, admin_client_a, establishment, deputies, diplomas
    ):
        batch = siecle_import_preview(
            establishment=establishment, uploads=files_of(deputies), actor=None, today=TODAY
        )
        response = admin_client_a.post(
            reverse("imports:confirm", args=[batch.token]), {"chef": ["91000"]}, follow=True
        )
        assert "ne fait pas partie des personnels de direction de l'aperçu" in text(response)
        assert ImportBatch.objects.get().status == BatchStatus.PREVIEW
        assert not Pupil.objects.exists() and not StaffMember.objects.exists()

    def test_the_digest_does_not_depend_on_the_confirmations(
        self, establishment, deputies, diplomas
    ):
        batch = siecle_import_preview(
            establishment=establishment, uploads=files_of(deputies), actor=None, today=TODAY
        )
        for heads in ((), ("90001",), ("90001", "90009")):
            plan = siecle_plan(establishment=establishment, payload=batch.payload, heads=heads)
            assert plan.digest == batch.payload["digest"]
        assert not Pupil.objects.exists()
