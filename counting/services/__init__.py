"""Every write of the counting app. Import services from here: ``from counting import services``."""

from .counts import (
    PlanResult,
    _day_start,
    count_line_approve,
    count_line_enter,
    count_line_reject,
    count_lines_start,
    count_list_create_adhoc,
    count_plan_build,
    count_plan_build_all,
    count_plan_classes_set,
    count_plan_refresh,
)

__all__ = [
    "PlanResult",
    "_day_start",
    "count_line_approve",
    "count_line_enter",
    "count_line_reject",
    "count_lines_start",
    "count_list_create_adhoc",
    "count_plan_build",
    "count_plan_build_all",
    "count_plan_classes_set",
    "count_plan_refresh",
]
