"""Settings shared by every environment; environment-specific modules import from here.

Configuration comes from environment variables (see README « Configuration »).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "carnet.core",
    "carnet.establishments",
    "carnet.accounts",
    "carnet.directory",
    "carnet.referentials",
    "carnet.audit",
    "carnet.imports",
    "carnet.documents",
    "carnet.inspection",
    "carnet.scenarios",
    "carnet.evaluations",
    "carnet.pfmp",
    "carnet.dashboards",
    "carnet.passport",
    "carnet.transfers",
    # The top floor: home pages, main menu, demo (imports the apps above).
    "carnet.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Values asked several times while one page is built are read once (carnet/core).
    "carnet.core.request_cache.RequestMemoMiddleware",
    "carnet.core.middleware.SecurityHeadersMiddleware",
    # Before anything reads the session or queries: PostgreSQL refuses NUL bytes.
    "carnet.core.middleware.NulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "carnet.core.middleware.LoginRequiredMiddleware",
    "carnet.web.middleware.EstablishmentMiddleware",
    # Inspectors read, never write (except sign-out, password, « Consulter »).
    "carnet.inspection.middleware.InspectorReadOnlyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it says why the password change page comes first.
    "carnet.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Must stay last (django-axes documentation).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "carnet.web.context_processors.navigation",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL says otherwise (postgres://… uses psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'carnet.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Same backend, with SQLite's real parameter limit (see carnet/db/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "carnet.db.sqlite3"
    # Every transaction takes the write lock when it begins (BEGIN IMMEDIATE): two requests
    # writing at once are served one after the other, instead of the second failing with
    # « database is locked » when it tries to write (a double « Confirmer l'import »).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation for this connection: PostgreSQL compiles a query it costs high into
    # machine code before running it, and the imports' bulk « UPDATE … SET … = CASE WHEN …»
    # (hundreds of WHEN) is costed high: a 53,000-row one spent 25 minutes compiling and
    # ignored cancellation meanwhile. The platform's queries are short ones, which JIT never
    # makes faster (the bulk writes are also cut in chunks of 500 rows, directory.services).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# A pupil who left (« sorti ») signs in to read and export their passeport professionnel, and
# nothing else, for this many days after their date of leaving (docs/decisions.md); 0: never.
LEFT_PUPIL_PASSPORT_DAYS = int(os.environ.get("LEFT_PUPIL_PASSPORT_DAYS", "365"))
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out credentials before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Then the per-address limit, for every login form (carnet.accounts.backends).
    "carnet.accounts.backends.AddressLimitBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, which also refuses pupils who left (« sorti »).
    "carnet.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Random temporary passwords only (see the class): re-hashed with Argon2 at first use.
    "carnet.accounts.hashers.TemporaryPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "carnet.accounts.passwords.CnilPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: shared computers in schools; a session ends with the browser and after 4 hours.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(4 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# django-axes: 5 failed attempts on one login lock that login for 15 minutes.
# Not per address: a school's pupils share one public IP address, and five typos in a
# class would lock out the whole school. axes.W006 is silenced for that reason.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
# And 50 failures from one address, all logins together, on every login form
# (carnet.accounts.backends.AddressLimitBackend).
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Failed attempts are kept (they drive the lockout); successful logins are not logged:
# login, address and browser of every sign-in would be personal data kept for nothing.
AXES_DISABLE_ACCESS_LOG = True
# Reverse proxies in front of the platform, whose X-Forwarded-For entries are believed
# (carnet.accounts.addresses); 0 in development, 1 by default in production.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "carnet.accounts.addresses.client_address"
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files (logos, stamps) are never served as static media: a view checks the user.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media-non-publique/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy sent by carnet.core.middleware.SecurityHeadersMiddleware.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# Name shown in the interface and on documents.
PLATFORM_NAME = "Carnet Pro"
# Sender of the platform's e-mails (« Mot de passe oublié »).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Carnet Pro <ne-pas-repondre@localhost>")
PASSWORD_RESET_TIMEOUT = 3600  # the e-mailed link works for one hour
# E-mails sent on request, per hour (carnet.accounts.ratelimits): « Mot de passe oublié »
# asked from one address, links it sends to one account, invitations sent to one account
# and invitations one person (head, administrator) sends in all.
PASSWORD_RESET_ADDRESS_LIMIT = int(os.environ.get("PASSWORD_RESET_ADDRESS_LIMIT", "5"))
PASSWORD_RESET_ACCOUNT_LIMIT = int(os.environ.get("PASSWORD_RESET_ACCOUNT_LIMIT", "3"))
INVITATION_ACCOUNT_LIMIT = int(os.environ.get("INVITATION_ACCOUNT_LIMIT", "3"))
INVITATION_SENDER_LIMIT = int(os.environ.get("INVITATION_SENDER_LIMIT", "30"))
# The deployment's Ed25519 key, which signs the transfer packages it sends (created at first
# use, readable by its owner only). Keep it across deployments and in the backups: other
# platforms trust packages by its fingerprint (Paramètres › Transferts).
TRANSFER_KEY_FILE = Path(
    os.environ.get("TRANSFER_KEY_FILE", BASE_DIR / "var" / "transfer-ed25519.pem")
)
# Address printed on pupils' credential sheets (default: the address the page was asked on).
PLATFORM_URL = os.environ.get("PLATFORM_URL", "")

# How the dashboards propose a level per competency (carnet/dashboards/proposal.py):
# « recentes_double » (default), « moyenne » or « derniere ».
DASHBOARDS_PROPOSED_LEVEL_METHOD = os.environ.get(
    "DASHBOARDS_PROPOSED_LEVEL_METHOD", "recentes_double"
)
# Refused tutors' links (PFMP) answered per client address and hour before a pause.
PFMP_TUTOR_REFUSALS_LIMIT = int(os.environ.get("PFMP_TUTOR_REFUSALS_LIMIT", "30"))
