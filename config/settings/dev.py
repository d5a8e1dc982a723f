"""Local development (`make run`): debug on, a fixed development key, SQLite by default."""

import os

os.environ.setdefault("DEBUG", "1")

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production-7c1e0b9a"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
