"""The SIECLE/STS import service: preview, apply, idempotence, left pupils, refusals."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carnet.accounts.models import User
from carnet.core.profiles import Profile
from carnet.directory.enums import PupilSource, PupilStatus, StaffFunction
from carnet.directory.models import Division, Pupil, StaffMember
from carnet.directory.selectors import first_import_done
from carnet.directory.services import division_set_diploma
from carnet.directory.tests.factories import DivisionFactory, PupilFactory
from carnet.imports.batches import import_batch_cancel
from carnet.imports.enums import BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.parsers.files import RawFile
from carnet.imports.services import (
    siecle_import_apply,
    siecle_import_preview,
    siecle_import_run,
)
from carnet.imports.tests import generator as gen

TODAY = datetime.date(2026, 11, 28)


def uploads(e: gen.Establishment, **kinds) -> list[RawFile]:
    files = gen.all_files(e)
    return [RawFile(name, content) for name, content in files.items()]


# The generator's head (« PROVISEUR Claire », DIR): confirmed as head unless a test says.
HEAD_STS_ID = "90001"


def run(establishment, e, **options):
    options.setdefault("heads", [HEAD_STS_ID])
    return siecle_import_run(
        establishment=establishment, uploads=uploads(e), today=TODAY, **options
    )


def school(establishment, **options) -> gen.Establishment:
    return gen.establishment(uai=establishment.uai, **options)


def data_writes(queries) -> list[str]:
    """SQL that changed establishment data (not the import's own history row)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
        and "imports_importbatch" not in q["sql"]
        and "SAVEPOINT" not in q["sql"]
    ]


@pytest.mark.django_db
class TestFirstImport:
    def test_creates_pupils_divisions_groups_and_staff(self, establishment, diplomas):
        e = school(establishment, pupils=60, teachers=4)
        status, counts, _problems = run(establishment, e)
        assert status == "applied"
        assert counts["pupils"] == {"created": 60, "updated": 0, "unchanged": 0, "left": 0}
        assert counts["staff"]["created"] == 6  # chef, CPE, 4 teachers
        assert counts["staff"]["skipped"] == 1  # on leave: no FONCTION
        pupils = Pupil.objects.of(establishment)
        assert pupils.count() == 60
        assert pupils.filter(ine__isnull=True).count() == 1  # generator: one without INE
        first = e.pupils[0]
        pupil = pupils.get(siecle_eleve_id=first.eleve_id)
        assert (pupil.last_name, pupil.first_name) == (first.last_name, first.first_name)
        assert pupil.birth_date.strftime("%d/%m/%Y") == first.birth
        assert pupil.division.code == first.division
        assert pupil.source == PupilSource.SIECLE and pupil.status == PupilStatus.ACTIVE
        assert pupil.previous_uai == "0691234S"
        grouped = pupils.get(siecle_eleve_id=e.pupils[1].eleve_id)
        assert list(grouped.groups.values_list("code", flat=True)) == list(e.pupils[1].groups)

    def test_mef_maps_divisions_to_diplomas_and_keeps_unknown_ones(self, establishment, diplomas):
        e = school(establishment, pupils=150)
        run(establishment, e)
        divisions = Division.objects.of(establishment).filter(kind="division")
        melec = divisions.get(mef="24725520310")
        assert melec.diploma == diplomas["BP-MELEC"]
        assert melec.mef_label == gen.MEFS["24725520310"]
        unknown = divisions.get(mef="24725410310")
        assert unknown.diploma is None  # « diplôme non rattaché »

    def test_staff_accounts_by_function(self, establishment, diplomas):
        e = school(establishment, pupils=30, teachers=2)
        run(establishment, e)
        staff = {m.sts_id: m for m in StaffMember.objects.of(establishment).select_related("user")}
        head = staff["90001"]
        assert head.function == StaffFunction.MANAGEMENT
        assert head.user.profile == Profile.HEAD and head.user.username == "claire.proviseur"
        assert not head.user.has_usable_password()  # credentials come from user management
        assert staff["90002"].function == StaffFunction.EDUCATION and staff["90002"].user is None
        assert "90003" not in staff  # no FONCTION: skipped
        teacher = staff["91000"]
        assert teacher.user.profile == Profile.TEACHER
        assert teacher.user.establishment == establishment
        assert sorted(teacher.divisions.values_list("code", flat=True)) == sorted(
            set(e.staff[3].divisions)
        )

    def test_logins_are_folded_and_unique(self, establishment, diplomas):
        e = school(establishment, pupils=25, teachers=0)
        e.staff += [
            gen.Staff("92001", "N'DIAYE", "Cœlia Marie", "ENS"),
            gen.Staff("92002", "N'Diaye", "Coelia", "ENS"),
        ]
        run(establishment, e)
        logins = set(
            User.objects.filter(last_name__iexact="n'diaye").values_list("username", flat=True)
        )
        assert logins == {"coelia.ndiaye", "coelia.ndiaye2"}

    def test_addresses_and_family_are_never_kept(self, establishment, diplomas):
        e = school(establishment, pupils=5)
        files = [RawFile("ElevesAvecAdresses.xml", gen.pupils_xml(e, with_addresses=True))]
        batch = siecle_import_preview(
            establishment=establishment, uploads=files, actor=None, today=TODAY
        )
        stored = str(batch.payload) + str(batch.changes)
        for secret in ("Lilas", "0601020304", "eleve@example.invalid", "PARENT"):
            assert secret not in stored
        siecle_import_apply(batch=batch, actor=None)
        assert Pupil.objects.of(establishment).count() == 5
        assert ImportBatch.objects.get().payload == {}


