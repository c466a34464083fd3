"""Ruam's settings, from the environment: one code base for a laptop and a district office.

Every setting that differs between machines is an environment variable with a safe default:
the embedded default is SQLite under ``var/``; production sets ``DATABASE_URL`` to PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("RUAM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in var/ (never in git)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
# Old keys still accepted for sessions and signed links while a new key is rolled out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
DEBUG = env_bool("RUAM_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Ruam's apps, from the ground up (docs/ARCHITECTURE.md: each imports only the ones below it).
INSTALLED_APPS = [
    "ruam.thai",
    "ruam.core",
    "ruam.geo",
    "ruam.bodies",
    "ruam.accounts",
    "ruam.framework",
    "ruam.reports",
    "ruam.issues",
    "ruam.meetings",
    "ruam.programmes",
    "ruam.search",
    "ruam.insights",
    "ruam.integrations.traffy",
    "ruam.integrations.line",
    "ruam.site",
    "ruam.privacy",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
]

MIDDLEWARE = [
    "ruam.core.metrics.MetricsMiddleware",
    "ruam.core.routers.ReplicaMiddleware",
    "ruam.core.web.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy without 'unsafe-inline' (core/csp.py; docs/OPERATIONS.md).
    "ruam.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ruam.accounts.second_factor.SecondFactorMiddleware",
    "ruam.core.ratelimit.WriteLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: a kept public page never skips the checks above (core/pagecache.py).
    "ruam.core.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "ruam.urls"
WSGI_APPLICATION = "ruam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ruam.core.context_processors.site",
                "ruam.site.context_processors.navigation",
            ],
            "builtins": ["ruam.site.templatetags.thai"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ruam.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL: readers go on while one writer writes; a busy timeout, not "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
if DATABASES["default"]["ENGINE"].endswith("postgresql") and os.environ.get(
    "DATABASE_PREPARED_STATEMENTS", "on"
) not in ("off", "0", "false"):
    # Parameters bound by the server, and statements run twice or more prepared: each worker
    # then sends its frequent statements without SQL text to parse or plan again (intake is
    # ~20% faster). Turn off behind a pooler in transaction mode: DATABASE_PREPARED_STATEMENTS=off.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2}
    )
# A PostgreSQL streaming replica for the pages that can bear a moment's lag (core/routers.py).
if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        replica_url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["ruam.core.routers.ReplicaRouter"]
# Views whose GET pages read from the replica ("namespace:*" for a whole app's pages).
RUAM_REPLICA_VIEWS = env_list(
    "RUAM_REPLICA_VIEWS",
    "site:home,site:district,site:group,geo:*,bodies:*,insights:*,programmes:*,search:*,"
    "issues:district,issues:group,meetings:list,meetings:body_list",
)
# After a POST, a person's pages read from the primary for this long (read after write).
RUAM_REPLICA_STICKY_SECONDS = int(os.environ.get("RUAM_REPLICA_STICKY_SECONDS", "10"))
# Anonymous visitors' public pages and API reads are kept this many seconds and shared
# (core/pagecache.py; 0 turns it off). The copies are files under var/cache/pages, shared by the
# server's processes; RUAM_PAGE_CACHE_URL=redis://… shares them between app servers.
RUAM_PAGE_CACHE_SECONDS = int(os.environ.get("RUAM_PAGE_CACHE_SECONDS", "0" if DEBUG else "10"))
RUAM_PAGE_CACHE_VIEWS = env_list(
    "RUAM_PAGE_CACHE_VIEWS",
    ",".join([*RUAM_REPLICA_VIEWS, "reports:detail", "api:*", "open311:*"]),
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["RUAM_PAGE_CACHE_URL"],
            "KEY_PREFIX": "ruam",
        }
        if os.environ.get("RUAM_PAGE_CACHE_URL")
        else {
            "BACKEND": "ruam.core.pagecache.FileCache",
            "LOCATION": str(VAR_DIR / "cache" / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend, refusing a sign-in while failed attempts are at their limit.
    "ruam.accounts.lockout.LockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:mine"
LOGOUT_REDIRECT_URL = "site:home"

# Thai first: Thai is the default language, English the second.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from the npm registry at setup (package.json) and are served by Ruam
# itself, never from a CDN: district offices may run on an intranet.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/sarabun", NODE_MODULES / "@fontsource" / "sarabun"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartist", NODE_MODULES / "chartist" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", False)
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

# Map tiles are configurable: an intranet points this at its own tile server; empty shows only
# Ruam's own layers (boundaries, points).
RUAM_MAP_TILE_URL = os.environ.get(
    "RUAM_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
RUAM_MAP_ATTRIBUTION = os.environ.get("RUAM_MAP_ATTRIBUTION", "&copy; OpenStreetMap contributors")

# Security by default.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles from Ruam itself, inline ones only with the request's nonce; the tile
# server's origin (RUAM_MAP_TILE_URL) is added to img-src by the middleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        # Leaflet's stylesheet draws a few controls from data: URLs.
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if env_bool("RUAM_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("RUAM_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("RUAM_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("RUAM_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RUAM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Background tasks: a queue in the database, so the embedded default needs no extra server.
# Run the worker with `ruam db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("RUAM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# The queue on Redis instead (RUAM_TASKS_BACKEND=django_tasks_rq.RQBackend), when one database
# worker pool is not enough: workers are `ruam rqworker default` (docs/SCALING.md).
RQ_QUEUES = {"default": {"URL": os.environ.get("RUAM_REDIS_URL", "redis://127.0.0.1:6379/0")}}
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq"):
    INSTALLED_APPS.append("django_rq")

# A task running longer than this is taken for one whose worker died (ruam requeue-stalled).
RUAM_TASK_STALL_SECONDS = int(os.environ.get("RUAM_TASK_STALL_SECONDS", "900"))

# Notifications: channel classes, tried in order for each recipient.
# Tried in order for each person: LINE (only once LINE is configured and the person follows
# Ruam's account there), then e-mail.
RUAM_NOTIFICATION_CHANNELS = env_list(
    "RUAM_NOTIFICATION_CHANNELS",
    "ruam.integrations.line.notify.LineChannel,ruam.core.notify.EmailChannel",
)
# The model of the bodies people act for (committees, offices…), as timeline events name them.
RUAM_BODY_MODEL = "bodies.Body"
# Contact details of closed reports are erased this many days after closing (0: kept).
RUAM_CONTACT_RETENTION_DAYS = int(os.environ.get("RUAM_CONTACT_RETENTION_DAYS", "365"))
RUAM_SITE_URL = os.environ.get("RUAM_SITE_URL", "http://127.0.0.1:8000")
# Open data (ruam.insights.opendata): where the files are written, their licence, and the
# categories whose reports are published with the point rounded to ~1 km and no address.
RUAM_OPEN_DATA_DIR = Path(os.environ.get("RUAM_OPEN_DATA_DIR", VAR_DIR / "open-data"))
RUAM_OPEN_DATA_LICENCE = os.environ.get(
    "RUAM_OPEN_DATA_LICENCE", "Creative Commons Attribution 4.0 (CC BY 4.0)"
)
RUAM_OPEN_DATA_SENSITIVE_CATEGORIES = env_list(
    "RUAM_OPEN_DATA_SENSITIVE_CATEGORIES", "คนจรจัด,ร้องเรียน,เสียงรบกวน,ความปลอดภัย"
)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A mail server that stops answering fails the sending after this many seconds instead of holding
# the worker, and its transaction, open; core/notify.py tries the sending again later.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ruam@localhost")

# Uploads: photos are checked and re-encoded (ruam.reports.photos); requests stay bounded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Media storage: local files by default; an S3-compatible store by setting
# RUAM_MEDIA_BACKEND=storages.backends.s3.S3Storage (with django-storages installed) and the
# AWS_* variables it reads.
if media_backend := os.environ.get("RUAM_MEDIA_BACKEND"):
    STORAGES["default"] = {"BACKEND": media_backend}

# Rate limits (requests per client address or API key, per window in seconds).
RUAM_RATELIMITS = {
    "report_web": (int(os.environ.get("RUAM_RATELIMIT_REPORTS_WEB", "20")), 3600),
    "report_api": (int(os.environ.get("RUAM_RATELIMIT_REPORTS_API", "100000")), 60),
    "support": (int(os.environ.get("RUAM_RATELIMIT_SUPPORT", "60")), 3600),
    # Every other write, per person (or address), and per API key, a minute.
    "writes": (int(os.environ.get("RUAM_RATELIMIT_WRITES", "120")), 60),
    "writes_key": (int(os.environ.get("RUAM_RATELIMIT_WRITES_KEY", "6000")), 60),
    # Messages per LINE user a minute; over it, one "too many" answer a minute.
    "line": (int(os.environ.get("RUAM_RATELIMIT_LINE", "30")), 60),
    "line_notice": (1, 60),
    # Failed sign-ins (accounts.lockout): an account from one address; an account from
    # anywhere; one address over all accounts (high: an office shares one address).
    "signin_account_address": (
        int(os.environ.get("RUAM_SIGNIN_FAILURES_ACCOUNT_ADDRESS", "5")),
        900,
    ),
    "signin_account": (int(os.environ.get("RUAM_SIGNIN_FAILURES_ACCOUNT", "20")), 3600),
    "signin_address": (int(os.environ.get("RUAM_SIGNIN_FAILURES_ADDRESS", "100")), 3600),
}
# Traffy Fondue kept in sync (ruam sync-traffy; ruam/integrations/traffy/sync.py): the public
# search API's address (a recorded copy in tests), its patience, and how much is read again.
TRAFFY_API_BASE = os.environ.get("TRAFFY_API_BASE", "https://publicapi.traffy.in.th")
TRAFFY_API_TIMEOUT = float(os.environ.get("TRAFFY_API_TIMEOUT", "30"))
TRAFFY_API_RETRIES = int(os.environ.get("TRAFFY_API_RETRIES", "4"))
TRAFFY_API_BACKOFF = float(os.environ.get("TRAFFY_API_BACKOFF", "2"))
TRAFFY_SYNC_PAGE_SIZE = int(os.environ.get("TRAFFY_SYNC_PAGE_SIZE", "1000"))
TRAFFY_SYNC_RECENT_DAYS = int(os.environ.get("TRAFFY_SYNC_RECENT_DAYS", "3"))
TRAFFY_SYNC_EVERY_MINUTES = int(os.environ.get("TRAFFY_SYNC_EVERY_MINUTES", "15"))
# LINE (ruam/integrations/line/): off unless both are set. The API's addresses are settings so
# that tests talk to a stand-in; LINE_TRANSPORT names the class that talks to it.
LINE_CHANNEL_SECRET = os.environ.get("LINE_CHANNEL_SECRET", "")
LINE_CHANNEL_ACCESS_TOKEN = os.environ.get("LINE_CHANNEL_ACCESS_TOKEN", "")
LINE_API_BASE = os.environ.get("LINE_API_BASE", "https://api.line.me")
LINE_DATA_API_BASE = os.environ.get("LINE_DATA_API_BASE", "https://api-data.line.me")
LINE_TRANSPORT = os.environ.get("LINE_TRANSPORT", "ruam.integrations.line.transport.SdkTransport")
# A reply token is used while younger than this (LINE's last a minute); a push after.
LINE_REPLY_TOKEN_SECONDS = int(os.environ.get("LINE_REPLY_TOKEN_SECONDS", "50"))
# A report left half-told in the chat expires after this many minutes of silence.
RUAM_LINE_CONVERSATION_MINUTES = int(os.environ.get("RUAM_LINE_CONVERSATION_MINUTES", "30"))
# A second factor (TOTP) for administrators and the people who handle reports (on by default).
RUAM_REQUIRE_2FA = env_bool("RUAM_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Ruam (ร่วม)"
# A public form sent sooner than this after it was shown is taken for a script (core.antispam).
RUAM_FORM_MIN_SECONDS = float(os.environ.get("RUAM_FORM_MIN_SECONDS", "3"))
RUAM_BEHIND_PROXY = env_bool("RUAM_BEHIND_PROXY", False)
# Who may read /metrics (Prometheus): the monitoring server's addresses.
RUAM_METRICS_ALLOWED_IPS = env_list("RUAM_METRICS_ALLOWED_IPS", "127.0.0.1,::1")
