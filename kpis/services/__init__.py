"""Every write of the kpis app: the month-end close and targets. Import as ``from kpis import services``."""

from .close import (
    STEPS,
    month_close_request,
    month_close_run,
    month_close_start,
    month_close_step,
    month_close_takeover,
    month_end_classes_hand_over,
    parse_month,
    previous_month,
)
from .targets import target_set

__all__ = [
    "STEPS",
    "month_close_request",
    "month_close_run",
    "month_close_start",
    "month_close_step",
    "month_close_takeover",
    "month_end_classes_hand_over",
    "parse_month",
    "previous_month",
    "target_set",
]
