"""The client's address, for the lockouts, behind a known number of reverse proxies."""

from django.conf import settings


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
