"""Step 4 of the close: every KPI per warehouse and for the network, with target and status.

PostgreSQL aggregates (GROUPING SETS give each warehouse and the network in
one pass); Python only divides a few dozen sums per warehouse with the
formulas of ``kpis.formulas`` and compares them with the targets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection

from inventory.models import DemandHit
from inventory.months import add_months, days_in_month
from suppliers.models import GoodsReceipt, PurchaseOrderLine

from .. import formulas
from ..models import Kpi, MonthClose, PartClass, Snapshot, StockMonthEnd, Target
from ..status import target_status
from .close import DEMAND_FIGURES_SQL, MONTH_HITS_SQL, _params, demand_figure_rows

Scope = int | None  # a warehouse id, or None for the network
STOCK_CLASSES = ("A", "B", "NA", "NB")
ALL_CLASSES = ("A", "B", "C", "C0", "NA", "NB", "NC")
FILL_RATE_CLASSES = ("A", "B", "NA", "NB")
DAILY_TARGET = Decimal("0.90")  # DOMAIN.md: instant fill rate ≥ 90 % a day, unless a target says otherwise


def _rows(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _table_exists(name: str) -> bool:
    return name in connection.introspection.table_names()


@dataclass
class Targets:
    """Targets by (kpi, class, warehouse); a warehouse's own row overrides the default (warehouse empty)."""

    rows: dict[tuple[str, str, int | None], Target]

    @classmethod
    def load(cls) -> Targets:
        return cls({(t.kpi, t.class_key, t.warehouse_id): t for t in Target.objects.all()})

    def get(self, kpi: str, class_key: str, scope: Scope) -> Target | None:
        return self.rows.get((kpi, class_key, scope)) or self.rows.get((kpi, class_key, None))


def _ratio(numerator, denominator) -> float | None:
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator)


def _summed(rows: list[dict], names: tuple[str, ...]) -> dict:
    """Column sums of aggregated rows, as SQL would sum their groups: NULL (None) where every row's is NULL."""
    total: dict = {}
    for name in names:
        values = [row[name] for row in rows if row[name] is not None]
        total[name] = sum(values) if values else None
    return total


CLASS_SUMS = (
    "items",
    "stocked",
    "value",
    "fill_weighted",
    "fill_hits",
    "cost_12m",
    "average_value",
    "zero_stock",
    "below_min",
    "excess_value",
)


def _class_figures(params: dict) -> dict[Scope, dict[str, dict]]:
    """Per warehouse and class: counts, values and the sums the shares and rates divide.

    A pair's month-end value counts at zero when the ledger has it negative
    (an issue back-dated before the receipt that covered it): stock that is
    not there has no value, and a negative one would offset other parts'
    stock in the stock value, dead stock and turnover. The same for its
    12-month average. The rows themselves keep the ledger's figures, and
    ``_stock_figures`` reports how many pairs were negative.

    The database groups by warehouse and class (a few dozen groups); the
    totals per warehouse, per class and for the network are summed here, as
    every figure is a count or a sum (exact: numeric sums arrive as Decimal).
    GROUPING SETS over the same rows sorted them again for each set: three
    times as long.
    """
    rows = _rows(
        f"""
        SELECT warehouse_id, abc_class,
               count(*) AS items, count(*) FILTER (WHERE on_hand > 0) AS stocked,
               sum(GREATEST(stock_value, 0)) AS value,
               sum(fill_rate * hits_12m) AS fill_weighted,
               sum(hits_12m) FILTER (WHERE fill_rate IS NOT NULL) AS fill_hits,
               sum(cost_of_sales_12m) AS cost_12m, sum(GREATEST(average_value_12m, 0)) AS average_value,
               count(*) FILTER (WHERE available <= 0) AS zero_stock,
               count(*) FILTER (WHERE min_qty > 0 AND available < min_qty) AS below_min,
               sum(excess_value) AS excess_value
        FROM {PartClass._meta.db_table}
        WHERE run_id = %(run)s
        GROUP BY warehouse_id, abc_class
        """,  # noqa: S608 - table names come from model meta, values are parameters
        params,
    )
    groups: dict[tuple[Scope, str], list[dict]] = defaultdict(list)
    for row in rows:
        for scope in (row["warehouse_id"], None):
            for key in (row["abc_class"], ""):
                groups[(scope, key)].append(row)
    figures: dict[Scope, dict[str, dict]] = defaultdict(dict)
    figures[None][""] = _summed([], CLASS_SUMS) | {"items": 0, "stocked": 0, "zero_stock": 0, "below_min": 0}
    for (scope, key), members in groups.items():
        figures[scope][key] = _summed(members, CLASS_SUMS)
    return figures


