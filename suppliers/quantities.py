"""Order quantities in the supplier's purchase unit, and its conversion to stock units (pure, no ORM).

A supplier part may be sold in a purchase unit (a box of 10 pieces, a drum
of 208 l) of ``factor`` stock units. An order line is counted in that unit;
the ledger counts stock units. The conversion is exact Decimal arithmetic:
``stock = purchase × factor`` and back, and a receipt's value is
``purchase quantity × price per purchase unit``, never a rounded cost per
stock unit multiplied back.

The minimum order quantity and the pack size are the supplier's terms, in
its purchase unit; ``check_order_quantity`` holds an order to them and to
whole purchase units, and ``purchase_quantity_for_need`` turns a need in
stock units into what to order (rounded up).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from inventory.rounding import COST_PLACES, QTY_PLACES

WARN = "warn"
ROUND = "round"
ONE = Decimal(1)


@dataclass(frozen=True)
class QuantityCheck:
    """The quantity to order and, when the supplier's terms were not met, what was wrong.

    ``problems`` are (code, figure) pairs with code "moq", "pack" or "whole" and ``original`` is the
    quantity asked for: ``suppliers.services.orders.order_quantity_note`` words them in the reader's
    language (a pure module has no reader).
    """

    quantity: Decimal
    problems: tuple[tuple[str, Decimal | None], ...] = ()
    original: Decimal | None = None
    rounded: bool = False


def to_stock_units(purchase_quantity: Decimal, factor: Decimal) -> Decimal:
    """Stock units in ``purchase_quantity`` purchase units of ``factor`` each: exact."""
    return purchase_quantity * factor


def in_purchase_units(stock_quantity: Decimal, factor: Decimal) -> Decimal:
    """A stock quantity counted in purchase units (exact for quantities that came from whole purchase units)."""
    if factor == ONE:
        return stock_quantity
    quotient = stock_quantity / factor
    # 20.000 / 10 is 2.000 by Decimal's rules; show it as 2 when it is whole, keep fractions as they are.
    return quotient.quantize(ONE) if quotient == quotient.to_integral_value() else quotient.normalize()


def receipt_value(purchase_quantity: Decimal, price: Decimal) -> Decimal:
    """What a receipt adds to stock value: purchase quantity × price per purchase unit, to the ledger's 4 places.

    Exact for whole purchase units (a price has 4 places); the cost per stock
    unit (``stock_unit_cost``) may not divide, so it is never multiplied back.
    """
    return (purchase_quantity * price).quantize(COST_PLACES, rounding=ROUND_HALF_UP)


def stock_unit_cost(price: Decimal, factor: Decimal) -> Decimal:
    """Price per stock unit (price per purchase unit ÷ factor), to the ledger's 4 places, half up."""
    return (price / factor).quantize(COST_PLACES, rounding=ROUND_HALF_UP)


def fits_stock_places(stock_quantity: Decimal) -> bool:
    return stock_quantity == stock_quantity.quantize(QTY_PLACES)


def check_order_quantity(
    quantity: Decimal,
    *,
    min_order_qty: Decimal | None,
    pack_size: Decimal | None,
    rule: str = WARN,
    whole: bool = False,
) -> QuantityCheck:
    """Check a quantity (in the order unit) against MOQ, pack size and, for a ``whole`` unit, whole units.

    With ``rule="round"`` the quantity is raised to the minimum, then up to
    the next whole pack, then up to a whole unit; with ``"warn"`` it is kept.
    Either way the check lists what was wrong, and the order line's note is
    worded from it. (A fraction of a whole purchase unit never reaches here
    from an order screen: it is refused as bad input; planning's needs are
    rounded with ``round``.)
    """
    moq = min_order_qty or Decimal(0)
    pack = pack_size or Decimal(0)
    found: list[tuple[str, Decimal | None]] = []
    if moq and quantity < moq:
        found.append(("moq", moq))
    if pack and quantity % pack != 0:
        found.append(("pack", pack))
    if whole and quantity != quantity.to_integral_value():
        found.append(("whole", None))
    if not found:
        return QuantityCheck(quantity)
    if rule != ROUND:
        return QuantityCheck(quantity, tuple(found), quantity)
    rounded = max(quantity, moq)
    if pack:
        rounded = (rounded / pack).to_integral_value(rounding=ROUND_CEILING) * pack
    if whole:
        rounded = rounded.to_integral_value(rounding=ROUND_CEILING)
    return QuantityCheck(rounded, tuple(found), quantity, rounded=True)


def purchase_quantity_for_need(
    need: Decimal, *, factor: Decimal, min_order_qty: Decimal | None, pack_size: Decimal | None, whole: bool
) -> Decimal:
    """What to order, in purchase units, to cover ``need`` stock units: the same rounding as an order line.

    A need of 13 pieces from a box of 10 orders 2 boxes; never less than the
    need, the supplier's minimum and whole packs.
    """
    exact = need / factor
    if whole:
        exact = exact.to_integral_value(rounding=ROUND_CEILING)
    else:
        # a fractional purchase unit still orders enough: round up to the stock quantity's places
        exact = exact.quantize(QTY_PLACES, rounding=ROUND_CEILING)
    return check_order_quantity(
        exact, min_order_qty=min_order_qty, pack_size=pack_size, rule=ROUND, whole=whole
    ).quantity
