"""Publishing events from the catalogue (``core.events``) inside the transaction that caused them.

The consumers are named in ``settings.EVENT_CONSUMERS`` (dotted paths of
callables taking ``events``), so the apps that deliver events (webhooks)
depend on the apps that publish them and not the other way round. A
consumer runs in the publisher's transaction and must be cheap: it records
what to do (an outbox row) and leaves the work to after the commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from core.events import BY_NAME


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
    """What ``settings.EVENT_CONSUMERS`` names: asked first whether it wants a kind (cheap, no query
    on the hot path), then handed the events of the kinds it wants."""

    def wants(self, kind: str) -> bool: ...

    def record(self, *, events: Sequence[Event]) -> None: ...


@lru_cache(maxsize=1)
def _consumers() -> tuple[EventConsumer, ...]:
    return tuple(import_string(path) for path in getattr(settings, "EVENT_CONSUMERS", ()))


def event_wanted(kind: str) -> bool:
    """Whether any consumer wants ``kind`` now: publishers skip building an event nobody takes."""
    return any(consumer.wants(kind) for consumer in _consumers())


def events_publish(*, events: Sequence[Event]) -> None:
    """Hand events to the consumers within the current transaction; a rollback takes them back."""
    for event in events:
        if event.kind not in BY_NAME:
            raise ValueError(f"Unknown event kind {event.kind!r}; add it to core.events.CATALOGUE.")
    for consumer in _consumers():
        chosen = [event for event in events if consumer.wants(event.kind)]
        if chosen:
            consumer.record(events=chosen)


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
