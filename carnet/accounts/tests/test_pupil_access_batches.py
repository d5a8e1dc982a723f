"""« Générer les accès »: batches, double submit (also two at once), the page's new state with
the PDF to download, the PDF's name, homonyms' birth dates."""

import datetime
import re
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from carnet.accounts import pupil_access as services
from carnet.accounts.models import User
from carnet.accounts.pupil_access import GENERATE_BATCH
from carnet.accounts.tests.test_pupil_access import downloaded
from carnet.audit.enums import AuditAction
from carnet.audit.models import AuditEvent
from carnet.core.profiles import Profile
from carnet.core.tests.html import soup, text
from carnet.directory.tests.factories import DivisionFactory, PupilFactory
from carnet.documents import credentials as documents

ALREADY = "ont déjà été générés"


def url(name, division, *args):
    return reverse(f"accounts:{name}", args=[division.pk, *args])


def generate_form(page) -> tuple[str, dict]:
    """The « Générer les accès » form of the division page: its button's words and its data."""
    form = page.find("form", attrs={"action": re.compile(r"/generer/$")})
    ids = [field["value"] for field in form.find_all("input", attrs={"name": "eleve"})]
    return form.find("button").get_text(" ", strip=True), {"eleve": ids}


@pytest.fixture
def printed(monkeypatch):
    sheets = []
    real = documents.credentials_pdf

    def spy(**kwargs):
        sheets.append(kwargs["cards"])
        return real(**kwargs)

    monkeypatch.setattr("carnet.accounts.views.pupil_access.credentials_pdf", spy)
    return sheets


def division_of(establishment, size: int, code: str = "2MELEC"):
    division = DivisionFactory(establishment=establishment, code=code, school_year__start_year=2026)
    PupilFactory.create_batch(size, establishment=establishment, division=division)
    return division


@pytest.mark.django_db
class TestBatches:
    def test_a_big_division_is_served_in_batches_of_seven_sheets(
        self, admin_client_a, establishment, printed
    ):
        assert GENERATE_BATCH == 56  # seven A4 sheets of eight cards
        division = division_of(establishment, 60)
        page = soup(admin_client_a.get(url("pupil_access_division", division)))
        words, first = generate_form(page)
        assert words == (
            "Générer les accès des 56 premiers élèves (sur 60) et imprimer leurs identifiants"
        )
        assert "par lots de 56 élèves au plus" in page.get_text(" ")
        response = admin_client_a.post(url("pupil_access_generate", division), first)
        assert len(printed[0]) == 56
        assert division.pupils.filter(user__isnull=False).count() == 56
        words, second = generate_form(soup(response))
        assert words == "Générer les accès (4) et imprimer les identifiants"
        assert not set(second["eleve"]) & set(first["eleve"])
        # The first form sent again is a double submit, not the next batch.
        again = admin_client_a.post(url("pupil_access_generate", division), first, follow=True)
        assert ALREADY in text(again)
        assert division.pupils.filter(user__isnull=False).count() == 56
        admin_client_a.post(url("pupil_access_generate", division), second)
        assert len(printed) == 2 and len(printed[1]) == 4
        assert division.pupils.filter(user__isnull=True).count() == 0

    def test_the_service_alone_takes_one_batch(self, establishment, users):
        division = division_of(establishment, 60)
        issued = services.pupils_access_generate(division=division, actor=users["administrateur"])
        assert len(issued) == 56

    def test_ids_of_other_divisions_or_garbage_give_nothing(
        self, admin_client_a, establishment, printed
    ):
        division = division_of(establishment, 2)
        other = division_of(establishment, 2, code="1MELEC")
        ids = [str(p.pk) for p in other.pupils.all()] + ["²", "1e3", ""]
        response = admin_client_a.post(
            url("pupil_access_generate", division), {"eleve": ids}, follow=True
        )
        assert response.status_code == 200
        assert not division.pupils.filter(user__isnull=False).exists()
        assert not other.pupils.filter(user__isnull=False).exists()
        assert printed == []


