"""Writes to targets and thresholds (the admin edits them too; the API goes through here)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from inventory.models import Warehouse

from ..exceptions import KpiError
from ..models import Kpi, Target


@transaction.atomic
def target_set(
    *,
    kpi: str,
    class_key: str = "",
    warehouse: Warehouse | None = None,
    lower: Decimal | None,
    upper: Decimal | None,
    near_band: Decimal = Decimal(0),
) -> Target:
    """Create or replace the target band of a KPI (for one warehouse, or the default for all)."""
    if kpi not in Kpi.values:
        raise KpiError(f"'{kpi}' is not a KPI.", field="kpi")
    if lower is None and upper is None:
        raise KpiError("A target needs a lower or an upper bound (or both).", field="lower")
    if lower is not None and upper is not None and lower > upper:
        raise KpiError(f"The lower bound {lower} is above the upper bound {upper}.", field="lower")
    if near_band < 0:
        raise KpiError("The near band cannot be negative.", field="near_band")
    target, _ = Target.objects.select_for_update().update_or_create(
        kpi=kpi,
        class_key=class_key,
        warehouse=warehouse,
        defaults={"lower": lower, "upper": upper, "near_band": near_band},
    )
    return target
