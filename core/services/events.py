"""Publishing events from the catalogue (``core.events``) inside the transaction that caused them.

The consumers are named in ``settings.EVENT_CONSUMERS`` (dotted paths of
callables taking ``events``), so the apps that deliver events (webhooks)
depend on the apps that publish them and not the other way round. A
consumer is asked inside the publisher's transaction and must be cheap: it
names the outbox rows to write and does the work after the commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.events import BY_NAME

from .outbox import outbox_enqueue


@dataclass(frozen=True)
class Event:
    """One thing that happened. ``supplier_id`` marks a supplier's own event (its orders, its shipments)."""

    kind: str
    data: dict[str, Any]
    supplier_id: int | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: datetime = field(default_factory=timezone.now)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "occurred_at": self.occurred_at.isoformat(),
            "supplier_id": self.supplier_id,
            "data": self.data,
        }


class EventConsumer(Protocol):
    """What ``settings.EVENT_CONSUMERS`` names. Asked first whether it wants a kind (cheap, no query
    on the hot path); then for the outbox rows (task name, kwargs) its events need, written in the
    publisher's transaction and collected by the consumer itself (``outbox_take``); ``committed``
    runs after the commit (to wake the collector)."""

    def wants(self, kind: str) -> bool: ...

    def outbox_rows(self, *, events: Sequence[Event]) -> list[tuple[str, dict[str, Any]]]: ...

    def committed(self) -> None: ...


# A consumer may also name ``commit_hook_due() -> bool``: asked when a publisher registers
# ``committed``; False skips the registration (the webhooks consumer wakes its collector at most once
# a second, so most postings need no after-commit call at all).


# A consumer may also name ``batch_task``: its outbox row for any events is then always
# ``(batch_task, {"events": [...]})``, so that a publisher on a hot path can build that row itself
# (the posting builds it in SQL, see ``event_batch_tasks``). An item is ``event.as_dict()`` or, for a
# kind whose publisher keeps the event's facts in its own rows, a reference without an ``id`` that
# the consumer completes with the publisher's selector: ``stock.changed`` is
# ``{"kind", "movement_id", "on_hand", "available"}``, completed by
# ``inventory.selectors.stock_changed_events``.


@lru_cache(maxsize=1)
def _consumers() -> tuple[EventConsumer, ...]:
    return tuple(import_string(path) for path in getattr(settings, "EVENT_CONSUMERS", ()))


def event_wanted(kind: str) -> bool:
    """Whether any consumer wants ``kind`` now: publishers skip building an event nobody takes."""
    return any(consumer.wants(kind) for consumer in _consumers())


def events_outbox_rows(*, events: Sequence[Event]) -> list[tuple[str, dict[str, Any]]]:
    """The outbox rows the consumers need for ``events``, their after-commit hooks registered.

    For a publisher that writes the rows in a statement of its own (the
    posting writes them with its movement, in one round trip); everybody
    else calls ``events_publish``.
    """
    for event in events:
        if event.kind not in BY_NAME:
            raise ValueError(f"Unknown event kind {event.kind!r}; add it to core.events.CATALOGUE.")
    rows: list[tuple[str, dict[str, Any]]] = []
    for consumer in _consumers():
        chosen = [event for event in events if consumer.wants(event.kind)]
        if chosen:
            rows += consumer.outbox_rows(events=chosen)
            _register_committed(consumer)
    return rows


def event_batch_tasks(kind: str) -> tuple[str, ...] | None:
    """The ``batch_task`` of every consumer that wants ``kind``, their after-commit hooks registered.

    For a publisher that writes the rows ``(task, {"events": [...]})`` itself, one per task, in the
    current transaction. None when a consumer that wants the kind names no
    ``batch_task``: the publisher then asks ``events_outbox_rows`` (nothing is registered).
    """
    if kind not in BY_NAME:
        raise ValueError(f"Unknown event kind {kind!r}; add it to core.events.CATALOGUE.")
    wanting = [consumer for consumer in _consumers() if consumer.wants(kind)]
    tasks = tuple(getattr(consumer, "batch_task", None) for consumer in wanting)
    if None in tasks:
        return None
    for consumer in wanting:
        _register_committed(consumer)
    return tasks  # type: ignore[return-value]  # no None left


def _register_committed(consumer: EventConsumer) -> None:
    due = getattr(consumer, "commit_hook_due", None)
    if due is None or due():
        transaction.on_commit(consumer.committed)


def events_publish(*, events: Sequence[Event]) -> None:
    """Hand events to the consumers within the current transaction; a rollback takes them back."""
    for task_name, kwargs in events_outbox_rows(events=events):
        outbox_enqueue(task_name=task_name, kwargs=kwargs, dispatch=False)


def event_publish(
    *, kind: str, data: dict[str, Any] | Callable[[], dict[str, Any]], supplier_id: int | None = None
) -> Event | None:
    """Publish one event (see ``events_publish``); ``data`` may be a function, called only when the
    event is wanted. Returns the event, or None when nobody wanted it."""
    if kind not in BY_NAME:
        raise ValueError(f"Unknown event kind {kind!r}; add it to core.events.CATALOGUE.")
    if not event_wanted(kind):
        return None
    event = Event(kind=kind, data=data() if callable(data) else data, supplier_id=supplier_id)
    events_publish(events=[event])
    return event
