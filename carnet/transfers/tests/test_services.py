"""Transfers on the platform (request → answer) and across deployments (export → import):
exactly once, all or nothing, refused with the reason when a side is not ready, and never
a leak of another establishment's pupils."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from carnet.core.results import result_rows
from carnet.evaluations.models import Result
from carnet.transfers import services
from carnet.transfers.enums import Direction, RequestStatus
from carnet.transfers.models import PackageUpload, ReceivedItem, Transfer, TransferRequest
from carnet.transfers.package import PackageRefused, package_read
from carnet.transfers.selectors import arrivals, requests_received
from carnet.transfers.services import (
    package_apply,
    package_export,
    receive_problems,
    records,
    transfer_request_create,
    transfer_request_decide,
    trusted_key_add,
)


def ask(record, users):
    return transfer_request_create(
        establishment=record.receiver,
        pupil=record.pupil,
        holder_pupil=record.holder_pupil,
        actor=users["admin_autre"],
    )


@pytest.mark.django_db
class TestOnThePlatform:
    def test_asked_accepted_copied_never_moved(self, record, users):
        request = ask(record, users)
        assert [r.pk for r in requests_received(establishment=record.holder)] == [request.pk]
        source_results = Result.objects.filter(pupil=record.holder_pupil).count()
        transfer_request_decide(request=request, accept=True, actor=users["administrateur"])
        request.refresh_from_db()
        assert request.status == RequestStatus.DONE
        item = ReceivedItem.objects.get(pupil=record.pupil)
        assert item.data["scenario"] == record.school.scenario.title
        assert item.data["teacher"] == record.school.teacher.display_name
        assert {r["level_code"] for r in item.data["results"]} == {"3"}
        # Copied, not moved: the source still has everything.
        assert Result.objects.filter(pupil=record.holder_pupil).count() == source_results
        sides = Transfer.objects.order_by("direction").values_list(
            "establishment__uai", "direction", "other_uai"
        )
        assert list(sides) == [
            (record.holder.uai, Direction.SENT, record.receiver.uai),
            (record.receiver.uai, Direction.RECEIVED, record.holder.uai),
        ]

    def test_received_results_feed_the_destination_dashboards(self, record, users):
        transfer_request_decide(request=ask(record, users), accept=True, actor=users["chef"])
        rows = result_rows(establishment=record.receiver, pupil_ids=[record.pupil.pk])
        assert rows and {r.kind for r in rows} == {"formative"}
        assert all(r.source.startswith("transfert:") for r in rows)

    def test_refused_copies_nothing(self, record, users):
        transfer_request_decide(request=ask(record, users), accept=False, actor=users["chef"])
        assert not ReceivedItem.objects.exists() and not Transfer.objects.exists()

    def test_answered_once(self, record, users):
        request = ask(record, users)
        transfer_request_decide(request=request, accept=True, actor=users["administrateur"])
        with pytest.raises(ValidationError, match="déjà reçu une réponse"):
            transfer_request_decide(request=request, accept=True, actor=users["administrateur"])
        assert ReceivedItem.objects.count() == 1

    def test_asked_once_at_a_time(self, record, users):
        ask(record, users)
        with pytest.raises(ValidationError, match="déjà demandé"):
            ask(record, users)

    @pytest.mark.parametrize("side", ["holder", "receiver"])
    def test_refused_while_a_side_has_transfers_off(self, record, users, side):
        establishment = getattr(record, side)
        establishment.transfers_enabled = False
        establishment.save()
        with pytest.raises(ValidationError, match="n'a pas activé les transferts"):
            ask(record, users)

    def test_refused_when_the_ine_differs(self, record, users):
        record.pupil.ine = "1234567890A"[:10] + "B"
        record.pupil.save()
        with pytest.raises(ValidationError):
            ask(record, users)

    def test_the_match_is_by_ine_only_and_says_only_the_holder(self, record, users):
        found = arrivals(establishment=record.receiver)
        assert [(a.pupil.pk, a.holder_uai) for a in found] == [(record.pupil.pk, record.holder.uai)]
        # The holder's other pupils are not matched, nor named.
        assert all(a.pupil.establishment_id == record.receiver.pk for a in found)
        assert arrivals(establishment=record.holder) == [
            a for a in arrivals(establishment=record.holder) if a.holder_id == record.receiver.pk
        ]


@pytest.mark.django_db
class TestAcrossDeployments:
    def exported(self, record, users):
        out, _ = package_export(
            establishment=record.holder, pupil=record.holder_pupil, actor=users["administrateur"]
        )
        with out:
            return out.read()

    def from_another_deployment(self, record, users, settings, tmp_path) -> bytes:
        """Exported by the holder on « another deployment » (another key), then this test's
        deployment gets its own key back."""
        own = settings.TRANSFER_KEY_FILE
        settings.TRANSFER_KEY_FILE = tmp_path / "autre-plateforme.pem"
        services.deployment_key.cache_clear()
        data = self.exported(record, users)
        settings.TRANSFER_KEY_FILE = own
        services.deployment_key.cache_clear()
        return data

    def test_an_unknown_key_is_refused_until_trusted(self, record, users, settings, tmp_path):
        data = self.from_another_deployment(record, users, settings, tmp_path)
        package = package_read(data)
        problems = receive_problems(establishment=record.receiver, package=package)
        assert any("pas encore reconnue" in p for p in problems)
        with pytest.raises(ValidationError, match="pas encore reconnue"):
            package_apply(
                establishment=record.receiver,
                package=package,
                actor=users["admin_autre"],
                channel="paquet",
            )
        assert not ReceivedItem.objects.exists()
        trusted_key_add(establishment=record.receiver, package=package, actor=users["admin_autre"])
        package_apply(
            establishment=record.receiver,
            package=package,
            actor=users["admin_autre"],
            channel="paquet",
        )
        assert ReceivedItem.objects.filter(pupil=record.pupil).count() == 1

    def test_applied_twice_changes_nothing(self, record, users):
        package = package_read(self.exported(record, users))
        apply = {"establishment": record.receiver, "package": package, "channel": "paquet"}
        package_apply(actor=users["admin_autre"], **apply)
        with pytest.raises(ValidationError, match="déjà été reçu"):
            package_apply(actor=users["admin_autre"], **apply)
        assert ReceivedItem.objects.count() == 1
        assert Transfer.objects.filter(direction=Direction.RECEIVED).count() == 1

    def test_a_second_export_of_the_same_record_adds_nothing_twice(self, record, users):
        for _ in range(2):
            package = package_read(self.exported(record, users))
            package_apply(
                establishment=record.receiver,
                package=package,
                actor=users["admin_autre"],
                channel="paquet",
            )
        assert ReceivedItem.objects.count() == 1
        assert Transfer.objects.filter(direction=Direction.RECEIVED).count() == 2

    def test_refused_without_the_pupil_here(self, record, users):
        record.pupil.ine = None
        record.pupil.save()
        package = package_read(self.exported(record, users))
        with pytest.raises(ValidationError, match="aucun élève de votre établissement"):
            package_apply(
                establishment=record.receiver,
                package=package,
                actor=users["admin_autre"],
                channel="paquet",
            )

    def test_a_failure_half_way_leaves_nothing(self, record, users, monkeypatch):
        package = package_read(self.exported(record, users))

        def broken(**kwargs):
            raise RuntimeError("panne au milieu")

        monkeypatch.setattr(records, "_store_items", broken)
        with pytest.raises(RuntimeError):
            package_apply(
                establishment=record.receiver,
                package=package,
                actor=users["admin_autre"],
                channel="paquet",
            )
        assert not Transfer.objects.filter(direction=Direction.RECEIVED).exists()
        assert not ReceivedItem.objects.exists()

    def test_exported_only_with_transfers_on_and_an_ine(self, record, users):
        record.holder.transfers_enabled = False
        record.holder.save()
        with pytest.raises(ValidationError, match="n'a pas activé"):
            package_export(
                establishment=record.holder,
                pupil=record.holder_pupil,
                actor=users["administrateur"],
            )

    def test_a_package_is_refused_when_tampered(self, record, users):
        data = self.exported(record, users)
        with pytest.raises(PackageRefused):
            package_read(data.replace(b"manifest", b"manifesT", 1))


@pytest.mark.django_db(transaction=True)
class TestAtTheSameMoment:
    def test_two_applies_at_once_receive_once(self, record, users):
        if connection.vendor != "postgresql":
            pytest.skip("SQLite en mémoire : un seul écrivain à la fois (BEGIN IMMEDIATE ailleurs)")
        out, _ = package_export(
            establishment=record.holder, pupil=record.holder_pupil, actor=users["administrateur"]
        )
        with out:
            data = out.read()
        outcomes = []

        def apply():
            try:
                package_apply(
                    establishment=record.receiver,
                    package=package_read(data),
                    actor=users["admin_autre"],
                    channel="paquet",
                )
                outcomes.append("reçu")
            except ValidationError:
                outcomes.append("refusé")
            finally:
                connection.close()

        threads = [threading.Thread(target=apply) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["refusé", "reçu"]
        assert ReceivedItem.objects.count() == 1


@pytest.mark.django_db
class TestRequestsAreScoped:
    def test_a_request_answered_only_by_its_holder(self, record, users):
        request = ask(record, users)
        assert TransferRequest.objects.of(record.receiver).filter(pk=request.pk).exists()
        assert (
            not TransferRequest.objects.of(users["admin_autre"].establishment)
            .filter(holder=record.holder, requester=record.holder)
            .exists()
        )


@pytest.mark.django_db
class TestUploadsKeptADay:
    def test_an_upload_older_than_a_day_is_dropped_by_the_next_one(
        self, establishment, other_establishment, users
    ):
        def store(where):
            return services.package_upload_store(
                establishment=where,
                name="paquet.zip",
                content=io.BytesIO(b"PK"),
                size=2,
                actor=users["administrateur"],
            )

        old = store(other_establishment)
        PackageUpload.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=25)
        )
        fresh = store(establishment)
        assert not default_storage.exists(old.storage_name)
        assert list(PackageUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
        assert services.package_uploads_purge() == 0
