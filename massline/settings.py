"""massline settings, read from environment variables only.

Every variable is documented in docs/deployment.md. Defaults give a working
single-machine install: SQLite in ``MASSLINE_DATA_DIR`` (./data), tasks in the
database, no external services.
"""

import base64
import hashlib
import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envsecret(name: str, default: str | None = None) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/systemd secrets)."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MASSLINE_DATA_DIR", Path.cwd() / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _development_secret() -> str:
    # A per-installation secret kept in the data directory, so a demo install needs no
    # configuration yet never shares a key with another install.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(base64.urlsafe_b64encode(os.urandom(48)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = envbool("MASSLINE_DEBUG")
SECRET_KEY = envsecret("MASSLINE_SECRET_KEY") or _development_secret()
# Personal data is encrypted with this key; losing it loses names, phones and addresses.
DATA_KEY = (
    envsecret("MASSLINE_DATA_KEY")
    or base64.urlsafe_b64encode(
        hashlib.sha256(b"massline-data-key:" + SECRET_KEY.encode()).digest()
    ).decode()
)
ALLOWED_HOSTS = os.environ.get("MASSLINE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("MASSLINE_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN
    "massline.org",
    "massline.voices",
    "massline.hotissues",
    "massline.cases",
    "massline.notifications",
    "massline.decisions",
    "massline.cycles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "massline.urls"
WSGI_APPLICATION = "massline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {{ user|staff_name }} in every template, as Chinese writes names
            "builtins": ["massline.org.templatetags.staff"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'massline.sqlite3'}"),
        conn_max_age=envint("MASSLINE_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a worker writes; IMMEDIATE avoids
    # "database is locked" upgrades from read to write inside a transaction; FULL makes
    # each commit survive a power cut, so "received" always means stored.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }
    # Tests use a file too, not shared-cache memory, so they meet the same locking as production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("MASSLINE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("MASSLINE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"


def _echarts() -> list[tuple[str, Path]]:
    """Apache ECharts as shipped by the vizly package (PyPI): served from our own static
    files, never a CDN. Found, not imported (vizly itself pulls in pandas)."""
    spec = importlib.util.find_spec("vizly")
    return [("vendor/echarts", Path(spec.submodule_search_locations[0], "assets"))] if spec else []


# massline/static (the package itself is no app), and ECharts
STATICFILES_DIRS = [BASE_DIR / "static", *_echarts()]
STATIC_ROOT = Path(os.environ.get("MASSLINE_STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
MEDIA_ROOT = Path(os.environ.get("MASSLINE_MEDIA_ROOT", DATA_DIR / "media"))
# Attachments are personal data: never served as plain static files, only via checked views.
# No URL pattern serves this prefix; it is set only because Django's live test server
# cannot start its request handler with MEDIA_URL = None.
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True

# Uploads: a voice's attachments, and import files.
UPLOAD_MAX_BYTES = envint("MASSLINE_UPLOAD_MAX_MB", 10) * 1024 * 1024
UPLOAD_MAX_FILES = envint("MASSLINE_UPLOAD_MAX_FILES", 5)
IMPORT_MAX_BYTES = envint("MASSLINE_IMPORT_MAX_MB", 200) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Hot issues: how often the background worker recomputes them, in seconds.
HOTISSUES_EVERY = envint("MASSLINE_HOTISSUES_EVERY", 3600)

# Optional: an OpenAI-compatible endpoint (a local model) that summarises hot issues.
LLM_URL = os.environ.get("MASSLINE_LLM_URL", "")
LLM_MODEL = os.environ.get("MASSLINE_LLM_MODEL", "qwen2.5-7b-instruct")
LLM_API_KEY = envsecret("MASSLINE_LLM_API_KEY")

# Public endpoints: "<count>/<seconds>" per client address.
PUBLIC_SUBMIT_RATE = os.environ.get("MASSLINE_PUBLIC_SUBMIT_RATE", "5/600")
PUBLIC_LOOKUP_RATE = os.environ.get("MASSLINE_PUBLIC_LOOKUP_RATE", "20/600")
PUBLIC_CALLBACK_RATE = os.environ.get("MASSLINE_PUBLIC_CALLBACK_RATE", "10/600")
# Behind nginx the client address is the last X-Forwarded-For hop added by the proxy.
TRUSTED_PROXIES = envint("MASSLINE_TRUSTED_PROXIES", 0)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("MASSLINE_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Notifications (email and SMS). Email goes by SMTP once a mail server is named.
SITE_URL = os.environ.get("MASSLINE_SITE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = os.environ.get("MASSLINE_EMAIL_HOST", "")
EMAIL_PORT = envint("MASSLINE_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("MASSLINE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envsecret("MASSLINE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("MASSLINE_EMAIL_STARTTLS")
EMAIL_USE_SSL = envbool("MASSLINE_EMAIL_SSL")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("MASSLINE_EMAIL_FROM", "massline@localhost")
EMAIL_BACKEND = os.environ.get(
    "MASSLINE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
SMS_GATEWAY = os.environ.get("MASSLINE_SMS_GATEWAY", "massline.notifications.channels.LogGateway")
SMS_URL = os.environ.get("MASSLINE_SMS_URL", "")
SMS_API_KEY = envsecret("MASSLINE_SMS_API_KEY", "")
# Seconds to wait before each retry of a message that failed; given up after the last.
NOTIFY_RETRY_AFTER = [
    int(s) for s in os.environ.get("MASSLINE_NOTIFY_RETRY", "60,300,1800").split(",") if s
]
# Cases: how often reminders are sent and overdue cases flagged, in seconds.
DEADLINES_EVERY = envint("MASSLINE_DEADLINES_EVERY", 900)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MASSLINE_LOG_LEVEL", "WARNING")},
}
