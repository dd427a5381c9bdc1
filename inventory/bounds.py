"""The largest quantities and amounts the stock columns hold.

Quantities are ``numeric(14, 3)`` and costs ``numeric(14, 4)`` in PostgreSQL.
A typed or imported value above that must be refused with a readable message
before it reaches the database, where it would fail as a numeric overflow
(a 500), or before ``Decimal.quantize`` runs out of precision (also a 500).
"""

from __future__ import annotations

from collections.abc import Sized
from decimal import Decimal

from django.utils.translation import gettext as _

from core.limits import document_max_lines

from .exceptions import InventoryError
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


def check_line_count(lines: Sized, *, field: str = "lines", limit: int | None = None) -> None:
    """Refuse a list longer than the bound (``document_max_lines()`` unless ``limit`` is given)."""
    limit = document_max_lines() if limit is None else limit
    if len(lines) > limit:
        raise InventoryError(
            _("At most %(limit)s lines in one document (%(count)s were sent); split it into several.")
            % {"limit": format(limit, ","), "count": format(len(lines), ",")},
            field=field,
        )
