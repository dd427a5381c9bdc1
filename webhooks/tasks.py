"""Celery tasks of the webhooks app, all on their own queue ``webhooks``: a partner that is down
(time-outs, refused connections) ties up only the workers of that queue, never mail or postings."""

from __future__ import annotations

from celery import shared_task


@shared_task
def webhook_events_fan_out_task(*, events: list[dict]) -> int:
    """Turn events (handed over by the outbox after the posting's commit) into deliveries; idempotent."""
    from .services import webhook_events_fan_out

    return len(webhook_events_fan_out(events=events))


@shared_task
def webhook_delivery_send_task(*, delivery_id: int) -> str | None:
    """One attempt of one delivery; a failure is scheduled again by the service, not by Celery."""
    from .services import webhook_delivery_attempt

    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    return delivery.state if delivery is not None else None


@shared_task
def webhook_deliveries_queue_due_task() -> int:
    """Queue the deliveries whose retry is due (every 30 seconds from beat)."""
    from .services import webhook_deliveries_queue_due

    return len(webhook_deliveries_queue_due())
