"""A failed login, per state of the account: what « Connexion » costs with a wrong password.

With production's hashers (Argon2, and the light one for temporary passwords), each state is
posted RUNS times to /connexion/ with a wrong password; the median is printed in ms. They
should be within a few per cent of each other (before the fix, an account holding an unused
temporary password answered in about a third of the others' time). Runs on its own SQLite
file under var/ unless DATABASE_URL is set. Lockouts are lifted between runs.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["ALLOWED_HOSTS"] = "testserver"
bench_db = ROOT / "var" / "bench-login.sqlite3"
if "DATABASE_URL" not in os.environ:
    bench_db.parent.mkdir(exist_ok=True)
    bench_db.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
import logging  # noqa: E402

from config.settings import base  # noqa: E402

logging.disable(logging.INFO)  # django-axes says every failure

settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS  # production's, not the tests' MD5

from axes.models import AccessAttempt  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from carnet.accounts.hashers import TemporaryPasswordHasher  # noqa: E402
from carnet.accounts.models import User  # noqa: E402
from carnet.core.profiles import Profile  # noqa: E402
from carnet.establishments.models import Establishment  # noqa: E402

RUNS = 15
WRONG = "Pas-le-bon-mot-de-passe-2026!"


def main() -> None:
    call_command("migrate", verbosity=0)
    establishment = Establishment.objects.create(uai="0693046L", name="Lycée Ampère")

    def account(username: str, **fields) -> User:
        user = User(username=username, establishment=establishment, **fields)
        user.set_password("Bon-mot-de-passe-2026!")
        user.save()
        return user

    temporary = make_password("Provisoire23abcD", hasher=TemporaryPasswordHasher.algorithm)
    account("normal", profile=Profile.TEACHER)
    unusable = account("sans.mot.de.passe", profile=Profile.TEACHER)
    unusable.set_unusable_password()
    unusable.save()
    fresh = account("provisoire", profile=Profile.LEARNER, must_change_password=True)
    fresh.password = temporary
    fresh.save()
    account("inactif", profile=Profile.TEACHER, is_active=False, disabled_reason="administrateur")
    inactive_fresh = account("inactif.provisoire", profile=Profile.LEARNER, is_active=False)
    inactive_fresh.password = temporary
    inactive_fresh.save()
    states = {
        "identifiant inconnu": "personne.inconnue",
        "compte normal (Argon2)": "normal",
        "sans mot de passe utilisable": "sans.mot.de.passe",
        "mot de passe provisoire inutilisé": "provisoire",
        "compte désactivé": "inactif",
        "désactivé, mot de passe provisoire": "inactif.provisoire",
    }
    url = reverse("accounts:login")
    Client().get(url)  # warm up: templates, URL resolver, hashers
    timings: dict[str, list[float]] = {label: [] for label in states}
    # Interleaved (one of each state per round): a load on the machine weighs on all alike.
    for _ in range(RUNS):
        for label, username in states.items():
            AccessAttempt.objects.all().delete()  # no lockout in the way
            start = time.perf_counter()
            response = Client().post(url, {"username": username, "password": WRONG})
            timings[label].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
    results = {label: statistics.median(values) for label, values in timings.items()}
    slowest = max(results.values())
    print(f"Échec de connexion, médiane de {RUNS} essais ({connection_vendor()}) :")
    for label, ms in results.items():
        print(f"  {label:<38} {ms:7.1f} ms  ({ms / slowest:5.0%} du plus lent)")
    spread = (slowest - min(results.values())) / slowest
    print(f"  écart entre le plus rapide et le plus lent : {spread:.0%}")


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
