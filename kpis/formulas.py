"""The KPI formulas of DOMAIN.md as pure functions: numbers in, numbers out, no database.

Every function returns a float (a fraction in [0, 1] where the KPI is a
share), ``None`` where the denominator is zero (no demand, no stock, no
orders: the KPI is undefined, not zero), and raises ``ValueError`` on
negative quantities or inputs that do not fit together.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from decimal import Decimal

Number = int | float | Decimal

# Above this mean demand per reorder period the dealer method stops using
# Poisson and takes the simple coverage ratio (DOMAIN.md).
POISSON_LIMIT = 10


def _number(value: Number, name: str, *, signed: bool = False) -> float:
    # numbers.Real takes numpy's integer and float scalars alike (numpy.int64 is no int subclass);
    # bool is a Real too, and never a quantity.
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise ValueError(f"{name} must be a number, not {type(value).__name__}.")
    try:
        result = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number (got one too large for a float).") from None
    if math.isnan(result) or math.isinf(result):
        raise ValueError(f"{name} must be a finite number.")
    if result < 0 and not signed:
        raise ValueError(f"{name} cannot be negative (got {value}).")
    return result


def _share(part: Number, whole: Number, part_name: str, whole_name: str) -> float | None:
    numerator = _number(part, part_name)
    denominator = _number(whole, whole_name)
    if numerator > denominator:
        raise ValueError(f"{part_name} ({part}) cannot exceed {whole_name} ({whole}).")
    if denominator == 0:
        return None
    return numerator / denominator


def _finite(total: float, name: str) -> float:
    """A sum of finite numbers can still overflow to infinity; refuse it rather than divide by it."""
    if math.isinf(total) or math.isnan(total):
        raise ValueError(f"The sum of {name} is too large to compute.")
    return total


def _sum(values: list[float], name: str) -> float:
    try:
        return _finite(math.fsum(values), name)
    except OverflowError:
        raise ValueError(f"The sum of {name} is too large to compute.") from None


def _pairs(items: Iterable, name: str) -> list[tuple]:
    pairs = []
    for item in items:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ValueError(f"Each entry of {name} must be a pair, got {item!r}.")
        pairs.append(tuple(item))
    return pairs


def poisson_fill_rate(available: Number, mean_demand: Number) -> float:
    """P(X ≤ available) for X ~ Poisson(mean_demand): the chance stock covers the period's demand.

    Only whole units can be issued, so a fractional available quantity is rounded down.
    """
    stock = _number(available, "available")
    mean = _number(mean_demand, "mean_demand")
    if mean == 0:
        return 1.0
    # Imported here: scipy.stats takes about a second to import, and the month-end close (which
    # imports this module for its ratios, the fill rate being SQL there) never needs it.
    from scipy.stats import poisson

    return float(poisson.cdf(math.floor(stock), mean))


def issued_demand(net_issued: Number) -> float:
    """A pair's issued demand over a window from the window's net issued quantity.

    A reversal undoes its original issue (DOMAIN.md); when the original lies
    before the window, the window's net can fall below zero. Demand that was
    undone is no demand: zero, never negative. The close's SQL applies the
    same rule (``GREATEST(issued, 0)``).
    """
    return max(0.0, _number(net_issued, "net_issued", signed=True))


def part_fill_rate(available: Number, demand_12m: Number, reorder_period_months: Number) -> float | None:
    """The dealer method: λ = 12-month issued quantity / (12 / reorder period).

    λ ≤ 10: Poisson; λ > 10: min(1, available / (λ + 10)). ``None`` when the
    reorder period is zero (there is no period to cover).
    """
    stock = _number(available, "available")
    demand = _number(demand_12m, "demand_12m")
    period = _number(reorder_period_months, "reorder_period_months")
    if period == 0:
        return None
    mean = _finite(demand / (12 / period), "mean demand per reorder period")
    if mean <= POISSON_LIMIT:
        return poisson_fill_rate(stock, mean)
    return min(1.0, stock / (mean + POISSON_LIMIT))


def overall_fill_rate(parts: Iterable[tuple[Number, Number]]) -> float | None:
    """Σ(part fill rate × part hits) / Σ(hits): parts that are asked for more weigh more."""
    weighted = 0.0
    hits_total = 0.0
    for fill_rate, hits in _pairs(parts, "parts"):
        rate = _number(fill_rate, "fill_rate")
        if rate > 1:
            raise ValueError(f"A fill rate is a share in [0, 1], got {fill_rate}.")
        count = _number(hits, "hits")
        weighted += rate * count
        hits_total += count
    _finite(weighted, "fill rate × hits")
    if _finite(hits_total, "hits") == 0:
        return None
    return min(1.0, weighted / hits_total)


def turnover(cost_of_sales: Sequence[Number], month_end_values: Sequence[Number]) -> float | None:
    """Cost of sales over the months / average month-end inventory value (a plain number, not a share)."""
    if len(cost_of_sales) != len(month_end_values):
        raise ValueError(
            f"Turnover needs one month-end value per month of cost of sales "
            f"({len(cost_of_sales)} costs, {len(month_end_values)} values)."
        )
    costs = [_number(value, "cost_of_sales") for value in cost_of_sales]
    values = [_number(value, "month_end_values") for value in month_end_values]
    if not values:
        return None
    average = _sum(values, "month_end_values") / len(values)
    if average == 0:
        return None
    return _finite(_sum(costs, "cost_of_sales") / average, "turnover")


def first_pick_availability(lines: Iterable[tuple[Number, Number]]) -> float | None:
    """Mean over request lines of min(1, supplied at once / requested): half a line counts 0.5."""
    total = 0.0
    count = 0
    for requested, supplied in _pairs(lines, "lines"):
        asked = _number(requested, "requested")
        given = _number(supplied, "supplied_at_once")
        if asked == 0:
            raise ValueError("A request line asks for a positive quantity.")
        total += min(1.0, given / asked)
        count += 1
    if count == 0:
        return None
    return total / count


def daily_instant_fill_rate(requested: Number, supplied_at_once: Number) -> float | None:
    """Quantity supplied at once that day / quantity requested that day."""
    return _share(supplied_at_once, requested, "supplied_at_once", "requested")


def target_achievement(daily_rates: Iterable[Number | None], target: Number, calendar_days: int) -> float | None:
    """(Calendar days − days that missed the target) / calendar days (DOMAIN.md).

    ``daily_rates`` holds the instant fill rate of each day with demand (a
    day without demand may also be given as ``None``); a day without demand
    has not missed the target, so a quiet Sunday counts as met. ``None`` for
    a period without days.
    """
    goal = _number(target, "target")
    if goal > 1:
        raise ValueError(f"The target is a share in [0, 1], got {target}.")
    if isinstance(calendar_days, bool) or not isinstance(calendar_days, numbers.Integral) or calendar_days < 0:
        raise ValueError(f"calendar_days must be a whole number of days, not {calendar_days!r}.")
    rates = list(daily_rates)
    if len(rates) > calendar_days:
        raise ValueError(f"{len(rates)} daily rates do not fit in {calendar_days} calendar days.")
    missed = 0
    for rate in rates:
        if rate is None:
            continue
        value = _number(rate, "daily rate")
        if value > 1:
            raise ValueError(f"A daily fill rate is a share in [0, 1], got {rate}.")
        missed += value < goal
    if calendar_days == 0:
        return None
    return (int(calendar_days) - missed) / int(calendar_days)


def emergency_order_ratio(emergency: Number, total: Number) -> float | None:
    """Emergency order lines (or their value) / all order lines (or all value)."""
    return _share(emergency, total, "emergency", "total")


def dead_stock_ratio(c0_value: Number, total_value: Number) -> float | None:
    """Value of C0 (dead) stock / value of all stock."""
    return _share(c0_value, total_value, "c0_value", "total_value")


def sales_per_repair_order(parts_sales: Number, repair_orders: Number) -> float | None:
    """Parts sales value / number of repair orders (money, not a share)."""
    sales = _number(parts_sales, "parts_sales")
    orders = _number(repair_orders, "repair_orders")
    if orders == 0:
        return None
    return _finite(sales / orders, "sales per repair order")
