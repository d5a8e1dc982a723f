"""In Chromium: every list on a 390 px wide phone (the page never scrolls sideways, tables
scroll inside their box, their actions stay reachable), the header's menus closing with
Escape or when the focus or a click leaves them, and a long establishment name kept on one
line (an ellipsis, the full name in the page)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from carnet.directory.enums import PupilSource, StructureKind
from carnet.directory.school_years import school_year_start
from carnet.directory.tests.factories import DivisionFactory, PupilFactory, StaffMemberFactory
from carnet.establishments.services import establishment_update_identity
from carnet.inspection.tests.factories import InspectorGrantFactory, today

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LONG_NAME = (
    "Lycée des métiers de l'électricité, de l'énergie et du numérique "
    "Marie-Louise Lachambre-Tournefeuille de Saint-Exupéry-sur-Loire"
)

# What each profile's lists are: (url name, arguments from the school fixture).
LISTS = {
    "administrateur": [
        ("web:home", None),
        ("directory:divisions", None),
        ("directory:pupils", None),
        ("accounts:users", None),
        ("accounts:users_tab", lambda s: ["personnels"]),
        ("accounts:users_tab", lambda s: ["inspecteurs"]),
        ("accounts:pupil_access", None),
        ("accounts:pupil_access_division", lambda s: [s["division"].pk]),
        ("imports:outside_list", None),
        ("imports:history", None),
        ("establishments:transfers", None),
        ("establishments:logo", None),
        ("audit:events", None),
        ("referentials:list", None),
        ("referentials:detail", lambda s: ["BP-MELEC"]),
    ],
    "chef": [
        ("web:home", None),
        ("directory:read_divisions", None),
        ("directory:read_pupils", None),
        ("directory:read_teachers", None),
        ("directory:division", lambda s: [s["group"].pk]),
        ("inspection:grants", None),
        ("audit:events", None),
    ],
    "enseignant": [
        ("web:home", None),
        ("directory:division", lambda s: [s["division"].pk]),
    ],
    # Once « Consulter » chose the establishment.
    "inspecteur": [
        ("inspection:establishment", None),
        ("directory:read_pupils", None),
        ("directory:read_teachers", None),
        ("directory:division", lambda s: [s["division"].pk]),
    ],
}


@pytest.fixture
def school(establishment, users, diplomas):
    """Long names, a division of 30 pupils, a group, teachers, an inspector's access, a
    learner « hors SIECLE »: enough to make a naive table wider than a phone."""
    establishment_update_identity(
        establishment=establishment,
        data={"name": LONG_NAME, "city": "Saint-Exupéry-sur-Loire", "phone": "0240000000"},
        actor=users["administrateur"],
    )
    year = school_year_start(today())
    division = DivisionFactory(
        establishment=establishment,
        code="TMELEC-A",
        label="Terminale baccalauréat professionnel métiers de l'électricité",
        school_year__start_year=year,
        diploma=diplomas["BP-MELEC"],
    )
    unattached = DivisionFactory(
        establishment=establishment,
        code="2NDE-PRO-MAINT",
        label="Seconde professionnelle maintenance des systèmes de production",
        mef="24720099999",
        school_year__start_year=year,
    )
    group = DivisionFactory(
        establishment=establishment,
        code="GRP-ATELIER-ELEC",
        kind=StructureKind.GROUP,
        school_year__start_year=year,
    )
    pupils = [
        PupilFactory(
            establishment=establishment,
            division=division,
            last_name=f"DE LA FONTAINE-MONTGOLFIER-{n:02d}",
            first_name="Marie-Bernadette-Joséphine",
        )
        for n in range(30)
    ]
    group.group_pupils.set(pupils[:10])
    PupilFactory(establishment=establishment, division=unattached, without_ine=True)
    teacher = StaffMemberFactory(
        establishment=establishment,
        user=users["enseignant"],
        last_name="VAN DER BRUGGEN-DELACROIX",
        discipline="Génie électrique, option électrotechnique et énergie",
    )
    teacher.divisions.set([division, group, unattached])
    outside = DivisionFactory(
        establishment=establishment,
        code="APPRENTIS-CAP-ELEC",
        source=PupilSource.OUTSIDE_SIECLE,
        school_year__start_year=year,
    )
    PupilFactory(
        establishment=establishment,
        division=outside,
        source=PupilSource.OUTSIDE_SIECLE,
        siecle_eleve_id="",
        last_name="ALTERNANT-APPRENTI-LONGUEMENT-NOMME",
    )
    InspectorGrantFactory(
        establishment=establishment,
        inspector=users["inspecteur"],
        granted_by=users["chef"],
        note="Visite des ateliers de la section électrotechnique, CCF de juin",
    )
    return {"division": division, "group": group, "unattached": unattached}


def page_width(page: Page) -> dict:
    return page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
    )


WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .filter((el) => !el.parentElement.closest(".table-scroll, .table"))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))"""


def assert_no_sideways_scroll(page: Page, where: str) -> None:
    width = page_width(page)
    assert width["scroll"] <= width["view"], (
        f"{where} : la page défile en largeur ({width}) : {page.evaluate(WIDER_THAN_THE_PAGE)}"
    )


