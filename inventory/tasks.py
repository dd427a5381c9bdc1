"""Celery tasks of the inventory app: thin wrappers that call services or send mail."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def send_notification_email(self, *, subject: str, body: str, recipients: list[str]) -> int:
    """Send one notification mail; retried with back-off while the mail server is away."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


@shared_task
def ledger_verify_task() -> int:
    """Recompute every stock level and bin from the ledger; return how many disagree (0 is healthy).

    The same check as ``manage.py verify_ledger``, for a nightly beat entry or an on-demand run.
    """
    from .selectors import bin_differences, ledger_differences

    return len(ledger_differences()) + len(bin_differences())


@shared_task
def outbox_flush_task() -> int:
    """Dispatch side effects whose first dispatch failed (broker was down); every minute from beat."""
    from core.services.outbox import outbox_flush

    return outbox_flush()


@shared_task
def reservations_expire_task() -> int:
    """Give back what expired reservations and those of closed repair orders hold; every 15 minutes from beat."""
    from .demand.services import reservations_expire

    return reservations_expire()
