"""Celery tasks of the month-end close: thin wrappers over ``kpis.services``."""

from __future__ import annotations

import logging
from datetime import date

from celery import chain, chord, shared_task

from . import services
from .exceptions import KpiError

logger = logging.getLogger(__name__)


@shared_task(name="kpis.close_month_step")
def close_month_step(run_id: int, step: str) -> int:
    """One step of one run; a failing step marks the run failed and stops the chain."""
    services.month_close_step(run_id=run_id, step=step)
    return run_id


@shared_task(name="kpis.hand_over_classes")
def hand_over_classes(run_id: int) -> int:
    """After a close publishes: its classes to planning and counting (``MONTH_END_CLASS_CONSUMERS``)."""
    return services.month_end_classes_hand_over(run_id=run_id)


def enqueue_close(run_id: int) -> None:
    """The close of a month: the demand history beside the chain stock → classes, then KPIs (publish).

    A chord: the KPI step runs once both branches are done, and not at all when a step failed (the
    failed step marks the run failed). ``services.BESIDE_STEP`` says which step runs beside.
    """
    *steps, last = services.STEPS
    in_line = [close_month_step.si(run_id, step) for step in steps if step != services.BESIDE_STEP]
    chord(
        [close_month_step.si(run_id, services.BESIDE_STEP), chain(*in_line)], close_month_step.si(run_id, last)
    ).apply_async()


@shared_task(name="kpis.close_previous_month")
def close_previous_month() -> str:
    """Beat, on the 1st: close the month that just ended. A refusal is logged, not retried."""
    month = services.previous_month()
    try:
        run = services.month_close_request(month=month)
    except KpiError as error:
        logger.warning("month-end close of %s refused: %s", month, error.message)
        return error.message
    return f"queued close of {month:%Y-%m} as run #{run.pk}"


@shared_task(name="kpis.close_reopened_months")
def close_reopened_months() -> str:
    """Beat, every night: close again the oldest month a manager reopened (the later ones follow in order)."""
    try:
        run = services.reclose_reopened_months()
    except KpiError as error:
        logger.warning("re-close of a reopened month refused: %s", error.message)
        return error.message
    return f"queued re-close of {run.month:%Y-%m} as run #{run.pk}" if run else "no reopened month"


@shared_task(name="kpis.send_kpi_reports")
def send_kpi_reports(month: str) -> int:
    """After a close: each subscriber's report, once (a retry skips who already has this month)."""
    when = date.fromisoformat(month)
    return sum(
        services.kpi_report_send(subscription_id=pk, month=when) for pk in services.kpi_report_subscription_ids()
    )


@shared_task
def fill_rate_warnings_daily() -> int:
    """Warn planners and managers of warehouses whose instant fill rate this month is below target (mornings)."""
    from .services.warnings import fill_rate_warnings_send

    return len(fill_rate_warnings_send())
