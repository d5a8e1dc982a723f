"""Pupils who left (« sortis »): their account stays disabled for the whole platform, but
signs in, for their passeport professionnel alone, until ``LEFT_PUPIL_PASSPORT_DAYS`` days
after their date of leaving (docs/decisions.md, « Pupils who left »).

Only a pupil whose account was disabled because they left (``DisabledReason.LEFT``, or not
disabled at all) qualifies: an account the administrator disabled stays closed. A pupil
« sorti » without a date of leaving has no window (the limit could not be known).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from carnet.accounts.enums import DisabledReason
from carnet.core.profiles import Profile
from carnet.directory.enums import PupilStatus
from carnet.directory.models import Pupil


def passport_access_ends(pupil: Pupil) -> datetime.date | None:
    """The last day a pupil who left reads their passport; None: no window (not left, no
    date of leaving, or the setting at 0)."""
    days = getattr(settings, "LEFT_PUPIL_PASSPORT_DAYS", 0)
    if pupil.status != PupilStatus.LEFT or pupil.left_on is None or days <= 0:
        return None
    return pupil.left_on + datetime.timedelta(days=days)


def former_pupil_of(user) -> Pupil | None:
    """The pupil ``user`` was, if they left and their passport window is open today."""
    if not getattr(user, "is_authenticated", False) or user.profile != Profile.LEARNER:
        return None
    if user.disabled_reason not in (DisabledReason.NONE, DisabledReason.LEFT):
        return None
    pupil = Pupil.objects.filter(user=user, status=PupilStatus.LEFT).first()
    if pupil is None:
        return None
    ends = passport_access_ends(pupil)
    return pupil if ends is not None and timezone.localdate() <= ends else None
