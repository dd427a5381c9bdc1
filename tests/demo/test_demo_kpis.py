"""The generated demo looks like a real dealer: its last closed month's KPIs fall in a dealer's ranges."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from kpis.models import Kpi, MonthClose, Snapshot, Status
from suppliers.models import SupplierRating

pytestmark = pytest.mark.services

# A smaller dealer than ``make run`` loads, with the thirteen months a 12-month turnover needs. The
# day is pinned: a demo this small is one draw of the generator, and its figures move from one day to
# the next (the fill rate by several points), so an unpinned test would pass or fail by the calendar.
PARTS, MONTHS, TODAY = 150, 13, date(2026, 12, 3)


def _network(month) -> dict[str, Snapshot]:
    rows = Snapshot.objects.filter(month=month, warehouse__isnull=True, class_key="")
    return {row.kpi: row for row in rows}


def test_small_demo_kpis_fall_in_a_dealers_ranges(postgres):
    # given a small demo, closed month by month
    call_command("load_demo", parts=PARTS, months=MONTHS, seed=2026, today=TODAY, stdout=io.StringIO())
    last = MonthClose.objects.filter(is_published=True).order_by("-month").first()
    assert last is not None

    # when the planner reads the network's figures of the last closed month
    network = _network(last.month)
    by_warehouse = Snapshot.objects.filter(month=last.month, warehouse__isnull=False, class_key="", kpi=Kpi.TURNOVER)

    # then turnover, fill rate, dead stock and emergency orders are those of a healthy dealer
    figures = {kpi: row.value for kpi, row in network.items()} | {
        f"turnover {row.warehouse.code}": row.value for row in by_warehouse
    }
    assert Decimal(2) <= network[Kpi.TURNOVER].value <= Decimal(5), figures
    assert all(row.value is not None and row.value >= Decimal("1.5") for row in by_warehouse), figures
    assert Decimal("0.85") <= network[Kpi.FILL_RATE].value <= Decimal("0.97"), figures
    assert Decimal("0.05") <= network[Kpi.DEAD_STOCK].value <= Decimal("0.25"), figures
    emergency = network[Kpi.EMERGENCY_LINES]
    assert emergency.value < emergency.target_upper, figures
    # and a few figures are red: something for the planner to drill into
    missed = Snapshot.objects.filter(month=last.month, status=Status.MISSED).count()
    assert missed > 0
    # every closed month has its supplier ratings
    closed = set(MonthClose.objects.filter(is_published=True).values_list("month", flat=True))
    assert set(SupplierRating.objects.values_list("month", flat=True).distinct()) == closed
