"""Reads of month-end results. Only rows of published runs are ever returned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inventory.models import ClosedPeriod
from inventory.months import add_months, month_begins

from . import texts
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
    Kpi.EXCHANGE_DISPOSED,
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
MONEY_KPIS = {Kpi.SALES_PER_RO, Kpi.PARTS_SALES, Kpi.STOCK_VALUE, Kpi.COUNT_VARIANCE, Kpi.EXCHANGE_DISPOSED}
COUNT_KPIS = {Kpi.STOCKED_ITEMS, Kpi.ITEMS, Kpi.REPAIR_ORDERS, Kpi.NEGATIVE_STOCK}
PLAIN_KPIS = {Kpi.TURNOVER}
# Every card KPI has its 24-month chart on the dashboard; the PDF report draws these.
TREND_KPIS = CARD_KPIS
REPORT_TREND_KPIS = [
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


def trends(*, month: date, warehouse_id: int | None, months: int = 24, kpis: list | None = None) -> dict:
    """24 months of each trend KPI (over all classes) with each month's target band, for the charts."""
    kpis = kpis or TREND_KPIS
    first = add_months(month, -(months - 1))
    labels = [add_months(first, offset) for offset in range(months)]
    rows = (
        Snapshot.objects.filter(month__gte=first, month__lte=month, class_key="", kpi__in=kpis, **PUBLISHED)
        .filter(Q(warehouse__isnull=True) if warehouse_id is None else Q(warehouse_id=warehouse_id))
        .values_list("kpi", "month", "value", "target_lower", "target_upper")
    )

    def number(value):
        return float(value) if value is not None else None

    series: dict[str, dict] = {
        kpi: {
            "kpi": kpi.value,
            "label": texts.label(kpi),
            "kind": kpi_kind(kpi),
            "values": [None] * months,
            "lower": [None] * months,
            "upper": [None] * months,
        }
        for kpi in kpis
    }
    index = {label: position for position, label in enumerate(labels)}
    for kpi, when, value, lower, upper in rows:
        entry, position = series[kpi], index[when]
        entry["values"][position] = number(value)
        entry["lower"][position] = number(lower)
        entry["upper"][position] = number(upper)
    for entry in series.values():
        # Months closed before a target existed show the band in force at the latest month that had one.
        known = [i for i, v in enumerate(entry["values"]) if v is not None]
        if known:
            latest = known[-1]
            for bound in ("lower", "upper"):
                band = entry[bound][latest]
                entry[bound] = [band if v is None else v for v in entry[bound]]
    return {
        "labels": [f"{label:%Y-%m}" for label in labels],
        "series": [series[kpi] for kpi in kpis if any(v is not None for v in series[kpi]["values"])],
    }


@dataclass
class Card:
    """One KPI on the dashboard: the figure over all classes, the class figures, last month's figure."""

    kpi: str
    label: str
    formula: str
    kind: str
    main: Snapshot | None
    classes: list[Snapshot]
    previous: Snapshot | None
    drillable: bool

    @property
    def change(self) -> float | None:
        if self.main is None or self.previous is None or self.main.value is None or self.previous.value is None:
            return None
        return float(self.main.value) - float(self.previous.value)


