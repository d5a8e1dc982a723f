"""Test settings: same as development, with a fast password hasher.

Argon2 stays the production hasher (base.py); a test checks it.
"""

from config.settings.dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "carnet.accounts.hashers.TemporaryPasswordHasher",
]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}
if DATABASES["default"]["ENGINE"] == "carnet.db.sqlite3":  # noqa: F405
    # In memory, one database per pytest-xdist worker (the file name would get a suffix).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
TRANSFER_KEY_FILE = BASE_DIR / "var" / "test-transfer-ed25519.pem"  # noqa: F405
