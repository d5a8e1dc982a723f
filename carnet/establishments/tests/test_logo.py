"""Paramètres › Logo over HTTP: upload, refusal, preview, deletion, and who gets the image."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.tests.html import soup, text
from carnet.establishments.enums import ImageKind
from carnet.establishments.services import establishment_image_set
from carnet.establishments.tests import test_images as corpus

LOGO_URL = reverse("establishments:logo")
RANDOM_NAME = re.compile(r"^etablissements/[0-9a-f]{32}\.(png|jpg)$")


def upload_url(kind: str) -> str:
    return reverse("establishments:image_upload", args=[kind])


def delete_url(kind: str) -> str:
    return reverse("establishments:image_delete", args=[kind])


def image_url(kind: str) -> str:
    return reverse("establishments:image", args=[kind])


@pytest.fixture(autouse=True)
def storage(settings):
    """A fresh, empty InMemoryStorage for each test (Django resets default_storage)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert stored_files() == []
    return default_storage


def stored_files(path: str = "") -> list[str]:
    """Every file in the default storage."""
    directories, files = default_storage.listdir(path)
    found = [f"{path}{name}" for name in files]
    for directory in directories:
        found += stored_files(f"{path}{directory}/")
    return sorted(found)


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


def post_image(client, kind: str, data: bytes, filename: str, **extra):
    upload = SimpleUploadedFile(filename, data, content_type="application/octet-stream")
    return client.post(upload_url(kind), {f"{kind}-file": upload}, **extra)


def card(page, kind: str):
    """The logo's or the stamp's section of the tab."""
    return page.select_one(f'section[aria-labelledby="image-{kind}-title"]')


