"""Reads of month-end results. Only rows of published runs are ever returned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from inventory.models import ClosedPeriod
from inventory.months import add_months

from .models import DemandMonth, Kpi, MonthClose, PartClass, Problem, Snapshot

PUBLISHED = {"run__is_published": True}

# KPIs shown as cards, in this order (distribution figures have their own table).
CARD_KPIS = [
    Kpi.FILL_RATE,
    Kpi.TURNOVER,
    Kpi.FIRST_PICK,
    Kpi.INSTANT_FILL,
    Kpi.TARGET_ACHIEVEMENT,
    Kpi.EMERGENCY_LINES,
    Kpi.EMERGENCY_VALUE,
    Kpi.EMERGENCY_A_SHARE,
    Kpi.DEAD_STOCK,
    Kpi.ZERO_STOCK,
    Kpi.BELOW_MIN,
    Kpi.OVER_MAX,
    Kpi.C_VALUE_GROWTH,
    Kpi.NC_SHARE_NEW,
    Kpi.NC_SHARE_ALL,
    Kpi.SALES_PER_RO,
    Kpi.SCRAP_RATE,
    Kpi.SUPPLIER_ON_TIME,
    Kpi.RECEIPT_DELAY,
    Kpi.RECORD_ACCURACY,
    Kpi.COUNT_VARIANCE,
    Kpi.FORECAST_MAPE,
    Kpi.FORECAST_BIAS,
    Kpi.STOCKED_ITEMS,
    Kpi.NEGATIVE_STOCK,
]
# KPIs that are money or counts; the rest are shares (shown as %) or turnover (a plain number).
MONEY_KPIS = {Kpi.SALES_PER_RO, Kpi.PARTS_SALES, Kpi.STOCK_VALUE, Kpi.COUNT_VARIANCE}
COUNT_KPIS = {Kpi.STOCKED_ITEMS, Kpi.ITEMS, Kpi.REPAIR_ORDERS, Kpi.NEGATIVE_STOCK}
PLAIN_KPIS = {Kpi.TURNOVER}
TREND_KPIS = [
    Kpi.FILL_RATE,
    Kpi.TURNOVER,
    Kpi.FIRST_PICK,
    Kpi.INSTANT_FILL,
    Kpi.DEAD_STOCK,
    Kpi.SALES_PER_RO,
    Kpi.EMERGENCY_LINES,
]
COMPARISON_KPIS = [
    Kpi.SALES_PER_RO,
    Kpi.FILL_RATE,
    Kpi.TURNOVER,
    Kpi.FIRST_PICK,
    Kpi.DEAD_STOCK,
    Kpi.STOCK_VALUE,
    Kpi.STOCKED_ITEMS,
]
CLASS_ORDER = ["A", "B", "C", "C0", "NA", "NB", "NC"]


def kpi_kind(kpi: str) -> str:
    if kpi in MONEY_KPIS:
        return "money"
    if kpi in COUNT_KPIS:
        return "count"
    if kpi in PLAIN_KPIS:
        return "number"
    return "share"


def closed_months() -> list[date]:
    return list(MonthClose.objects.filter(is_published=True).order_by("-month").values_list("month", flat=True))


def reopened_months() -> list[date]:
    """Months with published figures that a manager reopened and nobody has closed again, oldest first."""
    locked = ClosedPeriod.objects.values("month")
    return list(
        MonthClose.objects.filter(is_published=True)
        .exclude(month__in=locked)
        .order_by("month")
        .values_list("month", flat=True)
    )


def close_runs() -> QuerySet[MonthClose]:
    return MonthClose.objects.select_related("requested_by").order_by("-created_at", "-id")


def snapshots(*, month: date, warehouse_id: int | None) -> QuerySet[Snapshot]:
    """One month's KPIs for a warehouse, or for the network when ``warehouse_id`` is None."""
    rows = Snapshot.objects.filter(month=month, **PUBLISHED)
    return rows.filter(warehouse__isnull=True) if warehouse_id is None else rows.filter(warehouse_id=warehouse_id)


