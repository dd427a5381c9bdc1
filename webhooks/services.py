"""Every write of the webhooks app: subscriptions, the fan-out of events into deliveries, attempts.

The path of an event: a service publishes it in its own transaction
(``core.services.events``); the consumer (``event_consumer``, named in
``settings.EVENT_CONSUMERS``) writes one outbox row when some active
subscription wants the kind; after the commit the collector
(``webhook_events_collect``, queue ``webhooks``) takes the pending rows in
batches and ``webhook_events_fan_out`` writes one delivery per subscription
and event and queues their sends. A failed send
waits (``signing.retry_delay``) and the sweep (``webhook_deliveries_queue_due``,
every 30 seconds) queues it again, for ``signing.RETRY_FOR``.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import BY_NAME, WEBHOOK_KINDS
from core.services.events import Event
from core.services.outbox import outbox_take
from inventory.selectors import stock_changed_events

from . import transport
from .exceptions import WebhookError
from .models import DeliveryState, WebhookDelivery, WebhookSubscription
from .signing import RETRY_FOR, retry_delay, target_problem

log = logging.getLogger(__name__)

FAN_OUT_TASK = "webhooks.tasks.webhook_events_fan_out_task"
SEND_TASK = "webhooks.tasks.webhook_delivery_send_task"
COLLECT_TASK = "webhooks.tasks.webhook_events_collect_task"
# How long a queued send owns its delivery before the sweep queues it again (a lost task, a dead worker).
LEASE = timedelta(minutes=5)

# --- which kinds are wanted: read on every posting, so kept in memory for a few seconds ---------

_ACTIVE_KINDS_TTL = 5.0
_active: dict[str, Any] = {"kinds": frozenset(), "until": 0.0}
_active_lock = threading.Lock()


def active_kinds() -> frozenset[str]:
    """The kinds some active subscription wants; a new subscription is seen by every process within seconds."""
    now = time.monotonic()
    if _active["until"] > now:
        return _active["kinds"]
    with _active_lock:
        kinds = frozenset(
            kind
            for row in WebhookSubscription.objects.filter(is_active=True).values_list("kinds", flat=True)
            for kind in row
        )
        _active.update(kinds=kinds, until=now + _ACTIVE_KINDS_TTL)
    return kinds


def _forget_active_kinds() -> None:
    _active["until"] = 0.0


class _Consumer:
    """The webhooks app as a consumer of ``core.services.events`` (named in ``settings.EVENT_CONSUMERS``).

    Events become one outbox row in the publisher's transaction (so a rolled-back
    posting sends nothing and a committed one is delivered at least once); the
    collector takes the rows after the commit.
    """

    # Its row is always (FAN_OUT_TASK, {"events": [...]}): the posting writes it in its own statement.
    batch_task = FAN_OUT_TASK

    @staticmethod
    def wants(kind: str) -> bool:
        return kind in active_kinds()

    @staticmethod
    def outbox_rows(*, events: Sequence[Event]) -> list[tuple[str, dict[str, Any]]]:
        return [(FAN_OUT_TASK, {"events": [event.as_dict() for event in events]})]

    @staticmethod
    def committed() -> None:
        _wake_collector()

    @staticmethod
    def commit_hook_due() -> bool:
        """Whether a commit now would wake the collector: not within a second of the last wake-up.

        Asked when the posting registers its after-commit call, a few milliseconds before the commit;
        the collector woken then takes this posting's row too, or comes back a second later because it
        found rows (``webhook_events_collect``), and the sweep takes anything left.
        """
        return time.monotonic() - _last_wake["at"] >= COLLECT_EVERY or current_app.conf.task_always_eager


event_consumer = _Consumer()


# A posting only writes its outbox row; the collector takes the rows in batches. After a commit the
# collector is woken at most once a second per process (a broker message per posting would cost the
# posting more than the posting itself), and while it finds rows it comes back a second later.
COLLECT_EVERY = 1.0
_last_wake = {"at": -COLLECT_EVERY}


def _wake_collector() -> None:
    # The clock first: within the second after a wake-up a commit costs no look-up of Celery's
    # settings. Only a wake-up through the broker starts the second (eager mode wakes every time).
    now = time.monotonic()
    if now - _last_wake["at"] < COLLECT_EVERY:
        return
    if not current_app.conf.task_always_eager:
        _last_wake["at"] = now
    try:
        _named(COLLECT_TASK).apply_async(queue=settings.WEBHOOKS_QUEUE, retry=False)
    except Exception:  # broker away: the outbox flush sends the rows one by one once it is back
        log.warning("webhooks: collector not woken (broker unavailable)")


def webhook_events_collect(*, limit: int = 500) -> int:
    """Fan out the events of pending outbox rows, a batch at a time; returns how many rows were taken.

    When it found rows it comes back after ``COLLECT_EVERY``, so the rows of
    postings whose wake-up was skipped are taken within about a second.
    """
    with transaction.atomic():
        messages = outbox_take(task_name=FAN_OUT_TASK, limit=limit)
        events = [event for message in messages for event in message.kwargs.get("events", [])]
        if events:
            webhook_events_fan_out(events=events)
    if messages and not current_app.conf.task_always_eager:
        try:
            _named(COLLECT_TASK).apply_async(queue=settings.WEBHOOKS_QUEUE, countdown=COLLECT_EVERY, retry=False)
        except Exception:  # the next posting or the sweep wakes it again
            log.warning("webhooks: collector not rescheduled (broker unavailable)")
    return len(messages)


# --- subscriptions ------------------------------------------------------------------------


def _check_target(url: str) -> str:
    url = (url or "").strip()
    problem = target_problem(url, allow_insecure=settings.WEBHOOKS_ALLOW_INSECURE_TARGETS)
    if problem is None:
        return url
    code, detail = problem
    messages = {
        "invalid": _("Give a full URL, such as https://partner.example/hooks/parts."),
        "insecure": _("The target must use https; change the URL to https://."),
        "unresolved": _("The host %(detail)s does not resolve; check the address."),
        "private": _("The target resolves to a non-public address (%(detail)s); give a public address."),
    }
    raise WebhookError(messages[code] % {"detail": detail}, field="target_url")


def _check_kinds(kinds: Iterable[str]) -> list[str]:
    chosen = sorted(set(kinds or ()))
    if not chosen:
        raise WebhookError(_("Choose at least one kind of event."), field="kinds")
    unknown = [kind for kind in chosen if kind not in WEBHOOK_KINDS]
    if unknown:
        raise WebhookError(
            _("Unknown kind of event: %(kinds)s. Choose from %(known)s.")
            % {"kinds": ", ".join(unknown), "known": ", ".join(WEBHOOK_KINDS)},
            field="kinds",
        )
    return chosen


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise WebhookError(_("Give the subscription a name."), field="name")
    return name[:100]


def _check_secret(secret: str) -> str:
    secret = (secret or "").strip()
    if secret and len(secret) < 16:
        raise WebhookError(_("A secret needs at least 16 characters; leave it empty to have one made."), field="secret")
    return secret[:128] or secrets.token_hex(32)


@transaction.atomic
def webhook_subscription_create(
    *,
    name: str,
    target_url: str,
    kinds: Iterable[str],
    user,
    secret: str = "",
    supplier=None,
    is_active: bool = True,
) -> WebhookSubscription:
    """A new subscription; without a secret one is made (64 hex digits)."""
    subscription = WebhookSubscription.objects.create(
        name=_check_name(name),
        target_url=_check_target(target_url),
        kinds=_check_kinds(kinds),
        secret=_check_secret(secret),
        supplier=supplier,
        is_active=is_active,
        created_by=user,
    )
    transaction.on_commit(_forget_active_kinds)
    return subscription


@transaction.atomic
def webhook_subscription_update(*, subscription: WebhookSubscription, user, **changes: Any) -> WebhookSubscription:
    """Change name, target, kinds, secret, supplier or active; an empty secret keeps the current one."""
    checks = {"name": _check_name, "target_url": _check_target, "kinds": _check_kinds}
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    for field, value in changes.items():
        if field in checks:
            value = checks[field](value)
        elif field == "secret":
            if not (value or "").strip():
                continue
            value = _check_secret(value)
        elif field not in ("supplier", "is_active"):
            raise WebhookError(_("%(field)s cannot be changed.") % {"field": field}, field=field)
        setattr(subscription, field, value)
    subscription.save()
    transaction.on_commit(_forget_active_kinds)
    return subscription


@transaction.atomic
def webhook_subscription_delete(*, subscription: WebhookSubscription, user) -> None:
    """Remove a subscription and its delivery log; pending deliveries are not sent."""
    subscription.delete()
    transaction.on_commit(_forget_active_kinds)


# --- fan-out and delivery -----------------------------------------------------------------


def _body(event: dict[str, Any]) -> str:
    return json.dumps(
        {"id": event["id"], "kind": event["kind"], "occurred_at": event["occurred_at"], "data": event["data"]},
        separators=(",", ":"),
        sort_keys=True,
    )


def _completed(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events as delivered, in their order: a posting writes its stock.changed event as a reference
    to its movement (no ``id``), completed here from the ledger, one query per batch."""
    references = [event for event in events if "id" not in event]
    if not references:
        return list(events)
    by_movement = {event["data"]["movement_id"]: event for event in stock_changed_events(references)}
    completed = [event if "id" in event else by_movement.get(int(event["movement_id"])) for event in events]
    return [event for event in completed if event is not None]


