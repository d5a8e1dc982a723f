"""Pupils who left (« sortis ») read and export their passport with their account, and
nothing else, until LEFT_PUPIL_PASSPORT_DAYS after their date of leaving."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carnet.accounts.enums import DisabledReason
from carnet.accounts.former_pupils import passport_access_ends
from carnet.accounts.models import User
from carnet.accounts.tests.factories import TEST_PASSWORD
from carnet.directory.enums import PupilStatus

pytestmark = pytest.mark.django_db


def leave(passport, *, days_ago: int, reason=DisabledReason.LEFT):
    """The pupil left ``days_ago`` days ago; the import disabled their account (« sorti »)."""
    pupil = passport.pupil
    pupil.status = PupilStatus.LEFT
    pupil.left_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    pupil.save()
    User.objects.filter(pk=passport.learner.pk).update(is_active=False, disabled_reason=reason)


def signed_in(passport) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": passport.learner.username, "password": TEST_PASSWORD},
    )
    client.login_status = response.status_code
    return client


class TestWithinTheWindow:
    def test_reads_and_exports_their_passport_and_nothing_else(self, passport, settings):
        settings.LEFT_PUPIL_PASSPORT_DAYS = 365
        entry = passport.entry()
        leave(passport, days_ago=30)
        client = signed_in(passport)
        assert client.login_status == 302
        page = client.get(reverse("passport:mine"))
        assert page.status_code == 200
        ends = passport_access_ends(passport.pupil)
        assert ends.strftime("%d/%m/%Y") in page.content.decode()
        assert reverse("passport:create") not in page.content.decode()
        assert client.get(reverse("passport:entry", args=[entry.pk])).status_code == 200
        pdf = client.get(reverse("passport:export", args=[passport.pupil.pk]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        # Read-only: no writing, and no other page of the platform.
        assert client.get(reverse("passport:create")).status_code == 403
        assert client.post(reverse("passport:submit", args=[entry.pk])).status_code == 403
        assert client.get(reverse("passport:edit", args=[entry.pk])).status_code == 403
        assert client.get(reverse("evaluations:my_results")).status_code == 403
        other = reverse("passport:pupil", args=[passport.other_pupil.pk])
        assert client.get(other).status_code == 403


class TestWindowClosed:
    def test_after_the_limit_they_cannot_sign_in(self, passport, settings):
        settings.LEFT_PUPIL_PASSPORT_DAYS = 365
        leave(passport, days_ago=366)
        client = signed_in(passport)
        assert client.login_status == 200  # the login page again, « incorrect »
        assert client.get(reverse("passport:mine")).status_code == 302

    def test_signed_in_then_the_limit_passes_signs_them_out(self, passport, settings):
        settings.LEFT_PUPIL_PASSPORT_DAYS = 365
        leave(passport, days_ago=100)
        client = signed_in(passport)
        assert client.get(reverse("passport:mine")).status_code == 200
        settings.LEFT_PUPIL_PASSPORT_DAYS = 30
        assert client.get(reverse("passport:mine")).status_code == 302

    def test_an_account_the_administrator_disabled_stays_closed(self, passport, settings):
        settings.LEFT_PUPIL_PASSPORT_DAYS = 365
        leave(passport, days_ago=10, reason=DisabledReason.ADMIN)
        assert signed_in(passport).login_status == 200

    def test_no_date_of_leaving_no_window(self, passport):
        leave(passport, days_ago=10)
        passport.pupil.left_on = None
        passport.pupil.save()
        assert passport_access_ends(passport.pupil) is None
        assert signed_in(passport).login_status == 200