def cards(*, month: date, warehouse_id: int | None) -> list[Snapshot]:
    order: dict[str, int] = {kpi.value: index for index, kpi in enumerate(CARD_KPIS)}
    rows = [row for row in snapshots(month=month, warehouse_id=warehouse_id) if row.kpi in order]
    return sorted(rows, key=lambda row: (order[row.kpi], CLASS_ORDER.index(row.class_key) + 1 if row.class_key else 0))


def trends(*, month: date, warehouse_id: int | None, months: int = 24) -> dict:
    """24 months of each trend KPI (over all classes), with the target band, for the charts."""
    first = add_months(month, -(months - 1))
    labels = [add_months(first, offset) for offset in range(months)]
    rows = (
        Snapshot.objects.filter(month__gte=first, month__lte=month, class_key="", kpi__in=TREND_KPIS, **PUBLISHED)
        .filter(Q(warehouse__isnull=True) if warehouse_id is None else Q(warehouse_id=warehouse_id))
        .values_list("kpi", "month", "value", "target_lower", "target_upper")
    )
    series: dict[str, dict] = {
        kpi: {"label": Kpi(kpi).label, "kind": kpi_kind(kpi), "values": [None] * months, "lower": None, "upper": None}
        for kpi in TREND_KPIS
    }
    index = {label: position for position, label in enumerate(labels)}
    for kpi, when, value, lower, upper in rows:
        entry = series[kpi]
        entry["values"][index[when]] = float(value) if value is not None else None
        if when == month:
            entry["lower"] = float(lower) if lower is not None else None
            entry["upper"] = float(upper) if upper is not None else None
    return {"labels": [f"{label:%Y-%m}" for label in labels], "series": [series[kpi] for kpi in TREND_KPIS]}


@dataclass
class ClassShare:
    class_key: str
    items: int
    value: float
    items_share: float | None
    value_share: float | None


def class_distribution(*, month: date, warehouse_id: int | None) -> list[ClassShare]:
    rows = snapshots(month=month, warehouse_id=warehouse_id).filter(kpi__in=[Kpi.ITEMS, Kpi.STOCK_VALUE])
    figures = {(row.kpi, row.class_key): float(row.value or 0) for row in rows}
    total_items = figures.get((Kpi.ITEMS, ""), 0)
    total_value = figures.get((Kpi.STOCK_VALUE, ""), 0)
    return [
        ClassShare(
            class_key=key,
            items=int(figures.get((Kpi.ITEMS, key), 0)),
            value=figures.get((Kpi.STOCK_VALUE, key), 0),
            items_share=figures.get((Kpi.ITEMS, key), 0) / total_items if total_items else None,
            value_share=figures.get((Kpi.STOCK_VALUE, key), 0) / total_value if total_value else None,
        )
        for key in CLASS_ORDER
    ]


def comparison(*, month: date) -> dict[str, dict[int | None, Snapshot]]:
    """Warehouses side by side: KPI -> {warehouse id (None: network) -> snapshot}."""
    rows = Snapshot.objects.filter(month=month, class_key="", kpi__in=COMPARISON_KPIS, **PUBLISHED)
    table: dict[str, dict[int | None, Snapshot]] = {kpi: {} for kpi in COMPARISON_KPIS}
    for row in rows:
        table[row.kpi][row.warehouse_id] = row
    return table


# --- drill-down: the parts behind a KPI ------------------------------------------------


@dataclass(frozen=True)
class Drill:
    title: str
    source: str  # "classes" (PartClass rows) or "demand" (DemandMonth rows)
    default_sort: str
    classes: tuple[str, ...] = ()  # classes the KPI covers when no class is given