@pytest.mark.django_db
class TestReimport:
    def test_same_files_again_change_nothing_and_write_nothing(self, establishment, diplomas):
        e = school(establishment, pupils=60, teachers=3)
        run(establishment, e)
        with CaptureQueriesContext(connection) as queries:
            status, counts, _ = run(establishment, e)
        assert status == "applied"
        assert counts["pupils"] == {"created": 0, "updated": 0, "unchanged": 60, "left": 0}
        assert counts["divisions"]["created"] == counts["divisions"]["updated"] == 0
        assert counts["staff"]["created"] == counts["staff"]["updated"] == 0
        assert data_writes(queries) == []

    def test_ine_completed_in_siecle_updates_the_same_pupil(self, establishment, diplomas):
        e = school(establishment, pupils=30)
        without = next(p for p in e.pupils if not p.ine)
        run(establishment, e)
        before = Pupil.objects.get(siecle_eleve_id=without.eleve_id)
        without.ine = gen.ine_bea(99999)
        _status, counts, _ = run(establishment, e)
        assert counts["pupils"]["updated"] == 1 and counts["pupils"]["created"] == 0
        after = Pupil.objects.get(siecle_eleve_id=without.eleve_id)
        assert after.pk == before.pk and after.ine == without.ine

    def test_pupil_matched_by_ine_when_siecle_id_changed(self, establishment, diplomas):
        e = school(establishment, pupils=30)
        run(establishment, e)
        moved = e.pupils[3]
        before = Pupil.objects.get(siecle_eleve_id=moved.eleve_id)
        moved.eleve_id = "123456789"
        _status, counts, _ = run(establishment, e)
        assert counts["pupils"]["created"] == 0 and counts["pupils"]["left"] == 0
        assert Pupil.objects.get(pk=before.pk).siecle_eleve_id == "123456789"

    def test_moves_arrivals_and_departures(self, establishment, diplomas):
        e = school(establishment, pupils=100)
        run(establishment, e)
        departed = e.pupils.pop(0)
        e.pupils[0].division = (
            e.divisions[-1].code
            if e.pupils[0].division != e.divisions[-1].code
            else e.divisions[0].code
        )
        e.pupils[1].exit_date = "15/11/2026"
        e.pupils.append(
            gen.Pupil(
                "800001",
                "NOUVEAU",
                "Élève",
                "01/02/2010",
                "1",
                gen.ine_bea(5000),
                "24725520310",
                e.divisions[0].code,
            )
        )
        _status, counts, _ = run(establishment, e)
        assert counts["pupils"] == {"created": 1, "updated": 1, "unchanged": 97, "left": 2}
        gone = Pupil.objects.get(siecle_eleve_id=departed.eleve_id)
        assert gone.status == PupilStatus.LEFT and gone.left_on == datetime.date(2026, 9, 5)
        left = Pupil.objects.get(siecle_eleve_id=e.pupils[1].eleve_id)
        assert left.status == PupilStatus.LEFT and left.left_on == datetime.date(2026, 11, 15)

    def test_left_pupil_account_is_disabled_then_reactivated(self, establishment, diplomas, users):
        e = school(establishment, pupils=30)
        run(establishment, e)
        pupil = Pupil.objects.get(siecle_eleve_id=e.pupils[0].eleve_id)
        pupil.user = users["apprenant"]
        pupil.save()
        away = e.pupils.pop(0)
        run(establishment, e)
        pupil.refresh_from_db()
        assert pupil.status == PupilStatus.LEFT
        assert not User.objects.get(pk=users["apprenant"].pk).is_active
        assert Pupil.objects.filter(pk=pupil.pk).exists()  # never deleted
        e.pupils.insert(0, away)
        _status, _counts, _ = run(establishment, e)
        pupil.refresh_from_db()
        assert pupil.status == PupilStatus.ACTIVE and pupil.left_on is None
        assert User.objects.get(pk=users["apprenant"].pk).is_active

    def test_learners_outside_siecle_are_never_marked_left(self, establishment, diplomas):
        outside = PupilFactory(
            establishment=establishment, source=PupilSource.OUTSIDE_SIECLE, siecle_eleve_id=""
        )
        run(establishment, school(establishment, pupils=25))
        outside.refresh_from_db()
        assert outside.status == PupilStatus.ACTIVE

    def test_staff_function_change_and_departure(self, establishment, diplomas):
        e = school(establishment, pupils=25, teachers=3)
        run(establishment, e)
        promoted = next(s for s in e.staff if s.sts_id == "91000")
        promoted.function = "DIR"
        departed = next(s for s in e.staff if s.sts_id == "91001")
        e.staff.remove(departed)
        _status, counts, _ = run(establishment, e, heads=[HEAD_STS_ID, "91000"])
        assert counts["staff"]["updated"] == 1 and counts["staff"]["left"] == 1
        member = StaffMember.objects.select_related("user").get(sts_id="91000")
        assert member.function == StaffFunction.MANAGEMENT and member.user.profile == Profile.HEAD
        gone = StaffMember.objects.select_related("user").get(sts_id="91001")
        assert not gone.is_active and not gone.user.is_active

    def test_a_diploma_attached_by_hand_survives_a_reimport(self, establishment, diplomas):
        e = school(establishment, pupils=150)
        run(establishment, e)
        division = Division.objects.of(establishment).get(mef="24725410310", code="D005")
        division_set_diploma(division=division, diploma=diplomas["CAP-ELEC"], actor=None)
        run(establishment, e)
        division.refresh_from_db()
        assert division.diploma == diplomas["CAP-ELEC"]

    def test_a_diploma_mapped_from_the_mef_follows_the_mef(self, establishment, diplomas):
        e = school(establishment, pupils=150)
        run(establishment, e)
        division = Division.objects.of(establishment).get(code="D000")
        assert division.diploma == diplomas["BP-MELEC"]
        e.divisions[0].mef = "24725410310"  # now a MEF of no référentiel
        for pupil in e.pupils:
            if pupil.division == "D000":
                pupil.mef = "24725410310"
        run(establishment, e)
        division.refresh_from_db()
        assert division.mef == "24725410310" and division.diploma is None


