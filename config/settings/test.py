"""Tests: PostgreSQL and Redis from the environment (make test sets them), fast hashing."""

import os

from .base import *  # noqa: F403
from .base import env_bool

SECRET_KEY = os.environ.get("SECRET_KEY") or "test-only-insecure-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run Celery tasks inline; the worker a test starts itself sets CELERY_TASK_ALWAYS_EAGER=0.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come straight from the app folders in tests (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The tests' webhook receivers listen on http://127.0.0.1; the target check is tested with this off.
WEBHOOKS_ALLOW_INSECURE_TARGETS = env_bool("WEBHOOKS_ALLOW_INSECURE_TARGETS", True)

# Parallel test workers share one Redis: each keeps its own cache keys, as each has its own database
# (a deep page's anchors remembered by one worker must not serve another's rows).
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = os.environ.get("PYTEST_XDIST_WORKER", "")  # noqa: F405