@pytest.mark.django_db
class TestNewStateAndDownload:
    def test_the_page_shows_the_new_state_and_carries_the_pdf(
        self, admin_client_a, establishment, printed
    ):
        division = division_of(establishment, 3, code="2NDE MÉLEC/A")
        _, data = generate_form(soup(admin_client_a.get(url("pupil_access_division", division))))
        response = admin_client_a.post(url("pupil_access_generate", division), data)
        page = soup(response)
        states = [row.find_all("td")[3].get_text(strip=True) for row in page.select("tbody tr")]
        assert states == ["jamais connecté"] * 3
        assert "3 accès générés." in text(response)
        filename, pdf = downloaded(response)
        assert re.fullmatch(r"identifiants-2NDE-MELEC-A-\d{8}-\d{4}\.pdf", filename)
        assert pdf.startswith(b"%PDF")
        button = page.find("form", attrs={"action": url("pupil_access_generate", division)})
        assert button.find("button").has_attr("disabled")  # nobody left without access
        # The script that starts the download is served by us (Content-Security-Policy).
        assert page.find("script", attrs={"src": "/static/js/downloads.js"})

    def test_with_htmx_the_same_content_swaps_in_and_the_address_is_the_division(
        self, admin_client_a, establishment, printed
    ):
        division = division_of(establishment, 2)
        page = soup(admin_client_a.get(url("pupil_access_division", division)))
        form = page.find("form", attrs={"action": url("pupil_access_generate", division)})
        assert form["hx-post"] == form["action"]
        assert (form["hx-target"], form["hx-select"]) == ("#contenu", "#contenu")
        assert form["hx-push-url"] == url("pupil_access_division", division)
        _, data = generate_form(page)
        swapped = soup(
            admin_client_a.post(
                url("pupil_access_generate", division), data, HTTP_HX_REQUEST="true"
            )
        ).select_one("#contenu")
        reloaded = soup(admin_client_a.get(url("pupil_access_division", division)))

        def rows(table):
            for token in table.select("input[name=csrfmiddlewaretoken]"):
                token.decompose()  # a new mask in every answer
            return table

        assert rows(swapped.select_one("table")) == rows(reloaded.select_one("#contenu table"))
        assert swapped.select_one("a[data-download-now]") is not None

    def test_a_reset_is_named_after_the_code_too(self, admin_client_a, establishment, printed):
        division = division_of(establishment, 1, code="TMELEC")
        _, data = generate_form(soup(admin_client_a.get(url("pupil_access_division", division))))
        admin_client_a.post(url("pupil_access_generate", division), data)
        pupil = division.pupils.get()
        response = admin_client_a.post(url("pupil_access_reset", division), {"pupil": pupil.pk})
        assert re.fullmatch(
            r'attachment; filename="identifiants-TMELEC-\d{8}-\d{4}\.pdf"',
            response["Content-Disposition"],
        )


@pytest.mark.django_db
class TestHomonyms:
    def test_cards_of_homonyms_show_their_birth_date(self, admin_client_a, establishment, printed):
        division = division_of(establishment, 1)
        for day in (3, 4):
            PupilFactory(
                establishment=establishment,
                division=division,
                last_name="MARTIN",
                first_name="Lucas",
                birth_date=datetime.date(2010, 1, day),
            )
        _, data = generate_form(soup(admin_client_a.get(url("pupil_access_division", division))))
        admin_client_a.post(url("pupil_access_generate", division), data)
        births = {card.birth_date for card in printed[0] if card.full_name == "MARTIN Lucas"}
        assert births == {datetime.date(2010, 1, 3), datetime.date(2010, 1, 4)}
        assert [c.homonym for c in printed[0]].count(True) == 2
        # A single card of one of them (a reset) still shows it.
        lucas = division.pupils.filter(last_name="MARTIN").first()
        admin_client_a.post(url("pupil_access_reset", division), {"pupil": lucas.pk})
        (card,) = printed[1]
        assert card.homonym and card.birth_date == lucas.birth_date


@pytest.mark.django_db(transaction=True)
class TestTwoAtOnce:
    def test_two_simultaneous_submissions_answer_once_and_say_already_generated(
        self, users, client_of, establishment, monkeypatch
    ):
        """Two « Générer les accès » of the same form at the same moment, in two threads.

        Both requests pass the middlewares, then meet at a barrier just before their
        transaction (a spy on the view's atomic_retrying), and start it together; the PDF
        made inside the transaction takes 0.3 s, so the first holds its transaction while the
        second arrives. On PostgreSQL the second waits on the pupils' row locks
        (select_for_update), then finds them all with an account. On SQLite, BEGIN
        IMMEDIATE (config/settings/base.py) refuses it the database while the first writes:
        on a file it waits (timeout), on the test suite's shared-cache in-memory database it
        is told « locked » at once and atomic_retrying starts it again until the first has
        committed. Either way the second starts after the first committed, and must answer
        « déjà générés » (before: a 500 « database is locked » on SQLite; on PostgreSQL,
        the next batch or « ont déjà un accès »).
        """
        division = division_of(establishment, 5)
        admin = users["administrateur"]
        _, data = generate_form(soup(client_of(admin).get(url("pupil_access_division", division))))
        clients = [client_of(admin), client_of(admin)]
        barrier = threading.Barrier(2, timeout=10)
        from carnet.accounts.views import pupil_access as views

        real_atomic, real_pdf = views.atomic_retrying, views.credentials_pdf

        def meet_then_run(work):
            barrier.wait()
            return real_atomic(work)

        def slow_pdf(**kwargs):
            time.sleep(0.3)
            return real_pdf(**kwargs)

        monkeypatch.setattr(views, "atomic_retrying", meet_then_run)
        monkeypatch.setattr(views, "credentials_pdf", slow_pdf)
        answers, errors = [], []

        def submit(client):
            try:
                answers.append((client, client.post(url("pupil_access_generate", division), data)))
            except Exception as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        assert sorted(answer.status_code for _, answer in answers) == [200, 302]
        served = next(answer for _, answer in answers if answer.status_code == 200)
        assert downloaded(served)[1].startswith(b"%PDF")
        client, second = next((c, answer) for c, answer in answers if answer.status_code == 302)
        assert ALREADY in text(client.get(second.url))
        assert division.pupils.filter(user__isnull=False).count() == 5
        assert User.objects.filter(profile=Profile.LEARNER, pupil__division=division).count() == 5
        assert AuditEvent.objects.filter(action=AuditAction.PUPIL_ACCESS_GENERATED).count() == 1
