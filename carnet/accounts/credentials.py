"""Logins and temporary passwords the platform gives."""

import secrets

from django.db.models import Q

from carnet.accounts.logins import login_base, login_prefix, unique_login
from carnet.accounts.models import UsedLogin, User

# No ambiguous characters (0/O/o, 1/l/I/i): read from a printed sheet, typed by a pupil.
UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
LOWER = "abcdefghjkmnpqrstuvwxyz"
DIGITS = "23456789"
TEMPORARY_LENGTH = 14


def temporary_password() -> str:
    """14 characters with upper case, lower case and digits: the CNIL rule's second form."""
    rng = secrets.SystemRandom()
    alphabet = UPPER + LOWER + DIGITS
    chars = [rng.choice(UPPER), rng.choice(LOWER), rng.choice(DIGITS)]
    chars += [rng.choice(alphabet) for _ in range(TEMPORARY_LENGTH - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def logins_taken(bases: set[str]) -> set[str]:
    """Every login given so far (accounts alive or gone) that unique_login could make from
    one of ``bases`` (those starting with its login_prefix)."""
    if not bases:
        return set()
    starts = Q()
    for prefix in {login_prefix(base) for base in bases}:
        starts |= Q(username__startswith=prefix)
    taken = set(UsedLogin.objects.filter(starts).values_list("username", flat=True))
    taken |= set(User.objects.filter(starts).values_list("username", flat=True))
    return taken


def logins_for(people: list[tuple[str, str]]) -> list[str]:
    """One new login per (first name, last name), unique on the platform, in one query."""
    bases = [login_base(first, last) for first, last in people]
    taken = logins_taken(set(bases))
    return [unique_login(base, taken) for base in bases]


def logins_reserve(usernames: list[str]) -> None:
    """Record logins given by a bulk creation (bulk_create sends no signal)."""
    UsedLogin.objects.bulk_create(
        [UsedLogin(username=name) for name in usernames], ignore_conflicts=True
    )


def login_ever_given(username: str) -> bool:
    """Whether this login (any case) belongs, or once belonged, to an account."""
    return (
        UsedLogin.objects.filter(username__iexact=username).exists()
        or User.objects.filter(username__iexact=username).exists()
    )
