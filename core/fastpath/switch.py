"""Which way the hot paths go: the statements of this package, or the plain ORM they stand in for.

``settings.POSTING_PATH`` (env ``POSTING_PATH``): ``"fast"`` (the default) or
``"orm"``, the reference path: querysets, ``bulk_create``, ``update()`` and
DRF's own ways, with the same results, errors and rows. Every fast function
asks ``fast_path()`` and nothing else, at call time, so ``override_settings``
(or pytest-django's ``settings`` fixture) flips it in a test; the lookup is an
attribute read, nothing measurable beside a statement.
"""

from __future__ import annotations

from django.conf import settings

FAST = "fast"
ORM = "orm"
PATHS = (FAST, ORM)


def fast_path() -> bool:
    """True when the hot paths use the statements built once here; False for the plain ORM."""
    return getattr(settings, "POSTING_PATH", FAST) != ORM
