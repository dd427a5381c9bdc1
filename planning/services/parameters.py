"""Stocking parameters: computed for all part-warehouses at once; overridden one at a time by a planner.

The effective min / max (an active override, else the computed figure) is
written to the stock level through ``inventory.services.stock_level_set_limits``,
and only where it changed, so a nightly rerun touches few levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.fastpath.rows import copy_rows
from inventory import services as inventory_services
from inventory.models import LimitSource, Part, StockLevel, Warehouse
from inventory.services.limits import stock_level_set_limits_bulk

from .. import policy
from ..copyio import copy_out
from ..exceptions import PlanningError
from ..models import OVERRIDABLE, Forecast, StockingParameter
from ..selectors import best_supplier_parts, latest_classes, planning_settings_current
from .forecast import _require_planner

ZERO = Decimal("0")
_NEGATIVE = {
    "safety_stock": gettext_lazy("The safety stock cannot be negative."),
    "reorder_point": gettext_lazy("The reorder point cannot be negative."),
    "eoq": gettext_lazy("The EOQ cannot be negative."),
    "min_qty": gettext_lazy("The min qty cannot be negative."),
    "max_qty": gettext_lazy("The max qty cannot be negative."),
}
# Up to this many changed levels go through stock_level_set_limits one by one;
# a nightly run over the network uses the set-based bulk service instead.
SINGLE_WRITE_LIMIT = 200


@dataclass(frozen=True)
class ParametersResult:
    computed: int
    limits_written: int


def _q(value: float) -> float:
    return round(float(value), 3)


def parameters_compute(*, warehouse_ids=None, today: date | None = None) -> ParametersResult:
    """Compute safety stock, reorder point, EOQ, min and max for every forecast part-warehouse.

    Overrides and flags stay as the planner set them; only the computed
    columns are replaced. Then the effective min / max go to the levels.
    """
    cfg = planning_settings_current()
    where, params_sql = "", None
    if warehouse_ids is not None:
        where, params_sql = "WHERE warehouse_id = ANY(%s)", [list(warehouse_ids)]
    data = copy_out(
        f"SELECT part_id, warehouse_id, per_month, std_per_month FROM {Forecast._meta.db_table} {where}",  # noqa: S608
        params_sql,
        columns=4,
    )
    if not len(data):
        return ParametersResult(0, 0)
    part_ids, wh_ids = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64)
    rate, std = data[:, 2], data[:, 3]
    unique_parts = np.unique(part_ids).tolist()
    suppliers = best_supplier_parts(unique_parts)
    critical_ids = set(Part.objects.filter(pk__in=unique_parts, is_critical=True).values_list("pk", flat=True))
    classes = latest_classes(warehouse_ids=warehouse_ids)
    level_costs = copy_out(
        f"SELECT part_id, warehouse_id, average_cost FROM {StockLevel._meta.db_table} {where}",  # noqa: S608
        params_sql,
        columns=3,
    )
    costs = {(int(p), int(w)): c for p, w, c in level_costs.tolist()}
    on_demand = set(StockingParameter.objects.filter(order_on_demand=True).values_list("part_id", "warehouse_id"))
    level_by_class: dict[str, float] = {}

    n = len(data)
    lead = np.empty(n)
    pack = np.ones(n)
    moq = np.ones(n)
    cost = np.zeros(n)
    sl = np.empty(n)
    critical = np.zeros(n, dtype=bool)
    dont_stock = np.zeros(n, dtype=bool)
    class_codes = []
    for i in range(n):
        p, w = int(part_ids[i]), int(wh_ids[i])
        sp = suppliers.get(p)
        if sp is not None:
            lead[i] = sp.lead_time_days
            # the supplier's terms are per purchase unit; planning counts stock units
            pack[i] = float(sp.pack_size * sp.purchase_factor)
            moq[i] = float(sp.min_order_qty * sp.purchase_factor)
        else:
            lead[i] = cfg.default_lead_time_days
        unit_cost = costs.get((p, w), 0.0)
        cost[i] = unit_cost if unit_cost > 0 else (float(sp.stock_unit_price) if sp is not None else 0.0)
        code = classes.get((p, w), "")
        class_codes.append(code)
        if code not in level_by_class:
            level_by_class[code] = float(cfg.service_level_for(code))
        sl[i] = level_by_class[code]
        critical[i] = p in critical_ids
        dont_stock[i] = (p, w) in on_demand
    params = policy.stocking_parameters(
        rate=rate,
        std=std,
        lead_time_days=lead,
        service_level=sl,
        unit_cost=cost,
        ordering_cost=float(cfg.ordering_cost),
        holding_rate=float(cfg.holding_rate),
        pack_size=pack,
        min_order_qty=moq,
        critical=critical,
        critical_buffer=float(cfg.critical_buffer),
        order_on_demand=dont_stock,
    )
    now = timezone.now()
    table = StockingParameter._meta.db_table
    columns = (
        "part_id, warehouse_id, class_code, service_level, lead_time_days, forecast_per_month, safety_stock, "
        "reorder_point, eoq, min_qty, max_qty"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS planning_param_in")
        cursor.execute(
            f"CREATE TEMP TABLE planning_param_in ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
        )
        copy_rows(
            "planning_param_in",
            columns.split(", "),
            zip(
                part_ids.tolist(),
                wh_ids.tolist(),
                class_codes,
                np.round(sl, 4).tolist(),
                np.round(lead).astype(int).tolist(),
                np.round(rate, 4).tolist(),
                np.round(params.safety_stock, 3).tolist(),
                np.round(params.reorder_point, 3).tolist(),
                np.round(params.eoq, 3).tolist(),
                np.round(params.min_qty, 3).tolist(),
                np.round(params.max_qty, 3).tolist(),
                strict=True,
            ),
        )
        cursor.execute(
            f"""
            INSERT INTO {table} ({columns}, order_on_demand, is_vmi, override_reason, computed_at)
            SELECT {columns}, false, false, '', %s FROM planning_param_in
            ON CONFLICT (part_id, warehouse_id) DO UPDATE SET
                class_code = EXCLUDED.class_code, service_level = EXCLUDED.service_level,
                lead_time_days = EXCLUDED.lead_time_days, forecast_per_month = EXCLUDED.forecast_per_month,
                safety_stock = EXCLUDED.safety_stock, reorder_point = EXCLUDED.reorder_point, eoq = EXCLUDED.eoq,
                min_qty = EXCLUDED.min_qty, max_qty = EXCLUDED.max_qty, computed_at = EXCLUDED.computed_at
            """,  # noqa: S608
            [now],
        )
    written = limits_apply(warehouse_ids=warehouse_ids, today=today)
    return ParametersResult(computed=n, limits_written=written)


def _effective_limits_sql(where: str) -> str:
    active = "(p.override_reason <> '' AND (p.override_expires_on IS NULL OR p.override_expires_on >= %(today)s))"
    return f"""
        SELECT p.part_id, p.warehouse_id,
               CASE WHEN {active} AND p.override_min_qty IS NOT NULL THEN p.override_min_qty ELSE p.min_qty END,
               CASE WHEN {active} AND p.override_max_qty IS NOT NULL THEN p.override_max_qty ELSE p.max_qty END,
               l.min_qty, l.max_qty
        FROM {StockingParameter._meta.db_table} p
        LEFT JOIN {StockLevel._meta.db_table} l USING (part_id, warehouse_id)
        {where}
    """  # noqa: S608


def limits_apply(*, warehouse_ids=None, pairs=None, today: date | None = None) -> int:
    """Write each level's effective min / max where it differs; returns how many levels changed."""
    today = today or timezone.localdate()
    where = "WHERE true"
    params: dict[str, date | list[int]] = {"today": today}
    if warehouse_ids is not None:
        where += " AND p.warehouse_id = ANY(%(wh)s)"
        params["wh"] = list(warehouse_ids)
    if pairs is not None:
        where += " AND (p.part_id, p.warehouse_id) IN (SELECT * FROM unnest(%(pp)s::bigint[], %(pw)s::bigint[]))"
        params["pp"] = [p for p, _ in pairs]
        params["pw"] = [w for _, w in pairs]
    with connection.cursor() as cursor:
        cursor.execute(_effective_limits_sql(where), params)
        changed = [
            (p, w, mn, max(mx, mn))
            for p, w, mn, mx, level_min, level_max in cursor.fetchall()
            if level_min is None or (mn, max(mx, mn)) != (level_min, level_max)
        ]
    if not changed:
        return 0
    if len(changed) <= SINGLE_WRITE_LIMIT:
        # A planner's change: the per-level service, with its checks and history.
        parts = Part.objects.in_bulk({p for p, *_ in changed})
        warehouses = Warehouse.objects.in_bulk({w for _, w, *_ in changed})
        with transaction.atomic():
            for p, w, mn, mx in changed:
                inventory_services.stock_level_set_limits(
                    part=parts[p], warehouse=warehouses[w], min_qty=mn, max_qty=mx, source=LimitSource.PLANNING_RUN
                )
    else:
        for start in range(0, len(changed), 20000):
            stock_level_set_limits_bulk(limits=changed[start : start + 20000])
    return len(changed)


