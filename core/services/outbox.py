"""Transactional outbox: side effects survive a broker outage.

``outbox_enqueue`` stores the task in the caller's transaction and tries to
dispatch it right after commit. A failed dispatch (Redis down) leaves the row
pending; ``outbox_flush`` (every minute, from beat) sends what is pending.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from functools import lru_cache

from celery import current_app
from django.db import connection, transaction
from django.utils import timezone

from core.fastpath.rows import prepared_cursor
from core.fastpath.switch import fast_path
from core.models import OutboxMessage

log = logging.getLogger(__name__)

# How long a fresh message is left to its own on_commit dispatch before the flush takes it over.
GRACE = timedelta(seconds=30)


def outbox_enqueue(*, task_name: str, kwargs: dict, dispatch: bool = True) -> OutboxMessage:
    """Record a task in the current transaction; dispatch it after commit (or later, by the flush).

    With ``dispatch=False`` nothing is sent at commit: the caller collects its
    messages in batches with ``outbox_take`` (a message per posting would
    cost the posting a second commit and a broker round trip). The flush
    still sends any message left pending past ``GRACE``.
    """
    message = OutboxMessage(task_name=task_name, kwargs=kwargs, created_at=timezone.now())
    _insert(message)
    if dispatch:
        transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk))
    return message


@lru_cache(maxsize=1)
def _insert_sql() -> tuple[str, list]:
    meta = OutboxMessage._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(str(meta.pk.column))
    return f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {pk}", fields  # noqa: S608 - from the model


def _insert(message: OutboxMessage) -> None:
    """``message.save(force_insert=True)`` on a prepared statement: events are written on every posting.

    On the ORM path (``core.fastpath.switch``) that ``save`` itself.
    """
    if not fast_path():
        message.save(force_insert=True)
        return
    sql, fields = _insert_sql()
    params = [field.get_db_prep_save(getattr(message, field.attname), connection) for field in fields]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        message.pk = cursor.fetchone()[0]
    message._state.adding = False
    message._state.db = connection.alias


def outbox_take(*, task_name: str, limit: int = 500) -> list[OutboxMessage]:
    """Take up to ``limit`` pending messages of one task, oldest first, out of the outbox, in the caller's
    transaction: they are deleted (one statement) and returned, and the caller runs their work itself.

    ``skip_locked``: two collectors never take the same message. If the caller's transaction rolls back
    the messages are pending again; once it commits, its own rows (deliveries, say) are the record, so
    the outbox keeps only what is still to do and stays small however many postings write to it.
    """
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    sql = (
        f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} "  # noqa: S608 - the model's table
        "WHERE task_name = %s AND dispatched_at IS NULL ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) "
        "RETURNING id, task_name, kwargs, created_at, dispatched_at, attempts, last_error"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [task_name, limit])
        rows = cursor.fetchall()
    messages = [
        OutboxMessage(
            id=pk,
            task_name=name,
            kwargs=json.loads(kwargs) if isinstance(kwargs, str) else kwargs,
            created_at=created_at,
            dispatched_at=dispatched_at,
            attempts=attempts,
            last_error=last_error,
        )
        for pk, name, kwargs, created_at, dispatched_at, attempts, last_error in rows
    ]
    return sorted(messages, key=lambda message: message.pk)


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
