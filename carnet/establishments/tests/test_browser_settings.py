"""The administrator's help page of the « Paramètres » module, followed in a real browser.

A new administrator signs in, opens « Paramètres » from the menu and does what each
section of the help page says, looking only at what the page shows: fields found by their
labels, buttons and links by their names. A second test does the « Établissement » step
with JavaScript off: every form also works without htmx.
"""

import re
from pathlib import Path
from typing import NamedTuple

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# Survives an htmx swap, not a page load: proves a step did not reload the page.
MARK_PAGE = "() => { window.__carnetSameDocument = true; }"
SAME_PAGE = "() => window.__carnetSameDocument === true"

IDENTITY = {
    "Nom de l'établissement": "Lycée professionnel Jacquard",
    "Code UAI (RNE)": "0693046L",
    "Adresse": "20 rue Louis Jouvet",
    "Code postal": "69008",
    "Commune": "Lyon",
    "Téléphone": "04 72 00 00 00",
    "Adresse électronique": "ce.0693046L@ac-lyon.fr",
}
CNIL_NUMBER = "1929152 v0"
DEFAULT_FIRST_LABEL = "Description et mise en situation professionnelle"
CUSTOM_FIRST_LABEL = "Mise en situation à l'atelier"


def status(page: Page):
    """The confirmation shown after a step (the messages, a live region)."""
    return page.get_by_role("status")


def settings_tab(page: Page, name: str):
    return page.get_by_role("navigation", name="Onglets des paramètres").get_by_role(
        "link", name=name, exact=True
    )


def expect_tab_shown(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=2, name=name, exact=True)).to_be_visible()
    expect(settings_tab(page, name)).to_have_attribute("aria-current", "page")
    expect(page).to_have_title(f"Paramètres — {name} — Carnet Pro")


def open_tab(page: Page, name: str, path: str) -> None:
    """Click a tab: htmx swaps the panel, the address follows, the page is not reloaded."""
    settings_tab(page, name).click()
    expect(page).to_have_url(re.compile(re.escape(path) + r"$"))
    expect_tab_shown(page, name)
    expect(settings_tab(page, name)).to_be_focused()  # keyboard users stay on the tab list
    assert page.evaluate(SAME_PAGE), f"l'onglet « {name} » a rechargé toute la page"


def expect_answer_focused(page: Page, tab: str) -> None:
    """After a form is sent, the focus goes to the top of the new tab, above the message."""
    expect(page.get_by_role("heading", level=2, name=tab, exact=True)).to_be_focused()