# --- planner's overrides and flags -------------------------------------------------------------


def _parameter_for(part: Part, warehouse: Warehouse) -> StockingParameter:
    cfg = planning_settings_current()
    param, _ = StockingParameter.objects.select_for_update().get_or_create(
        part=part,
        warehouse=warehouse,
        defaults={"service_level": cfg.service_level_default, "lead_time_days": cfg.default_lead_time_days},
    )
    return param


@transaction.atomic
def parameter_override_set(
    *,
    part: Part,
    warehouse: Warehouse,
    values: dict[str, Decimal | None],
    reason: str,
    user,
    expires_on: date | None = None,
) -> StockingParameter:
    """Override any of safety stock, reorder point, EOQ, min and max, with a reason and an optional expiry.

    Figures not named keep their current override (None clears one). The new
    min / max go to the stock level at once.
    """
    _require_planner(user)
    unknown = set(values) - set(OVERRIDABLE)
    if unknown:
        raise PlanningError(
            _("These cannot be overridden: %(unknown)s.") % {"unknown": ", ".join(sorted(unknown))}, field="values"
        )
    if not (reason or "").strip():
        raise PlanningError(_("An override needs a reason."), field="reason")
    if expires_on is not None and expires_on < timezone.localdate():
        raise PlanningError(_("The expiry date is in the past."), field="expires_on")
    checked = {}
    for name, value in values.items():
        if value is not None:
            value = Decimal(value)
            if value < 0:
                raise PlanningError(str(_NEGATIVE[name]), field=name)
        checked[name] = value
    param = _parameter_for(part, warehouse)
    for name, value in checked.items():
        setattr(param, f"override_{name}", value)
    mn = param.override_min_qty if param.override_min_qty is not None else param.min_qty
    mx = param.override_max_qty if param.override_max_qty is not None else param.max_qty
    if mx < mn:
        raise PlanningError(
            _("The maximum (%(mx)s) must be at least the minimum (%(mn)s).") % {"mx": mx, "mn": mn}, field="max_qty"
        )
    param.override_reason = reason.strip()
    param.override_expires_on = expires_on
    param.override_by = user
    param.override_at = timezone.now()
    param.save()
    limits_apply(pairs=[(part.pk, warehouse.pk)])
    return param


