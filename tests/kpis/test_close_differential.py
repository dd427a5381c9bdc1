"""Differential test of the month-end close: the set-based SQL against the pure modules, on random ledgers.

Hypothesis builds a small network (a central warehouse and two stores) and
a ledger over more than a year through the services: receipts (some at no
cost), issues, workshop requests and counter sales (which write the demand
hits), reversals, back-dated postings (every posting carries its own date,
in any order), transfers, count corrections, scrap and purchase orders.
Three months are then closed in order. For each, the close must finish,
and every class and the KPIs below must equal what ``inventory.classification``,
``kpis.formulas`` and plain Python compute from the same movements and hits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.roles import Role
from inventory import services as inventory_services
from inventory.classification import DEFAULT_THRESHOLDS, abc_class, value_classes, xyz_class
from inventory.demand import services as demand_services
from inventory.exceptions import InventoryError
from inventory.models import DemandHit, StockLevel, StockMovement
from inventory.months import add_months, days_in_month, month_begins
from kpis import formulas, services
from kpis.models import PartClass, Snapshot
from suppliers import services as supplier_services
from suppliers.models import PurchaseOrderLine, Supplier

from ..factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.usefixtures("postgres")

D = Decimal
CLOSED = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
FIRST_DAY = date(2025, 1, 1)
DAYS = (date(2026, 3, 31) - FIRST_DAY).days
REORDER_PERIOD = D("1.5")  # the default thresholds: review 1 month + lead time 0.5
PARTS, WAREHOUSES = 3, 3
# Demand most often, so that parts reach classes A and B in a few dozen events.
KINDS = (
    *("burst",) * 2,
    *("workshop",) * 2,
    *("counter",) * 2,
    "receive",
    "issue",
    "reverse",
    "transfer",
    "count",
    "scrap",
    "order",
)
cost = st.sampled_from([D(0), D("2.5"), D(7), D("11.25")])
event = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, PARTS - 1),
    st.integers(0, WAREHOUSES - 1),
    st.integers(0, DAYS),
    st.integers(1, 6),
    cost,
)
# Opening stock, received in the first months (later events may still be dated before it: back-dated).
opening = st.tuples(
    st.just("receive"),
    st.integers(0, PARTS - 1),
    st.integers(0, WAREHOUSES - 1),
    st.integers(0, 150),
    st.integers(5, 40),
    cost,
)


def _when(day: int) -> datetime:
    tz = ZoneInfo(django_settings.TIME_ZONE)
    return datetime.combine(FIRST_DAY + timedelta(days=day), datetime.min.time(), tz) + timedelta(hours=10)


@dataclass
class World:
    user: object
    warehouses: list
    parts: list
    supplier: Supplier


def _build() -> World:
    user = UserFactory(roles=[Role.MANAGER, Role.PURCHASER, Role.CLERK])
    central = WarehouseFactory(code="DC", echelon="central")
    stores = [WarehouseFactory(code=f"S{n}", echelon="store", parent=central) for n in (1, 2)]
    parts = [PartFactory(number=f"P{n}") for n in range(PARTS)]
    supplier = Supplier.objects.create(code="SUP", name="Supplier")
    return World(user=user, warehouses=[central, *stores], parts=parts, supplier=supplier)


def _post(world: World, events: list[tuple]) -> None:
    """Each event through its service; what a service refuses (no stock, nothing to reverse) is skipped."""
    for number, (kind, p, w, day, quantity, cost) in enumerate(events):
        part, warehouse, when, qty = world.parts[p], world.warehouses[w], _when(day), D(quantity)
        try:
            with transaction.atomic():
                if kind == "receive":
                    inventory_services.stock_receive(
                        part=part, warehouse=warehouse, quantity=qty, unit_cost=cost, user=world.user, posted_at=when
                    )
                elif kind == "issue":
                    inventory_services.stock_issue(
                        part=part, warehouse=warehouse, quantity=qty, user=world.user, posted_at=when
                    )
                elif kind == "workshop":
                    order = demand_services.repair_order_open(
                        number=f"RO-{number}", warehouse=warehouse, opened_at=when
                    )
                    demand_services.workshop_request_submit(
                        repair_order=order,
                        warehouse=warehouse,
                        lines=[(part, qty, None, True)],
                        user=world.user,
                        occurred_at=when,
                    )
                elif kind == "burst":
                    # a run of small requests, one every 9 days from the day on: a part that is asked for often
                    for repeat in range(2 * quantity):
                        order = demand_services.repair_order_open(
                            number=f"RO-{number}-{repeat}", warehouse=warehouse, opened_at=when
                        )
                        demand_services.workshop_request_submit(
                            repair_order=order,
                            warehouse=warehouse,
                            lines=[(part, D(1), None, True)],
                            user=world.user,
                            occurred_at=when + timedelta(days=9 * repeat),
                        )
                elif kind == "counter":
                    demand_services.counter_sale_post(
                        warehouse=warehouse, lines=[(part, qty)], user=world.user, occurred_at=when
                    )
                elif kind == "reverse":
                    movement = (
                        StockMovement.objects.filter(reverses__isnull=True, kind__in=["issue", "receipt"])
                        .exclude(reversed_by__isnull=False)
                        .order_by("pk")[quantity % 3 :]
                        .first()
                    )
                    if movement is not None:
                        with mock.patch("django.utils.timezone.now", return_value=max(when, movement.posted_at)):
                            inventory_services.stock_movement_reverse(
                                movement=movement, user=world.user, reason="differential test"
                            )
                elif kind == "transfer":
                    other = world.warehouses[(w + 1) % WAREHOUSES]
                    inventory_services.stock_transfer(
                        part=part,
                        from_warehouse=warehouse,
                        to_warehouse=other,
                        quantity=qty,
                        user=world.user,
                        posted_at=when,
                    )
                elif kind == "count":
                    inventory_services.stock_adjust(
                        part=part,
                        warehouse=warehouse,
                        quantity=qty if quantity % 2 else -qty,
                        user=world.user,
                        reason="count",
                        kind="count_correction",
                        posted_at=when,
                    )
                elif kind == "scrap":
                    inventory_services.stock_scrap(
                        part=part, warehouse=warehouse, quantity=qty, user=world.user, reason="damaged", posted_at=when
                    )
                elif kind == "order":
                    po = supplier_services.purchase_order_create(
                        supplier=world.supplier,
                        warehouse=warehouse,
                        order_type="emergency" if quantity % 2 else "stock",
                        lines=[(part, qty, cost + 1)],
                        user=world.user,
                        created_at=when,
                    )
                    if quantity > 2:
                        supplier_services.purchase_order_send(order=po, user=world.user, sent_at=when)
        except InventoryError:
            continue


# --- the pure side -------------------------------------------------------------------------


def _expected_classes(month: date) -> dict[tuple[int, int], dict]:
    """Every graded pair of a month, from the raw movements and hits with the pure rules."""
    tz = django_settings.TIME_ZONE
    end = month_begins(add_months(month, 1), tz)
    window_start = month_begins(add_months(month, -11), tz)
    month_starts = [month_begins(add_months(month, offset), tz) for offset in range(-11, 2)]
    stock: dict[tuple[int, int], dict] = defaultdict(
        lambda: {"quantity": D(0), "value": D(0), "issued": D(0), "first": None}
    )
    for m in StockMovement.objects.filter(posted_at__lt=end).order_by("pk"):
        row = stock[(m.part_id, m.warehouse_id)]
        row["quantity"] += m.quantity
        row["value"] += m.value
        if m.kind == "issue" and m.posted_at >= window_start:
            row["issued"] -= m.quantity
        if m.quantity > 0 and (row["first"] is None or m.posted_at < row["first"]):
            row["first"] = m.posted_at
    demand: dict[tuple[int, int], dict] = defaultdict(lambda: {"hits": 0, "months": [D(0)] * 12, "cost": D(0)})
    for h in DemandHit.objects.filter(occurred_at__gte=window_start, occurred_at__lt=end):
        row = demand[(h.part_id, h.warehouse_id)]
        row["hits"] += 1
        index = max(i for i, start in enumerate(month_starts) if h.occurred_at >= start)
        row["months"][index] += h.quantity_requested
        row["cost"] += h.cost_value
    levels = {(lv.part_id, lv.warehouse_id): lv for lv in StockLevel.objects.all()}
    graded: dict[tuple[int, int], dict] = {}
    for pair in set(stock) | set(demand):
        s, d = stock[pair], demand[pair]
        months = None
        if s["first"] is not None:
            first = s["first"].astimezone(ZoneInfo(tz))
            months = max(1, (month.year * 12 + month.month) - (first.year * 12 + first.month) + 1)
        abc = abc_class(hits_12m=d["hits"], months_since_first_stocked=months, holds_stock=s["quantity"] > 0)
        if abc is None:
            continue
        level = levels.get(pair)
        available = max(level.on_hand - level.reserved - level.quarantined, D(0)) if level else D(0)
        fill = None
        if abc in ("A", "B", "NA", "NB"):
            fill = formulas.part_fill_rate(available, formulas.issued_demand(s["issued"]), REORDER_PERIOD)
        graded[pair] = {
            "abc": abc,
            "xyz": xyz_class(d["months"], DEFAULT_THRESHOLDS) or "",
            "hits": d["hits"],
            "months_stocked": months,
            "on_hand": s["quantity"],
            "value": s["value"],
            "issued": max(s["issued"], D(0)),
            "cost": d["cost"],
            "fill": fill,
        }
    by_warehouse: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for (part_id, warehouse_id), row in graded.items():
        by_warehouse[warehouse_id][part_id] = row["cost"]
    for warehouse_id, costs in by_warehouse.items():
        for part_id, value_class in value_classes(costs).items():
            graded[(part_id, warehouse_id)]["value_class"] = value_class
    return graded


def _expected_kpis(month: date, graded: dict) -> dict[tuple[int | None, str, str], float | None]:
    """Fill rate, stock values, dead stock, the demand KPIs and emergency orders per warehouse and network."""
    tz = django_settings.TIME_ZONE
    start, end = month_begins(month, tz), month_begins(add_months(month, 1), tz)
    expected: dict[tuple[int | None, str, str], float | None] = {}
    scopes = {None} | {w for _, w in graded}
    hits = list(DemandHit.objects.filter(occurred_at__gte=start, occurred_at__lt=end))
    order_lines = list(
        PurchaseOrderLine.objects.filter(order__created_at__gte=start, order__created_at__lt=end)
        .exclude(order__state__in=["draft", "cancelled"])
        .select_related("order")
    )
    scopes |= {h.warehouse_id for h in hits}
    for scope in scopes:
        rows = [row for (_, w), row in graded.items() if scope is None or w == scope]
        fill = [(row["fill"], row["hits"]) for row in rows if row["fill"] is not None]
        expected[(scope, "fill_rate", "")] = formulas.overall_fill_rate(fill) if fill else None
        total = sum((max(row["value"], D(0)) for row in rows), D(0))
        dead = sum((max(row["value"], D(0)) for row in rows if row["abc"] == "C0"), D(0))
        expected[(scope, "stock_value", "")] = float(total)
        expected[(scope, "dead_stock", "")] = formulas.dead_stock_ratio(dead, total)
        for key in ("A", "B", "C", "C0", "NA", "NB", "NC"):
            expected[(scope, "items", key)] = float(sum(1 for row in rows if row["abc"] == key))
        lines = [h for h in hits if scope is None or h.warehouse_id == scope]
        workshop = [(h.quantity_requested, h.quantity_supplied) for h in lines if h.source == "workshop"]
        expected[(scope, "first_pick", "")] = formulas.first_pick_availability(workshop)
        days: dict[date, list] = defaultdict(lambda: [D(0), D(0)])
        for h in lines:
            day = days[h.occurred_at.astimezone(ZoneInfo(tz)).date()]
            day[0] += h.quantity_requested
            day[1] += h.quantity_supplied
        rates = [formulas.daily_instant_fill_rate(requested, supplied) for requested, supplied in days.values()]
        expected[(scope, "target_achievement", "")] = formulas.target_achievement(
            rates, 0.9, calendar_days=days_in_month(month)
        )
        ordered = [line for line in order_lines if scope is None or line.order.warehouse_id == scope]
        emergency = [line for line in ordered if line.order.order_type == "emergency"]
        expected[(scope, "emergency_lines", "")] = formulas.emergency_order_ratio(len(emergency), len(ordered))
        expected[(scope, "emergency_value", "")] = formulas.emergency_order_ratio(
            sum((line.quantity * line.price for line in emergency), D(0)),
            sum((line.quantity * line.price for line in ordered), D(0)),
        )
    return expected


# --- the test ----------------------------------------------------------------------------------


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(opening, min_size=1, max_size=6), st.lists(event, min_size=6, max_size=45))
def test_the_set_based_close_equals_the_pure_modules(receipts, events):
    with transaction.atomic():
        _run(receipts + events)
        transaction.set_rollback(True)


def _run(events: list[tuple]) -> None:
    from .handmade import ensure_default_targets

    ensure_default_targets()
    world = _build()
    _post(world, events)
    for month in CLOSED:
        # the close never fails on what the services wrote
        run = services.month_close_run(month=month)
        assert (run.state, run.is_published, run.error) == ("done", True, "")

        graded = _expected_classes(month)
        actual = {(row.part_id, row.warehouse_id): row for row in PartClass.objects.filter(run=run)}
        assert set(actual) == set(graded)
        for pair, want in graded.items():
            row = actual[pair]
            got = (row.abc_class, row.xyz_class, row.value_class, row.hits_12m, row.months_stocked)
            assert got == (want["abc"], want["xyz"], want["value_class"], want["hits"], want["months_stocked"]), pair
            figures = (row.on_hand, row.stock_value, row.issued_12m, row.cost_of_sales_12m)
            assert figures == (want["on_hand"], want["value"], want["issued"], want["cost"]), pair
            if want["fill"] is None:
                assert row.fill_rate is None, pair
            else:
                assert float(row.fill_rate) == pytest.approx(want["fill"], abs=2e-6), pair

        snapshots = {(row.warehouse_id, row.kpi, row.class_key): row.value for row in Snapshot.objects.filter(run=run)}
        for key, want in _expected_kpis(month, graded).items():
            got = snapshots[key]
            if want is None:
                assert got is None, key
            else:
                assert float(got) == pytest.approx(want, abs=2e-6), key
