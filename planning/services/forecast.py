"""The forecast run: demand history in one query, every series forecast at once, rows written by COPY."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import FORECAST_UPDATED
from core.fastpath.rows import copy_rows
from core.services.events import event_publish, event_wanted
from inventory.models import DemandHit, Part, StockLevel, Warehouse
from inventory.months import add_months, month_start
from suppliers.selectors import supplier_list

from .. import forecasting
from ..copyio import copy_out
from ..exceptions import NotPermitted, PlanningError
from ..models import Forecast, ForecastError, KnownDemand, MethodChoice
from ..selectors import planning_settings_current, supplier_forecast

ZERO = Decimal("0")
_WH_BITS = 24  # pair key = part_id << 24 | warehouse_id


@dataclass(frozen=True)
class ForecastRunResult:
    series: int
    first_month: date
    error_month: date
    error_rows: int


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def demand_history(*, first_month: date, months: int, warehouse_ids=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(part_ids, warehouse_ids, y) for every stocked or demanded pair; y is (series, months) of quantity
    requested per month (lost demand included: it was demand), oldest first, ending the month before
    ``first_month``."""
    start = add_months(first_month, -months)
    hits = DemandHit._meta.db_table
    levels = StockLevel._meta.db_table
    scope_hits = scope_levels = ""
    params: list = [None, None, _aware(start), _aware(first_month)]
    if warehouse_ids is not None:
        scope_hits = "AND warehouse_id = ANY(%s)"
        scope_levels = "WHERE warehouse_id = ANY(%s)"
        params.append(list(warehouse_ids))
    # Raw lines, grouped by numpy: cheaper than a GROUP BY that sorts a million rows on disk.
    history = copy_out(
        f"SELECT part_id, warehouse_id, floor(EXTRACT(EPOCH FROM occurred_at))::bigint, quantity_requested "  # noqa: S608
        f"FROM {hits} WHERE occurred_at >= %s AND occurred_at < %s {scope_hits}",
        params[2:],
        columns=4,
    )
    bounds = np.array([_aware(add_months(start, i)).timestamp() for i in range(months + 1)])
    level_rows = copy_out(f"SELECT part_id, warehouse_id FROM {levels} {scope_levels}", params[4:] or None, columns=2)  # noqa: S608
    hit_part, hit_wh = history[:, 0].astype(np.int64), history[:, 1].astype(np.int64)
    hit_month, hit_qty = np.searchsorted(bounds, history[:, 2], side="right") - 1, history[:, 3]
    level_keys = (level_rows[:, 0].astype(np.int64) << _WH_BITS) | level_rows[:, 1].astype(np.int64)
    hit_keys = (hit_part << _WH_BITS) | hit_wh
    keys = np.union1d(level_keys, hit_keys)
    y = np.zeros((keys.size, months))
    np.add.at(y, (np.searchsorted(keys, hit_keys), hit_month), hit_qty)
    return keys >> _WH_BITS, keys & ((1 << _WH_BITS) - 1), y


def _nums(values: np.ndarray) -> list[float | None]:
    """Rounded to 4 places; NaN and infinity (no holdout, no demand) become NULL."""
    rounded = np.round(values, 4)
    return [v if math.isfinite(v) else None for v in rounded.tolist()]