def card_groups(*, month: date, warehouse_id: int | None) -> list[tuple[str, str, list[Card]]]:
    """The cards in their groups (service, stock health, purchasing, accuracy), with last month beside; one query."""
    previous_month = add_months(month, -1)
    rows = (
        Snapshot.objects.filter(month__in=[month, previous_month], kpi__in=CARD_KPIS, **PUBLISHED)
        .filter(Q(warehouse__isnull=True) if warehouse_id is None else Q(warehouse_id=warehouse_id))
        .order_by("kpi", "class_key")
    )
    current: dict[str, dict[str, Snapshot]] = {}
    previous: dict[str, Snapshot] = {}
    for row in rows:
        if row.month == month:
            current.setdefault(row.kpi, {})[row.class_key] = row
        elif row.class_key == "":
            previous[row.kpi] = row
    groups = []
    for key, title, kpis in texts.GROUPS:
        cards = []
        for kpi in kpis:
            figures = current.get(kpi)
            if not figures:
                continue
            cards.append(
                Card(
                    kpi=kpi,
                    label=texts.label(kpi),
                    formula=texts.formula(kpi),
                    kind=kpi_kind(kpi),
                    main=figures.get(""),
                    classes=sorted(
                        (row for class_key, row in figures.items() if class_key),
                        key=lambda row: CLASS_ORDER.index(row.class_key) if row.class_key in CLASS_ORDER else 99,
                    ),
                    previous=previous.get(kpi),
                    drillable=kpi in DRILLS,
                )
            )
        if cards:
            groups.append((key, str(title), cards))
    return groups


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
    title: Promise
    # "classes" (PartClass rows), "demand" (DemandMonth rows), "orders" (emergency purchase order lines),
    # "receipts" (goods receipts posted late), "receipt_lines" (lines that arrived late), "counts" (count lines
    # with a difference)
    source: str
    default_sort: str
    classes: tuple[str, ...] = ()  # classes the KPI covers when no class is given


FILL_CLASSES = ("A", "B", "NA", "NB")
DRILLS: dict[str, Drill] = {
    Kpi.ZERO_STOCK: Drill(_("Items with no available stock"), "classes", "value", FILL_CLASSES),
    Kpi.BELOW_MIN: Drill(_("Items below their minimum stock"), "classes", "available", FILL_CLASSES),
    Kpi.OVER_MAX: Drill(_("Items over their maximum stock, by excess value"), "classes", "-excess", FILL_CLASSES),
    Kpi.DEAD_STOCK: Drill(_("C0 (dead) parts by value"), "classes", "-value", ("C0",)),
    Kpi.FILL_RATE: Drill(_("Parts by fill rate, lowest first"), "classes", "fill_rate", FILL_CLASSES),
    Kpi.TURNOVER: Drill(_("Parts by stock value"), "classes", "-value", ()),
    Kpi.C_VALUE_GROWTH: Drill(_("C parts by value"), "classes", "-value", ("C",)),
    Kpi.NC_SHARE_NEW: Drill(_("NC parts by value"), "classes", "-value", ("NC",)),
    Kpi.NC_SHARE_ALL: Drill(_("NC parts by value"), "classes", "-value", ("NC",)),
    Kpi.SCRAP_RATE: Drill(_("Parts by stock value"), "classes", "-value", ()),
    Kpi.FIRST_PICK: Drill(_("Parts not supplied in full at once"), "demand", "-shortfall"),
    Kpi.INSTANT_FILL: Drill(_("Parts not supplied in full at once"), "demand", "-shortfall"),
    Kpi.TARGET_ACHIEVEMENT: Drill(_("Parts not supplied in full at once"), "demand", "-shortfall"),
    Kpi.NEGATIVE_STOCK: Drill(_("Items with negative stock at month end"), "classes", "on_hand", ()),
    Kpi.STOCKED_ITEMS: Drill(_("Items with stock on hand"), "classes", "-value", ()),
    Kpi.EMERGENCY_LINES: Drill(_("Emergency order lines of the month"), "orders", "-created"),
    Kpi.EMERGENCY_VALUE: Drill(_("Emergency order lines of the month, by value"), "orders", "-value"),
    Kpi.EMERGENCY_A_SHARE: Drill(_("Emergency order lines for class A parts"), "orders", "-created", ("A",)),
    Kpi.RECEIPT_DELAY: Drill(_("Receipts posted more than 2 hours after arrival"), "receipts", "-delay"),
    Kpi.SUPPLIER_ON_TIME: Drill(_("Receipt lines that arrived after their due date"), "receipt_lines", "-late"),
    Kpi.RECORD_ACCURACY: Drill(_("Count lines with a difference"), "counts", "-value"),
    Kpi.COUNT_VARIANCE: Drill(_("Count lines with a difference, by value"), "counts", "-value"),
}
# How late a receipt may be posted and still count as prompt (DOMAIN.md: within 2 hours of arrival).
PROMPT_POSTING = timedelta(hours=2)
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
ORDER_SORTS = {
    "order": "order__number",
    "supplier": "order__supplier__code",
    "part": "part__number_normalized",
    "warehouse": "order__warehouse__code",
    "created": "order__created_at",
    "quantity": "quantity",
    "value": "line_value",
}
RECEIPT_SORTS = {
    "receipt": "number",
    "order": "purchase_order__number",
    "warehouse": "warehouse__code",
    "arrived": "arrived_at",
    "posted": "posted_at",
    "delay": "delay",
}
RECEIPT_LINE_SORTS = {
    "receipt": "receipt__number",
    "order": "po_line__order__number",
    "supplier": "po_line__order__supplier__code",
    "part": "part__number_normalized",
    "due": "due",
    "arrived": "receipt__arrived_at",
    "late": "late",
}
COUNT_SORTS = {
    "part": "part__number_normalized",
    "warehouse": "count_list__warehouse__code",
    "counted": "counted_at",
    "variance": "variance_qty",
    "value": "variance_abs",
}
DEMAND_SORTS = {
    "part": "part__number_normalized",
    "warehouse": "warehouse__code",
    "hits": "hits",
    "requested": "quantity_requested",
    "supplied": "quantity_supplied",
    "shortfall": "shortfall",
}