def field(page: Page, label: str):
    """The field of that label; a required field's label ends with « * »."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def expect_same_page(page: Page, step: str) -> None:
    assert page.evaluate(SAME_PAGE), f"{step} : la page a été rechargée au lieu d'un échange htmx"


def reload(page: Page) -> None:
    page.reload()
    page.evaluate(MARK_PAGE)


def make_image(path: Path, size: tuple[int, int], fmt: str, colour: str) -> Path:
    Image.new("RGB", size, colour).save(path, fmt)
    return path


class Picture(NamedTuple):
    kind: str  # as in the file input's label: « Fichier du logo : … »
    path: Path
    upload: str  # the button
    preview: str  # the preview's alternative text
    delete: str  # the « Supprimer » button's accessible name
    done: str  # the start of the messages

    @property
    def width(self) -> int:
        with Image.open(self.path) as image:
            return image.width


def expect_image_loaded(page: Page, image, width: int) -> None:
    """The preview is shown and its file was loaded and decoded by the browser."""
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.evaluate("img => img.naturalWidth") == width


def test_administrator_follows_the_settings_help_page(
    live_server, page: Page, users, diplomas, log_in, tmp_path
):
    # Se connecter, puis ouvrir « Paramètres » depuis le menu.
    log_in(page, live_server.url, users["administrateur"])
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Paramètres").click()
    expect(page).to_have_url(re.compile(r"/parametres/etablissement/$"))
    expect(page.get_by_role("heading", level=1, name="Paramètres")).to_be_visible()
    expect_tab_shown(page, "Établissement")
    expect(page.get_by_role("heading", level=2, name="Accès inspecteur")).to_be_visible()
    assert page.evaluate("() => typeof window.htmx") == "object", "htmx n'est pas chargé"
    page.evaluate(MARK_PAGE)

    # --- Onglet « Établissement » : renseigner l'établissement, « Valider ».
    for label, value in IDENTITY.items():
        field(page, label).fill(value)
    field(page, "Académie").select_option(label="Lyon")
    page.get_by_role("button", name="Valider").click()
    expect(status(page)).to_have_text("Les informations de l'établissement ont été enregistrées.")
    expect_same_page(page, "« Valider » (Établissement)")
    expect_answer_focused(page, "Établissement")
    expect(page.get_by_text("Il manque encore")).to_have_count(0)
    # The address is not pushed by the form: a reload shows the tab, not a resent form.
    expect(page).to_have_url(re.compile(r"/parametres/etablissement/$"))

    reload(page)
    expect_tab_shown(page, "Établissement")
    for label, value in IDENTITY.items():
        expect(field(page, label)).to_have_value(value)
    expect(field(page, "Académie")).to_have_value("lyon")
    expect(status(page)).to_have_count(0)  # the message was shown once

    # A wrong check letter: refused, said next to the field, nothing saved.
    uai = field(page, "Code UAI (RNE)")
    uai.fill("0693046P")
    page.get_by_role("button", name="Valider").click()
    error = "Le code UAI 0693046P n'est pas valide : la lettre clé attendue est L."
    expect(page.get_by_text(error, exact=True)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    expect(uai).to_have_attribute("aria-invalid", "true")
    expect(uai).to_have_value("0693046P")
    expect(uai).to_have_accessible_description(re.compile(re.escape(error)))
    expect_same_page(page, "« Valider » (code UAI refusé)")
    expect_answer_focused(page, "Établissement")
    reload(page)
    expect(uai).to_have_value("0693046L")

    # --- Onglet « Transferts ».
    open_tab(page, "Transferts", "/parametres/transferts/")
    state = page.get_by_text("Transfert des données des élèves :")
    expect(state).to_have_text("Transfert des données des élèves : désactivé.")
    cnil = field(page, "Numéro de déclaration CNIL")
    yes = page.get_by_role("group", name="Activer le transfert des données des élèves")

    expect(
        page.get_by_role(
            "heading", name="Liste des élèves sans INE qui ne pourront pas être transférés"
        )
    ).to_be_visible()

    # « Oui » without the number: refused, with the reason.
    yes.get_by_role("radio", name="Oui").check()
    page.get_by_role("button", name="Valider").click()
    refusal = (
        "Pour activer le transfert des données des élèves, saisissez d'abord le numéro de la "
        "déclaration CNIL de l'établissement (ou la référence de son registre RGPD)."
    )
    expect(page.get_by_text(refusal, exact=True)).to_be_visible()
    expect(cnil).to_have_attribute("aria-invalid", "true")
    expect(cnil).to_have_accessible_description(re.compile(re.escape(refusal)))
    expect(state).to_have_text("Transfert des données des élèves : désactivé.")
    expect_same_page(page, "« Valider » (Transferts refusé)")
    expect_answer_focused(page, "Transferts")

    # The number, « Oui », « Valider »: the transfer is on.
    cnil.fill(CNIL_NUMBER)
    yes.get_by_role("radio", name="Oui").check()
    page.get_by_role("button", name="Valider").click()
    expect(status(page)).to_have_text("Le transfert des données des élèves est activé.")
    expect(state).to_have_text("Transfert des données des élèves : activé.")
    expect_same_page(page, "« Valider » (Transferts)")
    expect_answer_focused(page, "Transferts")
    reload(page)
    expect(state).to_have_text("Transfert des données des élèves : activé.")
    expect(cnil).to_have_value(CNIL_NUMBER)
    expect(yes.get_by_role("radio", name="Oui")).to_be_checked()

    # --- Onglet « Masque de saisie ».
    open_tab(page, "Masque de saisie", "/parametres/masque-de-saisie/")
    reset_control = page.get_by_role("link", name="Réinitialiser les masques de saisie")
    expect(reset_control).to_have_count(0)  # no diploma chosen yet
    # As the help page says: choosing the diploma shows its fields (« Afficher » is there for
    # browsers without JavaScript).
    field(page, "Diplôme").select_option(label="CAP — CAP Électricien")
    first = field(page, "Champ 1")
    expect(first).to_have_value(DEFAULT_FIRST_LABEL)
    expect(page).to_have_url(re.compile(r"/parametres/masque-de-saisie/\?diplome=CAP-ELEC$"))
    expect(field(page, "Diplôme")).to_have_value("CAP-ELEC")
    expect_same_page(page, "choix du diplôme (Masque de saisie)")

    first.fill(CUSTOM_FIRST_LABEL)
    page.get_by_role("button", name="Valider").click()
    expect(status(page)).to_have_text(
        "Les intitulés du masque de saisie « CAP Électricien » ont été enregistrés."
    )
    expect(first).to_have_value(CUSTOM_FIRST_LABEL)
    expect_same_page(page, "« Valider » (Masque de saisie)")
    expect_answer_focused(page, "Masque de saisie")
    reload(page)
    expect(first).to_have_value(CUSTOM_FIRST_LABEL)
    expect(field(page, "Champ 2")).to_have_value("Problématique métier et missions à réaliser")

    # The arrow next to the drop-down, a confirmation, back to the default labels.
    reset_control.click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Réinitialiser les masques de saisie du diplôme")
    expect(first).to_have_value(CUSTOM_FIRST_LABEL)  # nothing changed before confirming
    # The question takes the focus, on its harmless answer.
    expect(dialog.get_by_role("link", name="Annuler")).to_be_focused()
    dialog.get_by_role("button", name="Réinitialiser").click()
    expect(status(page)).to_have_text(
        "Les intitulés du masque de saisie « CAP Électricien » ont été réinitialisés."
    )
    expect(dialog).to_have_count(0)
    expect(first).to_have_value(DEFAULT_FIRST_LABEL)
    expect_same_page(page, "« Réinitialiser » (Masque de saisie)")
    expect_answer_focused(page, "Masque de saisie")
    # The address is the diploma's masks again, not the confirmation's.
    expect(page).to_have_url(re.compile(r"/parametres/masque-de-saisie/\?diplome=CAP-ELEC$"))
    reload(page)
    expect(first).to_have_value(DEFAULT_FIRST_LABEL)
    expect(page.get_by_role("alertdialog")).to_have_count(0)

    # --- Onglet « Logo » : the logo and the stamp, their previews, « Supprimer ».
    open_tab(page, "Logo", "/parametres/logo/")
    pictures = [
        Picture(
            "logo",
            make_image(tmp_path / "logo.png", (120, 60), "PNG", "navy"),
            "Déposer un logo",
            "Logo actuel",
            "Supprimer le logo",
            "Le logo a été",
        ),
        Picture(
            "cachet de l'établissement",
            make_image(tmp_path / "cachet.jpg", (90, 90), "JPEG", "darkred"),
            "Déposer le cachet de l'établissement",
            "Cachet de l'établissement actuel",
            "Supprimer le cachet de l'établissement",
            "Le cachet de l'établissement a été",
        ),
    ]
    for picture in pictures:
        preview = page.get_by_role("img", name=picture.preview)
        expect(preview).to_have_count(0)
        file_input = page.get_by_label(re.compile(f"^Fichier du {re.escape(picture.kind)} :"))
        file_input.set_input_files(picture.path)
        page.get_by_role("button", name=picture.upload).click()
        expect(status(page)).to_have_text(f"{picture.done} enregistré.")
        expect_same_page(page, f"« {picture.upload} »")
        expect_answer_focused(page, "Logo")
        expect_image_loaded(page, preview, picture.width)
        expect(page.get_by_role("link", name=picture.delete)).to_be_visible()

    reload(page)
    for picture in pictures:
        preview = page.get_by_role("img", name=picture.preview)
        expect_image_loaded(page, preview, picture.width)
        # « Supprimer » asks first; « Annuler » keeps the image.
        page.get_by_role("link", name=picture.delete).click()
        question = page.get_by_role("alertdialog")
        expect(question).to_contain_text(f"{picture.delete} ?")
        question.get_by_role("link", name="Annuler").click()
        expect(page.get_by_role("alertdialog")).to_have_count(0)
        expect_image_loaded(page, preview, picture.width)
        page.get_by_role("link", name=picture.delete).click()
        page.get_by_role("alertdialog").get_by_role("button", name=picture.delete).click()
        expect(status(page)).to_have_text(f"{picture.done} supprimé.")
        expect(page).to_have_url(re.compile(r"/parametres/logo/$"))
        expect(preview).to_have_count(0)
        expect(page.get_by_role("link", name=picture.delete)).to_have_count(0)
        expect_same_page(page, f"« {picture.delete} »")
        expect_answer_focused(page, "Logo")
    reload(page)
    expect(page.get_by_role("img")).to_have_count(0)
    expect(page.get_by_text("Aucune image pour l'instant.")).to_have_count(2)

    # The browser's back and forward buttons go through the steps. htmx keeps no copy of
    # the pages (shared school computers: nothing readable after « Se déconnecter »), so
    # each step is loaded again, whole, from the server.
    page.go_back()
    expect_tab_shown(page, "Masque de saisie")
    expect(page).to_have_url(re.compile(r"/parametres/masque-de-saisie/\?diplome=CAP-ELEC$"))
    expect(first).to_have_value(DEFAULT_FIRST_LABEL)
    expect(page.get_by_role("heading", level=1, name="Paramètres")).to_be_visible()
    expect(menu).to_be_visible()
    expect(page.get_by_role("heading", name="Accès inspecteur")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('htmx-history-cache')") in (None, "[]")
    page.go_forward()
    expect_tab_shown(page, "Logo")


def test_etablissement_tab_works_without_javascript(live_server, new_page, users, log_in):
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, users["administrateur"])
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Paramètres"
    ).click()
    expect_tab_shown(page, "Établissement")

    field(page, "Nom de l'établissement").fill("Lycée professionnel sans script")
    field(page, "Commune").fill("Villeurbanne")
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.get_by_role("button", name="Valider").click()
    # Post/redirect/get (not htmx): the tab again, with the message, at its own address.
    assert sent.value.status == 302
    assert "hx-request" not in sent.value.request.headers
    expect(page).to_have_url(re.compile(r"/parametres/etablissement/$"))
    expect(status(page)).to_have_text("Les informations de l'établissement ont été enregistrées.")
    expect(field(page, "Nom de l'établissement")).to_have_value("Lycée professionnel sans script")

    page.reload()
    expect(status(page)).to_have_count(0)
    expect(field(page, "Nom de l'établissement")).to_have_value("Lycée professionnel sans script")
    expect(field(page, "Commune")).to_have_value("Villeurbanne")
    expect(page.get_by_role("banner")).to_contain_text("Lycée professionnel sans script")

    # A wrong code is refused the same way without JavaScript.
    field(page, "Code UAI (RNE)").fill("0693046P")
    page.get_by_role("button", name="Valider").click()
    expect(
        page.get_by_text(
            "Le code UAI 0693046P n'est pas valide : la lettre clé attendue est L.", exact=True
        )
    ).to_be_visible()
    expect(field(page, "Code UAI (RNE)")).to_have_attribute("aria-invalid", "true")