@pytest.mark.django_db
class TestRefusals:
    def test_another_schools_file_is_refused_and_nothing_changes(self, establishment, diplomas):
        e = gen.establishment(uai="0691234S", pupils=10)
        status, _counts, problems = run(establishment, e)
        assert status == "refused"
        assert (
            f"Ce fichier appartient à l'établissement 0691234S, pas au vôtre ({establishment.uai})"
            in problems[0]["message"]
        )
        assert problems[0]["code"] == "wrong_uai"
        assert not Pupil.objects.exists() and not ImportBatch.objects.exists()

    def test_duplicate_ine_names_both_pupils(self, establishment, diplomas):
        e = school(establishment, pupils=10)
        e.pupils[4].ine = e.pupils[2].ine
        status, _, problems = run(establishment, e)
        assert status == "refused"
        message = next(p["message"] for p in problems if p["code"] == "duplicate_ine")
        for pupil in (e.pupils[2], e.pupils[4]):
            assert f"{pupil.last_name} {pupil.first_name}" in message
        assert not Pupil.objects.exists()

    def test_two_pupils_files_are_refused(self, establishment, diplomas):
        e = school(establishment, pupils=5)
        files = [RawFile("a.xml", gen.pupils_xml(e)), RawFile("b.xml", gen.pupils_xml(e))]
        status, _, problems = siecle_import_run(
            establishment=establishment, uploads=files, today=TODAY
        )
        assert status == "refused" and problems[0]["code"] == "duplicate_kind"

    def test_other_school_year_is_a_warning_only(self, establishment, diplomas):
        e = school(establishment, pupils=5, year=2025)
        status, _counts, problems = run(establishment, e)
        assert status == "applied"
        assert [p["code"] for p in problems] == ["not_current_year"]
        assert Division.objects.of(establishment).first().school_year.start_year == 2025

    def test_dry_run_writes_nothing(self, establishment, diplomas):
        status, counts, _ = run(establishment, school(establishment, pupils=10), dry_run=True)
        assert status == "preview" and counts["pupils"]["created"] == 10
        assert not Pupil.objects.exists() and not ImportBatch.objects.exists()


