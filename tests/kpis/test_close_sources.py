"""KPIs read from counting (record accuracy, variance value) and planning (forecast error)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from counting import services as counting
from counting.models import CountLine
from kpis import services
from kpis.models import Kpi, Snapshot
from planning.models import ForecastError

from .handmade import MARCH, at, build_handmade_month

pytestmark = pytest.mark.usefixtures("postgres")


def _value(kpi, warehouse=None):
    row = Snapshot.objects.get(run__is_published=True, month=MARCH, kpi=kpi, class_key="", warehouse_id=warehouse)
    return row.value


def test_record_accuracy_and_variance_value_come_from_the_month_counts():
    # given March: two count lines at CEN, one exact and one short by 2 units of A1 (average cost 10), approved
    month = build_handmade_month()
    cen, user = month["cen"], month["user"]
    for part, counted_delta in ((month["parts"]["B1"], 0), (month["parts"]["A1"], -2)):
        count_list = counting.count_list_create_adhoc(warehouse=cen, user=user, part=part)
        line = count_list.lines.get()
        level = part.stock_levels.get(warehouse=cen)
        line = counting.count_line_enter(line=line, quantity=level.on_hand + counted_delta, user=user)
        if counted_delta:
            line = counting.count_line_approve(line=line, user=user, reason="found short")
        CountLine.objects.filter(pk=line.pk).update(counted_at=at(2026, 3, 20))

    # when March is closed
    services.month_close_run(month=MARCH)

    # then accuracy is 1 of 2 lines, the variance value is 2 × 10, for CEN and the network
    assert _value(Kpi.RECORD_ACCURACY, cen.pk) == Decimal("0.5")
    assert _value(Kpi.RECORD_ACCURACY) == Decimal("0.5")
    assert _value(Kpi.COUNT_VARIANCE, cen.pk) == Decimal("20")


def test_forecast_error_is_read_per_warehouse_and_weighted_by_actual_demand_for_the_network():
    # given the forecast errors planning computed for March in two warehouses
    month = build_handmade_month()
    cen, st1 = month["cen"], month["st1"]
    for warehouse, mape, forecast, actual in ((cen, "0.2", "110", "100"), (st1, "0.5", "20", "25")):
        ForecastError.objects.create(
            warehouse=warehouse,
            month=MARCH,
            series=10,
            series_with_demand=5,
            forecast_total=Decimal(forecast),
            actual_total=Decimal(actual),
            mape=Decimal(mape),
            bias=(Decimal(forecast) - Decimal(actual)) / Decimal(actual),
        )

    # when March is closed
    services.month_close_run(month=MARCH)

    # then each warehouse shows its own; the network weighs MAPE by actual demand: (0.2×100 + 0.5×25) / 125
    assert _value(Kpi.FORECAST_MAPE, cen.pk) == Decimal("0.2")
    assert _value(Kpi.FORECAST_BIAS, st1.pk) == Decimal("-0.2")
    assert _value(Kpi.FORECAST_MAPE) == Decimal("0.26")
    # bias: (10 − 5) / 125
    assert _value(Kpi.FORECAST_BIAS) == Decimal("0.04")
