"""Celery tasks of the purchasing app: thin, idempotent, taking ids or plain values."""

from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_purchase_order_email(*, order_id: int) -> bool:
    """Mail a sent purchase order to its supplier (once: a retry after success does nothing)."""
    from .services.mail import purchase_order_email_send

    return purchase_order_email_send(order_id=order_id)
