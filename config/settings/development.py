"""Local development: DEBUG on and a throw-away key unless the environment says otherwise."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-change-me"
if DEBUG:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Local partner systems (http://127.0.0.1:...) may receive webhooks in development.
WEBHOOKS_ALLOW_INSECURE_TARGETS = env_bool("WEBHOOKS_ALLOW_INSECURE_TARGETS", True)