@transaction.atomic
def parameter_override_clear(*, parameter: StockingParameter, user) -> StockingParameter:
    """Back to the computed figures."""
    _require_planner(user)
    param = StockingParameter.objects.select_for_update().get(pk=parameter.pk)
    for name in OVERRIDABLE:
        setattr(param, f"override_{name}", None)
    param.override_reason = ""
    param.override_expires_on = None
    param.override_by = user
    param.override_at = timezone.now()
    param.save()
    limits_apply(pairs=[(param.part_id, param.warehouse_id)])
    return param


@transaction.atomic
def parameter_flags_set(
    *, part: Part, warehouse: Warehouse, user, order_on_demand: bool | None = None, is_vmi: bool | None = None
) -> StockingParameter:
    """Mark a part-warehouse as order-on-demand (keeps no stock) or vendor-managed.

    Order-on-demand takes effect on the stock level at once (min and max 0).
    """
    _require_planner(user)
    param = _parameter_for(part, warehouse)
    if order_on_demand is not None:
        param.order_on_demand = order_on_demand
        if order_on_demand:
            for name in OVERRIDABLE:
                setattr(param, name, ZERO)
    if is_vmi is not None:
        param.is_vmi = is_vmi
    param.save()
    limits_apply(pairs=[(part.pk, warehouse.pk)])
    return param
