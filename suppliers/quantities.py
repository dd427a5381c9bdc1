"""Order quantity rules against a supplier's minimum order quantity and pack size (pure, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

WARN = "warn"
ROUND = "round"


@dataclass(frozen=True)
class QuantityCheck:
    quantity: Decimal
    warning: str = ""


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def check_order_quantity(
    quantity: Decimal, *, min_order_qty: Decimal | None, pack_size: Decimal | None, rule: str = WARN
) -> QuantityCheck:
    """Check a quantity against MOQ and pack size.

    With ``rule="round"`` the quantity is raised to the minimum and then up
    to the next whole pack, and the note says so; with ``"warn"`` it is kept
    and the note says what is wrong.
    """
    moq = min_order_qty or Decimal(0)
    pack = pack_size or Decimal(0)
    problems = []
    if moq and quantity < moq:
        problems.append(f"below the minimum order quantity of {_fmt(moq)}")
    if pack and quantity % pack != 0:
        problems.append(f"not a multiple of the pack size {_fmt(pack)}")
    if not problems:
        return QuantityCheck(quantity)
    if rule != ROUND:
        return QuantityCheck(quantity, f"Quantity {_fmt(quantity)} is " + " and ".join(problems) + ".")
    rounded = max(quantity, moq)
    if pack:
        rounded = (rounded / pack).to_integral_value(rounding=ROUND_CEILING) * pack
    return QuantityCheck(rounded, f"Rounded from {_fmt(quantity)} to {_fmt(rounded)} (" + " and ".join(problems) + ").")
