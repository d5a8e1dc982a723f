"""Rate limits of the e-mails the platform sends on request: « Mot de passe oublié » (per
address asking, per account reached) and invitations (per account reached, per sender:
a head or an administrator can't flood addresses by creating accounts one after another).

Counted in the database (``RateLimitHit``), not in a per-process cache: every worker of a
deployment sees the same counts. What is counted is stored as a keyed hash only.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from carnet.accounts.models import RateLimitHit

PERIOD = timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    kind: str
    # Name of the setting that gives the number of actions allowed per PERIOD.
    setting: str

    @property
    def count(self) -> int:
        return getattr(settings, self.setting)


RESET_PER_ADDRESS = Limit("reset_adresse", "PASSWORD_RESET_ADDRESS_LIMIT")
RESET_PER_ACCOUNT = Limit("reset_compte", "PASSWORD_RESET_ACCOUNT_LIMIT")
INVITATION_PER_ACCOUNT = Limit("invitation_compte", "INVITATION_ACCOUNT_LIMIT")
INVITATION_PER_SENDER = Limit("invitation_envoyeur", "INVITATION_SENDER_LIMIT")


def _key(limit: Limit, subject) -> str:
    message = f"{limit.kind}:{subject}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def limit_reached(limit: Limit, subject, *, now=None) -> bool:
    """Whether ``subject`` (an address, an account's pk) used up ``limit`` in the last hour."""
    now = now or timezone.now()
    recent = RateLimitHit.objects.filter(
        kind=limit.kind, key=_key(limit, subject), created_at__gt=now - PERIOD
    )
    return recent.count() >= limit.count


@transaction.atomic
def limit_take(limit: Limit, subject, *, now=None) -> bool:
    """Count one action of ``subject`` if ``limit`` allows it; False (nothing counted) if not.

    A ``subject`` of None (no address known) is never limited.
    """
    if subject is None or subject == "":
        return True
    now = now or timezone.now()
    if limit_reached(limit, subject, now=now):
        return False
    RateLimitHit.objects.filter(kind=limit.kind, created_at__lte=now - PERIOD).delete()
    RateLimitHit.objects.create(kind=limit.kind, key=_key(limit, subject), created_at=now)
    return True