@pytest.mark.django_db(transaction=True)
class TestAllOrNothing:
    def test_failure_during_apply_leaves_the_database_as_before(
        self, establishment, diplomas, monkeypatch
    ):
        e = school(establishment, pupils=30, teachers=2)
        batch = siecle_import_preview(
            establishment=establishment, uploads=uploads(e), actor=None, today=TODAY
        )

        def broken(*args, **kwargs):
            raise RuntimeError("panne au milieu de l'import")

        monkeypatch.setattr(StaffMember.objects, "bulk_create", broken)
        with pytest.raises(RuntimeError):
            siecle_import_apply(batch=batch, actor=None)
        assert not Pupil.objects.exists() and not Division.objects.exists()
        assert not User.objects.filter(establishment=establishment).exists()
        batch.refresh_from_db()
        assert batch.status == BatchStatus.PREVIEW and batch.payload


@pytest.mark.django_db
class TestPreviewBinding:
    def test_a_stale_preview_is_refused(self, establishment, diplomas):
        e = school(establishment, pupils=10)
        first = siecle_import_preview(
            establishment=establishment, uploads=uploads(e), actor=None, today=TODAY
        )
        run(establishment, e)  # something else applied meanwhile
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError, match="ont changé depuis cet aperçu"):
            siecle_import_apply(batch=first, actor=None)

    def test_preview_records_the_files_sha256(self, establishment, diplomas):
        e = school(establishment, pupils=10)
        files = uploads(e)
        batch = siecle_import_preview(
            establishment=establishment, uploads=files, actor=None, today=TODAY
        )
        assert sorted(f["sha256"] for f in batch.files) == sorted(f.sha256 for f in files)
        assert {f["kind"] for f in batch.files} == {
            "BEE_ELEVES",
            "BEE_NOMENCLATURES",
            "BEE_STRUCTURES",
            "STS_EDT",
        }
        assert not Pupil.objects.exists()  # a preview changes no data


@pytest.mark.django_db
class TestQueryCount:
    """The number of SQL queries of an import does not grow with the number of pupils."""

    @staticmethod
    def queries_for(establishment, pupils: int) -> tuple[int, int]:
        e = school(establishment, pupils=pupils, teachers=6)
        with CaptureQueriesContext(connection) as first:
            run(establishment, e)
        with CaptureQueriesContext(connection) as again:
            run(establishment, e)
        return len(first), len(again)

    def test_50_and_500_pupils_take_the_same_number_of_queries(self, diplomas):
        from carnet.directory.tests.factories import SchoolYearFactory
        from carnet.establishments.tests.factories import EstablishmentFactory

        SchoolYearFactory(start_year=2026)  # so that both runs find it
        small = self.queries_for(EstablishmentFactory(uai="0693046L"), 50)
        big = self.queries_for(EstablishmentFactory(uai="0573690B"), 500)
        assert small == big


