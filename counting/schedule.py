"""Pure planning arithmetic for cycle counts: no ORM, numbers in and numbers out."""

from __future__ import annotations

import math
from datetime import date

from inventory.classification import AbcClass, Thresholds, abc_class


def count_class(abc: str) -> str:
    """The count class of a month-end class: A and NA count as A, B and NB as B, everything else as C."""
    return {AbcClass.A: "A", AbcClass.NA: "A", AbcClass.B: "B", AbcClass.NB: "B"}.get(str(abc).upper(), "C")


def classify(hits: int, *, hits_for_a: int, hits_for_b: int) -> str:
    """Count class of a part the month-end has not graded yet, by its 12-month hits.

    The rule is the month-end's (``inventory.classification.abc_class``, as
    an established part), with the count policy's thresholds.
    """
    # A part is C from its first hit at the least, so a B threshold of 0 grades like 1.
    b_hits = max(1, hits_for_b)
    thresholds = Thresholds(a_min_hits=max(hits_for_a, b_hits + 1), b_min_hits=b_hits)
    graded = abc_class(hits_12m=hits, months_since_first_stocked=None, holds_stock=False, thresholds=thresholds)
    return count_class(graded or AbcClass.C)


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
