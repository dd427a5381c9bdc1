"""How large one request may be: the bounds every entry point (API, screens, services) applies."""

from __future__ import annotations

from django.conf import settings


def document_max_lines() -> int:
    """How many lines one document (request, sale, order, receipt, transfer) may carry (setting
    ``DOCUMENT_MAX_LINES``): a bigger one is refused before any work, so one request cannot hold
    the locks and a worker for minutes."""
    return int(getattr(settings, "DOCUMENT_MAX_LINES", 500))


def request_max_items() -> int:
    """How many items one bulk request (approve or reject proposals ...) may name (``REQUEST_MAX_ITEMS``)."""
    return int(getattr(settings, "REQUEST_MAX_ITEMS", 2000))
