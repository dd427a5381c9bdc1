"""Reads of the planning app: settings, sourcing choices, review lists, forecasts per part and per supplier."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from inventory.models import DemandHit, Part, StockLevel, Warehouse
from inventory.months import add_months, month_start
from suppliers.models import Supplier, SupplierPart, SupplierRating

from .forecasting import fitted_one_step
from .models import (
    Forecast,
    KnownDemand,
    MonthEndClass,
    PlanningSettings,
    ProposalState,
    ReplenishmentProposal,
    StockingParameter,
    VmiProposal,
)

ZERO = Decimal("0")
HORIZON = 12


def planning_settings_current() -> PlanningSettings:
    """The settings in force (the newest row); the defaults are stored the first time they are asked for."""
    current = PlanningSettings.objects.order_by("-id").first()
    return current or PlanningSettings.objects.create()


# --- sourcing ----------------------------------------------------------------------------------


RankingKey = tuple[bool, Decimal, Decimal, int, bool, str]


def supplier_ranking_key(
    *, score: Decimal | None, price: Decimal, lead_time_days: int, is_preferred: bool, code: str
) -> RankingKey:
    """Best first: highest rating score (unrated last), then lowest price, then shortest lead time;
    on a tie the preferred supplier wins."""
    return (score is None, -(score or ZERO), price, lead_time_days, not is_preferred, code)


def best_supplier_parts(part_ids) -> dict[int, SupplierPart]:
    """The supplier part to order each part from, ranked by ``supplier_ranking_key``; active suppliers only."""
    latest_score = Subquery(
        SupplierRating.objects.filter(supplier=OuterRef("supplier_id"), score__isnull=False)
        .order_by("-month")
        .values("score")[:1]
    )
    rows = (
        SupplierPart.objects.filter(part_id__in=list(part_ids), supplier__is_active=True)
        .select_related("supplier")
        .annotate(score=latest_score)
    )
    best: dict[int, SupplierPart] = {}
    best_key: dict[int, RankingKey] = {}
    for sp in rows:
        key = supplier_ranking_key(
            score=sp.score,
            price=sp.stock_unit_price,
            lead_time_days=sp.lead_time_days,
            is_preferred=sp.is_preferred,
            code=sp.supplier.code,
        )
        current = best_key.get(sp.part_id)
        if current is None or key < current:
            best_key[sp.part_id] = key
            best[sp.part_id] = sp
    return best


def latest_classes(*, warehouse_ids=None) -> dict[tuple[int, int], str]:
    """The class the last month-end close gave each (part, warehouse), as handed to planning.

    Without a close yet, the dict is empty and every part gets the default service level.
    """
    rows = MonthEndClass.objects.all()
    if warehouse_ids is not None:
        rows = rows.filter(warehouse_id__in=list(warehouse_ids))
    return {(p, w): c for p, w, c in rows.values_list("part_id", "warehouse_id", "class_code").iterator(10000)}


# --- review screen -----------------------------------------------------------------------------


def proposal_list(
    *, supplier_id: int | None = None, warehouse_id: int | None = None, class_code: str = "", state: str = "open"
) -> QuerySet[ReplenishmentProposal]:
    proposals = ReplenishmentProposal.objects.select_related("part", "warehouse", "from_warehouse", "supplier")
    if state:
        proposals = proposals.filter(state=state)
    if supplier_id:
        proposals = proposals.filter(supplier_id=supplier_id)
    if warehouse_id:
        proposals = proposals.filter(warehouse_id=warehouse_id)
    if class_code:
        proposals = proposals.filter(class_code=class_code)
    return proposals.order_by("warehouse__code", "part__number_normalized", "id")


def proposal_filter_choices() -> dict:
    open_rows = ReplenishmentProposal.objects.filter(state=ProposalState.OPEN)
    return {
        "suppliers": Supplier.objects.filter(pk__in=open_rows.values("supplier_id")).order_by("code"),
        "warehouses": Warehouse.objects.filter(pk__in=open_rows.values("warehouse_id")).order_by("code"),
        # order_by() first: the model's ordering would make DISTINCT keep one row per proposal.
        "classes": [c for c in open_rows.order_by("class_code").values_list("class_code", flat=True).distinct() if c],
    }


# --- forecasts ---------------------------------------------------------------------------------


@dataclass
class MonthFigure:
    month: date
    statistical: Decimal
    known: Decimal

    @property
    def total(self) -> Decimal:
        return self.statistical + self.known


@dataclass
class PartForecast:
    part: Part
    warehouse: Warehouse
    forecast: Forecast | None
    parameter: StockingParameter | None
    level: StockLevel | None
    months: list[MonthFigure] = field(default_factory=list)
    known: list[KnownDemand] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((m.total for m in self.months), ZERO)


def _first_month(today: date | None = None) -> date:
    return month_start(today or timezone.localdate())


def part_forecasts(*, part: Part, today: date | None = None) -> list[PartForecast]:
    """The part's forecast in every warehouse that has one (or known demand), month by month."""
    first = _first_month(today)
    months = [add_months(first, i) for i in range(HORIZON)]
    forecasts = {f.warehouse_id: f for f in Forecast.objects.filter(part=part)}
    params = {p.warehouse_id: p for p in StockingParameter.objects.filter(part=part)}
    levels = {lv.warehouse_id: lv for lv in StockLevel.objects.filter(part=part)}
    known_rows = list(
        KnownDemand.objects.filter(part=part, month__gte=first, month__lte=months[-1]).select_related("created_by")
    )
    known_by = defaultdict(list)
    for row in known_rows:
        known_by[row.warehouse_id].append(row)
    warehouse_ids = set(forecasts) | set(known_by)
    result = []
    for warehouse in Warehouse.objects.filter(pk__in=warehouse_ids).order_by("code"):
        fc = forecasts.get(warehouse.pk)
        rate = fc.per_month if fc else ZERO
        known_month: defaultdict[date, Decimal] = defaultdict(lambda: ZERO)
        for row in known_by[warehouse.pk]:
            known_month[row.month] += row.quantity
        result.append(
            PartForecast(
                part=part,
                warehouse=warehouse,
                forecast=fc,
                parameter=params.get(warehouse.pk),
                level=levels.get(warehouse.pk),
                months=[MonthFigure(m, rate, known_month[m]) for m in months],
                known=known_by[warehouse.pk],
            )
        )
    return result


