"""Target status, pure: met inside the band, near within ``near_band`` of it, missed beyond."""

from __future__ import annotations

from decimal import Decimal

MET = "met"
NEAR = "near"
MISSED = "missed"
NONE = "none"
NO_DATA = "nodata"


def target_status(
    value: Decimal | float | None, lower: Decimal | None, upper: Decimal | None, near_band: Decimal
) -> str:
    """Status of a KPI value against a target band; ``none`` without a target, ``nodata`` without a value."""
    if lower is None and upper is None:
        return NONE
    if value is None:
        return NO_DATA
    value = Decimal(str(value))
    if near_band < 0:
        raise ValueError("The near band cannot be negative.")
    below = lower - value if lower is not None and value < lower else Decimal(0)
    above = value - upper if upper is not None and value > upper else Decimal(0)
    distance = max(below, above)
    if distance == 0:
        return MET
    if distance <= near_band:
        return NEAR
    return MISSED
