"""What a new administrator tripped on in the import pages: an import without the pupils
file says so before « Confirmer », and every count agrees in French (« 1 ignoré »,
« 2 créées » for divisions, « 1 élève sorti »)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from carnet.core.tests.html import soup
from carnet.imports.enums import BatchStatus
from carnet.imports.models import ImportBatch
from carnet.imports.tests import generator as gen
from carnet.imports.tests.learners import ROWS, table


def upload(client, files: dict[str, bytes]):
    uploads = [SimpleUploadedFile(name, content) for name, content in files.items()]
    return client.post(reverse("imports:siecle"), {"files": uploads})


@pytest.fixture
def school(establishment):
    return gen.establishment(uai=establishment.uai, pupils=30, teachers=2)


@pytest.mark.django_db
class TestWithoutThePupilsFile:
    def test_the_preview_says_what_it_will_and_will_not_update(
        self, admin_client_a, school, diplomas
    ):
        files = gen.all_files(school)
        del files["ElevesSansAdresses.xml"]
        page = soup(admin_client_a.get(upload(admin_client_a, files).url))
        warnings = page.select_one("ul.warnings").get_text(" ", strip=True)
        assert (
            "Aucun fichier des élèves (ElevesSansAdresses.xml) n'a été déposé : cet import ne "
            "crée, ne modifie et ne marque sorti aucun élève. Il met à jour seulement les "
            "divisions et groupes, les libellés des MEF et les personnels (leurs classes et "
            "leurs comptes)."
        ) in warnings
        assert page.find("button", string="Confirmer l'import")  # a warning, not a refusal

    def test_no_warning_with_the_pupils_file(self, admin_client_a, school, diplomas):
        page = soup(admin_client_a.get(upload(admin_client_a, gen.all_files(school)).url))
        assert "Aucun fichier des élèves" not in page.get_text()


@pytest.mark.django_db
class TestAgreement:
    def history(self, client) -> list[str]:
        page = soup(client.get(reverse("imports:history")))
        return [tr.select("td")[-1].get_text(" ", strip=True) for tr in page.select("tbody tr")]

    def confirm(self, client):
        batch = ImportBatch.objects.get(status=BatchStatus.PREVIEW)
        client.post(reverse("imports:confirm", args=[batch.token]), {"chef": ["90001"]})

    def test_counts_of_the_preview_and_the_history(self, admin_client_a, school, diplomas):
        page = soup(admin_client_a.get(upload(admin_client_a, gen.all_files(school)).url))
        counts = {tr.th.get_text(): tr.td.get_text() for tr in page.select("table.counts tbody tr")}
        assert counts["Personnels"] == "4 créés, 0 modifié, 0 inchangé, 1 ignoré, 0 parti"
        assert counts["Divisions et groupes"] == "2 créés, 0 modifié, 0 inchangé"
        self.confirm(admin_client_a)
        school.pupils.pop(0)
        upload(admin_client_a, gen.all_files(school))
        self.confirm(admin_client_a)
        assert self.history(admin_client_a) == [
            "1 élève sorti",
            "30 élèves créés ; 2 divisions et groupes créés ; 4 personnels créés",
        ]

    def test_hors_siecle_divisions_agree_in_the_feminine(self, admin_client_a):
        file = SimpleUploadedFile("apprentis.csv", table(*ROWS))
        response = admin_client_a.post(reverse("imports:outside_upload"), {"file": file})
        page = soup(admin_client_a.get(response.url))
        counts = {tr.th.get_text(): tr.td.get_text() for tr in page.select("table.counts tbody tr")}
        assert counts["Divisions"] == "2 créées, 0 existante"
        batch = ImportBatch.objects.get()
        admin_client_a.post(reverse("imports:outside_confirm", args=[batch.token]))
        assert self.history(admin_client_a) == ["3 apprenants créés ; 2 divisions créées"]