@dataclass
class ForecastPart:
    """What the supplier's forecast shows of a part (read as plain values: a range holds thousands)."""

    pk: int
    number: str
    description: str


@dataclass
class SupplierForecastRow:
    part: ForecastPart
    supplier_part_number: str
    months: list[Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.months, ZERO)


def supplier_forecast(*, supplier: Supplier, today: date | None = None) -> tuple[list[date], list[SupplierForecastRow]]:
    """Forecast demand of the supplier's own parts, summed over warehouses, for the next 12 months.

    Only parts the supplier sells (its supplier parts) appear. Two queries
    plus one for the known demand, whatever the number of parts.
    """
    first = _first_month(today)
    months = [add_months(first, i) for i in range(HORIZON)]
    sps = list(
        SupplierPart.objects.filter(supplier=supplier)
        .order_by("part__number_normalized")
        .values_list("part_id", "part__number", "part__description", "supplier_part_number")
    )
    part_ids = [part_id for part_id, *_ in sps]
    rates = dict(
        Forecast.objects.filter(part_id__in=part_ids)
        .values("part_id")
        .annotate(rate=Sum("per_month"))
        .values_list("part_id", "rate")
    )
    known: defaultdict[tuple[int, date], Decimal] = defaultdict(lambda: ZERO)
    with_known: set[int] = set()
    for part_id, month, quantity in (
        KnownDemand.objects.filter(part_id__in=part_ids, month__gte=first, month__lte=months[-1])
        .values("part_id", "month")
        .annotate(q=Sum("quantity"))
        .values_list("part_id", "month", "q")
    ):
        known[(part_id, month)] += quantity
        with_known.add(part_id)
    cent = Decimal("0.01")
    rows = []
    for part_id, number, description, supplier_part_number in sps:
        rate = rates.get(part_id) or ZERO
        if part_id in with_known:
            figures = [(rate + known[(part_id, m)]).quantize(cent) for m in months]
        else:
            figures = [rate.quantize(cent)] * len(months)
        rows.append(
            SupplierForecastRow(
                part=ForecastPart(part_id, number, description),
                supplier_part_number=supplier_part_number,
                months=figures,
            )
        )
    return months, rows


# --- vendor-managed inventory ------------------------------------------------------------------


@dataclass
class VmiPosition:
    parameter: StockingParameter
    level: StockLevel | None
    forecast_per_month: Decimal

    @property
    def projected(self) -> Decimal:
        lv = self.level
        if lv is None:
            return ZERO
        return lv.on_hand + lv.in_transit - lv.reserved - lv.backordered


