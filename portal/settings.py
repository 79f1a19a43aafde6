"""Zairyu settings: one module, everything that varies comes from the environment.

See .env.example for every variable.  DEBUG on is the embedded developer
default (SQLite, tasks in-process, mail to a local mailbox); DEBUG off is the
production shape and refuses to start without the secrets it needs.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from celery.schedules import crontab

from portal.lib.encryption import keys_from
from portal.lib.env import POSTGRESQL_ENGINE, Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DEBUG = env.bool("DJANGO_DEBUG", False)
# Under pytest the production hardening that needs HTTPS (redirect, HSTS) is off
# so live_server over plain http works; everything else is as in production.
TESTING = env.bool("ZAIRYU_TESTING", False)

if DEBUG:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY",
        "dev-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    )
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters.")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS")

VAR_DIR = Path(env.str("ZAIRYU_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "storages",
    "portal.audit",
    "portal.notifications",
    "portal.files",
    "portal.pages",
    "portal.summaries",
    "accounts",
    "applications",
    "review",
    "batches",
    "statuscheck",
    "webhooks",
    "desk",
    "ninja",
    "api",
]

MIDDLEWARE = [
    "portal.lib.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.lib.middleware.SessionTimeoutMiddleware",
    "portal.lib.middleware.MfaRequiredMiddleware",
    "portal.lib.middleware.DatabaseBusyMiddleware",
    # Last: completes an action kept for re-authentication (its process_view
    # stands in for the view, after every other middleware has had its say).
    "portal.lib.reauth.ResumeAfterReauthenticationMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.lib.context_processors.portal",
            ],
        },
    },
    # The rows of the busiest lists (portal/lib/jinja.py says why and how).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "portal.lib.jinja.environment"},
    },
]

# --- Database --------------------------------------------------------------
DATABASES = {
    "default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zairyu.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)

# PostgreSQL's JIT compiles plans costed above jit_above_cost: for this OLTP
# workload it only adds 0.3 s to a few big aggregates (see README,
# "Performance"), so the portal's connections turn it off.
_PG_OPTIONS = "-c jit=off"


def _pg_tuned(config: dict[str, object]) -> dict[str, object]:
    if config["ENGINE"] == POSTGRESQL_ENGINE:
        options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
        if _PG_OPTIONS not in str(options.get("options", "")):
            options["options"] = f"{options.get('options', '')} {_PG_OPTIONS}".strip()
        config["OPTIONS"] = options
    return config


_pg_tuned(DATABASES["default"])
# Optional read replica (README, "Performance"): reads that may lag a second
# (queue counts, processing times, searches, public pages) go there.
_REPLICA_URL = env.optional("DATABASE_REPLICA_URL")
REPLICA_READS = _REPLICA_URL is not None
if _REPLICA_URL or TESTING:
    # Under the test suite the alias always exists as a test mirror of
    # default (Django's TEST MIRROR), so the router can be tested; it is used
    # only where a test turns REPLICA_READS on.
    DATABASES["replica"] = _pg_tuned(
        env.database("DATABASE_REPLICA_URL", "")
        if _REPLICA_URL
        else dict(DATABASES["default"])
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.lib.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and shared cache -----------------------------------------
# Without REDIS_URL (the embedded default) tasks run in-process and the cache
# is per-process; with it, Celery and the cache (login throttling, sessions'
# cache) are shared by every web node.
REDIS_URL = env.redis_url("REDIS_URL")
REDIS_SOCKET_TIMEOUT = env.int("REDIS_SOCKET_TIMEOUT", 2, minimum=1)
# What a request may wait for Redis (the cache, and publishing a task), in
# seconds; after one failure the endpoint's circuit breaker skips Redis for
# REDIS_BREAKER_SECONDS (portal.lib.breaker), so a request pays this at most once.
REDIS_WEB_TIMEOUT = env.int("REDIS_WEB_TIMEOUT_MS", 500, minimum=50) / 1000
REDIS_BREAKER_SECONDS = env.int("REDIS_BREAKER_SECONDS", 30, minimum=1)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.lib.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "zairyu",
            "OPTIONS": {
                "socket_timeout": REDIS_WEB_TIMEOUT,
                "socket_connect_timeout": REDIS_WEB_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "portal.lib.cache.LocalCache"}}
# The {% cache %} fragments (the queue's and the case list's filter forms):
# kept in each process's memory, not in Redis — a round trip and unpickling
# cost more than the lookup saves (README, "Performance"); like the fragment
# itself, a process's copy lives at most its timeout.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "zairyu-template-fragments",
    # ~25 KB each (the nationality list); the key holds the query string.
    "OPTIONS": {"MAX_ENTRIES": 200},
}

# --- Celery (QUALITY.md item 21) --------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker keeps reconnecting through a broker outage of any length (Celery's
# default gives up after 100 attempts, about 45 minutes, and the worker exits).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above the longest task's hard limit, so a running task is never redelivered.
    "visibility_timeout": 600,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "retry_on_timeout": False,
}
CELERY_TASK_DEFAULT_QUEUE = "zairyu"
# portal.lib.tasks.fan_out splits a transaction's batched publish.
CELERY_IMPORTS = ("portal.lib.tasks",)
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "portal.notifications.tasks.sweep_outbox",
        "schedule": timedelta(minutes=1),
    },
    "files-sweep-orphans": {
        "task": "portal.files.tasks.sweep_orphan_files",
        "schedule": timedelta(hours=1),
    },
    "receipts-sweep": {
        "task": "applications.tasks.render_missing_receipts",
        "schedule": timedelta(minutes=10),
    },
    "batches-sweep": {
        "task": "batches.tasks.sweep_batches",
        "schedule": timedelta(minutes=2),
    },
    # Webhook deliveries whose retry is due or whose task was lost.
    "webhooks-sweep": {
        "task": "webhooks.tasks.sweep_deliveries",
        "schedule": timedelta(minutes=1),
    },
    "issuance-sweep": {
        "task": "review.tasks.sweep_issuance",
        "schedule": timedelta(minutes=10),
    },
    # Summaries pages read instead of counting per request (README, "Performance").
    "queue-counts": {
        "task": "review.tasks.refresh_queue_counts",
        "schedule": timedelta(minutes=1),
    },
    "processing-times": {
        "task": "review.tasks.refresh_processing_times",
        "schedule": timedelta(minutes=30),
    },
    "document-request-reminders": {
        "task": "review.tasks.send_document_request_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "approval-expiry-reminders": {
        "task": "accounts.tasks.send_expiry_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    # The compliance calendar's weekly digest (once per ISO week per user:
    # a rerun sends nothing twice).
    "weekly-digests": {
        "task": "desk.tasks.send_weekly_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=30),
    },
}

# --- Files -----------------------------------------------------------------
STORAGE_BACKEND = env.choice("STORAGE_BACKEND", "local", ("local", "s3"))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(VAR_DIR / "private")))
if STORAGE_BACKEND == "s3":
    _default_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.optional("S3_ENDPOINT_URL"),
            "region_name": env.optional("S3_REGION"),
            "access_key": env.optional("S3_ACCESS_KEY_ID"),
            "secret_key": env.optional("S3_SECRET_ACCESS_KEY"),
            # "path" for MinIO and most S3-compatible stores; unset = boto's choice.
            "addressing_style": env.optional("S3_ADDRESSING_STYLE"),
            # Private objects: never a public ACL, never a querystring-less URL.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    # No MEDIA_URL is routed anywhere: files are served only by access-checked views.
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": "/no-public-url/"},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Requests a minute per API key (the api app answers 429 with Retry-After).
API_RATE_LIMIT = env.int("API_RATE_LIMIT", 120, minimum=1)
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_MB", 10, minimum=1) * 1024 * 1024
UPLOAD_MAX_TOTAL_BYTES = env.int("UPLOAD_MAX_TOTAL_MB", 25, minimum=1) * 1024 * 1024
# Django refuses bodies larger than this before any view runs (a 30 MB upload
# never reaches memory); the per-file cap is checked by the upload component.
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_TOTAL_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Mail (Django 6.1 MAILERS) ---------------------------------------------
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", "Zairyu <no-reply@zairyu.example.jp>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DEV_MAILBOX_DIR = VAR_DIR / "mailbox"
# "mailbox" writes each email to DEV_MAILBOX_DIR (shown at /dev/mailbox/ when
# DEBUG is on; the test suite's Celery worker uses it too); "smtp" is production.
EMAIL_MODE = env.choice(
    "EMAIL_MODE", "mailbox" if DEBUG else "smtp", ("smtp", "mailbox")
)
SMTP_TIMEOUT = 10
if EMAIL_MODE == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.str("SMTP_HOST", "localhost"),
                "port": env.int("SMTP_PORT", 587),
                "username": env.str("SMTP_USER", ""),
                "password": env.str("SMTP_PASSWORD", ""),
                "use_tls": env.bool("SMTP_STARTTLS", True),
                "timeout": SMTP_TIMEOUT,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "portal.lib.mailbox.MailboxBackend",
            "OPTIONS": {"directory": str(DEV_MAILBOX_DIR)},
        }
    }

# --- Auth, allauth, MFA ----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    # Thousands of users are created in tests; PBKDF2 would dominate the run.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True  # sign-in by email needs it; one account per person
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Zairyu] "
# The number of reverse proxies in front of the portal that append to
# X-Forwarded-For (and set X-Request-ID).  0 (the default) trusts neither
# header; behind one TLS proxy, set 1 and make sure the web port is reachable
# only through it.  allauth's throttles, portal.lib.ratelimit.client_ip and the
# audit then see the real client address instead of the proxy's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0, minimum=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Per address (ip) and per account (key): one address cannot lock everyone
# out, and spreading guesses over many addresses still locks the account.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Zairyu"
MFA_RECOVERY_CODE_COUNT = 10
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# The code step's errors say what to do (6 digits, the newest code).
MFA_FORMS = {
    "authenticate": "accounts.forms.mfa.CodeAuthenticateForm",
    "reauthenticate": "accounts.forms.mfa.CodeReauthenticateForm",
    "activate_totp": "accounts.forms.mfa.CodeActivateTOTPForm",
}

# Session limits (QUALITY.md item 4).  The absolute limit is also the cookie age.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_HOURS", 12, minimum=1) * 3600
SESSION_WARNING_BEFORE = 3 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Sessions never wait on Redis, with either engine: "db" does not touch it,
# and "cached_db" goes through ResilientRedisCache, whose short timeout and
# circuit breaker (portal.lib.cache / portal.lib.breaker) turn a sick Redis
# into cache misses answered from the database (writes go to the database
# first, so nothing is lost).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers (QUALITY.md items 1-3) -------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
# X-Forwarded-Proto says whether the client used HTTPS; only a proxy in front
# may set it, so it is trusted exactly when TRUSTED_PROXY_COUNT says there is
# one (a client reaching the portal directly could forge it).  The system
# checks in portal.lib.checks refuse any other combination.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT > 0 else None
)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = not TESTING
    if TESTING:
        # live_server is plain http; Chromium keeps Secure cookies only on https.
        SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
# One way to write a date per language (portal/formats): 2027年2月10日, 10 February 2027.
FORMAT_MODULE_PATH = ["portal.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = not DEBUG and not TESTING
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Domain settings ---------------------------------------------------------
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)
NOTIFICATION_BACKOFF_SECONDS = env.int("NOTIFICATION_BACKOFF_SECONDS", 30, minimum=1)
# How long a relay's claim on an email lasts before the sweep presumes it dead
# and sends again (with the same Message-ID): a little longer than the SMTP
# timeout plus rendering, so a crash delays an email by seconds, not minutes.
NOTIFICATION_CLAIM_SECONDS = SMTP_TIMEOUT + 20
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# Shared secret of the sandbox electronic-payment provider (signs its callbacks).
# None (unset in production) means the sandbox provider is not offered at all.
PAYMENT_SANDBOX_SECRET = env.optional("PAYMENT_SANDBOX_SECRET") or (
    "sandbox-secret-for-development-only" if DEBUG or TESTING else None
)
# Fernet keys (comma-separated, newest first) that encrypt second-factor
# secrets at rest (portal/lib/encryption.py).  Required when DEBUG is off and
# not under tests; development and tests get a fixed, public key.
MFA_ENCRYPTION_KEYS = keys_from(
    env.list(
        "MFA_ENCRYPTION_KEYS",
        # base64 of b"zairyu-dev-only-mfa-key-32bytes!" — public, never production.
        ["emFpcnl1LWRldi1vbmx5LW1mYS1rZXktMzJieXRlcyE="] if DEBUG or TESTING else [],
    )
)
# Webhooks (webhooks/, README "Webhooks").  The seconds to wait before each
# retry of a failed delivery (Standard Webhooks / Svix-like schedule); after
# the first attempt and every retry failed, the delivery is dead.
_retry_schedule = env.list(
    "WEBHOOK_RETRY_SCHEDULE", ["5", "300", "1800", "7200", "18000", "36000"]
)
if not all(value.strip().isdigit() for value in _retry_schedule):
    raise ImproperlyConfigured(
        "WEBHOOK_RETRY_SCHEDULE: whole seconds, comma-separated."
    )
WEBHOOK_RETRY_SCHEDULE: list[float] = [float(value) for value in _retry_schedule]
# Connect + read time allowed to an endpoint for one attempt, in seconds.
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1)
# Endpoints on loopback (127.0.0.1, ::1, localhost) and over plain http are
# accepted only for development and tests; production needs https to a
# public address (checked again, after resolving the name, at every delivery).
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", DEBUG or TESTING)
# Days the delivery log keeps a delivered or failed delivery (the sweep deletes older ones).
WEBHOOK_LOG_DAYS = env.int("WEBHOOK_LOG_DAYS", 90, minimum=1)
# How long the previous secret still signs (beside the new one) after a rotation.
WEBHOOK_SECRET_OVERLAP_HOURS = env.int("WEBHOOK_SECRET_OVERLAP_HOURS", 24, minimum=0)

# How long an approval (request for use or periodic report) lasts (2026 rule: 3 years).
USE_APPROVAL_YEARS = env.int("USE_APPROVAL_YEARS", 3, minimum=1)

# The benchmark's bare view at /bench/hello/ (``make bench`` sets it; off in production).
BENCH_HELLO = env.bool("ZAIRYU_BENCH", False)

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.lib.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
