"""The largest quantities and amounts the stock columns hold.

Quantities are ``numeric(14, 3)`` and costs ``numeric(14, 4)`` in PostgreSQL.
A typed or imported value above that must be refused with a readable message
before it reaches the database, where it would fail as a numeric overflow
(a 500), or before ``Decimal.quantize`` runs out of precision (also a 500).
"""

from __future__ import annotations

from decimal import Decimal

from .models import COST, MONEY, QTY


def _largest(spec: dict) -> Decimal:
    places = spec["decimal_places"]
    return Decimal(10) ** (spec["max_digits"] - places) - Decimal(1).scaleb(-places)


MAX_QUANTITY = _largest(QTY)  # 99,999,999,999.999
MAX_COST = _largest(COST)  # 9,999,999,999.9999
MAX_PRICE = _largest(MONEY)  # 9,999,999,999.99


def too_large(value: Decimal, limit: Decimal) -> bool:
    """True for a finite value whose size the column cannot hold (NaN and Infinity are checked elsewhere)."""
    return value.is_finite() and abs(value) > limit