def errors_of(page, kind: str) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in card(page, kind).select(".error"))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
class TestUploadAccepted:
    def test_png_logo_is_stored_under_a_random_name_and_previewed(
        self, admin_client_a, establishment, users
    ):
        response = post_image(admin_client_a, "logo", corpus.good_png(), "logo-du-lycee-secret.png")
        assert response.status_code == 302
        assert response.url == LOGO_URL

        establishment.refresh_from_db()
        assert RANDOM_NAME.match(establishment.logo)
        assert establishment.logo.endswith(".png")
        assert "logo-du-lycee-secret" not in establishment.logo
        assert stored_files() == [establishment.logo]
        stored = Image.open(io.BytesIO(stored_bytes(establishment.logo)))
        assert (stored.format, stored.size) == ("PNG", (120, 80))
        assert establishment.stamp == ""

        event = AuditEvent.objects.get()
        assert event.action == AuditAction.IMAGE_UPLOADED
        assert event.establishment == establishment
        assert event.actor == users["administrateur"]
        assert event.subject == "Logo"
        assert event.changes == {"Dimensions": ["", "120 × 80 px"]}

        page = soup(admin_client_a.get(LOGO_URL))
        assert "Le logo a été enregistré." in page.get_text()
        logo = card(page, "logo")
        preview = logo.select_one("img.image-preview")
        assert preview["src"].split("?")[0] == image_url("logo")
        assert preview["alt"] == "Logo actuel"
        # « Supprimer » leads to a confirmation step (a link: GET never writes).
        delete = logo.find("a", string="Supprimer")
        assert delete["href"] == delete_url("logo")
        assert delete["aria-label"] == "Supprimer le logo"
        # The stamp has none yet.
        stamp = card(page, "cachet")
        assert stamp.select_one("img") is None
        assert stamp.find("a", string="Supprimer") is None
        assert "Aucune image pour l'instant." in stamp.get_text()

    def test_jpeg_stamp(self, admin_client_a, establishment):
        response = post_image(
            admin_client_a, "cachet", corpus.good_jpeg(), "cachet.jpeg", follow=True
        )
        assert "Le cachet de l'établissement a été enregistré." in text(response)
        establishment.refresh_from_db()
        assert RANDOM_NAME.match(establishment.stamp)
        assert establishment.stamp.endswith(".jpg")
        assert establishment.logo == ""
        assert Image.open(io.BytesIO(stored_bytes(establishment.stamp))).format == "JPEG"
        page = soup(response)
        assert card(page, "cachet").select_one("img.image-preview") is not None
        assert card(page, "logo").select_one("img.image-preview") is None

    def test_stored_copy_has_no_exif(self, admin_client_a, establishment):
        post_image(admin_client_a, "logo", corpus.jpeg_with_exif(), "photo.jpg")
        establishment.refresh_from_db()
        stored = stored_bytes(establishment.logo)
        assert not Image.open(io.BytesIO(stored)).getexif()
        assert b"Canon" not in stored

    def test_the_name_of_the_upload_does_not_decide_the_format(self, admin_client_a, establishment):
        post_image(admin_client_a, "logo", corpus.good_png(), "logo.jpg")
        establishment.refresh_from_db()
        assert establishment.logo.endswith(".png")

    def test_a_new_logo_replaces_the_old_file(
        self, admin_client_a, establishment, django_capture_on_commit_callbacks
    ):
        post_image(admin_client_a, "logo", corpus.good_png(), "v1.png")
        establishment.refresh_from_db()
        first = establishment.logo
        with django_capture_on_commit_callbacks(execute=True):
            post_image(admin_client_a, "logo", corpus.good_jpeg(), "v2.jpg")
        establishment.refresh_from_db()
        assert establishment.logo != first
        assert stored_files() == [establishment.logo]

    def test_htmx_upload_returns_the_tab_with_the_preview(self, admin_client_a, establishment):
        response = post_image(
            admin_client_a, "logo", corpus.good_png(), "logo.png", HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        page = soup(response)
        assert card(page, "logo").select_one("img.image-preview") is not None
        assert card(page, "logo").find("a", string="Supprimer") is not None
        establishment.refresh_from_db()
        assert stored_files() == [establishment.logo]


REFUSED = [
    (
        "svg-avec-script.svg",
        corpus.svg_with_script,
        "Les images SVG ou HTML ne sont pas acceptées.",
    ),
    ("page.png", corpus.html_named_png, "Les images SVG ou HTML ne sont pas acceptées."),
    ("tronque.png", corpus.truncated_png, "L'image est incomplète ou endommagée."),
    ("bombe.png", corpus.bomb_png, "L'image est beaucoup trop grande"),
    ("photo.jpg", corpus.heavy_jpeg, "Le fichier pèse plus de 2 Mo"),
    ("anime.gif", corpus.gif_with_script, "Ce fichier n'est pas une image PNG ou JPEG valide."),
    (
        "polyglotte.png",
        corpus.png_with_html_after_iend,
        "Ce fichier contient autre chose qu'une image",
    ),
    (
        "bandeau.png",
        lambda: corpus.encode(Image.new("L", (4001, 10)), "PNG"),
        "L'image mesure 4001 × 10 pixels",
    ),
]
REFUSED_IDS = [filename for filename, _, _ in REFUSED]


@pytest.mark.django_db
class TestUploadRefused:
    @pytest.mark.parametrize(("filename", "builder", "message"), REFUSED, ids=REFUSED_IDS)
    def test_message_shown_and_nothing_stored(
        self, admin_client_a, establishment, filename, builder, message
    ):
        response = post_image(admin_client_a, "logo", builder(), filename)
        assert response.status_code == 200
        page = soup(response)
        assert message in errors_of(page, "logo")
        assert errors_of(page, "cachet") == ""
        assert card(page, "logo").select_one("img") is None
        assert stored_files() == []
        establishment.refresh_from_db()
        assert (establishment.logo, establishment.stamp) == ("", "")
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize(("filename", "builder", "message"), REFUSED, ids=REFUSED_IDS)
    def test_the_current_stamp_is_kept(
        self, admin_client_a, establishment, filename, builder, message
    ):
        post_image(admin_client_a, "cachet", corpus.good_png(), "cachet.png")
        establishment.refresh_from_db()
        current = establishment.stamp
        current_bytes = stored_bytes(current)

        response = post_image(admin_client_a, "cachet", builder(), filename)
        assert message in errors_of(soup(response), "cachet")
        establishment.refresh_from_db()
        assert establishment.stamp == current
        assert stored_files() == [current]
        assert stored_bytes(current) == current_bytes
        assert AuditEvent.objects.count() == 1

    def test_empty_file(self, admin_client_a, establishment):
        response = post_image(admin_client_a, "logo", b"", "vide.png")
        message = errors_of(soup(response), "logo")
        assert "vide" in message
        assert stored_files() == []
        establishment.refresh_from_db()
        assert establishment.logo == ""

    def test_no_file(self, admin_client_a):
        response = admin_client_a.post(upload_url("logo"), {})
        assert errors_of(soup(response), "logo") == (
            "Choisissez d'abord un fichier image PNG ou JPEG."
        )
        assert stored_files() == []

    def test_3_mo_is_refused_without_being_decoded(self, admin_client_a, monkeypatch):
        """The upload handler drops the file once past 2 MB, as it arrives; never decoded."""
        data = corpus.heavy_jpeg()

        def never(*args, **kwargs):
            raise AssertionError("Pillow opened a file that is too heavy")

        monkeypatch.setattr(Image, "open", never)
        response = post_image(admin_client_a, "logo", data, "photo.jpg")
        assert errors_of(soup(response), "logo") == (
            "Le fichier pèse plus de 2 Mo, la taille maximale. "
            "Réduisez l'image avant de la déposer."
        )
        assert stored_files() == []

    def test_exactly_2_mo_reaches_the_checks(self, admin_client_a):
        data = b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024 - 8)
        response = post_image(admin_client_a, "logo", data, "limite.png")
        assert "plus de 2 Mo" not in errors_of(soup(response), "logo")

    def test_unknown_kind_is_404(self, admin_client_a):
        response = post_image(admin_client_a, "signature", corpus.good_png(), "s.png")
        assert response.status_code == 404
        assert stored_files() == []

    @pytest.mark.parametrize("profile", ["chef", "enseignant", "apprenant", "inspecteur"])
    def test_only_the_administrator_uploads(self, profile, users, client_of, establishment):
        response = post_image(client_of(users[profile]), "logo", corpus.good_png(), "logo.png")
        assert response.status_code == 403
        assert stored_files() == []
        establishment.refresh_from_db()
        assert establishment.logo == ""

    def test_get_is_not_allowed(self, admin_client_a):
        assert admin_client_a.get(upload_url("logo")).status_code == 405


