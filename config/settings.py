"""Bazaar settings: one module, driven by environment variables.

With nothing set, the site runs on the embedded default: a SQLite file, Celery tasks run eagerly
in process, a local-memory cache. `DATABASE_URL` switches to PostgreSQL, `REDIS_URL` to Redis for
the broker, the result store and the cache. `DJANGO_ENV=production` turns on the production
posture (HTTPS only, HSTS, secure cookies, CSP); `manage.py check --deploy` passes there.

Every variable is listed in docs/configuration.md. The helpers below fail loudly on a bad value
rather than guessing.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise ImproperlyConfigured(f"{name} must be a positive number, not {value!r}")
    return number


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "test", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production: {DJANGO_ENV}")
PRODUCTION = DJANGO_ENV == "production"

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-bazaar-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105

DEBUG = envbool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The public address: every link in an email starts with it, so production must say it.
SITE_URL = env("SITE_URL", "" if PRODUCTION else "http://localhost:8000").rstrip("/")
if not SITE_URL:
    raise ImproperlyConfigured("SITE_URL must be set when DJANGO_ENV=production")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"SITE_URL must be an address like https://bazaar.example: {SITE_URL}"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.google",
    "allauth.mfa",
    # Bazaar, in the one direction of dependency:
    "querycache",
    "outbox",
    "accounts",
    "social",
    "privacy",
    "marketplace",
    "recommendations",
]

# The demo community (`manage.py seed_demo`, `demo_logins`) is a development-only app: it creates
# accounts whose password is published, so production does not install it.
DEMO = envbool("DEMO", not PRODUCTION)
if DEMO:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL in the query string is a 400 before anything reads it (config/input.py).
    "config.input.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers to a signed-in person: Cache-Control private, no-store (config/caching.py).
    "config.caching.PrivateWhenSignedInMiddleware",
    # Every page asks to sign in unless its view says @login_not_required (the API answers with
    # its own authentication and permissions: DRF views are exempt).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "privacy.middleware.AuditContextMiddleware",
    # Writes per member on the pages, the API's limit counted alike (config/throttling.py).
    "config.throttling.WriteRateLimitMiddleware",
    # A refusal a page did not answer itself: 404, 403, or the message and back (config/errors.py).
    "config.errors.RefusalMiddleware",
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
                "django.template.context_processors.csp",
                "accounts.context_processors.site",
                "social.context_processors.notifications",
            ],
            # `ago`; `{% url %}` with its answers remembered (config/urltag.py).
            "builtins": ["accounts.templatetags.when", "config.urltag"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Short OLTP queries: PostgreSQL's JIT compiles plans it estimates as large (the
        # friends-of-friends joins) for far longer than they take to run. Off for the app.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- Redis: broker, results, cache ----------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "bazaar"),
        }
    }
elif PRODUCTION:
    # Every process must see the same consent and network versions (`querycache/versions.py`):
    # with a cache of its own, a process would go on reading a withdrawn consent from its cache.
    raise ImproperlyConfigured("REDIS_URL must be set when DJANGO_ENV=production")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------
# The broker can be a Redis of its own (BROKER_URL), apart from the cache's (docs/operations.md).
CELERY_BROKER_URL = env("BROKER_URL", REDIS_URL) or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 360)
# A task a worker took and never acknowledged (its process was killed: out of memory, a container
# stopped) goes back on the Redis queue after this many seconds, for another worker. It must
# outlast the longest a task may run (the hard limit) and the longest countdown a task is queued
# with (accounts.mail's retry backoff), else a task still running or waiting runs twice.
BROKER_VISIBILITY_TIMEOUT = envint("BROKER_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    # Each worker looks for such tasks every 10 s (one sorted-set read), not kombu's default of
    # every 100 s (a sweep every 10th tick of 10 s).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_RESULT_EXPIRES = 3600
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How long a request waits on a broker that does not answer before its task waits in the outbox.
CELERY_BROKER_CONNECTION_TIMEOUT = envint("BROKER_CONNECTION_TIMEOUT", 2)
CELERY_TIMEZONE = "UTC"
# Workers log through LOGGING below (one JSON line per event in production), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "outbox-drain": {"task": "outbox.drain", "schedule": 30.0},
    "privacy-expire-exports": {"task": "privacy.expire_exports", "schedule": 3600.0},
    "privacy-purge-erasures": {"task": "privacy.purge_due_erasures", "schedule": 3600.0},
    "privacy-purge-releases": {"task": "privacy.purge_old_releases", "schedule": 3600.0},
    "marketplace-expire-listings": {"task": "marketplace.expire_listings", "schedule": 3600.0},
    "marketplace-purge-old-reports": {
        "task": "marketplace.purge_old_reports",
        "schedule": crontab(hour=4, minute=0),
    },
    "social-email-digests": {"task": "social.send_digests", "schedule": crontab(hour=7, minute=0)},
    "recommendations-influence-full": {
        "task": "recommendations.influence_full",
        "schedule": crontab(hour=3, minute=0),
    },
}
# Test only: an influence run holds its write transaction open this long (the crash test).
INFLUENCE_TEST_PAUSE_SECONDS = (
    envint("INFLUENCE_TEST_PAUSE_SECONDS", 0) if DJANGO_ENV == "test" else 0
)

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if DJANGO_ENV == "test":
    # Hashing strength is not under test; speed is.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Where people go after signing up until they have finished or skipped it (privacy app).
ONBOARDING_URL = "/privacy/welcome/"

# django-allauth: email is the login, verified before first use, no account enumeration.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupNameForm"  # and a name
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Bazaar: "
# Bazaar's adapter (accounts.adapters) plus signing in again during an erasure's grace period.
ACCOUNT_ADAPTER = "privacy.adapters.AccountAdapter"
ACCOUNT_SIGNUP_REDIRECT_URL = env("ACCOUNT_SIGNUP_REDIRECT_URL", "/")
# Rate limits are kept in the shared cache (Redis when REDIS_URL is set), per client address as
# config/clients.py finds it: X-Forwarded-For is read only from these proxies (comma-separated
# addresses or networks, such as the TLS proxy's), else ignored.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "")
# How many writes (any request but a read) a member, or a visitor's address, may make.
WRITE_RATE_LIMIT = env("WRITE_RATE_LIMIT", "60/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", WRITE_RATE_LIMIT):
    raise ImproperlyConfigured(f"WRITE_RATE_LIMIT must be like 60/min: {WRITE_RATE_LIMIT}")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES holds {_proxy!r}, which is not an address or a network"
        ) from None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    # Bazaar's "send it again" on the page asking to confirm the address (accounts.services).
    "resend_verification": "10/m/ip,3/10m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Bazaar"

SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
if env("GOOGLE_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [{"client_id": env("GOOGLE_CLIENT_ID"), "secret": env("GOOGLE_CLIENT_SECRET")}],
        "SCOPE": ["profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
    }
if env("FACEBOOK_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["facebook"] = {
        "APPS": [{"client_id": env("FACEBOOK_CLIENT_ID"), "secret": env("FACEBOOK_CLIENT_SECRET")}],
        "METHOD": "oauth2",
        "SCOPE": ["email", "public_profile"],
    }

# --- Privacy --------------------------------------------------------------------------------
ERASURE_GRACE_DAYS = envint("ERASURE_GRACE_DAYS", 14)
EXPORT_TTL_DAYS = envint("EXPORT_TTL_DAYS", 7)
# Reports (and the moderators' decisions on them) are kept this long after they are resolved.
REPORT_RETENTION_DAYS = envint("REPORT_RETENTION_DAYS", 365)
if REPORT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured(
        f"REPORT_RETENTION_DAYS must be a number of days, 1 or more, not {REPORT_RETENTION_DAYS}"
    )
# Exports live outside MEDIA_ROOT, where no URL serves them.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private"))

# --- Email ----------------------------------------------------------------------------------
# Django's MAILERS: SMTP when EMAIL_HOST is set (production without it relays through an MTA on
# localhost:25); elsewhere mails are printed on the console.
if env("EMAIL_HOST") or PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 587 if env("EMAIL_HOST") else 25),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": envbool("EMAIL_USE_TLS", bool(env("EMAIL_HOST"))),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Bazaar <hello@bazaar.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads: large enough for a phone photo, small enough to refuse abuse early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_IMAGE_BYTES = envint("MAX_IMAGE_BYTES", 10 * 1024 * 1024)
MAX_IMAGE_PIXELS = envint("MAX_IMAGE_PIXELS", 40_000_000)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",  # JSON nested too deep is a 400, not a RecursionError
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Writes per member, on the API and the pages alike (config/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["config.throttling.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bazaar API",
    "DESCRIPTION": "Buy, sell and decide with the help of the people you trust.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents the errors it can answer (config/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.add_error_responses",
    ],
    # One name per choice set, so the schema's enums don't collide (and `check` stays clean).
    "ENUM_NAME_OVERRIDES": {
        "AudienceEnum": "social.audience.Audience",
        "ListingAudienceEnum": "marketplace.models.ListingAudience",
        "ListingStatusEnum": "marketplace.models.Listing.Status",
        "OfferStatusEnum": "marketplace.models.Offer.Status",
        "ReportStatusEnum": "marketplace.models.Report.Status",
        "ExportStatusEnum": "privacy.models.ExportRequest.Status",
        "FriendRequestStatusEnum": "social.models.FriendRequest.Status",
        "NotificationChannelEnum": "social.models.NotificationPreference.Channel",
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything is served by the app itself: no CDN, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
    SECURE_CSP["upgrade-insecure-requests"] = True

# --- Logging --------------------------------------------------------------------------------
# `plain` for a person at a terminal; `json`, one object per line, for a log collector
# (config/logs.py). Production logs JSON unless told otherwise.
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logs.JSONFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Bazaar ---------------------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", "bazaar-demo-2026")  # noqa: S105 - demo data only
# Counts that include people not named to the viewer are released with noise (privacy/releases.py,
# docs/privacy.md): each new question of a day spends PRIVACY_EPSILON_PER_RELEASE of the viewer's
# PRIVACY_EPSILON_PER_DAY; a category, brand or product shown only from such counts passes a
# threshold that one person's rows reach with probability at most PRIVACY_DELTA.
PRIVACY_EPSILON_PER_RELEASE = envfloat("PRIVACY_EPSILON_PER_RELEASE", 1.0)
PRIVACY_EPSILON_PER_DAY = envfloat("PRIVACY_EPSILON_PER_DAY", 10.0)
PRIVACY_DELTA = envfloat("PRIVACY_DELTA", 1e-6)
# A figure about one member shown alike to everyone (a reputation from ratings) is drawn once a
# day with this much ε, whoever asks (privacy.releases.published).
PRIVACY_EPSILON_PER_FIGURE = envfloat("PRIVACY_EPSILON_PER_FIGURE", 2.0)
if PRIVACY_EPSILON_PER_RELEASE > PRIVACY_EPSILON_PER_DAY:
    raise ImproperlyConfigured("PRIVACY_EPSILON_PER_RELEASE cannot exceed PRIVACY_EPSILON_PER_DAY")
if PRIVACY_DELTA >= 1:
    raise ImproperlyConfigured("PRIVACY_DELTA must be below 1")
