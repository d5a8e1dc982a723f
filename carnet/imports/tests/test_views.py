"""The import pages: upload → preview → « Confirmer l'import »; history; who may see them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carnet.core.tests.html import soup, text
from carnet.directory.models import Pupil
from carnet.imports.enums import BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.tests import generator as gen

UPLOAD = reverse("imports:siecle")
HISTORY = reverse("imports:history")


def post_files(client, files: dict[str, bytes]):
    return client.post(
        UPLOAD, {"files": [SimpleUploadedFile(name, content) for name, content in files.items()]}
    )


@pytest.fixture
def school(establishment):
    return gen.establishment(uai=establishment.uai, pupils=60, teachers=3)


@pytest.mark.django_db
class TestUploadPreviewConfirm:
    def test_upload_page(self, admin_client_a):
        page = soup(admin_client_a.get(UPLOAD))
        assert page.h1.get_text() == "Importation des fichiers SIECLE"
        file_input = page.find("input", attrs={"type": "file"})
        assert file_input.has_attr("multiple")
        assert page.find("label", attrs={"for": file_input["id"]})
        assert page.find("button", string="Voir l'aperçu")

    def test_preview_then_confirm(self, admin_client_a, school, diplomas, establishment):
        response = post_files(admin_client_a, gen.all_files(school))
        assert response.status_code == 302
        batch = ImportBatch.objects.get()
        assert response.url == reverse("imports:batch", args=[batch.token])
        preview = admin_client_a.get(response.url)
        page_text = text(preview)
        assert "Aperçu de l'import" in page_text
        counts = {
            row.th.get_text(): row.td.get_text()
            for row in soup(preview).select("table.counts tr")[1:]
        }
        assert counts["Élèves"] == "60 créés, 0 modifié, 0 inchangé, 0 sorti"
        assert counts["Personnels"] == "5 créés, 0 modifié, 0 inchangé, 1 ignoré, 0 parti"
        assert len(soup(preview).select("tbody tr")) >= 4  # files, then changes
        assert not Pupil.objects.exists()
        confirmed = admin_client_a.post(reverse("imports:confirm", args=[batch.token]), follow=True)
        assert "L'import a été appliqué." in text(confirmed)
        assert Pupil.objects.of(establishment).count() == 60
        batch.refresh_from_db()
        assert batch.status == BatchStatus.APPLIED
        again = admin_client_a.post(reverse("imports:confirm", args=[batch.token]), follow=True)
        assert "Cet import a déjà été appliqué" in text(again)
        assert Pupil.objects.count() == 60

    def test_refused_file_shows_why_and_no_confirm_button(self, admin_client_a, diplomas):
        other = gen.establishment(uai="0691234S", pupils=5)
        response = post_files(admin_client_a, {"ElevesSansAdresses.xml": gen.pupils_xml(other)})
        page = admin_client_a.get(response.url)
        assert "Ce fichier appartient à l'établissement 0691234S, pas au vôtre (0442953W)" in text(
            page
        )
        assert soup(page).find("button", string="Confirmer l'import") is None

    def test_abandon(self, admin_client_a, school, diplomas):
        post_files(admin_client_a, gen.all_files(school))
        batch = ImportBatch.objects.get()
        response = admin_client_a.post(reverse("imports:cancel", args=[batch.token]), follow=True)
        assert "L'aperçu a été abandonné : rien n'a été importé." in text(response)
        batch.refresh_from_db()
        assert batch.status == BatchStatus.CANCELLED
        assert batch.payload == {} and batch.changes == []
        confirmed = admin_client_a.post(reverse("imports:confirm", args=[batch.token]), follow=True)
        assert "Cet aperçu a été abandonné ou refusé" in text(confirmed)
        assert not Pupil.objects.exists()

    def test_changes_are_paginated_and_filterable(self, admin_client_a, school, diplomas):
        response = post_files(admin_client_a, gen.all_files(school))
        url = response.url
        first = soup(admin_client_a.get(url))
        assert "changements" in first.find("caption").get_text()
        assert len(first.select("table")[-1].select("tbody tr")) == 50
        only_staff = soup(admin_client_a.get(url + "?type=Personnel"))
        kinds = {row.td.get_text() for row in only_staff.select("table")[-1].select("tbody tr")}
        assert kinds == {"Personnel"}

    def test_no_file(self, admin_client_a):
        response = admin_client_a.post(UPLOAD, {})
        assert "Choisissez au moins un fichier à importer." in text(response)

    def test_history_lists_files_with_their_sha256(self, admin_client_a, school, diplomas):
        post_files(admin_client_a, gen.all_files(school))
        batch = ImportBatch.objects.get()
        admin_client_a.post(reverse("imports:confirm", args=[batch.token]))
        page = soup(admin_client_a.get(HISTORY))
        row_text = page.select_one("tbody tr").get_text(" ", strip=True)
        assert "Appliqué" in row_text and "ElevesSansAdresses.xml" in row_text
        assert "UAI 0442953W" in row_text and "2026-2027" in row_text
        codes = [c["title"] for c in page.select("tbody code")]
        assert sorted(codes) == sorted(f["sha256"] for f in batch.files)

    def test_preview_page_query_count(
        self, admin_client_a, school, diplomas, django_assert_max_num_queries
    ):
        url = post_files(admin_client_a, gen.all_files(school)).url
        with django_assert_max_num_queries(6):
            admin_client_a.get(url)


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize(
        "profile", ["chef", "enseignant", "apprenant", "inspecteur", "operateur"]
    )
    def test_only_the_administrator(self, profile, users, client_of, school, diplomas):
        batch_url = post_files(client_of(users["administrateur"]), gen.all_files(school)).url
        client = client_of(users[profile])
        for url in (UPLOAD, HISTORY, batch_url):
            assert client.get(url).status_code == 403
        assert client.post(batch_url.rstrip("/") + "/confirmer/").status_code == 403

    def test_another_establishment_gets_404_on_a_batch(self, users, client_of, school, diplomas):
        batch_url = post_files(client_of(users["administrateur"]), gen.all_files(school)).url
        other = client_of(users["admin_autre"])
        assert other.get(batch_url).status_code == 404
        assert other.post(batch_url + "confirmer/").status_code == 404
        assert "ElevesSansAdresses" not in other.get(HISTORY).content.decode()
        assert not Pupil.objects.exists()

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(UPLOAD).url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
class TestHistoryRoutesByKind:
    def test_a_hors_siecle_batch_opens_on_its_own_page(self, admin_client_a, establishment):
        batch = ImportBatch.objects.create(
            establishment=establishment, kind="hors_siecle", status=BatchStatus.APPLIED
        )
        response = admin_client_a.get(reverse("imports:batch", args=[batch.token]))
        assert response.status_code == 302
        assert response.url == reverse("imports:outside_batch", args=[batch.token])
