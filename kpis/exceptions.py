"""Refusals of the month-end close and of target edits.

They subclass ``core.exceptions.DomainError`` so the API's exception handler turns them
into readable 400/409 answers like every other domain error.
"""

from __future__ import annotations

from core.exceptions import DomainError


class KpiError(DomainError):
    """Base of every refusal by a kpis service."""

    code = "kpi_error"


class CloseAlreadyRunning(KpiError):
    code = "close_already_running"
    status_code = 409
    field = "month"


class MonthNotOver(KpiError):
    code = "month_not_over"
    field = "month"


class MonthOutOfOrder(KpiError):
    code = "month_out_of_order"
    status_code = 409
    field = "month"


class CloseNotRunnable(KpiError):
    code = "close_not_runnable"
    status_code = 409