@pytest.mark.django_db
class TestDeleteConfirmation:
    """« Supprimer » asks first, without JavaScript: a confirmation step that writes nothing."""

    def test_supprimer_asks_for_a_confirmation_and_deletes_nothing(
        self, admin_client_a, establishment
    ):
        post_image(admin_client_a, "logo", corpus.good_png(), "logo.png")
        post_image(admin_client_a, "cachet", corpus.good_jpeg(), "cachet.jpg")
        establishment.refresh_from_db()
        before = stored_files()
        response = admin_client_a.get(delete_url("logo"))
        assert response.status_code == 200
        page = soup(response)
        box = card(page, "logo").select_one('[role="alertdialog"]')
        assert "Supprimer le logo ?" in box.get_text(" ", strip=True)
        form = box.find("form")
        assert (form["method"], form["action"]) == ("post", delete_url("logo"))
        assert form.find("button").get_text(strip=True) == "Supprimer le logo"
        assert box.find("a", string="Annuler")["href"] == LOGO_URL
        # Only the logo asks; the stamp keeps its own « Supprimer » link.
        assert card(page, "cachet").select_one('[role="alertdialog"]') is None
        assert card(page, "cachet").find("a", string="Supprimer") is not None
        # Nothing deleted, nothing audited.
        assert stored_files() == before
        establishment.refresh_from_db()
        assert establishment.logo and establishment.stamp
        assert not AuditEvent.objects.filter(action=AuditAction.IMAGE_DELETED).exists()

    def test_the_stamp_asks_in_its_own_words(self, admin_client_a):
        post_image(admin_client_a, "cachet", corpus.good_jpeg(), "cachet.jpg")
        box = card(soup(admin_client_a.get(delete_url("cachet"))), "cachet")
        assert "Supprimer le cachet de l'établissement ?" in box.get_text(" ", strip=True)
        assert box.find("button", string="Supprimer le cachet de l'établissement")

    def test_confirming_deletes(self, admin_client_a, establishment):
        post_image(admin_client_a, "logo", corpus.good_png(), "logo.png")
        admin_client_a.get(delete_url("logo"))
        response = admin_client_a.post(delete_url("logo"), follow=True)
        assert "Le logo a été supprimé." in text(response)
        assert response.redirect_chain[-1][0] == LOGO_URL
        establishment.refresh_from_db()
        assert establishment.logo == ""

    def test_htmx_gets_the_panel_with_the_question(self, admin_client_a):
        post_image(admin_client_a, "logo", corpus.good_png(), "logo.png")
        response = admin_client_a.get(delete_url("logo"), headers={"HX-Request": "true"})
        page = soup(response)
        assert page.select_one("#settings-panel") is not None
        assert page.find("h1") is None  # the panel only
        assert card(page, "logo").select_one('[role="alertdialog"]') is not None

    def test_nothing_to_confirm_without_an_image(self, admin_client_a):
        response = admin_client_a.get(delete_url("logo"), follow=True)
        assert response.redirect_chain[-1][0] == LOGO_URL
        assert "Il n'y a pas d'image à supprimer." in text(response)
        assert soup(response).select_one('[role="alertdialog"]') is None

    @pytest.mark.parametrize("profile", ["chef", "enseignant", "apprenant", "admin_autre"])
    def test_other_profiles_get_no_confirmation(self, profile, users, client_of, admin_client_a):
        post_image(admin_client_a, "logo", corpus.good_png(), "logo.png")
        response = client_of(users[profile]).get(delete_url("logo"))
        if profile == "admin_autre":  # B's administrator: B has no logo
            assert response.status_code == 302
        else:
            assert response.status_code == 403


