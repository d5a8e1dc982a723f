"""The dashboards' pages through HTTP: selection, filters, record, chart, overview, bilans."""

import re

import pytest
from django.urls import reverse

from carnet.audit.models import AuditEvent
from carnet.dashboards.enums import BilanKind
from carnet.dashboards.models import Bilan
from carnet.dashboards.tests.builder import results_build
from carnet.dashboards.tests.conftest import first_day
from carnet.directory.tests.factories import DivisionFactory, PupilFactory
from carnet.evaluations.services import evaluation_publish

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:pupil")


def pupil_url(klass, pupil, extra=""):
    return f"{URL}?division={klass.division.pk}&eleve={pupil.pk}{extra}"


class TestSelection:
    def test_division_then_pupils_then_arrows_with_ids_only(self, klass, client_of):
        client = client_of(klass.teacher)
        page = client.get(f"{URL}?division={klass.division.pk}").content.decode()
        assert "ÉLÈVE01 Léa" in page and 'name="eleve"' in page
        second = klass.pupils[1]
        page = client.get(pupil_url(klass, second)).content.decode()
        assert "2 sur 8" in page
        previous = re.search(r'id="eleve-precedent" href="([^"]+)"', page).group(1)
        following = re.search(r'id="eleve-suivant" href="([^"]+)"', page).group(1)
        assert f"eleve={klass.pupils[0].pk}" in previous
        assert f"eleve={klass.pupils[2].pk}" in following
        for url in (previous, following):
            assert "ÉLÈVE" not in url and "L%C3%A9a" not in url

    def test_a_division_of_another_establishment_is_not_found(
        self, klass, client_of, other_establishment
    ):
        other = DivisionFactory(establishment=other_establishment)
        assert client_of(klass.teacher).get(f"{URL}?division={other.pk}").status_code == 404

    def test_a_pupil_of_another_division_is_not_found(self, klass, client_of, establishment):
        stranger = PupilFactory(establishment=establishment)
        response = client_of(klass.teacher).get(pupil_url(klass, stranger))
        assert response.status_code == 404


class TestRecord:
    def test_400_results_in_at_most_12_queries(  # 11: a query per result source
        self, klass, client_of, django_assert_max_num_queries
    ):
        pupil = klass.pupils[0]
        made = results_build(
            scenario=klass.scenario,
            pupils=[pupil],
            evaluations=40,
            criteria_per_evaluation=10,
            start=first_day(),
        )
        assert made == 400
        for kind in BilanKind.values:
            Bilan.objects.create(
                establishment=klass.establishment,
                pupil=pupil,
                diploma=klass.diploma,
                kind=kind,
                date=first_day(),
                method="recentes_double",
            )
        client = client_of(klass.teacher)
        client.get(URL)  # the session is read once before
        with django_assert_max_num_queries(12):
            response = client.get(pupil_url(klass, pupil))
        page = response.content.decode()
        assert response.status_code == 200
        assert "les plus récentes comptent double" in page
        assert page.count('role="img"') >= 5

    def test_each_result_with_date_situation_type_and_level(self, klass, client_of):
        pupil = klass.pupils[0]
        results_build(
            scenario=klass.scenario,
            pupils=[pupil],
            evaluations=2,
            criteria_per_evaluation=3,
            start=first_day(),
        )
        page = client_of(klass.teacher).get(pupil_url(klass, pupil)).content.decode()
        assert f"{first_day():%d/%m/%Y}" in page
        assert "Installation d&#x27;un tableau électrique" in page
        assert "Formative" in page
        assert "Niveau proposé" in page

    def test_premiere_offers_the_units_and_u31_keeps_its_competencies(self, klass, client_of):
        pupil = klass.pupils[0]
        results_build(
            scenario=klass.scenario,
            pupils=[pupil],
            evaluations=13,
            criteria_per_evaluation=4,
            start=first_day(),
        )
        client = client_of(klass.teacher)
        page = client.get(pupil_url(klass, pupil)).content.decode()
        assert 'value="U31"' in page and "Tout afficher" not in page
        filtered = client.get(pupil_url(klass, pupil, "&unite=U31")).content.decode()
        assert "Tout afficher" in filtered
        sections = re.findall(r'<h3 id="competence-\d+">(C\d+)', filtered)
        everything = re.findall(r'<h3 id="competence-\d+">(C\d+)', page)
        assert 0 < len(sections) < len(everything)

    def test_seconde_has_no_unit_filter(self, klass, client_of):
        klass.division.mef = "24725520310"
        klass.division.save()
        page = client_of(klass.teacher).get(pupil_url(klass, klass.pupils[0])).content.decode()
        assert 'name="unite"' not in page

    def test_the_type_filter(self, klass, client_of):
        pupil = klass.pupils[0]
        results_build(
            scenario=klass.scenario,
            pupils=[pupil],
            evaluations=2,
            criteria_per_evaluation=2,
            start=first_day(),
        )
        page = client_of(klass.teacher).get(pupil_url(klass, pupil, "&type=certificative"))
        assert "0\u00a0résultat à l'affichage" in page.content.decode()


