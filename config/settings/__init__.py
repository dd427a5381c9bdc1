"""Settings are chosen by DJANGO_ENV: development (default), test or production.

Every value that differs between machines is read from the environment in
``base``; the environment modules only change defaults and add checks.
"""

import os

_env = os.environ.get("DJANGO_ENV", "development")

if _env == "production":
    from .production import *  # noqa: F403
elif _env == "test":
    from .test import *  # noqa: F403
else:
    from .development import *  # noqa: F403