@pytest.mark.django_db
class TestDelete:
    def test_delete_removes_the_file_and_the_preview(
        self, admin_client_a, establishment, users, django_capture_on_commit_callbacks
    ):
        post_image(admin_client_a, "logo", corpus.good_png(), "logo.png")
        post_image(admin_client_a, "cachet", corpus.good_jpeg(), "cachet.jpg")
        establishment.refresh_from_db()
        logo, stamp = establishment.logo, establishment.stamp
        assert stored_files() == sorted([logo, stamp])

        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client_a.post(delete_url("logo"), follow=True)
        assert "Le logo a été supprimé." in text(response)
        assert stored_files() == [stamp]
        assert not default_storage.exists(logo)
        establishment.refresh_from_db()
        assert (establishment.logo, establishment.stamp) == ("", stamp)

        page = soup(response)
        assert card(page, "logo").select_one("img") is None
        assert card(page, "logo").find("a", string="Supprimer") is None
        assert "Aucune image pour l'instant." in card(page, "logo").get_text()
        assert card(page, "cachet").select_one("img.image-preview") is not None

        event = AuditEvent.objects.filter(action=AuditAction.IMAGE_DELETED).get()
        assert (event.subject, event.actor) == ("Logo", users["administrateur"])
        assert admin_client_a.get(image_url("logo")).status_code == 404

    def test_delete_the_stamp(
        self, admin_client_a, establishment, django_capture_on_commit_callbacks
    ):
        post_image(admin_client_a, "cachet", corpus.good_png(), "cachet.png")
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client_a.post(delete_url("cachet"), follow=True)
        assert "Le cachet de l'établissement a été supprimé." in text(response)
        assert stored_files() == []
        establishment.refresh_from_db()
        assert establishment.stamp == ""

    def test_nothing_to_delete(self, admin_client_a):
        response = admin_client_a.post(delete_url("logo"), follow=True)
        assert "Il n'y avait pas d'image à supprimer." in text(response)
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("profile", ["chef", "enseignant", "apprenant", "inspecteur"])
    def test_only_the_administrator_deletes(
        self, profile, users, client_of, admin_client_a, establishment
    ):
        post_image(admin_client_a, "logo", corpus.good_png(), "logo.png")
        establishment.refresh_from_db()
        response = client_of(users[profile]).post(delete_url("logo"))
        assert response.status_code == 403
        assert stored_files() == [establishment.logo]

    def test_the_administrator_of_b_cannot_delete_a_s_logo(
        self, users, client_of, admin_client_a, establishment, django_capture_on_commit_callbacks
    ):
        post_image(admin_client_a, "logo", corpus.good_png(), "logo.png")
        establishment.refresh_from_db()
        logo = establishment.logo
        with django_capture_on_commit_callbacks(execute=True):
            response = client_of(users["admin_autre"]).post(delete_url("logo"), follow=True)
        assert "Il n'y avait pas d'image à supprimer." in text(response)
        assert stored_files() == [logo]
        establishment.refresh_from_db()
        assert establishment.logo == logo


