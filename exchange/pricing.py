"""The price a partner dealer pays for an offered part: pure arithmetic, no Django."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PERCENT_OF_COST = "percent_of_cost"
FIXED = "fixed"
RULES = (PERCENT_OF_COST, FIXED)
CENT = Decimal("0.01")


class PriceRuleError(ValueError):
    """A rule or value that gives no price."""


def offer_price(*, rule: str, value: Decimal, unit_cost: Decimal) -> Decimal:
    """The unit price of an offer, to the cent.

    ``percent_of_cost``: ``value`` per cent of today's average cost (60 sells at 60 % of cost, a
    planner clearing dead stock at a loss); ``fixed``: ``value`` itself.
    """
    if rule not in RULES:
        raise PriceRuleError(f"Unknown price rule {rule!r}.")
    if value is None or value < 0:
        raise PriceRuleError("A price rule's value is zero or more.")
    if rule == FIXED:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    if unit_cost < 0:
        raise PriceRuleError("The unit cost is zero or more.")
    return (Decimal(unit_cost) * Decimal(value) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