def _demand_rows(run: MonthClose, params: dict) -> list[dict]:
    """The demand step's figures kept on the run, with their numbers and days as the database gave them.

    A run without them (its demand step ran on a version that did not keep
    them) reads the month's hits again.
    """
    if run.demand_figures is None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH month AS MATERIALIZED ({MONTH_HITS_SQL.format(hit=DemandHit._meta.db_table)}) "
                f"{DEMAND_FIGURES_SQL}",
                params,
            )
            return demand_figure_rows(cursor)
    rows = []
    for stored in run.demand_figures:
        row = dict(stored)
        for name in ("sales", "first_pick", "requested", "supplied"):
            if row[name] is not None:
                row[name] = Decimal(row[name])
        if row["day"] is not None:
            row["day"] = date.fromisoformat(row["day"])
        rows.append(row)
    return rows


def _demand_figures(run: MonthClose, params: dict) -> tuple[dict[Scope, dict], dict[Scope, list[float | None]]]:
    """The month's demand per warehouse and for the network, and each day's instant fill rate.

    Summed by the demand step in its read of the month's hits
    (``DEMAND_FIGURES_SQL``); the network's daily rates are summed here from
    the warehouses' days.
    """
    demand: dict[Scope, dict] = {}
    rates: dict[Scope, list[float | None]] = defaultdict(list)
    network: dict = defaultdict(list)
    for row in _demand_rows(run, params):
        if row["day"] is None:
            demand[None if row["all_warehouses"] else row["warehouse_id"]] = row
            continue
        rates[row["warehouse_id"]].append(formulas.daily_instant_fill_rate(row["requested"], row["supplied"]))
        network[row["day"]].append(row)
    for day_rows in network.values():
        day = _summed(day_rows, ("requested", "supplied"))
        rates[None].append(formulas.daily_instant_fill_rate(day["requested"], day["supplied"]))
    return demand, rates


def _stock_figures(params: dict) -> dict[Scope, dict]:
    """Scrapped value, value sold through the exchange, and the pairs the ledger has negative at month end.

    The exchange's sales are summed per pair by the month-end stock step, in
    its scan of the ledger: read here again, the month's movements cost a
    visit to every page they are spread over.
    """
    rows = _rows(
        f"""
        SELECT warehouse_id, sum(scrap_value) AS scrap, count(*) FILTER (WHERE quantity < 0 OR value < 0) AS negative,
               sum(exchange_value) AS exchange_disposed
        FROM {StockMonthEnd._meta.db_table} WHERE run_id = %(run)s
        GROUP BY warehouse_id
        """,  # noqa: S608 - table names come from model meta, values are parameters
        params,
    )
    figures: dict[Scope, dict] = {row["warehouse_id"]: row for row in rows}
    figures[None] = _summed(rows, ("scrap", "negative", "exchange_disposed"))
    return figures


