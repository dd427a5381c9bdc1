"""Writes to targets and thresholds (the admin edits them too; the API goes through here)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from inventory.models import Warehouse

from ..exceptions import KpiError
from ..models import ClassThresholds, Kpi, Target


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
        raise KpiError(_("'%(kpi)s' is not a KPI.") % {"kpi": kpi}, field="kpi")
    if lower is None and upper is None:
        raise KpiError(_("A target needs a lower or an upper bound (or both)."), field="lower")
    if lower is not None and upper is not None and lower > upper:
        raise KpiError(
            _("The lower bound %(lower)s is above the upper bound %(upper)s.") % {"lower": lower, "upper": upper},
            field="lower",
        )
    if near_band < 0:
        raise KpiError(_("The near band cannot be negative."), field="near_band")
    target, _created = Target.objects.select_for_update().update_or_create(
        kpi=kpi,
        class_key=class_key,
        warehouse=warehouse,
        defaults={"lower": lower, "upper": upper, "near_band": near_band},
    )
    return target


THRESHOLD_FIELDS = (
    "a_min_hits",
    "b_min_hits",
    "new_part_months",
    "x_max_cv",
    "y_max_cv",
    "review_period_months",
    "lead_time_months",
)


@transaction.atomic
def thresholds_set(*, user, values: dict) -> ClassThresholds:
    """Change the classification thresholds and review cycle; every rule is checked before anything is written."""
    from django.utils.translation import gettext as _

    row = ClassThresholds.objects.select_for_update().get_or_create(pk=1)[0]
    merged = {name: values.get(name, getattr(row, name)) for name in THRESHOLD_FIELDS}
    if merged["b_min_hits"] < 1:
        raise KpiError(_("Class B needs at least 1 hit."), field="b_min_hits")
    if merged["a_min_hits"] <= merged["b_min_hits"]:
        raise KpiError(_("Class A needs more hits than class B."), field="a_min_hits")
    if merged["new_part_months"] < 1:
        raise KpiError(_("A part is new for at least 1 month."), field="new_part_months")
    if merged["x_max_cv"] < 0 or merged["y_max_cv"] < merged["x_max_cv"]:
        raise KpiError(
            _("The highest CV for Y must be at least the one for X, and neither negative."), field="y_max_cv"
        )
    if merged["review_period_months"] < 0 or merged["lead_time_months"] < 0:
        raise KpiError(_("Periods cannot be negative."), field="review_period_months")
    if merged["review_period_months"] + merged["lead_time_months"] <= 0:
        raise KpiError(_("Review period and lead time cannot both be zero."), field="review_period_months")
    for name, value in merged.items():
        setattr(row, name, value)
    row._history_user = user  # type: ignore[attr-defined]
    row.save()
    return row
