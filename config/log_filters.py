"""Filters for the server log."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation


class RefusalWithoutTraceback(logging.Filter):
    """A refused request is logged as one line: who was refused where is the news, not the stack.

    Django logs a ``PermissionDenied`` raised in a view (a 403) and a
    ``SuspiciousOperation`` (a body over the upload limit, a forged host: a
    400) with their tracebacks; every screen a role may not open would fill
    the log with stacks that say nothing. Any other error keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied | SuspiciousOperation):
            record.exc_info = None
            record.exc_text = None
        return True
