"""The quantity rule every entry point applies: a finite number the column holds, with at most three
decimal places, and a whole number for a part counted in pieces (or any other whole unit).

Screens, imports, the API and the services (postings, orders, requests, limits, VMI
proposals) all read a quantity through ``quantity_checked``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .bounds import MAX_QUANTITY, too_large
from .exceptions import InvalidQuantity
from .models import Part

QTY_PLACES = Decimal("0.001")


def quantity_checked(part: Part, quantity, *, field: str = "quantity", zero_allowed: bool = False) -> Decimal:
    """``quantity`` as a Decimal, or ``InvalidQuantity`` naming ``field`` and saying what is wrong."""
    try:
        quantity = Decimal(quantity)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidQuantity("Enter the quantity as a number.", field=field) from None
    if not quantity.is_finite() or quantity < 0 or (quantity == 0 and not zero_allowed):
        message = "The quantity cannot be negative." if zero_allowed else "The quantity must be greater than zero."
        raise InvalidQuantity(message, field=field)
    if too_large(quantity, MAX_QUANTITY):
        raise InvalidQuantity(f"The quantity is too large (at most {MAX_QUANTITY:,}).", field=field)
    if quantity != quantity.quantize(QTY_PLACES):
        raise InvalidQuantity("Quantities have at most three decimal places.", field=field)
    if part.is_whole_unit and quantity != quantity.to_integral_value():
        raise InvalidQuantity(
            f"{part.number} is counted in whole {part.get_unit_display()}s; enter a whole number.", field=field
        )
    return quantity
