"""« Gestion des accès élèves »: generate, reset, enable/disable, printed sheets (PDF)."""

import base64

import pytest
from django.urls import reverse

from carnet.accounts.models import User
from carnet.accounts.tests.factories import TEST_PASSWORD
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.profiles import Profile
from carnet.core.tests.html import soup, text
from carnet.directory.enums import PupilStatus
from carnet.directory.tests.factories import DivisionFactory, PupilFactory
from carnet.documents import credentials as documents

ACCESS = reverse("accounts:pupil_access")


@pytest.fixture
def division(establishment):
    division = DivisionFactory(
        establishment=establishment, code="2MELEC", school_year__start_year=2026
    )
    PupilFactory.create_batch(3, establishment=establishment, division=division)
    PupilFactory(establishment=establishment, division=division, left=True, last_name="PARTI")
    return division


@pytest.fixture
def printed(monkeypatch):
    """The cards sent to the PDF (the PDF itself is tested in carnet/documents)."""
    sheets = []
    real = documents.credentials_pdf

    def spy(**kwargs):
        sheets.append(kwargs["cards"])
        return real(**kwargs)

    monkeypatch.setattr("carnet.accounts.views.pupil_access.credentials_pdf", spy)
    return sheets


def url(name, division, *args):
    return reverse(f"accounts:{name}", args=[division.pk, *args])


def downloaded(response) -> tuple[str, bytes]:
    """The PDF the page carries after « Générer les accès »: (file name, bytes)."""
    link = soup(response).select_one("a[data-download-now]")
    assert link is not None, "no PDF to download on the page"
    prefix = "data:application/pdf;base64,"
    assert link["href"].startswith(prefix)
    return link["download"], base64.b64decode(link["href"][len(prefix) :])


@pytest.mark.django_db
class TestGenerate:
    def test_divisions_list_counts(self, admin_client_a, division):
        row = [
            td.get_text(strip=True)
            for td in soup(admin_client_a.get(ACCESS)).select_one("tbody tr").find_all("td")
        ]
        assert row == ["2MELEC", "3", "0", "3", "0"]

    def test_generate_gives_accounts_and_the_pdf_of_their_cards(
        self, admin_client_a, division, printed, client
    ):
        response = admin_client_a.post(url("pupil_access_generate", division))
        # The division's page in its new state, carrying the PDF to download.
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert response["Cache-Control"] == "no-store"
        filename, pdf = downloaded(response)
        assert filename.startswith("identifiants-2MELEC-") and filename.endswith(".pdf")
        assert pdf.startswith(b"%PDF")
        (cards,) = printed
        assert len(cards) == 3 and {c.division for c in cards} == {"2MELEC"}
        pupils = division.pupils.filter(status=PupilStatus.ACTIVE).select_related("user")
        assert all(p.user and p.user.profile == Profile.LEARNER for p in pupils)
        assert not division.pupils.get(last_name="PARTI").user  # left: no access
        card = cards[0]
        user = User.objects.get(username=card.login)
        assert user.must_change_password and card.password not in user.password
        # The card's password opens the account (then the personal one is asked for).
        assert (
            client.post(
                reverse("accounts:login"), {"username": card.login, "password": card.password}
            ).status_code
            == 302
        )
        event = AuditEvent.objects.get(action=AuditAction.PUPIL_ACCESS_GENERATED)
        assert event.changes == {"Comptes créés": ["", "3"]}
        assert event.subject == "Division 2MELEC"
        # Again: nobody left without an account.
        again = admin_client_a.post(url("pupil_access_generate", division), follow=True)
        assert "ont déjà un accès" in text(again)

    def test_generating_35_accounts_takes_a_bounded_number_of_queries(
        self, admin_client_a, establishment, printed, django_assert_max_num_queries
    ):
        big = DivisionFactory(
            establishment=establishment, code="TMELEC", school_year__start_year=2026
        )
        PupilFactory.create_batch(35, establishment=establishment, division=big)
        # The writes, and the division's page in its new state.
        with django_assert_max_num_queries(18):
            response = admin_client_a.post(url("pupil_access_generate", big))
        assert response.status_code == 200 and len(printed[0]) == 35


@pytest.mark.django_db
class TestReset:
    def test_one_pupil(self, admin_client_a, division, printed):
        admin_client_a.post(url("pupil_access_generate", division))
        pupil = division.pupils.filter(status=PupilStatus.ACTIVE).first()
        old = User.objects.get(pk=pupil.user_id).password
        response = admin_client_a.post(url("pupil_access_reset", division), {"pupil": pupil.pk})
        assert response["Content-Type"] == "application/pdf"
        assert [c.login for c in printed[1]] == [pupil.user.username]
        assert User.objects.get(pk=pupil.user_id).password != old

    def test_all_after_confirmation(self, admin_client_a, division, printed):
        admin_client_a.post(url("pupil_access_generate", division))
        page = soup(admin_client_a.get(url("pupil_access_division", division) + "?confirmer=tous"))
        assert page.find("button", string="Réinitialiser et imprimer")
        response = admin_client_a.post(url("pupil_access_reset", division), {"tous": "1"})
        assert response["Content-Type"] == "application/pdf"
        assert len(printed[1]) == 3
        assert AuditEvent.objects.filter(action=AuditAction.PUPIL_ACCESS_GENERATED).count() == 2

    def test_nobody_chosen(self, admin_client_a, division, printed):
        response = admin_client_a.post(
            url("pupil_access_reset", division), {"pupil": "abc"}, follow=True
        )
        assert "Aucun élève actif avec un compte" in text(response)
        assert printed == []


