"""Every write of the kpis app: the month-end close and targets. Import as ``from kpis import services``."""

from .close import (
    BESIDE_STEP,
    STEPS,
    month_close_request,
    month_close_run,
    month_close_start,
    month_close_step,
    month_close_takeover,
    month_end_classes_hand_over,
    parse_month,
    previous_month,
    reclose_reopened_months,
)
from .report import kpi_report_send, kpi_report_subscription_ids, kpi_reports_queue, report_subscription_set
from .targets import target_set, thresholds_set

__all__ = [
    "BESIDE_STEP",
    "STEPS",
    "kpi_report_send",
    "kpi_report_subscription_ids",
    "kpi_reports_queue",
    "month_close_request",
    "month_close_run",
    "month_close_start",
    "month_close_step",
    "month_close_takeover",
    "month_end_classes_hand_over",
    "parse_month",
    "previous_month",
    "reclose_reopened_months",
    "report_subscription_set",
    "target_set",
    "thresholds_set",
]