@pytest.fixture
def logo_of_a(establishment, users):
    establishment_image_set(
        establishment=establishment,
        kind=ImageKind.LOGO,
        data=corpus.good_png(),
        actor=users["administrateur"],
    )
    return stored_bytes(establishment.logo)


@pytest.mark.django_db
class TestServingTheImage:
    @pytest.mark.parametrize("profile", ["administrateur", "chef", "enseignant", "apprenant"])
    def test_users_of_the_establishment_get_it(self, profile, users, client_of, logo_of_a):
        response = client_of(users[profile]).get(image_url("logo"))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == "inline"
        assert "private" in response["Cache-Control"]
        assert body(response) == logo_of_a

    def test_jpeg_is_served_as_jpeg(self, establishment, users, admin_client_a):
        establishment_image_set(
            establishment=establishment,
            kind=ImageKind.STAMP,
            data=corpus.good_jpeg(),
            actor=users["administrateur"],
        )
        response = admin_client_a.get(image_url("cachet"))
        assert response["Content-Type"] == "image/jpeg"
        assert body(response) == stored_bytes(establishment.stamp)

    def test_the_inspector_is_refused(self, users, client_of, logo_of_a):
        response = client_of(users["inspecteur"]).get(image_url("logo"))
        assert response.status_code == 403
        assert logo_of_a not in response.content

    def test_anonymous_is_sent_to_login(self, client, logo_of_a):
        response = client.get(image_url("logo"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("profile", ["admin_autre", "chef_autre"])
    def test_another_establishment_without_logo_gets_404(
        self, profile, users, client_of, logo_of_a
    ):
        response = client_of(users[profile]).get(image_url("logo"))
        assert response.status_code == 404
        assert logo_of_a not in response.content

    def test_another_establishment_gets_its_own_logo(
        self, users, client_of, other_establishment, logo_of_a
    ):
        establishment_image_set(
            establishment=other_establishment,
            kind=ImageKind.LOGO,
            data=corpus.encode(corpus.picture((60, 60)), "PNG"),
            actor=users["admin_autre"],
        )
        own = stored_bytes(other_establishment.logo)
        assert own != logo_of_a
        for profile in ("admin_autre", "chef_autre"):
            response = client_of(users[profile]).get(image_url("logo"))
            assert response.status_code == 200
            assert body(response) == own

    def test_no_stamp_is_404(self, admin_client_a, logo_of_a):
        assert admin_client_a.get(image_url("cachet")).status_code == 404

    def test_unknown_kind_is_404(self, admin_client_a, logo_of_a):
        assert admin_client_a.get(image_url("signature")).status_code == 404

    def test_file_missing_from_storage_is_404(self, admin_client_a, establishment, logo_of_a):
        default_storage.delete(establishment.logo)
        assert admin_client_a.get(image_url("logo")).status_code == 404
