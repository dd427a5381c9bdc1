"""Celery tasks of core: thin, idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task
def notification_digest_task() -> int:
    """Mail the daily digests (from beat); a note goes in one digest only, so a rerun sends nothing twice."""
    from .services.notifications import notification_digest_send

    return notification_digest_send()
