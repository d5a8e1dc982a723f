"""In Chromium: the pupil writes a situation with the keyboard (two tasks, a photo), sends
it; their teacher finds it in « Passeports professionnels » and validates it; the pupil
exports the passport as a PDF."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.passport.enums import EntryStatus
from carnet.passport.models import Entry
from carnet.passport.tests.conftest import jpeg_with_gps
from carnet.referentials.models import Task

pytestmark = pytest.mark.browser


@pytest.fixture
def pupil(establishment, users, diplomas):
    division = DivisionFactory(
        establishment=establishment,
        code="1MELEC",
        school_year__start_year=school_year_start(timezone.localdate()),
        diploma=diplomas["BP-MELEC"],
    )
    StaffMemberFactory(establishment=establishment, user=users["enseignant"]).divisions.add(
        division
    )
    return PupilFactory(
        establishment=establishment, division=division, user=users["apprenant"], last_name="ROUX"
    )


def test_write_send_validate_export(
    live_server, new_page, users, pupil, diplomas, log_in, tmp_path
):
    tasks = list(
        Task.objects.filter(activity__diploma=diplomas["BP-MELEC"]).order_by(
            "activity__position", "position"
        )[:2]
    )
    photo = tmp_path / "chantier.jpg"
    photo.write_bytes(jpeg_with_gps())

    page: Page = new_page()
    log_in(page, live_server.url, users["apprenant"])
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon passeport professionnel"
    ).click()
    page.get_by_role("link", name="Nouvelle situation").click()
    page.get_by_label("Intitulé de la situation").fill("Mise en service d'un portail")
    page.keyboard.press("Tab")
    page.get_by_label("Date de début").fill(timezone.localdate().isoformat())
    page.get_by_role("radio", name="En établissement").check()
    page.get_by_label("Précision du lieu").fill("Atelier 3")
    page.get_by_label("Description de ce que j'ai fait").fill("J'ai câblé et réglé l'automatisme.")
    for task in tasks:
        box = page.get_by_role("checkbox", name=f"{task.code} {task.label}")
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    page.get_by_label("Pièces jointes (photos, PDF)").set_input_files(str(photo))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mise en service d'un portail")
    expect(page.get_by_role("link", name="chantier.jpg")).to_be_visible()
    page.get_by_role("button", name="Envoyer à mon professeur").click()
    expect(page.get_by_text("Envoyée au professeur").first).to_be_visible()

    teacher: Page = new_page()
    log_in(teacher, live_server.url, users["enseignant"])
    teacher.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Passeports professionnels"
    ).click()
    teacher.get_by_role("link", name="Mise en service d'un portail").click()
    expect(teacher.get_by_text("J'ai câblé et réglé l'automatisme.")).to_be_visible()
    teacher.get_by_role("button", name="Valider").click()
    expect(teacher.get_by_text("est validée")).to_be_visible()
    entry = Entry.objects.get()
    assert entry.status == EntryStatus.VALIDATED and entry.tasks.count() == 2

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon passeport professionnel"
    ).click()
    expect(page.get_by_text("Validée")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter mon passeport (PDF)").click()
    saved = tmp_path / "passeport.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename == f"passeport-{pupil.pk}.pdf"