class TestOverview:
    @pytest.mark.parametrize("size", [3, 8])
    def test_a_constant_number_of_queries(self, klass, client_of, size, django_assert_num_queries):
        results_build(
            scenario=klass.scenario,
            pupils=klass.pupils[:size],
            evaluations=4,
            criteria_per_evaluation=6,
            start=first_day(),
        )
        for pupil in klass.pupils[size:]:
            pupil.status = "sorti"
            pupil.save()
        client = client_of(klass.teacher)
        client.get(URL)
        with django_assert_num_queries(9):  # one per result source included
            response = client.get(reverse("dashboards:overview", args=[klass.division.pk]))
        page = response.content.decode()
        assert page.count('<th scope="row">') == size
        assert f"eleve={klass.pupils[0].pk}" in page
        assert re.search(r'class="heat heat-\d"[^>]*>\d</td>', page)


class TestBilans:
    def test_create_with_the_proposal_pre_filled_and_one_override(self, klass, client_of):
        pupil = klass.pupils[0]
        results_build(
            scenario=klass.scenario,
            pupils=[pupil],
            evaluations=6,
            criteria_per_evaluation=5,
            start=first_day(),
        )
        client = client_of(klass.teacher)
        url = reverse("dashboards:bilan_new", args=[pupil.pk])
        form = client.get(url).content.decode()
        selected = dict(
            re.findall(r'name="(niveau_\d+)"[^>]*>.*?<option value="(\d*)" selected', form, re.S)
        )
        assert any(selected.values())
        name = next(n for n, v in selected.items() if v)
        scale = {level.pk: level for level in klass.diploma.scale.all()}
        other = next(pk for pk in scale if str(pk) != selected[name] and scale[pk].value)
        data = {"date": "01/12/2026", "comment": "Progrès nets."} | selected | {name: str(other)}
        response = client.post(url, data)
        assert response.status_code == 302
        bilan = Bilan.objects.get(pupil=pupil)
        level = bilan.levels.get(competency_id=int(name.split("_")[1]))
        assert level.decided_id == other
        assert level.proposed_value == scale[int(selected[name])].value
        assert "évaluation" in level.explanation
        pdf = client.get(reverse("dashboards:bilan_pdf", args=[bilan.pk]))
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    def test_a_bad_date_says_so_and_saves_nothing(self, klass, client_of):
        pupil = klass.pupils[0]
        url = reverse("dashboards:bilan_new", args=[pupil.pk])
        response = client_of(klass.teacher).post(url, {"date": "31/02/2026"})
        assert response.status_code == 400
        assert "Saisissez une date valide" in response.content.decode()
        assert not Bilan.objects.exists()

    def test_a_teacher_who_does_not_teach_the_division_reads_but_does_not_write(
        self, klass, client_of
    ):
        client = client_of(klass.outsider)
        page = client.get(pupil_url(klass, klass.pupils[0])).content.decode()
        assert "Créer un bilan intermédiaire" not in page
        url = reverse("dashboards:bilan_new", args=[klass.pupils[0].pk])
        assert client.get(url).status_code == 403

    def test_terminal_once_locked_then_unlocked_by_the_head(self, klass, client_of, users):
        pupil = klass.pupils[0]
        client = client_of(klass.teacher)
        url = reverse("dashboards:bilan_new", args=[pupil.pk]) + "?type=terminal"
        assert client.post(url, {"date": "01/12/2026"}).status_code == 302
        bilan = Bilan.objects.get(pupil=pupil, kind=BilanKind.TERMINAL)
        # A second one: the first is shown.
        assert client.get(url).url == reverse("dashboards:bilan", args=[bilan.pk])
        client.post(reverse("dashboards:bilan_validate", args=[bilan.pk]))
        bilan.refresh_from_db()
        assert bilan.locked
        edit = client.post(
            reverse("dashboards:bilan_edit", args=[bilan.pk]), {"date": "02/12/2026"}
        )
        assert edit.status_code == 302
        bilan.refresh_from_db()
        assert f"{bilan.date:%d/%m}" == "01/12"
        head = client_of(users["chef"])
        unlock = reverse("dashboards:bilan_unlock", args=[bilan.pk])
        assert client.post(unlock).status_code == 403
        assert head.get(unlock).status_code == 200
        head.post(unlock)
        bilan.refresh_from_db()
        assert not bilan.locked
        event = AuditEvent.objects.get(action="bilan_terminal_deverrouille")
        assert "ÉLÈVE" not in event.subject and str(bilan.pk) in event.subject


