"""Month arithmetic, pure: one definition of a month boundary for every app.

A month is named by its first day (a ``date``). Where a query needs the
instant a month begins, ``month_begins`` gives it in the business's time zone
(passed in: this module reads no settings). Every app may import this module;
it imports nothing of ours.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def month_start(day: date) -> date:
    """The first day of the month ``day`` falls in."""
    return date(day.year, day.month, 1)


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after (or before) ``month``'s month."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_index(month: date) -> int:
    """Months since year 0: consecutive months differ by one."""
    return month.year * 12 + month.month


def months_between(first: date, last: date) -> int:
    """Calendar months from ``first``'s month to ``last``'s month (0 for the same month)."""
    return month_index(last) - month_index(first)


def days_in_month(month: date) -> int:
    return (add_months(month, 1) - month_start(month)).days


def month_begins(month: date, time_zone: str) -> datetime:
    """The first instant of ``month``'s month in the named time zone (an aware datetime)."""
    return datetime(month.year, month.month, 1, tzinfo=ZoneInfo(time_zone))