def _emergency_figures(params: dict) -> dict[Scope, dict[str, dict]]:
    """Order lines of the month's purchase orders (not drafts, not cancelled), split by the part's class."""
    from suppliers.models import PurchaseOrder, PurchaseOrderLine

    if not _table_exists(PurchaseOrderLine._meta.db_table):
        return {}
    rows = _rows(
        f"""
        SELECT o.warehouse_id, c.abc_class, GROUPING(o.warehouse_id) AS all_warehouses,
               GROUPING(c.abc_class) AS all_classes,
               count(*) AS lines, count(*) FILTER (WHERE o.order_type = 'emergency') AS emergency_lines,
               sum(l.quantity * l.price / l.purchase_factor) AS value,
               COALESCE(sum(l.quantity * l.price / l.purchase_factor) FILTER (WHERE o.order_type = 'emergency'), 0)
                   AS emergency_value
        FROM {PurchaseOrderLine._meta.db_table} l
        JOIN {PurchaseOrder._meta.db_table} o ON o.id = l.order_id
        LEFT JOIN {PartClass._meta.db_table} c
               ON c.run_id = %(run)s AND c.warehouse_id = o.warehouse_id AND c.part_id = l.part_id
        WHERE o.created_at >= %(start)s AND o.created_at < %(end)s AND o.state NOT IN ('draft', 'cancelled')
        GROUP BY GROUPING SETS ((o.warehouse_id, c.abc_class), (o.warehouse_id), (c.abc_class), ())
        """,  # noqa: S608 - table names come from model meta, values are parameters
        params,
    )
    figures: dict[Scope, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        scope = None if row["all_warehouses"] else row["warehouse_id"]
        key = "" if row["all_classes"] else (row["abc_class"] or "-")
        figures[scope][key] = row
    return figures


def _receipt_figures(params: dict) -> dict[Scope, dict]:
    """Receipts posted in the month: posted within 2 hours of arrival; lines arrived by their due date."""
    from suppliers.models import GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine

    if not _table_exists(GoodsReceiptLine._meta.db_table):
        return {}
    rows = _rows(
        f"""
        SELECT r.warehouse_id, GROUPING(r.warehouse_id) AS all_warehouses,
               count(DISTINCT r.id) AS receipts,
               count(DISTINCT r.id) FILTER (WHERE r.posted_at - r.arrived_at <= interval '2 hours') AS prompt,
               count(gl.id) FILTER (WHERE COALESCE(pl.promised_date, o.expected_date) IS NOT NULL) AS due_lines,
               count(gl.id) FILTER (
                   WHERE (r.arrived_at AT TIME ZONE %(tz)s)::date <= COALESCE(pl.promised_date, o.expected_date)
               ) AS on_time_lines
        FROM {GoodsReceipt._meta.db_table} r
        LEFT JOIN {GoodsReceiptLine._meta.db_table} gl ON gl.receipt_id = r.id
        LEFT JOIN {PurchaseOrderLine._meta.db_table} pl ON pl.id = gl.po_line_id
        LEFT JOIN {PurchaseOrder._meta.db_table} o ON o.id = pl.order_id
        WHERE r.posted_at >= %(start)s AND r.posted_at < %(end)s
        GROUP BY GROUPING SETS ((r.warehouse_id), ())
        """,  # noqa: S608 - table names come from model meta, values are parameters
        params,
    )
    return {None if row["all_warehouses"] else row["warehouse_id"]: row for row in rows}


def _accuracy_figures(run: MonthClose) -> dict[Scope, tuple[float | None, float]]:
    """(record accuracy, absolute variance value) per warehouse and for the network, from counting."""
    from counting.selectors import accuracy_by_warehouse, accuracy_for_month

    figures: dict[Scope, tuple[float | None, float]] = {}
    network = accuracy_for_month(None, run.month.year, run.month.month)
    if not network.lines_counted:
        return figures
    figures[None] = (
        _ratio(network.lines_without_variance, network.lines_counted),
        float(network.variance_value_abs or 0),
    )
    for warehouse, accuracy in accuracy_by_warehouse(run.month.year, run.month.month):
        figures[warehouse.pk] = (
            _ratio(accuracy.lines_without_variance, accuracy.lines_counted),
            float(accuracy.variance_value_abs or 0),
        )
    return figures


def _forecast_figures(run: MonthClose) -> dict[Scope, tuple[float | None, float | None]]:
    """(MAPE, bias) of the forecast made for this month, per warehouse, and actual-weighted for the network."""
    from planning.models import ForecastError

    figures: dict[Scope, tuple[float | None, float | None]] = {}
    weighted_mape = weight = deviation = actual = Decimal(0)
    for row in ForecastError.objects.filter(month=run.month):
        figures[row.warehouse_id] = (
            float(row.mape) if row.mape is not None else None,
            float(row.bias) if row.bias is not None else None,
        )
        if row.mape is not None:
            weighted_mape += row.mape * row.actual_total
            weight += row.actual_total
        deviation += row.forecast_total - row.actual_total
        actual += row.actual_total
    if figures:
        figures[None] = (_ratio(weighted_mape, weight), _ratio(deviation, actual))
    return figures


def _kpi_values(
    scope: Scope,
    classes: dict[str, dict],
    demand: dict | None,
    daily: list[float | None],
    stock: dict | None,
    emergency: dict[str, dict] | None,
    receipts: dict | None,
    c_value_last_year: Decimal | None,
    daily_target: Decimal,
    calendar_days: int,
) -> list[tuple[str, str, float | None]]:
    """(kpi, class, value) for one scope: the formulas of DOMAIN.md over the aggregated figures."""
    values: list[tuple[str, str, float | None]] = []
    overall = classes.get("", {})
    total_value = overall.get("value") or Decimal(0)

    def class_value(key: str) -> Decimal:
        return (classes.get(key) or {}).get("value") or Decimal(0)

    # Fill rate: overall over A, B, NA, NB (C excluded), and per class.
    values.append((Kpi.FILL_RATE, "", _ratio(overall.get("fill_weighted"), overall.get("fill_hits"))))
    for key in FILL_RATE_CLASSES:
        row = classes.get(key) or {}
        values.append((Kpi.FILL_RATE, key, _ratio(row.get("fill_weighted"), row.get("fill_hits"))))
    # Turnover: 12 months' cost of sales over the average of 12 month-end values.
    for key in ("", "A", "B"):
        row = classes.get(key) or {}
        values.append(
            (Kpi.TURNOVER, key, formulas.turnover([row.get("cost_12m") or 0], [row.get("average_value") or 0]))
        )
    # Dead stock and the C / NC value rules.
    values.append((Kpi.DEAD_STOCK, "", formulas.dead_stock_ratio(class_value("C0"), total_value)))
    values.append((Kpi.NC_SHARE_NEW, "", _ratio(class_value("NC"), class_value("NA") + class_value("NB"))))
    values.append((Kpi.NC_SHARE_ALL, "", formulas.dead_stock_ratio(class_value("NC"), total_value)))
    growth = None
    if c_value_last_year:
        growth = float(class_value("C")) / float(c_value_last_year) - 1
    values.append((Kpi.C_VALUE_GROWTH, "", growth))
    # Shares of items and value per class.
    for key in STOCK_CLASSES:
        row = classes.get(key) or {}
        values.append((Kpi.ZERO_STOCK, key, _ratio(row.get("zero_stock"), row.get("items"))))
        values.append((Kpi.BELOW_MIN, key, _ratio(row.get("below_min"), row.get("items"))))
        values.append((Kpi.OVER_MAX, key, _ratio(row.get("excess_value"), row.get("value"))))
    # Class distribution, stocked items, stock value, scrap.
    for key in ("", *ALL_CLASSES):
        row = classes.get(key) or {}
        values.append((Kpi.ITEMS, key, float(row.get("items") or 0)))
        values.append((Kpi.STOCK_VALUE, key, float(row.get("value") or 0)))
    values.append((Kpi.STOCKED_ITEMS, "", float(overall.get("stocked") or 0)))
    stock = stock or {}
    values.append((Kpi.SCRAP_RATE, "", _ratio(stock.get("scrap") or 0, total_value)))
    values.append((Kpi.EXCHANGE_DISPOSED, "", float(stock.get("exchange_disposed") or 0)))
    values.append((Kpi.NEGATIVE_STOCK, "", float(stock.get("negative") or 0)))
    # Demand of the month: first pick, instant fill, target achievement, sales per repair order.
    demand = demand or {}
    first_pick = demand.get("first_pick")
    values.append((Kpi.FIRST_PICK, "", float(first_pick) if first_pick is not None else None))
    values.append(
        (
            Kpi.INSTANT_FILL,
            "",
            formulas.daily_instant_fill_rate(demand.get("requested") or 0, demand.get("supplied") or 0),
        )
    )
    values.append(
        (Kpi.TARGET_ACHIEVEMENT, "", formulas.target_achievement(daily, daily_target, calendar_days=calendar_days))
    )
    values.append((Kpi.PARTS_SALES, "", float(demand.get("sales") or 0)))
    values.append((Kpi.REPAIR_ORDERS, "", float(demand.get("repair_orders") or 0)))
    values.append(
        (
            Kpi.SALES_PER_RO,
            "",
            formulas.sales_per_repair_order(demand.get("sales") or 0, demand.get("repair_orders") or 0),
        )
    )
    # Emergency orders, from purchasing.
    if emergency is not None:
        lines = emergency.get("") or {}
        values.append(
            (
                Kpi.EMERGENCY_LINES,
                "",
                formulas.emergency_order_ratio(lines.get("emergency_lines") or 0, lines.get("lines") or 0),
            )
        )
        values.append(
            (
                Kpi.EMERGENCY_VALUE,
                "",
                formulas.emergency_order_ratio(lines.get("emergency_value") or 0, lines.get("value") or 0),
            )
        )
        for key in ("A", "B", "C"):
            row = emergency.get(key) or {}
            values.append(
                (
                    Kpi.EMERGENCY_LINES,
                    key,
                    formulas.emergency_order_ratio(row.get("emergency_lines") or 0, row.get("lines") or 0),
                )
            )
            values.append(
                (
                    Kpi.EMERGENCY_VALUE,
                    key,
                    formulas.emergency_order_ratio(row.get("emergency_value") or 0, row.get("value") or 0),
                )
            )
        a_lines = (emergency.get("A") or {}).get("emergency_lines") or 0
        values.append(
            (Kpi.EMERGENCY_A_SHARE, "", formulas.emergency_order_ratio(a_lines, lines.get("emergency_lines") or 0))
        )
    if receipts is not None:
        receipts = receipts or {}
        values.append((Kpi.RECEIPT_DELAY, "", _ratio(receipts.get("prompt"), receipts.get("receipts"))))
        values.append((Kpi.SUPPLIER_ON_TIME, "", _ratio(receipts.get("on_time_lines"), receipts.get("due_lines"))))
    return values


def snapshot_rows(run: MonthClose) -> list[Snapshot]:
    """Unsaved snapshot rows of every KPI for every warehouse with results and for the network."""
    params = _params(run)
    classes = _class_figures(params)
    demand, daily = _demand_figures(run, params)
    stock = _stock_figures(params)
    emergency = _emergency_figures(params)
    has_purchasing = _table_exists(PurchaseOrderLine._meta.db_table)
    receipts = _receipt_figures(params)
    has_receipts = _table_exists(GoodsReceipt._meta.db_table)
    accuracy = _accuracy_figures(run)
    forecast = _forecast_figures(run)
    targets = Targets.load()
    calendar_days = days_in_month(run.month)
    last_year = {
        row.warehouse_id: row.value
        for row in Snapshot.objects.filter(
            month=add_months(run.month, -12), run__is_published=True, kpi=Kpi.STOCK_VALUE, class_key="C"
        )
    }
    scopes: set[Scope] = {None} | set(classes) | set(demand) | set(stock)
    rows = []
    for scope in sorted(scopes, key=lambda s: (s is not None, s or 0)):
        daily_goal = targets.get(Kpi.INSTANT_FILL, "", scope)
        values = _kpi_values(
            scope,
            classes.get(scope, {}),
            demand.get(scope),
            daily.get(scope, []),
            stock.get(scope),
            emergency.get(scope, {}) if has_purchasing else None,
            receipts.get(scope, {}) if has_receipts else None,
            last_year.get(scope),
            daily_goal.lower if daily_goal and daily_goal.lower is not None else DAILY_TARGET,
            calendar_days,
        )
        if scope in accuracy:
            values.append((Kpi.RECORD_ACCURACY, "", accuracy[scope][0]))
            values.append((Kpi.COUNT_VARIANCE, "", accuracy[scope][1]))
        if scope in forecast:
            values.append((Kpi.FORECAST_MAPE, "", forecast[scope][0]))
            values.append((Kpi.FORECAST_BIAS, "", forecast[scope][1]))
        for kpi, class_key, value in values:
            target = targets.get(kpi, class_key, scope)
            stored = None if value is None else Decimal(str(round(value, 6)))
            lower = target.lower if target else None
            upper = target.upper if target else None
            rows.append(
                Snapshot(
                    run=run,
                    month=run.month,
                    warehouse_id=scope,
                    kpi=kpi,
                    class_key=class_key,
                    value=stored,
                    target_lower=lower,
                    target_upper=upper,
                    status=target_status(stored, lower, upper, target.near_band if target else Decimal(0)),
                )
            )
    return rows