FILL_CLASSES = ("A", "B", "NA", "NB")
DRILLS: dict[str, Drill] = {
    Kpi.ZERO_STOCK: Drill("Items with no available stock", "classes", "value", FILL_CLASSES),
    Kpi.BELOW_MIN: Drill("Items below their minimum stock", "classes", "available", FILL_CLASSES),
    Kpi.OVER_MAX: Drill("Items over their maximum stock, by excess value", "classes", "-excess", FILL_CLASSES),
    Kpi.DEAD_STOCK: Drill("C0 (dead) parts by value", "classes", "-value", ("C0",)),
    Kpi.FILL_RATE: Drill("Parts by fill rate, lowest first", "classes", "fill_rate", FILL_CLASSES),
    Kpi.TURNOVER: Drill("Parts by stock value", "classes", "-value", ()),
    Kpi.C_VALUE_GROWTH: Drill("C parts by value", "classes", "-value", ("C",)),
    Kpi.NC_SHARE_NEW: Drill("NC parts by value", "classes", "-value", ("NC",)),
    Kpi.NC_SHARE_ALL: Drill("NC parts by value", "classes", "-value", ("NC",)),
    Kpi.SCRAP_RATE: Drill("Parts by stock value", "classes", "-value", ()),
    Kpi.FIRST_PICK: Drill("Parts not supplied in full at once", "demand", "-shortfall"),
    Kpi.INSTANT_FILL: Drill("Parts not supplied in full at once", "demand", "-shortfall"),
    Kpi.TARGET_ACHIEVEMENT: Drill("Parts not supplied in full at once", "demand", "-shortfall"),
}
CLASS_SORTS = {
    "part": "part__number_normalized",
    "warehouse": "warehouse__code",
    "class": "abc_class",
    "hits": "hits_12m",
    "on_hand": "on_hand",
    "available": "available",
    "min": "min_qty",
    "max": "max_qty",
    "value": "stock_value",
    "excess": "excess_value",
    "fill_rate": "fill_rate",
}
DEMAND_SORTS = {
    "part": "part__number_normalized",
    "warehouse": "warehouse__code",
    "hits": "hits",
    "requested": "quantity_requested",
    "supplied": "quantity_supplied",
    "shortfall": "shortfall",
}


def drilldown(
    *, kpi: str, class_key: str, month: date, warehouse_id: int | None, sort: str | None = None
) -> tuple[Drill, QuerySet]:
    """The parts behind one KPI of one month, sorted by a whitelisted column."""
    drill = DRILLS[kpi]
    rows: QuerySet
    if drill.source == "demand":
        rows = DemandMonth.objects.filter(month=month, **PUBLISHED, quantity_supplied__lt=F("quantity_requested"))
        rows = rows.annotate(shortfall=F("quantity_requested") - F("quantity_supplied"))
        sorts = DEMAND_SORTS
    else:
        class_rows: QuerySet[PartClass] = PartClass.objects.filter(month=month, **PUBLISHED)
        rows = class_rows
        classes = (class_key,) if class_key else drill.classes
        if classes:
            rows = rows.filter(abc_class__in=classes)
        if kpi == Kpi.ZERO_STOCK:
            rows = rows.filter(available__lte=0)
        elif kpi == Kpi.BELOW_MIN:
            rows = rows.filter(min_qty__gt=0, available__lt=F("min_qty"))
        elif kpi == Kpi.OVER_MAX:
            rows = rows.filter(excess_value__gt=0)
        elif kpi == Kpi.FILL_RATE:
            rows = rows.filter(fill_rate__lt=1)
        elif kpi in (Kpi.DEAD_STOCK, Kpi.C_VALUE_GROWTH, Kpi.NC_SHARE_NEW, Kpi.NC_SHARE_ALL, Kpi.TURNOVER):
            rows = rows.filter(stock_value__gt=0)
        sorts = CLASS_SORTS
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    sort = sort or drill.default_sort
    field = sorts.get(sort.lstrip("-")) or sorts[drill.default_sort.lstrip("-")]
    descending = sort.startswith("-") if sort.lstrip("-") in sorts else drill.default_sort.startswith("-")
    rows = rows.select_related("part", "warehouse").order_by(
        F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True), "part_id", "warehouse_id"
    )
    return drill, rows