@pytest.mark.parametrize("profile", sorted(LISTS))
def test_every_list_fits_a_phone(live_server, new_page, users, school, log_in, profile):
    page = new_page(viewport=PHONE)
    log_in(page, live_server.url, users[profile])
    if profile == "inspecteur":
        assert_no_sideways_scroll(page, "accueil de l'inspecteur")
        page.get_by_role("button", name=re.compile("^Consulter")).click()
        expect(page).to_have_url(re.compile(reverse("inspection:establishment") + "$"))
    for name, args in LISTS[profile]:
        url = reverse(name, args=args(school) if args else None)
        page.goto(live_server.url + url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_sideways_scroll(page, url)
        # Opening each menu of the header does not push the page sideways either.
        for summary in page.locator("details.dropdown > summary").all():
            summary.click()
            assert_no_sideways_scroll(page, f"{url}, menu « {summary.inner_text()} » ouvert")
            page.keyboard.press("Escape")


def test_table_actions_are_reachable_on_a_phone(live_server, new_page, users, school, log_in):
    page = new_page(viewport=PHONE)
    log_in(page, live_server.url, users["administrateur"])
    page.goto(live_server.url + reverse("directory:divisions"))
    # The table is wider than the phone: it scrolls inside its own box.
    box = page.get_by_role("region", name=re.compile("division"))
    assert box.evaluate("(el) => el.scrollWidth > el.clientWidth")
    # « Rattacher » at the end of a row is reached, and works.
    attach = page.get_by_role("row", name=re.compile("^2NDE-PRO-MAINT")).get_by_role(
        "button", name="Rattacher"
    )
    attach.scroll_into_view_if_needed()
    where = attach.bounding_box()
    assert where["x"] >= 0 and where["x"] + where["width"] <= PHONE["width"]
    attach.click()
    expect(page.get_by_role("status")).to_contain_text("est rattachée au diplôme")
    assert_no_sideways_scroll(page, "après « Rattacher »")

    # The pupils' access page: every row's buttons can be reached.
    page.goto(
        live_server.url + reverse("accounts:pupil_access_division", args=[school["division"].pk])
    )
    button = page.get_by_role("button", name=re.compile("^Générer les accès"))
    button.scroll_into_view_if_needed()
    where = button.bounding_box()
    assert where["x"] >= 0 and where["x"] + where["width"] <= PHONE["width"]


def test_menus_close_with_escape_a_click_or_the_focus_elsewhere(live_server, page, users, log_in):
    log_in(page, live_server.url, users["administrateur"])
    nav = page.get_by_role("navigation", name="Menu principal")
    imports = nav.locator("details").filter(has_text="Gérer les imports")
    profiles = nav.locator("details").filter(has_text="Gérer les profils utilisateurs")
    summary = imports.locator("summary")
    siecle = nav.get_by_role("link", name="Importation des fichiers SIECLE")

    # Escape closes the menu and gives the focus back to its button.
    summary.focus()
    page.keyboard.press("Enter")
    expect(imports).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(siecle).to_be_focused()
    page.keyboard.press("Escape")
    expect(imports).not_to_have_attribute("open", "")
    expect(siecle).to_be_hidden()
    expect(summary).to_be_focused()

    # A click elsewhere closes it.
    summary.click()
    expect(siecle).to_be_visible()
    page.get_by_role("contentinfo").click()
    expect(siecle).to_be_hidden()

    # The focus leaving it closes it: Tab through its links, past the last one.
    summary.focus()
    page.keyboard.press("Enter")
    links = imports.get_by_role("link").count()
    for _ in range(links + 1):
        page.keyboard.press("Tab")
    expect(imports).not_to_have_attribute("open", "")

    # Opening one menu closes the other.
    summary.click()
    profiles.locator("summary").click()
    expect(profiles).to_have_attribute("open", "")
    expect(imports).not_to_have_attribute("open", "")

    # The user's menu too.
    user_menu = page.locator(".user-menu details")
    user_menu.locator("summary").click()
    expect(profiles).not_to_have_attribute("open", "")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_hidden()


def test_menus_still_open_and_close_without_javascript(live_server, new_page, users, log_in):
    page = new_page(java_script_enabled=False)
    log_in(page, live_server.url, users["administrateur"])
    nav = page.get_by_role("navigation", name="Menu principal")
    summary = nav.locator("summary").filter(has_text="Gérer les imports")
    summary.click()
    expect(nav.get_by_role("link", name="Importation des fichiers SIECLE")).to_be_visible()
    summary.click()
    expect(nav.get_by_role("link", name="Importation des fichiers SIECLE")).to_be_hidden()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["bureau", "telephone"])
def test_a_long_establishment_name_stays_on_one_line(
    live_server, new_page, users, school, log_in, viewport
):
    page = new_page(viewport=viewport)
    log_in(page, live_server.url, users["administrateur"])
    name = page.locator("#establishment-name")
    # The full name is in the page (read by screen readers) and in its title (a tooltip).
    expect(name).to_have_text(LONG_NAME)
    expect(name).to_have_attribute("title", LONG_NAME)
    line = name.evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight)")
    assert name.bounding_box()["height"] <= line * 1.2
    assert name.evaluate("(el) => el.scrollWidth > el.clientWidth")  # cut: an ellipsis
    assert name.evaluate("(el) => getComputedStyle(el).textOverflow") == "ellipsis"
    brand = page.locator(".brand").bounding_box()
    user = page.locator(".user-menu").bounding_box()
    # The brand and the user's menu share the first line.
    assert abs(brand["y"] - user["y"]) < line
    if viewport is DESKTOP:
        # On a computer the main menu is on that line too: the header is one line.
        nav = page.get_by_role("navigation", name="Menu principal").bounding_box()
        assert abs(nav["y"] - brand["y"]) < line
        assert page.locator(".site-header").bounding_box()["height"] < 3 * line
    assert_no_sideways_scroll(page, "en-tête")