@pytest.mark.django_db
class TestFirstImportState:
    """« Nouvel enseignant » waits for a first SIECLE import, or a hors-SIECLE division
    with a pupil."""

    def test_nothing_yet(self, establishment):
        assert not first_import_done(establishment=establishment)

    def test_after_a_siecle_import(self, establishment, other_establishment, diplomas):
        run(establishment, school(establishment, pupils=5))
        assert first_import_done(establishment=establishment)
        assert not first_import_done(establishment=other_establishment)

    def test_a_preview_alone_is_not_enough(self, establishment, diplomas):
        siecle_import_preview(
            establishment=establishment,
            uploads=uploads(school(establishment, pupils=5)),
            actor=None,
            today=TODAY,
        )
        assert not first_import_done(establishment=establishment)

    def test_a_hors_siecle_division_with_a_pupil(self, establishment):
        division = DivisionFactory(establishment=establishment, source=PupilSource.OUTSIDE_SIECLE)
        assert not first_import_done(establishment=establishment)
        PupilFactory(
            establishment=establishment, division=division, source=PupilSource.OUTSIDE_SIECLE
        )
        assert first_import_done(establishment=establishment)


@pytest.mark.django_db
class TestOpenPreviews:
    def test_a_new_preview_closes_the_previous_one_and_drops_its_data(
        self, establishment, diplomas
    ):
        files = uploads(school(establishment, pupils=5))
        first = siecle_import_preview(
            establishment=establishment, uploads=files, actor=None, today=TODAY
        )
        second = siecle_import_preview(
            establishment=establishment, uploads=files, actor=None, today=TODAY
        )
        first.refresh_from_db()
        assert first.status == BatchStatus.CANCELLED and first.payload == {}
        assert second.status == BatchStatus.PREVIEW and second.payload


@pytest.mark.django_db
class TestReviewedEdgeCases:
    def test_a_newcomer_never_takes_the_record_of_a_pupil_still_in_the_file(
        self, establishment, diplomas, users
    ):
        e = school(establishment, pupils=20)
        run(establishment, e)
        a = e.pupils[10]
        record_a = Pupil.objects.get(siecle_eleve_id=a.eleve_id)
        record_a.user = users["apprenant"]
        record_a.save()
        old_ine, a.ine = a.ine, gen.ine_bea(77777)  # A's INE corrected in SIECLE
        newcomer = gen.Pupil(
            "999001", "NOUVEL", "Arrivant", "01/01/2010", "1", old_ine, a.mef, a.division
        )
        e.pupils.insert(0, newcomer)  # earlier in the file than A
        status, counts, _ = run(establishment, e)
        assert status == "applied"
        assert counts["pupils"]["created"] == 1 and counts["pupils"]["updated"] == 1
        record_a.refresh_from_db()
        assert (record_a.last_name, record_a.ine) == (a.last_name, a.ine)
        assert record_a.user == users["apprenant"]
        assert Pupil.objects.get(siecle_eleve_id="999001").ine == old_ine

    def test_the_ine_of_a_learner_outside_siecle_refuses_the_import(self, establishment, diplomas):
        e = school(establishment, pupils=10)
        learner = PupilFactory(
            establishment=establishment,
            source=PupilSource.OUTSIDE_SIECLE,
            siecle_eleve_id="",
            last_name="APPRENTI",
            first_name="Paul",
            ine=e.pupils[3].ine,
        )
        status, _, problems = run(establishment, e)
        assert status == "refused"
        message = next(p["message"] for p in problems if p["code"] == "ine_of_outside_learner")
        assert "APPRENTI Paul" in message and e.pupils[3].last_name in message
        learner.refresh_from_db()
        assert learner.source == PupilSource.OUTSIDE_SIECLE and learner.last_name == "APPRENTI"
        assert not Pupil.objects.filter(source=PupilSource.SIECLE).exists()

    def test_an_ine_moves_from_an_absent_pupil_to_one_of_the_file(self, establishment, diplomas):
        e = school(establishment, pupils=20)
        without = next(p for p in e.pupils if not p.ine)
        run(establishment, e)
        absent = e.pupils.pop(0)
        without.ine = absent.ine  # SIECLE now gives that INE to another pupil
        status, _counts, problems = run(establishment, e)
        assert status == "applied", problems
        assert "ine_moved" in [p["code"] for p in problems]
        assert Pupil.objects.get(siecle_eleve_id=without.eleve_id).ine == absent.ine
        gone = Pupil.objects.get(siecle_eleve_id=absent.eleve_id)
        assert gone.ine is None and gone.status == PupilStatus.LEFT

    def test_the_pupils_file_alone_keeps_the_labels_of_the_other_files(
        self, establishment, diplomas
    ):
        e = school(establishment, pupils=60)
        run(establishment, e)
        before = {
            d.code: (d.label, d.mef, d.mef_label, d.diploma_id)
            for d in Division.objects.of(establishment)
        }
        only_pupils = [RawFile("ElevesSansAdresses.xml", gen.pupils_xml(e))]
        status, counts, _ = siecle_import_run(
            establishment=establishment, uploads=only_pupils, today=TODAY
        )
        assert status == "applied"
        assert counts["divisions"]["updated"] == 0
        after = {
            d.code: (d.label, d.mef, d.mef_label, d.diploma_id)
            for d in Division.objects.of(establishment)
        }
        assert after == before
        assert all(label != code for code, (label, *_) in after.items())

    def test_a_siecle_division_with_the_code_of_a_division_outside_siecle_is_refused(
        self, establishment, diplomas
    ):
        e = school(establishment, pupils=10)
        DivisionFactory(
            establishment=establishment,
            code=e.divisions[0].code,
            source=PupilSource.OUTSIDE_SIECLE,
            school_year__start_year=2026,
        )
        status, _, problems = run(establishment, e)
        assert status == "refused"
        message = next(p["message"] for p in problems if p["code"] == "outside_division_code")
        assert e.divisions[0].code in message

    def test_thirty_homonyms_already_on_the_platform(
        self, establishment, other_establishment, diplomas
    ):
        for n in range(1, 31):
            login = "claire.proviseur" if n == 1 else f"claire.proviseur{n}"
            User.objects.create(
                username=login, profile=Profile.TEACHER, establishment=other_establishment
            )
        run(establishment, school(establishment, pupils=5, teachers=0))
        head = StaffMember.objects.select_related("user").get(sts_id="90001")
        assert head.user.username == "claire.proviseur31"

    def test_staff_on_leave_are_not_marked_gone(self, establishment, diplomas):
        e = school(establishment, pupils=5, teachers=2)
        run(establishment, e)
        on_leave = next(s for s in e.staff if s.sts_id == "91000")
        on_leave.function = ""  # on leave this year: no FONCTION
        _status, counts, _ = run(establishment, e)
        assert counts["staff"]["left"] == 0 and counts["staff"]["skipped"] == 2
        member = StaffMember.objects.select_related("user").get(sts_id="91000")
        assert member.is_active and member.user.is_active

    def test_a_change_of_profile_is_audited_account_by_account(self, establishment, diplomas):
        from carnet.audit.enums import AuditAction
        from carnet.audit.models import AuditEvent

        e = school(establishment, pupils=5, teachers=2)
        run(establishment, e)
        next(s for s in e.staff if s.sts_id == "91000").function = "DIR"
        run(establishment, e, heads=[HEAD_STS_ID, "91000"])
        event = AuditEvent.objects.get(
            action=AuditAction.PROFILE_CHANGED, subject__contains="(STS 91000)"
        )
        assert "(STS 91000)" in event.subject
        assert event.changes == {"Profil": ["Enseignant", "Chef d'établissement"]}