def _receives(subscription: WebhookSubscription, event: dict[str, Any]) -> bool:
    """A supplier's subscription gets only that supplier's events; an internal one gets all of its kinds."""
    if event["kind"] not in subscription.kinds:
        return False
    return subscription.supplier_id is None or subscription.supplier_id == event.get("supplier_id")


@transaction.atomic
def webhook_events_fan_out(*, events: Sequence[dict[str, Any]], now: datetime | None = None) -> list[int]:
    """One delivery per (subscription, event) and its send queued; handing the same events over again adds none.

    Returns the ids of the deliveries queued.
    """
    now = now or timezone.now()
    events = _completed(events)
    kinds = {event["kind"] for event in events if event["kind"] in BY_NAME}
    subscriptions = list(WebhookSubscription.objects.filter(is_active=True, kinds__overlap=sorted(kinds)))
    rows = [
        WebhookDelivery(
            subscription=subscription,
            event_id=event["id"],
            kind=event["kind"],
            body=_body(event),
            next_attempt_at=now + LEASE,
        )
        for event in events
        for subscription in subscriptions
        if _receives(subscription, event)
    ]
    if not rows:
        return []
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        WebhookDelivery.objects.filter(
            subscription__in=subscriptions,
            event_id__in=[event["id"] for event in events],
            state=DeliveryState.PENDING,
            attempts=0,
        ).values_list("pk", flat=True)
    )
    _queue_sends(ids)
    return ids


