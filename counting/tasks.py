"""Celery tasks of counting: thin wrappers over the services."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def plan_counts_daily(day: str | None = None) -> dict[str, int]:
    """Build today's cycle count list in every warehouse (idempotent: a rerun the same day adds nothing).

    Returns {warehouse code: lines on its list for the day}.
    """
    when = date.fromisoformat(day) if day else timezone.localdate()
    return {result.warehouse.code: result.lines for result in services.count_plan_build_all(day=when)}
