"""The ledger's decimal places and its one rounding of money (pure: imports no Django).

Quantities carry 3 places, values and unit costs 4, list and sales prices 2; money is
rounded half up. Every app takes these from here (``inventory.quantities`` re-exports
them), so a figure is rounded the same way wherever it is computed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

QTY_PLACES = Decimal("0.001")
MONEY_PLACES = Decimal("0.0001")
COST_PLACES = Decimal("0.0001")  # unit costs and purchase prices (inventory.models.COST)
LIST_PRICE_PLACES = Decimal("0.01")  # list and sales prices (inventory.models.MONEY)


def money(amount: Decimal) -> Decimal:
    """A value or cost rounded half up to the ledger's 4 places."""
    return amount.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)
