"""The passport's pages through HTTP: the pupil's journey, the teacher's answer, who reads
what, the export (rule 4), and that no level ever shows."""

import datetime
import html

import pytest
from django.urls import reverse

from carnet.accounts.tests.factories import UserFactory
from carnet.inspection.tests.conftest import choose
from carnet.inspection.tests.factories import InspectorGrantFactory
from carnet.passport import services
from carnet.passport.enums import EntryStatus
from carnet.passport.models import Entry
from carnet.passport.paper import passport_html
from carnet.passport.tests.conftest import jpeg_with_gps
from carnet.referentials.models import ScaleLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil_client(client_of, passport):
    return client_of(passport.learner)


@pytest.fixture
def teacher_client(client_of, passport):
    return client_of(passport.teacher)


def text(response) -> str:
    return html.unescape(response.content.decode())


def form_data(passport, **values):
    data = {
        "title": "Remplacement d'un disjoncteur",
        "place": "etablissement",
        "place_detail": "Atelier 12",
        "starts_on": "2026-11-03",
        "description": "J'ai consigné puis remplacé le disjoncteur.",
        "tasks": [str(pk) for pk in passport.task_ids(*passport.first_task_codes())],
        "autonomy": "seul",
    }
    return data | values


class TestPupilJourney:
    def test_create_submit_validate_export(self, passport, pupil_client, teacher_client):
        assert pupil_client.get(reverse("passport:create")).status_code == 200
        photo = ("chantier.jpg", jpeg_with_gps())
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = pupil_client.post(
            reverse("passport:create"),
            form_data(passport) | {"files": [SimpleUploadedFile(*photo)]},
        )
        entry = Entry.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("passport:entry", args=[entry.pk])
        assert entry.attachments.count() == 1
        page = text(pupil_client.get(reverse("passport:mine")))
        assert "Remplacement d'un disjoncteur" in page and entry.activity.label in page
        pupil_client.post(reverse("passport:submit", args=[entry.pk]))
        entry.refresh_from_db()
        assert entry.status == EntryStatus.SUBMITTED
        follow = text(teacher_client.get(reverse("passport:follow")))
        assert "Remplacement d'un disjoncteur" in follow and "MARTIN" in follow
        response = teacher_client.post(
            reverse("passport:answer", args=[entry.pk]), {"decision": "valider"}
        )
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.status == EntryStatus.VALIDATED
        response = pupil_client.get(reverse("passport:export", args=[passport.pupil.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert "MARTIN" not in response["Content-Disposition"]

    def test_a_form_with_problems_says_them_and_writes_nothing(self, passport, pupil_client):
        response = pupil_client.post(
            reverse("passport:create"),
            form_data(passport, title="", starts_on="2026-11-03", ends_on="2026-11-01"),
        )
        assert response.status_code == 400
        page = text(response)
        assert "Donnez un intitulé" in page and "La date de fin précède" in page
        assert Entry.objects.count() == 0

    def test_a_refused_file_refuses_the_whole_form(self, passport, pupil_client):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from carnet.scenarios.tests.corpus import svg

        response = pupil_client.post(
            reverse("passport:create"),
            form_data(passport) | {"files": [SimpleUploadedFile("dessin.svg", svg())]},
        )
        assert response.status_code == 400
        assert "les fichiers SVG, HTML ou XML ne sont pas acceptés" in text(response)
        assert Entry.objects.count() == 0

    def test_changes_asked_need_a_comment_then_reach_the_pupil(
        self, passport, pupil_client, teacher_client
    ):
        entry = services.entry_submit(entry=passport.entry(), actor=passport.learner)
        url = reverse("passport:answer", args=[entry.pk])
        teacher_client.post(url, {"decision": "reprendre", "comment": ""})
        entry.refresh_from_db()
        assert entry.status == EntryStatus.SUBMITTED
        teacher_client.post(url, {"decision": "reprendre", "comment": "Ajoutez une photo."})
        entry.refresh_from_db()
        assert entry.status == EntryStatus.CHANGES
        page = text(pupil_client.get(reverse("passport:edit", args=[entry.pk])))
        assert "Ajoutez une photo." in page

    def test_converting_twice_from_the_page_makes_one_entry(
        self,
        passport,
        pupil_client,
        evaluated,
    ):
        evaluation, _ = evaluated
        url = reverse("passport:from_evaluation", args=[evaluation.pk])
        first = pupil_client.post(url)
        second = pupil_client.post(url)
        assert Entry.objects.count() == 1
        entry = Entry.objects.get()
        assert first.url == reverse("passport:edit", args=[entry.pk])
        assert second.url == reverse("passport:entry", args=[entry.pk])


class TestHome:
    def test_the_pupils_home_shows_their_passport(self, passport, pupil_client):
        services.entry_validate(
            entry=services.entry_submit(entry=passport.entry(), actor=passport.learner),
            actor=passport.teacher,
        )
        passport.entry()
        page = text(pupil_client.get(reverse("web:home")))
        assert "Mon passeport professionnel" in page
        assert "2\u00a0situations, dont 1\u00a0validée" in page


class TestNoLevelEver:
    def test_no_level_on_any_page_nor_in_the_pdf(
        self,
        passport,
        pupil_client,
        teacher_client,
        evaluated,
    ):
        evaluation, level = evaluated
        entry, _ = services.entry_from_evaluation(
            pupil=passport.pupil, evaluation=evaluation, actor=passport.learner
        )
        services.entry_submit(entry=entry, actor=passport.learner)
        pages = [
            pupil_client.get(reverse("passport:mine")),
            pupil_client.get(reverse("passport:entry", args=[entry.pk])),
            teacher_client.get(reverse("passport:pupil", args=[passport.pupil.pk])),
            teacher_client.get(reverse("passport:entry", args=[entry.pk])),
            teacher_client.get(reverse("passport:follow")),
        ]
        texts = [text(p) for p in pages]
        texts.append(
            html.unescape(passport_html(establishment=passport.establishment, pupil=passport.pupil))
        )
        assert all(p.status_code == 200 for p in pages)
        assert "Mise en service d'un éclairage" in texts[0]
        labels = list(
            ScaleLevel.objects.filter(diploma=passport.diploma).values_list("label", flat=True)
        )
        assert level.label in labels
        for page in texts:
            assert [label for label in labels if label in page] == []


class TestExportRule4:
    def test_refused_with_what_is_missing_and_where_to_fix_it(
        self, passport, pupil_client, establishment
    ):
        establishment.name = ""
        establishment.email = ""
        establishment.save()
        response = pupil_client.get(
            reverse("passport:export", args=[passport.pupil.pk]), follow=True
        )
        page = text(response)
        assert response.redirect_chain[-1][0] == reverse("passport:mine")
        assert "il manque le nom et l'adresse électronique de l'établissement" in page
        assert "Paramètres › Établissement" in page
        assert "Exporter mon passeport" not in page

    def test_the_pdf_carries_the_identity_and_the_summary(self, passport):
        services.entry_validate(
            entry=services.entry_submit(entry=passport.entry(), actor=passport.learner),
            actor=passport.teacher,
        )
        passport.entry(title="Deuxième situation")
        document = passport_html(
            establishment=passport.establishment,
            pupil=passport.pupil,
            today=datetime.date(2027, 6, 30),
        )
        for value in ("Lycée professionnel A", "0442953W", "ce.a@ac-nantes.fr", "MARTIN"):
            assert value in document
        assert "Tâches rencontrées" in document and "30/06/2027" in document
        code = passport.first_task_codes()[0]
        assert f"<td>{code} " in document and "<td>1, 2</td>" in document


@pytest.fixture
def readers(passport, users, establishment, other_establishment, client_of):
    """A client per reader of the pupil's passport, and per refused profile."""
    inspector = UserFactory(username="ien.a", inspector=True)
    InspectorGrantFactory(establishment=establishment, inspector=inspector)
    inspector_client = client_of(inspector)
    choose(inspector_client, establishment)
    other_teacher = UserFactory(username="prof.b", establishment=other_establishment)
    return {
        "apprenant": (client_of(passport.learner), 200),
        "enseignant": (client_of(passport.teacher), 200),
        "chef": (client_of(users["chef"]), 200),
        "inspecteur": (inspector_client, 200),
        "collegue_sans_la_division": (client_of(passport.colleague), 403),
        "autre_eleve": (client_of(UserFactory(learner=True, establishment=establishment)), 403),
        "administrateur": (client_of(users["administrateur"]), 403),
        "chef_autre": (client_of(users["chef_autre"]), 404),
        "enseignant_autre": (client_of(other_teacher), 404),
    }


class TestWhoReads:
    @pytest.mark.parametrize("page", ["pupil", "export", "entry", "attachment"])
    def test_each_page_for_each_profile(self, passport, readers, page):
        entry = passport.entry()
        (attachment,) = services.entry_attachments_add(
            entry=entry, actor=passport.learner, uploads=[("a.jpg", jpeg_with_gps())]
        )
        args = {
            "pupil": [passport.pupil.pk],
            "export": [passport.pupil.pk],
            "entry": [entry.pk],
            "attachment": [entry.pk, attachment.pk],
        }[page]
        url = reverse(f"passport:{page}", args=args)
        answers = {name: client.get(url).status_code for name, (client, _) in readers.items()}
        assert answers == {name: status for name, (_, status) in readers.items()}

    def test_only_the_pupil_writes_and_only_their_teacher_answers(
        self, passport, readers, client_of
    ):
        entry = services.entry_submit(entry=passport.entry(), actor=passport.learner)
        edit = reverse("passport:edit", args=[entry.pk])
        assert readers["enseignant"][0].get(edit).status_code == 403
        assert readers["chef"][0].get(edit).status_code == 403
        answer = reverse("passport:answer", args=[entry.pk])
        for name in ("chef", "collegue_sans_la_division", "apprenant", "administrateur"):
            assert readers[name][0].post(answer, {"decision": "valider"}).status_code == 403
        entry.refresh_from_db()
        assert entry.status == EntryStatus.SUBMITTED

    def test_another_pupils_entry_is_not_editable(self, passport, establishment, client_of):
        other_user = UserFactory(learner=True, establishment=establishment)
        passport.other_pupil.user = other_user
        passport.other_pupil.save()
        entry = passport.entry()
        client = client_of(other_user)
        assert client.get(reverse("passport:edit", args=[entry.pk])).status_code == 403
        assert client.post(reverse("passport:submit", args=[entry.pk])).status_code == 403


class TestQueries:
    def test_the_pupils_page_and_the_pdf_html_do_not_grow_with_entries(
        self, passport, pupil_client, django_assert_max_num_queries
    ):
        for n in range(12):
            entry = passport.entry(title=f"Situation {n}")
            if n % 4 == 0:
                services.entry_attachments_add(
                    entry=entry, actor=passport.learner, uploads=[("a.jpg", jpeg_with_gps())]
                )
        with django_assert_max_num_queries(20):
            assert pupil_client.get(reverse("passport:mine")).status_code == 200
        with django_assert_max_num_queries(8):
            passport_html(establishment=passport.establishment, pupil=passport.pupil)

    def test_the_follow_page_is_bounded(
        self, passport, teacher_client, django_assert_max_num_queries
    ):
        for _ in range(5):
            services.entry_submit(entry=passport.entry(), actor=passport.learner)
        with django_assert_max_num_queries(16):
            assert teacher_client.get(reverse("passport:follow")).status_code == 200