def vmi_positions(*, supplier: Supplier) -> list[VmiPosition]:
    """Stock position of the supplier's VMI parts (parts it sells, flagged VMI), per warehouse."""
    part_ids = SupplierPart.objects.filter(supplier=supplier).values("part_id")
    params = list(
        StockingParameter.objects.filter(is_vmi=True, part_id__in=part_ids)
        .select_related("part", "warehouse")
        .order_by("warehouse__code", "part__number_normalized")
    )
    levels = {
        (lv.part_id, lv.warehouse_id): lv
        for lv in StockLevel.objects.filter(
            part_id__in=[p.part_id for p in params], warehouse_id__in={p.warehouse_id for p in params}
        )
    }
    return [
        VmiPosition(parameter=p, level=levels.get((p.part_id, p.warehouse_id)), forecast_per_month=p.forecast_per_month)
        for p in params
    ]


def vmi_proposal_list(*, supplier: Supplier | None = None, state: str = "") -> QuerySet[VmiProposal]:
    rows = VmiProposal.objects.select_related("supplier", "part", "warehouse", "purchase_order")
    if supplier is not None:
        rows = rows.filter(supplier=supplier)
    if state:
        rows = rows.filter(state=state)
    return rows


HISTORY_MONTHS = 24


def part_demand_history(
    *, part: Part, warehouse_ids: list[int], today: date | None = None, months: int = HISTORY_MONTHS
) -> tuple[list[date], dict[int, list[Decimal]]]:
    """Quantity requested per month (lost demand included) of a part in each warehouse, for the months
    before this one, oldest first: what the forecasts are fitted on."""
    first = _first_month(today)
    start = add_months(first, -months)
    month_list = [add_months(start, i) for i in range(months)]
    index = {month: i for i, month in enumerate(month_list)}
    series = {warehouse_id: [ZERO] * months for warehouse_id in warehouse_ids}
    rows = (
        DemandHit.objects.filter(
            part=part,
            warehouse_id__in=warehouse_ids,
            occurred_at__gte=_aware(start),
            occurred_at__lt=_aware(first),
        )
        .annotate(month=TruncMonth("occurred_at"))
        .values("warehouse_id", "month")
        .annotate(quantity=Sum("quantity_requested"))
    )
    for row in rows:
        position = index.get(timezone.localtime(row["month"]).date())
        if position is not None:
            series[row["warehouse_id"]][position] = row["quantity"]
    return month_list, series


def _aware(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


def forecast_chart(*, row: PartForecast, months: list[date], history: list[Decimal]) -> dict:
    """The chart of one warehouse's forecast: 24 months of demand with the method's fitted values,
    then 12 months ahead, statistical and with known demand on top."""
    method = row.forecast.method if row.forecast else ""
    fitted = fitted_one_step([float(q) for q in history], method) if method else [None] * len(history)
    ahead = [m.month for m in row.months]
    blanks_ahead, blanks_back = [None] * len(ahead), [None] * len(months)
    return {
        "labels": [f"{m:%Y-%m}" for m in [*months, *ahead]],
        "actual": [float(q) for q in history] + blanks_ahead,
        "fitted": fitted + blanks_ahead,
        "forecast": blanks_back + [float(m.statistical) for m in row.months],
        "with_known": blanks_back + [float(m.total) for m in row.months],
    }


def forecast_list(
    *,
    warehouse_id: int | None = None,
    pattern: str = "",
    method: str = "",
    class_code: str = "",
    min_mape: Decimal | None = None,
) -> QuerySet[Forecast]:
    """Forecasts with their part, warehouse and class, for the planner's landing list."""
    class_of = StockingParameter.objects.filter(part=OuterRef("part_id"), warehouse=OuterRef("warehouse_id"))
    forecasts = Forecast.objects.select_related("part", "warehouse").annotate(
        class_code=Subquery(class_of.values("class_code")[:1])
    )
    if warehouse_id is not None:
        forecasts = forecasts.filter(warehouse_id=warehouse_id)
    if pattern:
        forecasts = forecasts.filter(pattern=pattern)
    if method:
        forecasts = forecasts.filter(method=method)
    if class_code:
        forecasts = forecasts.filter(class_code=class_code)
    if min_mape is not None:
        forecasts = forecasts.filter(holdout_mape__gte=min_mape)
    return forecasts.order_by("part__number_normalized", "warehouse__code")


def forecast_filter_choices() -> dict[str, list[str]]:
    """The patterns, methods and classes that occur, for the filters (one entry each)."""
    return {
        "patterns": list(Forecast.objects.order_by("pattern").values_list("pattern", flat=True).distinct()),
        "methods": list(Forecast.objects.order_by("method").values_list("method", flat=True).distinct()),
        "classes": list(
            StockingParameter.objects.exclude(class_code="")
            .order_by("class_code")
            .values_list("class_code", flat=True)
            .distinct()
        ),
    }
