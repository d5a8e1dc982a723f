"""The transfers' pages, as each administrator and head sees them."""

import io
import zipfile

import pytest
from django.urls import reverse

from carnet.core.tests.html import soup, text
from carnet.transfers.enums import RequestStatus
from carnet.transfers.models import ReceivedItem, Transfer, TransferRequest, TrustedKey
from carnet.transfers.services import deployment_key

HOME = reverse("transfers:home")


@pytest.mark.django_db
class TestOnThePlatform:
    def test_asked_answered_and_seen_on_both_sides(self, record, users, client_of):
        receiver = client_of(users["admin_autre"])
        page = text(receiver.get(HOME))
        assert "NOUVEAU Léo" in page and record.holder.uai in page
        # The holder's pupil is never named to the receiver.
        assert record.holder_pupil.last_name not in page
        response = receiver.post(
            reverse("transfers:ask", args=[record.pupil.pk]), {"etablissement": record.holder.pk}
        )
        assert response.status_code == 302
        assert "demandé" in text(receiver.get(HOME))

        head = client_of(users["chef"])
        cells = [td.get_text(" ", strip=True) for td in soup(head.get(HOME)).select("td")]
        # The holder sees its own pupil, as it knows them.
        assert any(record.holder_pupil.last_name in cell for cell in cells)
        request = TransferRequest.objects.get()
        head.post(reverse("transfers:answer", args=[request.pk]), {"reponse": "accepter"})
        request.refresh_from_db()
        assert request.status == RequestStatus.DONE
        for client, other in ((receiver, record.holder.uai), (head, record.receiver.uai)):
            history = text(client.get(reverse("transfers:history")))
            assert other in history and "Résultats d'évaluations : 1" in history

    def test_the_received_record_is_read_by_teachers_not_by_the_administrator(
        self, record, users, client_of
    ):
        request = TransferRequest.objects.create(
            requester=record.receiver,
            holder=record.holder,
            pupil=record.pupil,
            holder_pupil=record.holder_pupil,
            ine=record.pupil.ine,
        )
        client_of(users["administrateur"]).post(
            reverse("transfers:answer", args=[request.pk]), {"reponse": "accepter"}
        )
        url = reverse("transfers:received", args=[record.pupil.pk])
        page = text(client_of(users["chef_autre"]).get(url))  # B's head reads it
        assert record.school.scenario.title in page and record.holder.uai in page
        assert client_of(users["admin_autre"]).get(url).status_code == 403


@pytest.mark.django_db
class TestPackages:
    def test_export_then_import_on_the_same_platform(self, record, users, client_of):
        response = client_of(users["administrateur"]).post(
            reverse("transfers:export", args=[record.holder_pupil.pk])
        )
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert "transfert-0442953W-" in disposition
        assert record.holder_pupil.last_name not in disposition
        assert record.holder_pupil.ine not in disposition
        data = b"".join(response.streaming_content)
        assert zipfile.ZipFile(io.BytesIO(data)).read("manifest.sig")

        receiver = client_of(users["admin_autre"])
        upload = io.BytesIO(data)
        upload.name = "paquet.zip"
        preview = receiver.post(reverse("transfers:upload"), {"file": upload}, follow=True)
        page = text(preview)
        assert "La signature du paquet est valide" in page
        assert deployment_key().fingerprint in page
        button = soup(preview).find("button", string="Appliquer le transfert")
        form = button.find_parent("form")
        done = receiver.post(form["action"], follow=True)
        assert "est reçu" in text(done)
        assert ReceivedItem.objects.filter(pupil=record.pupil).count() == 1
        # The same file again: nothing more.
        upload.seek(0)
        again = receiver.post(reverse("transfers:upload"), {"file": upload}, follow=True)
        assert "déjà été reçu" in text(again)
        assert Transfer.objects.filter(establishment=record.receiver).count() == 1

    def test_a_hostile_file_is_refused_in_french(self, record, users, client_of):
        upload = io.BytesIO(b"<html>pas un paquet</html>")
        upload.name = "paquet.zip"
        page = text(
            client_of(users["admin_autre"]).post(
                reverse("transfers:upload"), {"file": upload}, follow=True
            )
        )
        assert "n'est pas un paquet de transfert Carnet Pro" in page
        assert not ReceivedItem.objects.exists()

    def test_trusting_needs_the_fingerprint_compared(
        self, record, users, client_of, settings, tmp_path
    ):
        from carnet.transfers import services

        own = settings.TRANSFER_KEY_FILE
        settings.TRANSFER_KEY_FILE = tmp_path / "autre.pem"
        services.deployment_key.cache_clear()
        response = client_of(users["administrateur"]).post(
            reverse("transfers:export", args=[record.holder_pupil.pk])
        )
        data = b"".join(response.streaming_content)
        other_fingerprint = deployment_key().fingerprint
        settings.TRANSFER_KEY_FILE = own
        services.deployment_key.cache_clear()

        receiver = client_of(users["admin_autre"])
        upload = io.BytesIO(data)
        upload.name = "paquet.zip"
        preview = receiver.post(reverse("transfers:upload"), {"file": upload}, follow=True)
        assert "pas encore reconnue" in text(preview) and other_fingerprint in text(preview)
        trust = (
            soup(preview).find("button", string="Faire confiance à cette clé").find_parent("form")
        )
        receiver.post(trust["action"], {})
        assert not TrustedKey.objects.exists()
        receiver.post(trust["action"], {"empreinte_comparee": "1"})
        assert TrustedKey.objects.get().fingerprint == other_fingerprint


@pytest.mark.django_db
class TestSettingsTab:
    def test_the_key_and_its_fingerprint_in_parametres(self, admin_client_a):
        page = text(admin_client_a.get(reverse("establishments:transfers")))
        assert deployment_key().fingerprint in page
        assert "Visualiser les transferts effectués" in page


@pytest.mark.django_db
class TestHome:
    def test_the_head_is_told_of_requests_waiting(self, record, users, client_of):
        TransferRequest.objects.create(
            requester=record.receiver,
            holder=record.holder,
            pupil=record.pupil,
            holder_pupil=record.holder_pupil,
            ine=record.pupil.ine,
        )
        page = text(client_of(users["chef"]).get(reverse("web:home")))
        assert "1 demande de dossier en attente" in page.replace("\u00a0", " ")