def _month_span(month: date) -> tuple:
    """The first instant of the month and of the next one, in the business's time zone."""
    return month_begins(month, settings.TIME_ZONE), month_begins(add_months(month, 1), settings.TIME_ZONE)


def _class_rows(kpi: str, drill: Drill, class_key: str, month: date) -> QuerySet:
    rows: QuerySet = PartClass.objects.filter(month=month, **PUBLISHED)
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
    elif kpi == Kpi.NEGATIVE_STOCK:
        rows = rows.filter(on_hand__lt=0)
    elif kpi == Kpi.STOCKED_ITEMS:
        rows = rows.filter(on_hand__gt=0)
    elif kpi in (Kpi.DEAD_STOCK, Kpi.C_VALUE_GROWTH, Kpi.NC_SHARE_NEW, Kpi.NC_SHARE_ALL, Kpi.TURNOVER):
        rows = rows.filter(stock_value__gt=0)
    return rows.select_related("part", "warehouse")


def _order_rows(drill: Drill, month: date, warehouse_id: int | None) -> QuerySet:
    """Emergency purchase order lines of orders made in the month (not drafts, not cancelled), as the KPI counts."""
    from suppliers import selectors as supplier_selectors
    from suppliers.models import OrderType, PurchaseOrderLine

    start, end = _month_span(month)
    rows = PurchaseOrderLine.objects.filter(
        order__created_at__gte=start, order__created_at__lt=end, order__order_type=OrderType.EMERGENCY
    ).exclude(order__state__in=["draft", "cancelled"])
    if drill.classes:
        rows = rows.filter(
            Exists(
                PartClass.objects.filter(
                    month=month,
                    **PUBLISHED,
                    part_id=OuterRef("part_id"),
                    warehouse_id=OuterRef("order__warehouse_id"),
                    abc_class__in=drill.classes,
                )
            )
        )
    if warehouse_id is not None:
        rows = rows.filter(order__warehouse_id=warehouse_id)
    return rows.annotate(line_value=supplier_selectors.line_value()).select_related(
        "part", "order", "order__supplier", "order__warehouse"
    )


def _receipt_rows(month: date, warehouse_id: int | None) -> QuerySet:
    """Receipts posted in the month more than two hours after the goods arrived."""
    from suppliers.models import GoodsReceipt

    start, end = _month_span(month)
    rows = GoodsReceipt.objects.annotate(
        delay=ExpressionWrapper(F("posted_at") - F("arrived_at"), output_field=DurationField())
    ).filter(posted_at__gte=start, posted_at__lt=end, delay__gt=PROMPT_POSTING)
    if warehouse_id is not None:
        rows = rows.filter(warehouse_id=warehouse_id)
    return rows.select_related("purchase_order", "purchase_order__supplier", "warehouse", "posted_by")