@pytest.mark.django_db
class TestEnableDisable:
    def test_disable_then_reactivate(self, admin_client_a, division, printed):
        admin_client_a.post(url("pupil_access_generate", division))
        pupil = division.pupils.filter(status=PupilStatus.ACTIVE).first()
        admin_client_a.post(url("pupil_access_active", division, pupil.pk), {"active": "0"})
        assert not User.objects.get(pk=pupil.user_id).is_active
        rows = {
            r.find_all("td")[0].get_text(strip=True)
            + r.find_all("td")[1].get_text(strip=True): r.find_all("td")[3].get_text(strip=True)
            for r in soup(admin_client_a.get(url("pupil_access_division", division))).select(
                "tbody tr"
            )
        }
        assert rows[pupil.last_name + pupil.first_name] == "désactivé par l'administrateur"
        admin_client_a.post(url("pupil_access_active", division, pupil.pk), {"active": "1"})
        assert User.objects.get(pk=pupil.user_id).is_active


@pytest.mark.django_db
class TestLeftPupils:
    def test_a_pupil_who_left_cannot_sign_in_even_with_an_active_account(
        self, establishment, client
    ):
        user = User.objects.create(
            username="eleve.sorti", profile=Profile.LEARNER, establishment=establishment
        )
        user.set_password(TEST_PASSWORD)
        user.save()
        pupil = PupilFactory(establishment=establishment, user=user)
        assert (
            client.post(
                reverse("accounts:login"), {"username": "eleve.sorti", "password": TEST_PASSWORD}
            ).status_code
            == 302
        )
        assert client.get(reverse("web:home")).status_code == 200
        pupil.status = PupilStatus.LEFT
        pupil.save()
        assert client.get(reverse("web:home")).status_code == 302  # signed out at once
        client.logout()
        response = client.post(
            reverse("accounts:login"), {"username": "eleve.sorti", "password": TEST_PASSWORD}
        )
        assert response.status_code == 200 and "incorrect" in text(response)


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize(
        "profile", ["chef", "enseignant", "apprenant", "inspecteur", "operateur"]
    )
    def test_only_the_administrator(self, profile, users, client_of, division):
        client = client_of(users[profile])
        assert client.get(ACCESS).status_code == 403
        assert client.get(url("pupil_access_division", division)).status_code == 403
        assert client.post(url("pupil_access_generate", division)).status_code == 403

    def test_another_establishment_gets_404(self, users, client_of, division):
        client = client_of(users["admin_autre"])
        assert client.get(url("pupil_access_division", division)).status_code == 404
        assert client.post(url("pupil_access_generate", division)).status_code == 404
        assert "2MELEC" not in client.get(ACCESS).content.decode()
        assert not division.pupils.filter(user__isnull=False).exists()

    def test_a_group_is_not_a_division_here(self, admin_client_a, establishment):
        group = DivisionFactory(establishment=establishment, kind="groupe")
        assert admin_client_a.get(url("pupil_access_division", group)).status_code == 404


@pytest.mark.django_db
class TestReviewFixes:
    def test_disabling_a_pupil_writes_no_name_in_the_audit(self, admin_client_a, division, printed):
        admin_client_a.post(url("pupil_access_generate", division))
        pupil = division.pupils.filter(status=PupilStatus.ACTIVE).first()
        admin_client_a.post(url("pupil_access_active", division, pupil.pk), {"active": "0"})
        event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_DISABLED)
        assert event.subject == f"Élève n° {pupil.pk} (division 2MELEC)"
        assert pupil.last_name not in str(event.subject) + str(event.changes)

    def test_reset_all_skips_disabled_accounts(self, admin_client_a, division, printed):
        admin_client_a.post(url("pupil_access_generate", division))
        pupil = division.pupils.filter(status=PupilStatus.ACTIVE).first()
        admin_client_a.post(url("pupil_access_active", division, pupil.pk), {"active": "0"})
        admin_client_a.post(url("pupil_access_reset", division), {"tous": "1"})
        assert pupil.user.username not in [c.login for c in printed[1]]
        assert len(printed[1]) == 2

    def test_a_failing_sheet_loses_no_password(self, admin_client_a, division, monkeypatch):
        def broken(**kwargs):
            raise RuntimeError("imprimante en panne")

        monkeypatch.setattr("carnet.accounts.views.pupil_access.credentials_pdf", broken)
        with pytest.raises(RuntimeError):
            admin_client_a.post(url("pupil_access_generate", division))
        assert not division.pupils.filter(user__isnull=False).exists()
