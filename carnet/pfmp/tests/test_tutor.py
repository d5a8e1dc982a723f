"""The tutor's link: the tutor fills one bilan without an account; every refusal (tampered,
unknown, of another bilan, revoked, expired, validated) shows a French page and changes
nothing; refusals are limited per address."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carnet.pfmp.enums import ReviewStatus
from carnet.pfmp.models import CompanyReview, ReviewResult, TutorLink
from carnet.pfmp.services import (
    secret_hash,
    tutor_link_create,
    tutor_link_revoke,
    tutor_proposal_accept,
)
from carnet.pfmp.tests.test_pages import review_with_targets
from carnet.pfmp.tutor import link_token
from carnet.referentials.models import ScaleLevel

pytestmark = pytest.mark.django_db


def tutor_url(review, token):
    return reverse("pfmp:tutor", args=[review.pk, token])


@pytest.fixture
def linked(pfmp):
    review = review_with_targets(pfmp)
    link, secret = tutor_link_create(review=review, actor=pfmp.teacher)
    return review, link, secret, tutor_url(review, link_token(link, secret))


def proposal_data(pfmp, review, key="4"):
    level = ScaleLevel.objects.get(diploma=pfmp.diploma, key=key)
    return {f"niveau-{t.pk}": level.pk for t in review.targets.all()} | {
        "appreciation": "Très bon stagiaire",
        "attendance": "Aucune absence",
        "signature": "Mme Tutrice",
    }


def snapshot(review):
    review = CompanyReview.objects.get(pk=review.pk)
    return (review.status, review.tutor_proposal, ReviewResult.objects.count())


class TestTutorFills:
    def test_only_the_hash_is_stored(self, linked):
        _review, link, secret, _url = linked
        assert link.secret_hash == secret_hash(secret)
        assert secret not in link.secret_hash
        assert (
            abs(link.expires_at - link.created_at - datetime.timedelta(days=21)).total_seconds() < 1
        )

    def test_page_shows_one_bilan_and_no_navigation(self, pfmp, linked):
        _review, _link, _secret, url = linked
        response = Client().get(url)
        body = response.content.decode()
        assert response.status_code == 200
        assert "Menu principal" not in body and "Se déconnecter" not in body
        assert "ÉLÈVE1" not in body  # the pupil's first name and initial only
        for other in pfmp.pupils[1:]:
            assert other.last_name not in body
        assert body.count("<a ") == 0
        assert response["Referrer-Policy"] == "same-origin"

    def test_proposal_then_accepted(self, pfmp, linked):
        review, _link, _secret, url = linked
        response = Client().post(url, proposal_data(pfmp, review))
        assert response.status_code == 200
        review.refresh_from_db()
        assert review.status == ReviewStatus.PROPOSED
        assert ReviewResult.objects.count() == 0  # a proposal, not the bilan
        tutor_proposal_accept(review=review, actor=pfmp.teacher)
        review.refresh_from_db()
        assert ReviewResult.objects.filter(review=review, level__key="4").count() == 2
        assert review.tutor_signature == "Mme Tutrice"
        assert review.tutor_appreciation == "Très bon stagiaire"
        assert review.status == ReviewStatus.OPEN

    def test_teacher_accepts_through_the_page(self, pfmp, linked, client_of):
        review, _link, _secret, url = linked
        Client().post(url, proposal_data(pfmp, review))
        response = client_of(pfmp.teacher).post(
            reverse("pfmp:proposal", args=[review.pk]), {"action": "accepter"}
        )
        assert response.status_code == 302
        assert ReviewResult.objects.filter(review=review).count() == 2

    def test_tutor_without_signature_told(self, pfmp, linked):
        review, _link, _secret, url = linked
        data = proposal_data(pfmp, review) | {"signature": ""}
        response = Client().post(url, data)
        assert response.status_code == 400
        assert "vaut signature" in response.content.decode()
        assert snapshot(review)[0] == ReviewStatus.OPEN


class TestRefusals:
    def refused(self, url, pfmp, review, expected):
        before = snapshot(review)
        client = Client()
        get = client.get(url)
        post = client.post(url, proposal_data(pfmp, review))
        for response in (get, post):
            assert response.status_code == 403
            body = response.content.decode()
            assert expected in body
            assert "Ce lien ne permet pas d'ouvrir le bilan" in body
        assert snapshot(review) == before

    def test_tampered_signature(self, pfmp, linked):
        review, link, secret, _url = linked
        token = link_token(link, secret)
        self.refused(tutor_url(review, token[:-2] + "xx"), pfmp, review, "a été modifié")

    def test_tampered_secret(self, pfmp, linked):
        review, link, secret, _url = linked
        token = link_token(link, secret).replace(secret[:4], "0000", 1)
        self.refused(tutor_url(review, token), pfmp, review, "a été modifié")

    def test_link_of_another_bilan(self, pfmp, linked):
        review, link, secret, _url = linked
        other = review_with_targets(pfmp, 1)
        self.refused(tutor_url(other, link_token(link, secret)), pfmp, other, "ne vaut que")
        assert snapshot(review)[1] == {}

    def test_revoked(self, pfmp, linked):
        review, link, _secret, url = linked
        tutor_link_revoke(link=link, actor=pfmp.teacher)
        self.refused(url, pfmp, review, "retiré par le professeur")

    def test_replaced_by_a_new_link(self, pfmp, linked):
        review, _link, _secret, url = linked
        tutor_link_create(review=review, actor=pfmp.teacher)
        self.refused(url, pfmp, review, "retiré par le professeur")

    def test_expired(self, pfmp, linked):
        review, link, _secret, url = linked
        TutorLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
        self.refused(url, pfmp, review, "a expiré")

    def test_unknown_secret(self, pfmp, linked):
        review, link, _secret, _url = linked
        from carnet.pfmp.tutor import SIGNER

        self.refused(
            tutor_url(review, SIGNER.sign(f"{link.pk}-{'0' * 48}")), pfmp, review, "remplacé"
        )

    def test_refusals_throttled_per_address(self, pfmp, linked, settings):
        settings.PFMP_TUTOR_REFUSALS_LIMIT = 3
        review, _link, _secret, url = linked
        client = Client(REMOTE_ADDR="10.1.2.3")
        for _ in range(3):
            assert client.get(tutor_url(review, "faux.lien")).status_code == 403
        response = client.get(url)  # even the good link, from this address, for an hour
        assert response.status_code == 429
        assert "réessayez dans une heure" in response.content.decode()
        assert Client(REMOTE_ADDR="10.9.9.9").get(url).status_code == 200


def test_link_revoked_through_the_page(pfmp, linked, client_of):
    _review, link, _secret, _url = linked
    response = client_of(pfmp.teacher).post(reverse("pfmp:link_revoke", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
