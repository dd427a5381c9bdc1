"""Supplier rating arithmetic (pure: numbers in, numbers out, no ORM).

Rates are shares between 0 and 1. The score is the weighted mean of the
components that have data in the month (a month without receipts has no
reject rate, and its weight is left out rather than counted as perfect).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

FOUR = Decimal("0.0001")
TWO = Decimal("0.01")


def share(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator to four places; None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(FOUR, rounding=ROUND_HALF_UP)


def mean_and_spread(values: Sequence[Decimal | int]) -> tuple[Decimal | None, Decimal | None]:
    """Mean and population standard deviation, to two places; (None, None) for no values."""
    if not values:
        return None, None
    numbers = [Decimal(v) for v in values]
    mean = sum(numbers, Decimal(0)) / len(numbers)
    variance = sum(((v - mean) ** 2 for v in numbers), Decimal(0)) / len(numbers)
    spread = variance.sqrt()
    return mean.quantize(TWO, rounding=ROUND_HALF_UP), spread.quantize(TWO, rounding=ROUND_HALF_UP)


def lead_time_reliability(mean: Decimal | None, spread: Decimal | None) -> Decimal | None:
    """1 − coefficient of variation of the lead time, floored at 0 (steady lead times score 1)."""
    if mean is None or spread is None:
        return None
    if mean <= 0:
        return Decimal(1)
    return max(Decimal(0), 1 - spread / mean).quantize(FOUR, rounding=ROUND_HALF_UP)


def weighted_score(components: Sequence[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    """Weighted mean of (value, weight) pairs, skipping values that are None; None if nothing is left."""
    present = [(Decimal(value), Decimal(weight)) for value, weight in components if value is not None]
    total_weight = sum((weight for _, weight in present), Decimal(0))
    if not present or total_weight <= 0:
        return None
    return (sum(value * weight for value, weight in present) / total_weight).quantize(FOUR, rounding=ROUND_HALF_UP)


def grade(score: Decimal | None, *, a_min: Decimal, b_min: Decimal, c_min: Decimal) -> str:
    """A, B, C or D by the score limits; empty without a score."""
    if score is None:
        return ""
    if score >= a_min:
        return "A"
    if score >= b_min:
        return "B"
    if score >= c_min:
        return "C"
    return "D"


def response_score(hours: Decimal | float | int, *, full_hours: int, zero_hours: int) -> Decimal:
    """How fast an order was confirmed: 1 within ``full_hours`` of sending, 0 from ``zero_hours`` on, linear between."""
    hours = Decimal(str(hours))
    if hours <= full_hours:
        return Decimal(1)
    if hours >= zero_hours:
        return Decimal(0)
    return ((Decimal(zero_hours) - hours) / Decimal(zero_hours - full_hours)).quantize(FOUR, rounding=ROUND_HALF_UP)


def response_speed(hours: Sequence[Decimal | float | int], *, full_hours: int, zero_hours: int) -> Decimal | None:
    """Mean response score over the orders confirmed in the month; None without any."""
    if not hours:
        return None
    scores = [response_score(h, full_hours=full_hours, zero_hours=zero_hours) for h in hours]
    return (sum(scores, Decimal(0)) / len(scores)).quantize(FOUR, rounding=ROUND_HALF_UP)


def rated_due_date(history: Sequence[tuple[date, date | None]], *, cutoff_days: int) -> date | None:
    """The promised date a supplier is held to, from its confirmations (day made, date promised) in order.

    The first promised date stands; a later change replaces it only when it
    was made at least ``cutoff_days`` before the date it replaces, so moving
    a date at the last minute does not rescue the on-time rate.
    """
    current: date | None = None
    for made_on, promised in history:
        if promised is None:
            continue
        if current is None or (current - made_on).days >= cutoff_days:
            current = promised
    return current