def _queue_sends(ids: list[int]) -> None:
    """Queue the sends after commit; a broker outage only leaves them to the sweep."""

    def send() -> None:
        task = _named(SEND_TASK)
        for pk in ids:
            try:
                task.apply_async(kwargs={"delivery_id": pk}, queue=settings.WEBHOOKS_QUEUE, retry=False)
            except Exception:  # broker away: the sweep queues it when the lease runs out
                return

    if ids:
        transaction.on_commit(send)


def _named(name: str):
    """A registered task (not ``send_task``, so that eager mode runs it inline)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def webhook_delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> WebhookDelivery | None:
    """Try one pending delivery once: delivered on a 2xx, else the next attempt is scheduled.

    The row is locked for the attempt (``skip_locked``: a second worker on the
    same delivery does nothing), so a delivery is never sent twice at once.
    Past ``RETRY_FOR`` after the event it is given up (``failed``); a manager
    can still redeliver it.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(pk=delivery_id, state=DeliveryState.PENDING)
            .first()
        )
        if delivery is None:
            return None
        subscription = delivery.subscription
        now = now or timezone.now()
        problem = None
        if not subscription.is_active:
            outcome = transport.Outcome(ok=False, status_code=None, error="subscription inactive")
        else:
            problem = target_problem(subscription.target_url, allow_insecure=settings.WEBHOOKS_ALLOW_INSECURE_TARGETS)
            if problem is not None:
                outcome = transport.Outcome(ok=False, status_code=None, error=f"target refused: {problem[0]}")
            else:
                outcome = transport.post(
                    url=subscription.target_url,
                    body=delivery.body,
                    secret=subscription.secret,
                    kind=delivery.kind,
                    delivery_id=delivery.pk,
                )
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        if outcome.ok:
            delivery.state = DeliveryState.DELIVERED
            delivery.delivered_at = now
        elif now - delivery.created_at >= RETRY_FOR or not subscription.is_active:
            delivery.state = DeliveryState.FAILED
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        delivery.save()
        return delivery


@transaction.atomic
def webhook_deliveries_queue_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Queue the sends of pending deliveries whose time has come, leasing them so they are queued once.

    Returns the ids queued.
    """
    now = now or timezone.now()
    ids = list(
        WebhookDelivery.objects.select_for_update(skip_locked=True)
        .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
        _queue_sends(ids)
    return ids


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery, user) -> WebhookDelivery:
    """Send a delivery again (a failed one, or a delivered one the partner lost): same event id, same body."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if not WebhookSubscription.objects.filter(pk=delivery.subscription_id, is_active=True).exists():
        raise WebhookError(_("The subscription is not active; activate it first, then redeliver."))
    delivery.state = DeliveryState.PENDING
    delivery.created_at = timezone.now()  # the retry window starts again
    delivery.next_attempt_at = timezone.now() + LEASE
    delivery.save(update_fields=["state", "created_at", "next_attempt_at"])
    _queue_sends([delivery.pk])
    return delivery
