"""The classification rules of DOMAIN.md, pure: ABC by hits (with new parts and dead stock), XYZ, ABC by value.

One definition for every app: the month-end close applies the same rules in
SQL (``kpis.services.close``, proven equal by tests), counting grades the
parts the close has not graded yet with ``abc_class``, and anything that
grades a single part in Python calls this module. Thresholds are data
(``ClassThresholds`` in the database, editable in the admin); the defaults
are DOMAIN.md's. Imports nothing of ours, so every app may use it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

K = TypeVar("K", bound=Any)


class AbcClass:
    A = "A"
    B = "B"
    C = "C"
    C0 = "C0"
    NA = "NA"
    NB = "NB"
    NC = "NC"

    ALL = (A, B, C, C0, NA, NB, NC)
    CHOICES = [(code, code) for code in ALL]


class ValueClass:
    """ABC by value: the classic Pareto over 12-month cost of sales."""

    A = "A"
    B = "B"
    C = "C"

    ALL = (A, B, C)
    CHOICES = [(code, code) for code in ALL]


# A: the parts making the first 80 % of the value; B: the next 15 %; C: the rest (DOMAIN.md).
VALUE_A_SHARE = Decimal("0.80")
VALUE_B_SHARE = Decimal("0.95")


class XyzClass:
    X = "X"
    Y = "Y"
    Z = "Z"

    ALL = (X, Y, Z)
    CHOICES = [(code, code) for code in ALL]


@dataclass(frozen=True)
class Thresholds:
    """Hits in 12 months for A and B; months a part counts as new; CV limits for X and Y."""

    a_min_hits: int = 12
    b_min_hits: int = 4
    new_part_months: int = 12
    x_max_cv: float = 0.5
    y_max_cv: float = 1.0

    def __post_init__(self) -> None:
        if not 1 <= self.b_min_hits < self.a_min_hits:
            raise ValueError("Thresholds need 1 ≤ B hits < A hits.")
        if self.new_part_months < 1:
            raise ValueError("A part is new for at least one month.")
        if not 0 <= self.x_max_cv <= self.y_max_cv:
            raise ValueError("XYZ limits need 0 ≤ X limit ≤ Y limit.")


DEFAULT_THRESHOLDS = Thresholds()


def months_stocked(first_stocked: tuple[int, int], month: tuple[int, int]) -> int:
    """Calendar months from the month first stocked to the closed month, both counted, at least 1."""
    (first_year, first_month), (year, month_number) = first_stocked, month
    return max(1, (year * 12 + month_number) - (first_year * 12 + first_month) + 1)


def scaled_hits(hits: int, months: int) -> float:
    """A new part's hits scaled to a year: hits × 12 / months since first stocked (at least 1)."""
    if hits < 0 or months < 0:
        raise ValueError("Hits and months cannot be negative.")
    return hits * 12 / max(1, months)


def abc_class(
    *,
    hits_12m: int,
    months_since_first_stocked: int | None,
    holds_stock: bool,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> str | None:
    """The class of one part in one warehouse at month end, or ``None`` (no demand and no stock).

    ``months_since_first_stocked`` is ``None`` for a part never stocked here
    (it is graded on its hits as an established part).
    """
    if hits_12m < 0:
        raise ValueError("Hits cannot be negative.")
    if months_since_first_stocked is not None and months_since_first_stocked < thresholds.new_part_months:
        scaled = scaled_hits(hits_12m, months_since_first_stocked)
        if scaled >= thresholds.a_min_hits:
            return AbcClass.NA
        if scaled >= thresholds.b_min_hits:
            return AbcClass.NB
        return AbcClass.NC
    if hits_12m >= thresholds.a_min_hits:
        return AbcClass.A
    if hits_12m >= thresholds.b_min_hits:
        return AbcClass.B
    if hits_12m >= 1:
        return AbcClass.C
    return AbcClass.C0 if holds_stock else None


def coefficient_of_variation(monthly_demand: Sequence[int | float | Decimal]) -> float | None:
    """Population standard deviation / mean of monthly demand (months without demand count as 0)."""
    values = [float(value) for value in monthly_demand]
    if any(value < 0 for value in values):
        raise ValueError("Monthly demand cannot be negative.")
    if not values:
        return None
    mean = sum(values) / len(values)
    if mean == 0:
        return None
    variance = sum((value - mean) ** 2 for value in values) / len(values)
    return math.sqrt(variance) / mean


def xyz_class(
    monthly_demand: Sequence[int | float | Decimal], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> str | None:
    """X steady, Y variable, Z sporadic, by the coefficient of variation; ``None`` without demand."""
    cv = coefficient_of_variation(monthly_demand)
    if cv is None:
        return None
    if cv <= thresholds.x_max_cv:
        return XyzClass.X
    if cv <= thresholds.y_max_cv:
        return XyzClass.Y
    return XyzClass.Z


def value_classes(costs: Mapping[K, Decimal | int]) -> dict[K, str]:
    """ABC by value of a set of parts (one warehouse): A while the value before the part is under 80 %.

    Parts are ranked by 12-month cost of sales, highest first, ties by key; a
    part is A when the parts ranked above it make less than 80 % of the total
    (so the part that crosses 80 % is still A), B under 95 %, else C. A
    negative cost of sales (returns exceeding sales) counts as zero; without
    any value every part is C. Exact in ``Decimal``, as the close's SQL is in
    ``numeric``.
    """
    values = {key: max(Decimal(value), Decimal(0)) for key, value in costs.items()}
    total = sum(values.values(), Decimal(0))
    ranked = sorted(values, key=lambda key: (-values[key], key))
    result: dict[K, str] = {}
    before = Decimal(0)
    for key in ranked:
        if total > 0 and before < VALUE_A_SHARE * total:
            result[key] = ValueClass.A
        elif total > 0 and before < VALUE_B_SHARE * total:
            result[key] = ValueClass.B
        else:
            result[key] = ValueClass.C
        before += values[key]
    return result
