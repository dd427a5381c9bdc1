"""Transactional outbox: side effects survive a broker outage.

``outbox_enqueue`` stores the task in the caller's transaction and tries to
dispatch it right after commit. A failed dispatch (Redis down) leaves the row
pending; ``outbox_flush`` (every minute, from beat) sends what is pending.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.utils import timezone

from core.models import OutboxMessage

log = logging.getLogger(__name__)

# How long a fresh message is left to its own on_commit dispatch before the flush takes it over.
GRACE = timedelta(seconds=30)


def outbox_enqueue(*, task_name: str, kwargs: dict) -> OutboxMessage:
    """Record a task in the current transaction; dispatch it after commit (or later, by the flush)."""
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk))
    return message


def outbox_dispatch(*, message_id: int) -> bool:
    """Send one pending message to the broker; True when sent. Never raises on a broker error."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, dispatched_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            _task(message.task_name).apply_async(kwargs=message.kwargs, retry=False)
        except Exception as error:  # broker down, connection refused, timeout: keep it pending
            message.last_error = f"{type(error).__name__}: {error}"[:300]
            message.save(update_fields=["attempts", "last_error"])
            log.warning("outbox: %s stays pending (%s)", message.task_name, message.last_error)
            return False
        message.dispatched_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "dispatched_at", "last_error"])
        return True


def _task(name: str):
    """The registered task (not ``send_task``, so that eager mode runs it inline)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # runs the apps' task autodiscovery
    return current_app.tasks[name]


def outbox_flush(*, older_than: timedelta = GRACE, limit: int = 500) -> int:
    """Dispatch pending messages older than ``older_than``; returns how many went out."""
    cutoff = timezone.now() - older_than
    pending = list(
        OutboxMessage.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in pending if outbox_dispatch(message_id=pk))
