"""Shared settings, all read from the environment.

With nothing set the project runs embedded: the embedded PostgreSQL in the work
tree (config/embedded_db.py), Celery tasks executed inline, a local-memory cache.
Set DATABASE_URL to use a PostgreSQL server and REDIS_URL to use Redis (tests,
CI, benchmarks and production do).
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # PostgreSQL-only model features: the operator classes of the part search indexes (OpClass) need it.
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
    "core",
    "inventory",
    "suppliers",
    "kpis",
    "planning",
    "counting",
    "imports",
    "documents",
    "webhooks",
    "exchange",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language on a first visit (Accept-Language, then the language cookie).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's own choice of language wins over the browser's.
    "core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.CSPMiddleware",  # django-csp, with the header built once
    # Last, as django-axes asks: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: five failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Content security policy: scripts and styles only from this server, no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

ROOT_URLCONF = "config.urls"

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
                "config.navigation.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Persistent connections are not health-checked by default: the check is one more round trip
# (SELECT 1) on every request, a fifth of a posting's database time. After a database restart a
# stale connection fails one request per worker (a clean 500; the connection is then dropped and
# the next request reconnects; API clients retry postings with their Idempotency-Key), see
# bench/faults.py. DB_HEALTH_CHECKS=1 turns the check on.
# PostgreSQL only. Without DATABASE_URL: the embedded server in the work tree (config/embedded_db.py,
# started by `make run`), on its unix socket.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or embedded_db.url(),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("DB_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
# The hot paths' fixed statements (core.fastpath.rows.prepared_cursor: token, ids, level lock, posting)
# are prepared by psycopg after this many runs on a connection; Django's own (client-side bound)
# statements never are. DB_PREPARE_THRESHOLD=off for a pooler without prepared-statement support.
_prepare = os.environ.get("DB_PREPARE_THRESHOLD", "5")
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
    None if _prepare.lower() in ("", "off", "none") else int(_prepare)
)
# Which way the hot paths read and write (core.fastpath.switch): "fast", the statements built once in
# core.fastpath, or "orm", the plain ORM and DRF they stand in for (the reference path: debugging, a
# Django or psycopg upgrade, comparing the two). Both give the same results.
POSTING_PATH = os.environ.get("POSTING_PATH", "fast").strip().lower() or "fast"
if POSTING_PATH not in ("fast", "orm"):
    raise ImproperlyConfigured('POSTING_PATH must be "fast" or "orm".')
if os.environ.get("TEST_DB_NAME"):
    # Lets several test runs share one PostgreSQL server without sharing a test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DB_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# English is the source language; the catalogues in locale/ translate it (docs/i18n.md).
# Browsers asking for zh-TW or zh-HK get zh-hant, zh-CN or zh-SG zh-hans (Django's fallbacks).
LANGUAGES = [
    ("en-gb", "English"),
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Redis: Celery broker and cache -------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without a broker the embedded default runs every task inline, in-process.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Two queues: "celery" (the default) for the short side effects of postings (mails, notifications,
# outbox flush) and "batch" for the long runs (month-end close, planning, count lists), so that a
# month-end close never delays a notification. One worker may serve both (-Q celery,batch, as
# `make worker` and the shipped units do); past one machine, give "batch" workers of its own.
CELERY_TASK_ROUTES = {
    "kpis.*": {"queue": "batch"},
    "planning.*": {"queue": "batch"},
    "counting.tasks.*": {"queue": "batch"},
    # Partner systems answer slowly or not at all: their deliveries wait only on workers of their own queue.
    "webhooks.*": {"queue": os.environ.get("WEBHOOKS_QUEUE", "webhooks")},
}
# Periodic tasks live here, in one place; each says when and why.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# Every minute: dispatch side effects (mail, follow-up tasks) whose dispatch failed at commit
# because the broker was down; nothing queued through the outbox is lost.
CELERY_BEAT_SCHEDULE["inventory-outbox-flush"] = {
    "task": "inventory.tasks.outbox_flush_task",
    "schedule": 60.0,
}
# Every 30 seconds: queue the webhook deliveries whose retry is due (the first retry of a failed
# delivery comes 20 seconds after it, so within a minute), and those whose queued send was lost.
CELERY_BEAT_SCHEDULE["webhooks-queue-due"] = {
    "task": "webhooks.tasks.webhook_deliveries_queue_due_task",
    "schedule": 30.0,
}
# 06:00 every day: the daily digest of notifications for users who want some kinds as one mail a day,
# before the working day starts.
CELERY_BEAT_SCHEDULE["core-notification-digest"] = {
    "task": "core.tasks.notification_digest_task",
    "schedule": crontab(hour=6, minute=0),
}
# 06:30 every day: buyers hear of orders whose lines were due yesterday and are still missing, before
# they start chasing suppliers.
CELERY_BEAT_SCHEDULE["suppliers-overdue-orders"] = {
    "task": "suppliers.tasks.notify_overdue_orders_daily",
    "schedule": crontab(hour=6, minute=30),
}
# 07:00 every day: the fill-rate early warning, while a month can still be turned round.
CELERY_BEAT_SCHEDULE["kpis-fill-rate-warning"] = {
    "task": "kpis.tasks.fill_rate_warnings_daily",
    "schedule": crontab(hour=7, minute=0),
}
# Fail fast when Redis is away: the outbox keeps the message and the flush retries it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY = False
# Every 15 minutes: reservations past their expiry, or whose repair order has closed, give their parts
# back to available (soon enough that a counter sale is not refused for stock nobody will pick).
CELERY_BEAT_SCHEDULE["inventory-reservations-expire"] = {
    "task": "inventory.tasks.reservations_expire_task",
    "schedule": 900.0,
}
# 05:30 every day: build the day's cycle count lists before the clerks start (weekends plan nothing).
CELERY_BEAT_SCHEDULE["counting-plan-daily"] = {
    "task": "counting.tasks.plan_counts_daily",
    "schedule": crontab(hour=5, minute=30),
}
# 02:00 on the 1st: close the month that just ended (classes and KPI snapshots), before anyone reads
# the dashboard; the night leaves late postings of the last day time to arrive.
CELERY_BEAT_SCHEDULE["kpis-close-previous-month"] = {
    "task": "kpis.close_previous_month",
    "schedule": crontab(hour=2, minute=0, day_of_month=1),
}
# 02:30 every night: a month a manager reopened is closed again (its close rerun and the month locked), so
# its figures never stay stale beyond the night after the corrections.
CELERY_BEAT_SCHEDULE["kpis-close-reopened-months"] = {
    "task": "kpis.close_reopened_months",
    "schedule": crontab(hour=2, minute=30),
}

# Where the month-end close hands its classes after it publishes: dotted paths of callables taking
# ``month`` (a date) and ``classes`` ({(part_id, warehouse_id): class}). The apps that use the classes
# own their entry points, so the dependency points from the close to them and nothing imports kpis.
MONTH_END_CLASS_CONSUMERS = [
    "planning.services.month_end_classes_set",
    "counting.services.count_plan_classes_set",
]

# Who hears that a posting took a part's available stock below its reorder point (the level's min):
# dotted paths of callables taking ``part`` and ``warehouse``, called inside the posting's transaction.
# They must be cheap (planning writes one outbox row and proposes cover after the commit).
STOCK_BELOW_REORDER_POINT_HOOKS = ["planning.services.replenishment_below_reorder_point"]

# Who hears of the events of core.events.CATALOGUE besides the people notified: dotted paths of
# consumers (core.services.events.EventConsumer), called inside the publishing transaction.
EVENT_CONSUMERS = ["webhooks.services.event_consumer"]
# Webhook targets must be https and resolve to public addresses, unless this allows plain http and
# private or loopback addresses (on in development and tests, off in production unless set).
WEBHOOKS_ALLOW_INSECURE_TARGETS = env_bool("WEBHOOKS_ALLOW_INSECURE_TARGETS", False)
# The Celery queue of webhook work (a test's own worker sets its own).
WEBHOOKS_QUEUE = os.environ.get("WEBHOOKS_QUEUE", "webhooks")
# Bounded waits per delivery attempt (seconds): connecting, then the partner's answer.
WEBHOOKS_CONNECT_TIMEOUT = float(os.environ.get("WEBHOOKS_CONNECT_TIMEOUT", "3"))
WEBHOOKS_READ_TIMEOUT = float(os.environ.get("WEBHOOKS_READ_TIMEOUT", "10"))

# --- Mail ---------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "parts@example.com")
# The letterhead of printed documents (purchase orders, delivery notes ...): lines separated by "|".
DOCUMENT_COMPANY_HEADER = [
    line.strip() for line in os.environ.get("DOCUMENT_COMPANY_HEADER", "Parts department").split("|") if line.strip()
]
if os.environ.get("EMAIL_URL"):
    raise ImproperlyConfigured("EMAIL_URL is not supported; set EMAIL_HOST and friends.")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.fastpath.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "Parts inventory API",
    "DESCRIPTION": "Catalogue, warehouses, stock levels and the stock ledger of a multi-warehouse parts business.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the error answers it can give (400/401/403/404/409), see inventory/api/schema.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
}

# --- Import / export ----------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- Domain settings ----------------------------------------------------------
# Receipts above the ordered quantity by more than this share are refused.
INVENTORY_OVER_RECEIPT_TOLERANCE = float(os.environ.get("INVENTORY_OVER_RECEIPT_TOLERANCE", "0"))
# How many days after a counter sale its parts may be brought back to the counter.
COUNTER_RETURN_DAYS = int(os.environ.get("COUNTER_RETURN_DAYS", "30"))
# Hours after the end of the booked day that a reservation not picked still holds its parts.
RESERVATION_GRACE_HOURS = int(os.environ.get("RESERVATION_GRACE_HOURS", "24"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusal_without_traceback": {"()": "config.log_filters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusal_without_traceback"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Planning -------------------------------------------------------------------
# 03:30 every night: forecast, stocking parameters and replenishment proposals, after the month-end
# close (02:00 on the 1st) so the new classes count, and ready before purchasing starts the day.
CELERY_BEAT_SCHEDULE["planning-replenishment-nightly"] = {
    "task": "planning.replenishment_nightly",
    "schedule": crontab(hour=3, minute=30),
}

# --- Input bounds ---------------------------------------------------------------
# The most lines one document (workshop request, counter sale, order, receipt, transfer) may carry,
# and the most items one bulk request may name: a bigger one is refused before any work (docs/security.md).
DOCUMENT_MAX_LINES = int(os.environ.get("DOCUMENT_MAX_LINES", "500"))
REQUEST_MAX_ITEMS = int(os.environ.get("REQUEST_MAX_ITEMS", "2000"))

# --- Purchasing and receiving (suppliers app) -----------------------------------
# Orders worth more than this (sum of quantity × price) need a manager's approval before sending.
PURCHASE_APPROVAL_THRESHOLD = os.environ.get("PURCHASE_APPROVAL_THRESHOLD", "5000")
# Lines below the supplier's minimum order quantity or off its pack size: "warn" keeps the
# quantity and shows a warning on the line; "round" rounds it up and says so on the line.
PURCHASE_QUANTITY_RULE = os.environ.get("PURCHASE_QUANTITY_RULE", "warn")
# 04:00 on the 2nd of each month: rate every supplier for the month just ended (on-time delivery,
# fill rate, quality rejects, lead time). The 2nd leaves a day for late postings of month-end receipts.
CELERY_BEAT_SCHEDULE["suppliers-rate-monthly"] = {
    "task": "suppliers.tasks.rate_suppliers_monthly",
    "schedule": crontab(day_of_month=2, hour=4, minute=0),
}
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["PurchaseOrderStateEnum"] = "suppliers.models.OrderState"
# Two choice sets named "reason" (a workshop return's, a supplier return's): named after their enums.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["WorkshopReturnReasonEnum"] = "inventory.models.WorkshopReturnReason"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["SupplierReturnReasonEnum"] = "suppliers.models.SupplierReturnReason"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["SupplierReturnChosenReasonEnum"] = "suppliers.models.RETURN_REASON_CHOICES"

# What waits for a user on the start page: each app's ``waiting(*, user, access)`` (core.home).
HOME_WAITING = [
    "suppliers.home.waiting",
    "inventory.home.waiting",
    "counting.home.waiting",
    "planning.home.waiting",
    "kpis.home.waiting",
]