def _receipt_line_rows(month: date, warehouse_id: int | None) -> QuerySet:
    """Receipt lines posted in the month whose goods arrived after the promised (else the expected) date."""
    from suppliers.models import GoodsReceiptLine

    start, end = _month_span(month)
    rows = (
        GoodsReceiptLine.objects.filter(receipt__posted_at__gte=start, receipt__posted_at__lt=end)
        .annotate(due=Coalesce("po_line__promised_date", "po_line__order__expected_date"))
        .filter(due__isnull=False, receipt__arrived_at__date__gt=F("due"))
        .annotate(late=F("receipt__arrived_at__date") - F("due"))
    )
    if warehouse_id is not None:
        rows = rows.filter(receipt__warehouse_id=warehouse_id)
    return rows.select_related("part", "receipt", "po_line__order", "po_line__order__supplier", "receipt__warehouse")


def _count_rows(month: date, warehouse_id: int | None) -> QuerySet:
    from django.db.models.functions import Abs

    from counting.selectors import variance_lines_for_month

    rows = variance_lines_for_month(warehouse_id, month.year, month.month)
    return rows.annotate(variance_abs=Abs("variance_value")).select_related(
        "part", "bin", "count_list", "count_list__warehouse", "counted_by"
    )


SOURCE_SORTS = {
    "classes": CLASS_SORTS,
    "demand": DEMAND_SORTS,
    "orders": ORDER_SORTS,
    "receipts": RECEIPT_SORTS,
    "receipt_lines": RECEIPT_LINE_SORTS,
    "counts": COUNT_SORTS,
}
# The key that keeps the order stable between pages.
SOURCE_TIEBREAK = {
    "classes": ("part_id", "warehouse_id"),
    "demand": ("part_id", "warehouse_id"),
    "orders": ("order_id", "line_no"),
    "receipts": ("id",),
    "receipt_lines": ("receipt_id", "id"),
    "counts": ("id",),
}


def drilldown(
    *, kpi: str, class_key: str, month: date, warehouse_id: int | None, sort: str | None = None
) -> tuple[Drill, QuerySet]:
    """The parts or documents behind one KPI of one month, sorted by a whitelisted column."""
    drill = DRILLS[kpi]
    rows: QuerySet
    if drill.source == "demand":
        rows = DemandMonth.objects.filter(month=month, **PUBLISHED, quantity_supplied__lt=F("quantity_requested"))
        rows = rows.annotate(shortfall=F("quantity_requested") - F("quantity_supplied"))
        rows = rows.select_related("part", "warehouse")
    elif drill.source == "orders":
        rows = _order_rows(drill, month, None)
    elif drill.source == "receipts":
        rows = _receipt_rows(month, None)
    elif drill.source == "receipt_lines":
        rows = _receipt_line_rows(month, None)
    elif drill.source == "counts":
        rows = _count_rows(month, None)
    else:
        rows = _class_rows(kpi, drill, class_key, month)
    if warehouse_id is not None:
        scope = {
            "orders": "order__warehouse_id",
            "receipts": "warehouse_id",
            "receipt_lines": "receipt__warehouse_id",
            "counts": "count_list__warehouse_id",
        }.get(drill.source, "warehouse_id")
        rows = rows.filter(**{scope: warehouse_id})
    sorts = SOURCE_SORTS[drill.source]
    sort = sort or drill.default_sort
    field = sorts.get(sort.lstrip("-")) or sorts[drill.default_sort.lstrip("-")]
    descending = sort.startswith("-") if sort.lstrip("-") in sorts else drill.default_sort.startswith("-")
    rows = rows.order_by(
        F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True),
        *SOURCE_TIEBREAK[drill.source],
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
