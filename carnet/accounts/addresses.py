"""The client's address, behind a known number of reverse proxies, and its login limit."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def client_address(request) -> str | None:
    """REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies, the address the first of them saw.

    Each trusted proxy appends the address it received the request from to
    X-Forwarded-For; the entries a client may have sent itself come before them and are
    never believed. Without this, every request behind a proxy would have the proxy's
    address, and fifty failed logins anywhere would lock the whole platform out.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def address_locked_out(request) -> bool:
    """Too many failed logins from this address, all logins together, in the cool-off time.

    django-axes locks a login after AXES_FAILURE_LIMIT failures; this second, wider limit
    stops one address trying many logins (a school's pupils share one public address, hence
    a high default: LOGIN_ADDRESS_FAILURE_LIMIT, 50). django-axes records the failures of
    every login form (it listens to Django's user_login_failed signal), and
    carnet.accounts.backends.AddressLimitBackend applies the limit to every one of them.
    """
    address = client_address(request)
    if not address:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