def class_changes(*, month: date, warehouse_id: int | None = None) -> QuerySet[PartClass]:
    """Parts whose class this month differs from last month's (new entries show an empty previous class)."""
    rows = (
        PartClass.objects.filter(month=month, **PUBLISHED)
        .exclude(previous_class=F("abc_class"))
        .select_related("part", "warehouse")
        .order_by("warehouse__code", "part__number_normalized")
    )
    return rows if warehouse_id is None else rows.filter(warehouse_id=warehouse_id)


def part_classes(*, month: date | None = None, warehouse_id: int | None = None, part_id: int | None = None):
    rows = PartClass.objects.filter(**PUBLISHED).select_related("part", "warehouse")
    if month is not None:
        rows = rows.filter(month=month)
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    if part_id is not None:
        rows = rows.filter(part_id=part_id)
    return rows.order_by("-month", "warehouse__code", "part__number_normalized")


# --- ABC × XYZ matrix and problem parts ----------------------------------------------------

MATRIX_BASES = {"hits": ("abc_class", CLASS_ORDER), "value": ("value_class", ["A", "B", "C"])}
XYZ_ORDER = ["X", "Y", "Z", ""]  # "": no demand in 12 months (no variability to grade)


@dataclass(frozen=True)
class MatrixCell:
    abc: str
    xyz: str
    items: int
    value: Decimal
    cost_12m: Decimal


def abc_xyz_matrix(*, month: date, warehouse_id: int | None, basis: str = "hits") -> list[list[MatrixCell]]:
    """Items, stock value and 12-month cost of sales per ABC (by hits or by value) × XYZ cell, one query.

    Rows follow the ABC classes of ``basis``, columns X, Y, Z and no demand;
    every cell is there, empty ones with zeros.
    """
    field, order = MATRIX_BASES[basis]
    rows = PartClass.objects.filter(month=month, **PUBLISHED)
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    figures = {
        (row[field], row["xyz_class"]): row
        for row in rows.values(field, "xyz_class").annotate(
            items=Count("id"), value=Sum("stock_value"), cost_12m=Sum("cost_of_sales_12m")
        )
    }
    zero = Decimal(0)
    return [
        [
            MatrixCell(
                abc=abc,
                xyz=xyz,
                items=(figures.get((abc, xyz)) or {}).get("items", 0),
                value=(figures.get((abc, xyz)) or {}).get("value") or zero,
                cost_12m=(figures.get((abc, xyz)) or {}).get("cost_12m") or zero,
            )
            for xyz in XYZ_ORDER
        ]
        for abc in order
    ]


def matrix_cell(*, month: date, warehouse_id: int | None, basis: str, abc: str, xyz: str) -> QuerySet[PartClass]:
    """The parts of one matrix cell, by 12-month cost of sales, highest first."""
    field, _order = MATRIX_BASES[basis]
    rows = PartClass.objects.filter(month=month, **PUBLISHED, **{field: abc}, xyz_class=xyz)
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    return rows.select_related("part", "warehouse").order_by("-cost_of_sales_12m", "part_id", "warehouse_id")


def problem_parts(*, month: date, warehouse_id: int | None = None, problem: str = "") -> QuerySet[PartClass]:
    """The pairs the close found a problem with (``PartClass.problems``), optionally of one problem."""
    rows = PartClass.objects.filter(month=month, **PUBLISHED).exclude(problems="")
    if problem:
        rows = rows.filter(problems__regex=rf"(^| ){problem}( |$)")
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    return rows.select_related("part", "warehouse").order_by("warehouse__code", "part__number_normalized")


def problem_counts(*, month: date, warehouse_id: int | None = None) -> dict[str, int]:
    """How many pairs have each problem, every problem listed (0 when none)."""
    counts = dict.fromkeys(Problem.values, 0)
    for problems in problem_parts(month=month, warehouse_id=warehouse_id).values_list("problems", flat=True):
        for code in problems.split():
            counts[code] = counts.get(code, 0) + 1
    return counts
