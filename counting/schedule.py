"""Pure planning arithmetic for cycle counts: no ORM, numbers in and numbers out."""

from __future__ import annotations

import math
from datetime import date


def classify(hits: int, *, hits_for_a: int, hits_for_b: int) -> str:
    """Grade a part by its 12-month demand hits: A at or above ``hits_for_a``, B from ``hits_for_b``, else C."""
    if hits >= hits_for_a:
        return "A"
    if hits >= hits_for_b:
        return "B"
    return "C"


def is_working_day(day: date, weekdays: set[int]) -> bool:
    return day.weekday() in weekdays


def working_days_in(interval_days: int, weekdays: set[int]) -> int:
    """How many working days an interval of calendar days holds (at least one)."""
    if not weekdays:
        return 1
    return max(1, round(interval_days * len(weekdays) / 7))


def daily_quota(population: int, *, interval_days: int, weekdays: set[int]) -> int:
    """Lines of one class to count per working day so that the whole class is counted once per interval.

    Rounded up, so the class is always covered within its interval and the
    load is even: 40 A parts over a 30-day month of 21 working days gives 2 a day.
    """
    if population <= 0:
        return 0
    return math.ceil(population / working_days_in(interval_days, weekdays))
