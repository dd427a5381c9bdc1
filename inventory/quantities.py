"""Quantity and money rounding, and the surplus a warehouse can give: one definition each, pure.

Quantities are kept to 3 decimal places and money (costs, values) to 4, as
the ledger's columns are (``inventory.models.QTY`` / ``VALUE``); parts in
whole units (``Part.is_whole_unit``) move in whole numbers only. Every app
may import this module; it imports nothing of ours at import time.

``quantity_checked`` is the quantity rule every entry point applies (screens, imports, the
API, postings, orders, requests, limits, VMI proposals): a finite number the column holds, with
at most three decimal places, and a whole number for a part counted in whole units.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

# The places and money's rounding live in the pure .rounding; imported from here by the apps.
from .rounding import COST_PLACES, LIST_PRICE_PLACES, MONEY_PLACES, QTY_PLACES, money  # noqa: F401

if TYPE_CHECKING:
    from .models import Part

ZERO = Decimal("0")


def has_quantity_places(quantity: Decimal) -> bool:
    """Whether a quantity fits the ledger's 3 decimal places exactly."""
    return quantity == quantity.quantize(QTY_PLACES)


def has_money_places(amount: Decimal) -> bool:
    return amount == amount.quantize(MONEY_PLACES)


def whole_units(quantity: Decimal, *, is_whole_unit: bool) -> Decimal:
    """What can be moved of ``quantity``: rounded down to whole units where the part only comes whole.

    Never negative: a shortfall moves nothing.
    """
    if quantity <= 0:
        return ZERO
    return quantity.to_integral_value(rounding=ROUND_FLOOR) if is_whole_unit else quantity


def free_stock(*, on_hand: Decimal, reserved: Decimal, quarantined: Decimal, backordered: Decimal) -> Decimal:
    """Stock nobody has a claim on: on hand less what is reserved, frozen or owed to the warehouse's backorders."""
    return on_hand - reserved - quarantined - backordered


def surplus(*, free: Decimal, min_qty: Decimal, max_qty: Decimal) -> Decimal:
    """What a neighbour can give another warehouse: its free stock above its own maximum.

    Stock up to the maximum is the neighbour's own cycle stock; without a
    maximum (0) the minimum bounds what it keeps. Never negative.
    """
    keep = max_qty if max_qty > 0 else min_qty
    return max(free - keep, ZERO)


def spare_at_parent(*, free: Decimal, min_qty: Decimal) -> Decimal:
    """What a parent warehouse can give its children: its free stock above its own minimum. Never negative."""
    return max(free - min_qty, ZERO)


def quantity_checked(part: Part, quantity, *, field: str = "quantity", zero_allowed: bool = False) -> Decimal:
    """``quantity`` as a Decimal, or ``InvalidQuantity`` naming ``field`` and saying what is wrong."""
    from .bounds import MAX_QUANTITY, too_large
    from .exceptions import InvalidQuantity

    try:
        quantity = Decimal(quantity)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidQuantity(_("Enter the quantity as a number."), field=field) from None
    if not quantity.is_finite() or quantity < 0 or (quantity == 0 and not zero_allowed):
        message = (
            _("The quantity cannot be negative.") if zero_allowed else _("The quantity must be greater than zero.")
        )
        raise InvalidQuantity(message, field=field)
    if too_large(quantity, MAX_QUANTITY):
        raise InvalidQuantity(
            _("The quantity is too large (at most %(limit)s).") % {"limit": format(MAX_QUANTITY, ",")}, field=field
        )
    if quantity != quantity.quantize(QTY_PLACES):
        raise InvalidQuantity(_("Quantities have at most three decimal places."), field=field)
    if part.is_whole_unit and quantity != quantity.to_integral_value():
        raise InvalidQuantity(
            _("%(part)s is counted in whole %(unit)ss; enter a whole number.")
            % {"part": part.number, "unit": part.get_unit_display()},
            field=field,
        )
    return quantity
