"""Month arithmetic on first-of-month dates (pure)."""

from __future__ import annotations

from datetime import date


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_index(month: date) -> int:
    """Months since year 0: consecutive months differ by one."""
    return month.year * 12 + month.month
