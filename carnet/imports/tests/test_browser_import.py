"""In Chromium: the administrator imports a zip of the national files, checks, confirms."""

import re

import pytest
from playwright.sync_api import Page, expect

from carnet.imports.tests import generator as gen

pytestmark = pytest.mark.browser


def test_upload_preview_confirm(
    live_server, page: Page, users, establishment, diplomas, log_in, tmp_path
):
    school = gen.establishment(uai=establishment.uai, pupils=40, teachers=3)
    archive = tmp_path / "ExportXML_ElevesSansAdresses.zip"
    archive.write_bytes(gen.zipped(gen.all_files(school), mac_junk=True))

    log_in(page, live_server.url, users["administrateur"])
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_text("Gérer les imports").click()
    menu.get_by_role("link", name="Importation des fichiers SIECLE").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importation des fichiers SIECLE")

    page.get_by_label("Fichiers SIECLE et STS-web (XML ou zip)").set_input_files(archive)
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import")
    counts = page.locator("table.counts")
    expect(counts.get_by_role("row", name=re.compile("^Élèves"))).to_contain_text("40 créés")
    expect(counts.get_by_role("row", name=re.compile("^Personnels"))).to_contain_text("5 créés")
    # Four files came out of the zip; the Mac junk was skipped.
    expect(page.get_by_role("cell", name=re.compile(r"› ElevesSansAdresses\.xml$"))).to_be_visible()
    expect(page.get_by_text("__MACOSX")).to_have_count(0)

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import appliqué")
    expect(page.get_by_role("status")).to_contain_text("L'import a été appliqué.")
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)

    # The pupils are there, and Paramètres › Transferts lists the one without INE.
    menu.get_by_text("Gérer les imports").click()
    menu.get_by_role("link", name="Élèves").click()
    expect(page.get_by_role("table").locator("caption")).to_have_text("40 élèves")
    menu.get_by_role("link", name="Paramètres").click()
    page.get_by_role("link", name="Transferts", exact=True).click()
    expect(page.get_by_text("1 élève sans INE.")).to_be_visible()
