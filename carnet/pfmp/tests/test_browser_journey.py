"""In Chromium, a PFMP from end to end: the pupil writes a fiche with two tasks and a photo
and sends it; the teacher reads it, chooses competencies facing the tasks, opens the bilan
entreprise and sends the tutor's link; the tutor fills the bilan on a phone; the teacher
accepts the proposal, signs and validates; the bilan shows on the pupil's dashboard; the
pupil adds the fiche to their passport and exports it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from carnet.passport.models import Entry
from carnet.pfmp.enums import ReviewStatus
from carnet.pfmp.models import ActivitySheet, CompanyReview
from carnet.scenarios.tests import corpus

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def test_a_pfmp_from_the_fiche_to_the_validated_bilan(
    live_server, new_page, pfmp, log_in, tmp_path
):
    placement = pfmp.placement()
    placement.company_name = "Élec Ouest"
    placement.tutor_name = "Sophie Marchand"
    placement.tutor_email = "tutrice@example.org"
    placement.save()
    photo = tmp_path / "chantier.png"
    photo.write_bytes(corpus.png())

    # The pupil writes a fiche: two tasks, a photo; then sends it.
    pupil_page: Page = new_page()
    log_in(pupil_page, live_server.url, pfmp.learner)
    pupil_page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes fiches activités"
    ).click()
    pupil_page.get_by_role("link", name="Nouvelle fiche activités").click()
    pupil_page.get_by_label("Date (ou premier jour)").fill(pfmp.period.starts_on.isoformat())
    pupil_page.get_by_label("Titre").fill("Pose d'un tableau de distribution")
    pupil_page.get_by_label("Ce que j'ai fait").fill("J'ai câblé le tableau avec mon tuteur.")
    for task in pfmp.tasks("T1-1", "T2-2"):
        pupil_page.get_by_role("checkbox", name=re.compile(rf"^{task.code} ")).check()
    pupil_page.get_by_label("Autonomie").select_option(label="Avec aide")
    pupil_page.locator("input[name=files]").set_input_files(str(photo))
    pupil_page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(pupil_page.get_by_text("Votre fiche est enregistrée")).to_be_visible()
    pupil_page.get_by_role("button", name="Envoyer à mon professeur").click()
    expect(pupil_page.get_by_text("Votre fiche est envoyée")).to_be_visible()
    sheet = ActivitySheet.objects.get()
    assert sheet.tasks.count() == 2 and sheet.attachments.count() == 1

    # The teacher reads it: the pupil's two tasks are ticked; chooses C1 and a C2 criterion.
    teacher_page: Page = new_page()
    log_in(teacher_page, live_server.url, pfmp.teacher)
    teacher_page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="PFMP"
    ).click()
    teacher_page.get_by_role("navigation", name="Élèves de la division").get_by_role(
        "link", name=re.compile("ÉLÈVE1")
    ).click()
    teacher_page.get_by_role("link", name="Pose d'un tableau de distribution").click()
    table = teacher_page.locator("table.tasks-table")
    (t11,) = pfmp.tasks("T1-1")
    (t22,) = pfmp.tasks("T2-2")
    expect(table.locator(f"input[name=taches][value='{t11.pk}']")).to_be_checked()
    expect(table.locator(f"input[name=taches][value='{t22.pk}']")).to_be_checked()
    expect(teacher_page.locator("img.thumb")).to_be_visible()
    c1 = pfmp.competency("C1")
    criterion = pfmp.criteria("C2")[0]
    table.locator(f"input[name=cibles][value='k{c1.pk}']").first.check()
    table.locator(f"input[name=cibles][value='c{criterion.pk}']").first.check()
    teacher_page.get_by_role("button", name="Enregistrer et reporter dans le bilan").click()
    expect(teacher_page.get_by_text("le bilan entreprise compte 2 ")).to_be_visible()
    teacher_page.get_by_role("link", name="Bilan entreprise").first.click()
    teacher_page.get_by_role("button", name="Envoyer un lien au tuteur").click()
    link = teacher_page.locator("#lien-tuteur").get_attribute("href")
    assert "/tuteur/bilans/" in link

    # The tutor, on a phone: no menu, one bilan; fills it and sends it.
    tutor_page: Page = new_page(**PHONE)
    tutor_page.goto(link)
    expect(tutor_page.get_by_role("heading", name=re.compile("Bilan de stage"))).to_be_visible()
    expect(tutor_page.get_by_role("navigation")).to_have_count(0)
    for fieldset in tutor_page.locator("fieldset.levels").all():
        fieldset.get_by_label("Maîtrisé", exact=True).check()
    tutor_page.get_by_label("Appréciation du tuteur").fill("Stagiaire sérieuse.")
    tutor_page.get_by_label("Votre nom (vaut signature)").fill("Sophie Marchand")
    assert tutor_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tutor_page.get_by_role("button", name="Envoyer au professeur").click()
    expect(tutor_page.get_by_text("votre proposition est transmise")).to_be_visible()

    # The teacher accepts the proposal, signs and validates.
    teacher_page.reload()
    teacher_page.get_by_role("button", name="Accepter la proposition").click()
    teacher_page.get_by_label("Signature du professeur (nom)").fill("Jean Prof")
    teacher_page.get_by_label("Signé le").fill(pfmp.period.ends_on.isoformat())
    teacher_page.get_by_label("Lu et approuvé").check()
    teacher_page.get_by_role("button", name="Enregistrer le bilan").click()
    teacher_page.get_by_role("button", name="Valider le bilan").click()
    expect(teacher_page.get_by_text("Le bilan est validé")).to_be_visible()
    review = CompanyReview.objects.get(placement=placement)
    assert review.status == ReviewStatus.VALIDATED
    assert review.tutor_signature == "Sophie Marchand"
    assert sorted(review.results.values_list("level__label", flat=True)) == ["Maîtrisé"] * 2

    # The validated bilan is among the pupil's results on the teacher's dashboard (rule 8).
    teacher_page.goto(
        f"{live_server.url}{reverse('dashboards:pupil')}"
        f"?division={pfmp.division.pk}&eleve={placement.pupil_id}"
    )
    row = teacher_page.locator("table.results-table tr", has_text="Bilan entreprise").first
    expect(row).to_contain_text("Maîtrisé")
    expect(row).to_contain_text("Élec Ouest")

    # The pupil turns the fiche into a passport entry and exports the passport: no level.
    pupil_page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon passeport professionnel"
    ).click()
    pupil_page.get_by_role("button", name="Ajouter à mon passeport").click()
    pupil_page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon passeport professionnel"
    ).click()
    expect(pupil_page.get_by_text("Pose d'un tableau de distribution").first).to_be_visible()
    with pupil_page.expect_download() as download:
        pupil_page.get_by_role("link", name="Exporter mon passeport (PDF)").click()
    saved = tmp_path / "passeport.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    entry = Entry.objects.get(pupil=placement.pupil)
    assert entry.source_sheet_id == sheet.pk and entry.tasks.count() == 2
