"""Celery tasks of the purchasing app: thin, idempotent, taking ids or plain values."""

from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_purchase_order_email(*, order_id: int) -> bool:
    """Mail a sent purchase order to its supplier (once: a retry after success does nothing)."""
    from .services.mail import purchase_order_email_send

    return purchase_order_email_send(order_id=order_id)


@shared_task
def rate_suppliers_monthly(*, month: str | None = None) -> int:
    """Rate every supplier for ``month`` (YYYY-MM; default the month just ended). Rerunning replaces it."""
    from datetime import date

    from .services.rating import previous_month, supplier_rating_compute

    target = date.fromisoformat(f"{month}-01") if month else previous_month()
    return len(supplier_rating_compute(month=target))


@shared_task
def notify_overdue_orders_daily() -> int:
    """Tell buyers about orders whose lines were due yesterday and are still missing (every morning)."""
    from .services.overdue import purchase_orders_overdue_notify

    return purchase_orders_overdue_notify()