@pytest.mark.django_db
class TestPreviewLifetime:
    def test_abandoning_drops_the_pupils_data(self, establishment, diplomas):
        batch = siecle_import_preview(
            establishment=establishment,
            uploads=uploads(school(establishment, pupils=5)),
            actor=None,
            today=TODAY,
        )
        assert batch.changes and batch.payload
        import_batch_cancel(batch=batch)
        batch.refresh_from_db()
        assert batch.changes == [] and batch.payload == {}

    def test_a_preview_older_than_a_day_is_refused_and_purged(self, establishment, diplomas):
        from django.core.exceptions import ValidationError
        from django.core.management import call_command
        from django.utils import timezone

        old = siecle_import_preview(
            establishment=establishment,
            uploads=uploads(school(establishment, pupils=5)),
            actor=None,
            today=TODAY,
        )
        ImportBatch.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=25)
        )
        with pytest.raises(ValidationError, match="plus de 24 heures"):
            siecle_import_apply(batch=old, actor=None)
        assert not Pupil.objects.exists()
        fresh = siecle_import_preview(
            establishment=establishment,
            uploads=uploads(school(establishment, pupils=5)),
            actor=None,
            today=TODAY,
        )
        ImportBatch.objects.filter(pk=fresh.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=30)
        )
        call_command("purge_import_previews", stdout=__import__("io").StringIO())
        fresh.refresh_from_db()
        assert fresh.status == BatchStatus.CANCELLED and fresh.payload == {} and fresh.changes == []