def forecast_error_record(*, month: date) -> int:
    """Compare the forecasts made before ``month`` with the demand that came in it, per warehouse.

    Only forecasts whose first month is not after ``month`` count, so a
    forecast is never scored against history it was fitted on. Rerunning
    replaces the month's rows. Returns the number of warehouses recorded.
    """
    month = month_start(month)
    tz = timezone.get_current_timezone_name()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH f AS (
                SELECT f.part_id, f.warehouse_id, f.per_month + COALESCE(k.qty, 0) AS fc
                FROM {Forecast._meta.db_table} f
                LEFT JOIN (SELECT part_id, warehouse_id, SUM(quantity) qty FROM {KnownDemand._meta.db_table}
                           WHERE month = %(m)s GROUP BY 1, 2) k USING (part_id, warehouse_id)
                WHERE f.first_month <= %(m)s
            ), a AS (
                SELECT part_id, warehouse_id, SUM(quantity_requested) AS qty FROM {DemandHit._meta.db_table}
                WHERE occurred_at >= %(start)s AND occurred_at < %(end)s GROUP BY 1, 2
            )
            SELECT f.warehouse_id, COUNT(*), COUNT(*) FILTER (WHERE a.qty > 0), SUM(f.fc), COALESCE(SUM(a.qty), 0),
                   AVG(ABS(f.fc - a.qty) / a.qty) FILTER (WHERE a.qty > 0),
                   (SUM(f.fc) - COALESCE(SUM(a.qty), 0)) / NULLIF(SUM(a.qty), 0)
            FROM f LEFT JOIN a USING (part_id, warehouse_id)
            GROUP BY f.warehouse_id
            """,  # noqa: S608 - table names from the models
            {"m": month, "start": _aware(month), "end": _aware(add_months(month, 1)), "tz": tz},
        )
        rows = cursor.fetchall()
    now = timezone.now()
    with transaction.atomic():
        ForecastError.objects.filter(month=month).delete()
        ForecastError.objects.bulk_create(
            [
                ForecastError(
                    warehouse_id=wh,
                    month=month,
                    series=n,
                    series_with_demand=n_demand,
                    forecast_total=round(Decimal(fc_total), 4),
                    actual_total=round(Decimal(actual), 4),
                    mape=None if mape is None else round(Decimal(mape), 4),
                    bias=None if bias is None else round(Decimal(bias), 4),
                    computed_at=now,
                )
                for wh, n, n_demand, fc_total, actual, mape, bias in rows
            ]
        )
    return len(rows)


def forecast_run(*, today: date | None = None, warehouse_ids=None) -> ForecastRunResult:
    """Forecast every part-warehouse from its demand history; replaces the stored forecasts in scope.

    First records last month's forecast error (against the forecasts about
    to be replaced), then forecasts all series at once (numpy) and writes
    them with COPY.
    """
    cfg = planning_settings_current()
    first = month_start(today or timezone.localdate())
    error_rows = forecast_error_record(month=add_months(first, -1))
    months = cfg.history_months
    part_ids, wh_ids, y = demand_history(first_month=first, months=months, warehouse_ids=warehouse_ids)
    choice = forecasting.BY_HOLDOUT if cfg.method_choice == MethodChoice.HOLDOUT else forecasting.BY_PATTERN
    result = forecasting.forecast_all(y, choice=choice) if len(y) else None
    now = timezone.now()
    table = Forecast._meta.db_table
    columns = (
        "part_id, warehouse_id, first_month, per_month, std_per_month, method, pattern, adi, cv2, "
        "holdout_mae, holdout_mape, holdout_bias, history_months, computed_at"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if warehouse_ids is None:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        else:
            cursor.execute(f"DELETE FROM {table} WHERE warehouse_id = ANY(%s)", [list(warehouse_ids)])  # noqa: S608
        if result is not None:
            rate = np.round(result.rate, 4)
            std = np.round(result.std, 4)
            adi = np.where(np.isfinite(result.adi), np.round(result.adi, 4), np.nan)
            rows = zip(
                part_ids.tolist(),
                wh_ids.tolist(),
                [first] * len(rate),
                rate.tolist(),
                std.tolist(),
                result.method.tolist(),
                result.pattern.tolist(),
                [None if np.isnan(v) else v for v in adi.tolist()],
                np.round(result.cv2, 4).tolist(),
                _nums(result.mae),
                _nums(result.mape),
                _nums(result.bias),
                [months] * len(rate),
                [now] * len(rate),
                strict=True,
            )
            copy_rows(table, columns.split(", "), rows)
        _supplier_forecasts_publish(today=first)
    return ForecastRunResult(series=len(y), first_month=first, error_month=add_months(first, -1), error_rows=error_rows)


def _supplier_forecasts_publish(*, today: date) -> None:
    """Push each active supplier the forecast of its own parts (``forecast.updated``, the supplier
    portal's forecast as an event), for its own system's subscription; nothing when nobody wants it."""
    if not event_wanted(FORECAST_UPDATED):
        return
    for supplier in supplier_list(active_only=True).filter(supplier_parts__isnull=False).distinct():
        months, rows = supplier_forecast(supplier=supplier, today=today)
        event_publish(
            kind=FORECAST_UPDATED,
            supplier_id=supplier.pk,
            data={
                "supplier": supplier.code,
                "months": [month.isoformat() for month in months],
                "parts": [
                    {
                        "part": row.part.number,
                        "supplier_part_number": row.supplier_part_number,
                        "months": [str(quantity) for quantity in row.months],
                        "total": str(row.total),
                    }
                    for row in rows
                ],
            },
        )


# --- known future demand -----------------------------------------------------------------------


def _require_planner(user) -> None:
    from core.permissions import has_role
    from core.roles import Role

    if not has_role(user, Role.PLANNER, Role.MANAGER):
        raise NotPermitted(_("Only planners and managers change forecasts and stocking parameters."))


@transaction.atomic
def known_demand_add(
    *, part: Part, warehouse: Warehouse, month: date, quantity: Decimal, reason: str, user
) -> KnownDemand:
    """Add demand a planner knows is coming; it is added to the forecast for that month."""
    _require_planner(user)
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise PlanningError(_("Known demand must be more than zero."), field="quantity")
    if not (reason or "").strip():
        raise PlanningError(_("Say what the demand is for (a campaign, a service contract)."), field="reason")
    month = month_start(month)
    if month < month_start(timezone.localdate()):
        raise PlanningError(_("Known demand is for this month or a later one."), field="month")
    return KnownDemand.objects.create(
        part=part, warehouse=warehouse, month=month, quantity=quantity, reason=reason.strip(), created_by=user
    )


@transaction.atomic
def known_demand_remove(*, known: KnownDemand, user) -> None:
    _require_planner(user)
    known.delete()
