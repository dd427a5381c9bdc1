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
def webhook_events_collect_task() -> int:
    """Take the pending event rows of the outbox in batches and fan them out (woken after postings)."""
    from .services import webhook_events_collect

    return webhook_events_collect()


@shared_task
def webhook_delivery_send_task(*, delivery_id: int) -> str | None:
    """One attempt of one delivery; a failure is scheduled again by the service, not by Celery."""
    from .services import webhook_delivery_attempt

    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    return delivery.state if delivery is not None else None


@shared_task
def webhook_deliveries_queue_due_task() -> int:
    """Every 30 seconds from beat: collect events a skipped wake-up left behind, queue the retries now due."""
    from .services import webhook_deliveries_queue_due, webhook_events_collect

    webhook_events_collect()
    return len(webhook_deliveries_queue_due())