class TestPupil:
    def test_own_dashboard_formative_and_published_only_bilans_no_proposal(
        self, klass, client_of, users
    ):
        pupil = klass.pupils[0]
        pupil.user = users["apprenant"]
        pupil.save()
        results_build(
            scenario=klass.scenario,
            pupils=[pupil],
            evaluations=2,
            criteria_per_evaluation=2,
            start=first_day(),
        )
        results_build(
            scenario=klass.scenario,
            pupils=[pupil],
            evaluations=1,
            criteria_per_evaluation=2,
            start=first_day(),
            certificative_unit="U31",
        )
        Bilan.objects.create(
            establishment=klass.establishment,
            pupil=pupil,
            diploma=klass.diploma,
            kind=BilanKind.INTERMEDIATE,
            date=first_day(),
            method="recentes_double",
        )
        draft = Bilan.objects.create(
            establishment=klass.establishment,
            pupil=pupil,
            diploma=klass.diploma,
            kind=BilanKind.TERMINAL,
            date=first_day(),
            method="recentes_double",
        )
        client = client_of(users["apprenant"])
        page = client.get(reverse("dashboards:mine")).content.decode()
        assert "Formative" in page and "Certificative U31" not in page
        assert "Niveau proposé" not in page
        assert "Bilan intermédiaire du" in page and "Bilan terminal du" not in page
        assert client.get(reverse("dashboards:bilan", args=[draft.pk])).status_code == 403
        own = Bilan.objects.get(pupil=pupil, kind=BilanKind.INTERMEDIATE)
        own_page = client.get(reverse("dashboards:bilan", args=[own.pk])).content.decode()
        assert "Niveau retenu" in own_page and "Niveau proposé" not in own_page
        pdf = client.get(reverse("dashboards:bilan_pdf", args=[own.pk]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        evaluation = klass.scenario.evaluations.get(kind="certificative")
        evaluation_publish(evaluation=evaluation, actor=klass.teacher)
        assert "Certificative U31" in client.get(reverse("dashboards:mine")).content.decode()

    def test_another_pupils_bilan_is_refused(self, klass, client_of, users):
        users["apprenant"].refresh_from_db()
        bilan = Bilan.objects.create(
            establishment=klass.establishment,
            pupil=klass.pupils[1],
            diploma=klass.diploma,
            kind=BilanKind.INTERMEDIATE,
            date=first_day(),
            method="recentes_double",
        )
        response = client_of(users["apprenant"]).get(reverse("dashboards:bilan", args=[bilan.pk]))
        assert response.status_code == 403


class TestRoles:
    @pytest.mark.parametrize(
        ("profile", "status"),
        [("administrateur", 403), ("chef", 200), ("enseignant", 200), ("apprenant", 403)],
    )
    def test_the_dashboard(self, klass, client_of, users, profile, status):
        response = client_of(users[profile]).get(pupil_url(klass, klass.pupils[0]))
        assert response.status_code == status

    def test_the_head_reads_without_creating(self, klass, client_of, users):
        page = client_of(users["chef"]).get(pupil_url(klass, klass.pupils[0])).content.decode()
        assert "Créer un bilan intermédiaire" not in page
        url = reverse("dashboards:bilan_new", args=[klass.pupils[0].pk])
        assert client_of(users["chef"]).get(url).status_code == 403


class TestNumbersAgree:
    def test_screen_form_bilan_and_pdf_say_the_same_proposed_level(self, klass, client_of):
        from carnet.dashboards.selectors import bilan_get
        from carnet.dashboards.views import PDF_TEMPLATE, pdf_context
        from carnet.documents.pdf import render_html

        pupil = klass.pupils[0]
        results_build(
            scenario=klass.scenario,
            pupils=[pupil],
            evaluations=9,
            criteria_per_evaluation=7,
            start=first_day(),
        )
        client = client_of(klass.teacher)
        page = client.get(pupil_url(klass, pupil)).content.decode()
        shown = dict(re.findall(r'data-competence="(C\d+)">(\d)</span>', page))
        assert shown
        form = client.get(reverse("dashboards:bilan_new", args=[pupil.pk])).content.decode()
        selected = dict(
            re.findall(r'name="(niveau_\d+)"[^>]*>.*?<option value="(\d*)" selected', form, re.S)
        )
        client.post(
            reverse("dashboards:bilan_new", args=[pupil.pk]),
            {"date": f"{first_day():%d/%m/%Y}"} | selected,
        )
        bilan = bilan_get(establishment=klass.establishment, pk=Bilan.objects.get().pk)
        stored = {level.competency.code: level for level in bilan.levels.all()}
        for code, value in shown.items():
            assert stored[code].proposed_value == int(value)
            assert stored[code].decided.value == int(value)  # pre-filled, kept as proposed
        html = render_html(template=PDF_TEMPLATE, context=pdf_context(bilan, klass.establishment))
        for code, level in stored.items():
            if code in shown:
                assert re.search(
                    rf"{code} — .*?</td>\s*<td>{shown[code]}<br>.*?{re.escape(level.explanation)}",
                    html,
                    re.S,
                )


class TestHostileInput:
    @pytest.mark.parametrize("value", ["²", "١", "𝟏", "12" * 20, "-1", " 1", "999999999999999999"])
    def test_odd_ids_never_break_the_page(self, klass, client_of, value):
        client = client_of(klass.teacher)
        assert client.get(URL, {"division": value}).status_code in (200, 404)
        answer = client.get(URL, {"division": klass.division.pk, "eleve": value})
        assert answer.status_code in (200, 404)

    def test_unknown_filters_are_left_out(self, klass, client_of):
        response = client_of(klass.teacher).get(
            pupil_url(
                klass, klass.pupils[0], "&unite=" + "U" * 30 + "&type=inconnu&unite=%E2%80%8F"
            )
        )
        assert response.status_code == 200
