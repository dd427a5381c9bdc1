"""The month-end close on the hand-made month of ``handmade.py``: every class and KPI by hand."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from kpis import formulas, services
from kpis.models import CloseState, DemandMonth, MonthClose, PartClass, Snapshot, StockMonthEnd

from .handmade import MARCH, build_handmade_month

pytestmark = pytest.mark.usefixtures("postgres")

REORDER_PERIOD = 1.5  # review 1 month + lead time 0.5 month (the default thresholds)


@pytest.fixture
def month():
    return build_handmade_month()


@pytest.fixture(autouse=True, params=["ledger", "levels"])
def stock_source(request, monkeypatch):
    """Every test of this module runs with the month-end stock summed from the ledger and rolled back from levels."""
    from kpis.services import close

    monkeypatch.setattr(close, "_stock_from_levels", lambda params: request.param == "levels")
    return request.param


def classes(run):
    return {
        (row.warehouse.code, row.part.number): row
        for row in PartClass.objects.filter(run=run).select_related("warehouse", "part")
    }


def kpis(run, warehouse):
    rows = Snapshot.objects.filter(run=run, warehouse=warehouse)
    return {(row.kpi, row.class_key): row for row in rows}


def value(snapshots, kpi, class_key=""):
    stored = snapshots[(kpi, class_key)].value
    return None if stored is None else float(stored)


def test_close_grades_every_part_by_the_rules(month):
    # when March 2026 is closed
    run = services.month_close_run(month=MARCH)

    # then every part with demand or stock has its class, worked out by hand
    graded = classes(run)
    assert {key: (row.abc_class, row.xyz_class) for key, row in graded.items()} == {
        ("CEN", "A1"): ("A", "X"),  # 12 hits; 2 every month: cv 0
        ("CEN", "B1"): ("B", "Z"),  # 5 hits; 1 in 5 of 12 months: cv 1.18
        ("CEN", "C1"): ("C", "Z"),  # 2 hits
        ("CEN", "D1"): ("C0", ""),  # no hits, 5 in stock
        ("CEN", "N1"): ("NA", "Z"),  # new for 3 months: 3 × 12 / 3 = 12
        ("CEN", "N2"): ("NC", ""),  # new, no hits
        ("ST1", "A1"): ("C", "Z"),  # 2 hits at the store
    }
    assert graded[("CEN", "N1")].months_stocked == 3
    assert graded[("CEN", "N1")].scaled_hits == Decimal("12.000")
    assert graded[("CEN", "N2")].months_stocked == 2
    assert graded[("CEN", "A1")].months_stocked == 15  # Jan 2025 .. Mar 2026: established
    assert float(graded[("CEN", "B1")].demand_cv) == pytest.approx(math.sqrt(5 / 12 - (5 / 12) ** 2) / (5 / 12))


def test_close_takes_month_end_stock_from_the_ledger(month):
    # given stock moves after the month end (a receipt in April)
    from inventory import services as inventory_services

    from .handmade import at

    inventory_services.stock_receive(
        part=month["parts"]["D1"],
        warehouse=month["cen"],
        quantity=Decimal(5),
        unit_cost=Decimal(40),
        user=month["user"],
        posted_at=at(2026, 4, 2),
    )
    # and an April issue, a pair first stocked in April, and one whose first movement is an issue back-dated
    # before its receipt
    inventory_services.stock_issue(
        part=month["parts"]["A1"],
        warehouse=month["cen"],
        quantity=Decimal(2),
        user=month["user"],
        posted_at=at(2026, 4, 3),
    )
    for name, received_at in (("B1", at(2026, 4, 2)), ("C1", at(2026, 3, 5))):
        inventory_services.stock_receive(
            part=month["parts"][name],
            warehouse=month["st1"],
            quantity=Decimal(3),
            unit_cost=Decimal(7),
            user=month["user"],
            posted_at=received_at,
        )
    inventory_services.stock_issue(
        part=month["parts"]["C1"],
        warehouse=month["st1"],
        quantity=Decimal(1),
        user=month["user"],
        posted_at=at(2026, 3, 1),
    )

    # when March is closed
    run = services.month_close_run(month=MARCH)

    # then month-end quantity and value are March's, and the 12-month average is of the month ends
    stock = {(row.warehouse.code, row.part.number): row for row in StockMonthEnd.objects.filter(run=run)}
    assert (stock[("CEN", "D1")].quantity, stock[("CEN", "D1")].value) == (Decimal("5.000"), Decimal("200.0000"))
    assert (stock[("CEN", "A1")].quantity, stock[("CEN", "A1")].value) == (Decimal("6.000"), Decimal("60.0000"))
    # A1: month ends Apr 2025 .. Mar 2026 are 280, 260, ..., 60: average 170
    assert stock[("CEN", "A1")].average_value_12m == Decimal("170.0000")
    # B1: six months at 50, then 45, 40, 35, 30, 25, 25: 500 / 12
    assert stock[("CEN", "B1")].average_value_12m == Decimal("41.6667")
    assert stock[("CEN", "A1")].issued_12m == Decimal("24.000")
    assert stock[("CEN", "A1")].first_stocked_at == at(2025, 1, 15)
    assert stock[("ST1", "A1")].quantity == Decimal("0.000")
    # a pair with no movement before the month end has no month-end row; a back-dated issue is not a first receipt
    assert ("ST1", "B1") not in stock
    assert (stock[("ST1", "C1")].quantity, stock[("ST1", "C1")].value) == (Decimal("2.000"), Decimal("14.0000"))
    assert stock[("ST1", "C1")].first_stocked_at == at(2026, 3, 5)


def test_close_records_march_demand_history(month):
    run = services.month_close_run(month=MARCH)

    history = {
        (row.warehouse.code, row.part.number): (row.hits, row.quantity_requested, row.quantity_supplied)
        for row in DemandMonth.objects.filter(run=run)
    }
    assert history == {
        ("CEN", "A1"): (1, Decimal("2.000"), Decimal("2.000")),
        ("CEN", "C1"): (1, Decimal("2.000"), Decimal("0.000")),
        ("CEN", "N1"): (3, Decimal("3.000"), Decimal("3.000")),
        ("ST1", "A1"): (2, Decimal("5.000"), Decimal("1.000")),
    }


def test_close_computes_every_kpi_of_the_central_warehouse(month):
    run = services.month_close_run(month=MARCH)
    cen = kpis(run, month["cen"])

    # fill rates: λ = issued × 1.5 / 12; A1 24 issued, 6 available; B1 5 issued, 5; N1 3 issued, 7
    fill_a = formulas.poisson_fill_rate(6, 24 * REORDER_PERIOD / 12)
    fill_b = formulas.poisson_fill_rate(5, 5 * REORDER_PERIOD / 12)
    fill_na = formulas.poisson_fill_rate(7, 3 * REORDER_PERIOD / 12)
    assert value(cen, "fill_rate", "A") == pytest.approx(fill_a, abs=1e-6)
    assert value(cen, "fill_rate", "B") == pytest.approx(fill_b, abs=1e-6)
    assert value(cen, "fill_rate", "NA") == pytest.approx(fill_na, abs=1e-6)
    assert value(cen, "fill_rate", "NB") is None
    assert value(cen, "fill_rate") == pytest.approx((fill_a * 12 + fill_b * 5 + fill_na * 3) / 20, abs=1e-6)
    # turnover: cost of sales 240 + 25 + 20 + 9 over average values 170 + 41.6667 + 75 + 200 + 6.75 + 1.6667
    assert value(cen, "turnover") == pytest.approx(294 / 495.0834, abs=1e-5)
    assert value(cen, "turnover", "A") == pytest.approx(240 / 170, abs=1e-6)
    assert value(cen, "turnover", "B") == pytest.approx(25 / 41.6667, abs=1e-5)
    # stock: 60 + 25 + 60 + 200 + 21 + 10 = 376; C0 200, NC 10, NA 21
    assert value(cen, "stock_value") == 376
    assert value(cen, "dead_stock") == pytest.approx(200 / 376, abs=1e-6)
    assert value(cen, "nc_share_new") == pytest.approx(10 / 21, abs=1e-6)
    assert value(cen, "nc_share_all") == pytest.approx(10 / 376, abs=1e-6)
    assert value(cen, "c_value_growth") is None  # no close a year earlier
    assert value(cen, "items") == 6
    assert value(cen, "stocked_items") == 6
    assert {key: value(cen, "items", key) for key in ("A", "B", "C", "C0", "NA", "NB", "NC")} == {
        "A": 1,
        "B": 1,
        "C": 1,
        "C0": 1,
        "NA": 1,
        "NB": 0,
        "NC": 1,
    }
    # zero stock, below minimum, over maximum: A1 6 on hand over max 4 → 2 × 10 of 60; B1 5 below min 6
    assert value(cen, "zero_stock", "A") == 0
    assert value(cen, "below_min", "B") == 1
    assert value(cen, "below_min", "A") == 0
    assert value(cen, "over_max", "A") == pytest.approx(20 / 60, abs=1e-6)
    assert value(cen, "over_max", "B") == 0
    assert value(cen, "zero_stock", "NB") is None
    # March demand: workshop lines A1 1, C1 0, N1 1, 1 → first pick 0.75; 5 of 7 supplied at once
    assert value(cen, "first_pick") == pytest.approx(0.75)
    assert value(cen, "instant_fill") == pytest.approx(5 / 7, abs=1e-6)
    # days: Mar 3 100 %, Mar 4 100 %, Mar 15 100 %, Mar 20 0 % → one of March's 31 days missed
    assert value(cen, "target_achievement") == pytest.approx(30 / 31, abs=1e-6)
    # sales 50 + 0 + 18 = 68 over RO-1, RO-2, RO-3
    assert value(cen, "parts_sales") == 68
    assert value(cen, "repair_orders") == 3
    assert value(cen, "sales_per_ro") == pytest.approx(68 / 3, abs=1e-6)
    assert value(cen, "scrap_rate") == 0


def test_close_compares_each_kpi_with_its_target(month):
    run = services.month_close_run(month=MARCH)
    cen = kpis(run, month["cen"])

    assert (cen[("dead_stock", "")].status, cen[("dead_stock", "")].target_upper) == ("missed", Decimal("0.100000"))
    assert cen[("below_min", "B")].status == "missed"  # 100 % against ≤ 20 %
    assert cen[("over_max", "A")].status == "missed"  # 33 % against ≤ 10 %
    assert cen[("zero_stock", "A")].status == "met"
    assert cen[("nc_share_all", "")].status == "near"  # 2.66 % against ≤ 2 %, within 1 point
    assert cen[("turnover", "")].status == "missed"  # 0.59 against 3 – 4
    assert cen[("fill_rate", "A")].status == "met"  # 96.6 % against ≥ 95 %
    assert cen[("sales_per_ro", "")].status == "none"  # no target in DOMAIN.md
    assert cen[("zero_stock", "NB")].status == "nodata"  # no NB parts: undefined, not zero


def test_close_computes_the_store_and_the_network(month):
    run = services.month_close_run(month=MARCH)
    st1 = kpis(run, month["st1"])
    network = kpis(run, None)

    # the store: one C part, empty at month end; 1 of 3 and 0 of 2 at once
    assert value(st1, "items", "C") == 1
    assert value(st1, "stocked_items") == 0
    assert value(st1, "fill_rate") is None  # no A or B parts
    assert value(st1, "turnover") == pytest.approx(10 / (110 / 12), abs=1e-4)
    assert value(st1, "first_pick") == pytest.approx((1 / 3 + 0) / 2, abs=1e-6)
    assert value(st1, "instant_fill") == pytest.approx(1 / 5)
    assert value(st1, "target_achievement") == pytest.approx(29 / 31, abs=1e-6)  # Mar 15 and 16 missed
    assert value(st1, "sales_per_ro") == 25
    # the network: RO-1 .. RO-4 once each; days Mar 3, 4 met, Mar 15 (3 of 5), 16, 20 missed
    assert value(network, "repair_orders") == 4
    assert value(network, "sales_per_ro") == pytest.approx(93 / 4)
    assert value(network, "first_pick") == pytest.approx((1 + 0 + 1 + 1 + 1 / 3 + 0) / 6, abs=1e-6)
    assert value(network, "instant_fill") == pytest.approx(6 / 12)
    assert value(network, "target_achievement") == pytest.approx(28 / 31, abs=1e-6)
    assert value(network, "items") == 7
    assert value(network, "dead_stock") == pytest.approx(200 / 376, abs=1e-6)


def test_rerun_replaces_the_month_exactly(month):
    # given a closed month
    first = services.month_close_run(month=MARCH)
    before = _results()

    # when it is closed again
    second = services.month_close_run(month=MARCH)

    # then the results are the same rows, now of the second run only, which alone is published
    assert _results() == before
    assert set(PartClass.objects.values_list("run", flat=True)) == {second.pk}
    assert set(Snapshot.objects.values_list("run", flat=True)) == {second.pk}
    first.refresh_from_db()
    assert (first.is_published, second.is_published) == (False, True)
    assert (second.state, second.progress) == (CloseState.DONE, 100)


def test_each_close_of_a_month_leaves_only_its_own_rows(month):
    # given a month closed twice
    services.month_close_run(month=MARCH)
    services.month_close_run(month=MARCH)
    before = _results()

    # when it is closed a third time
    third = services.month_close_run(month=MARCH)

    # then every result table holds the third run's rows alone, the same as before
    assert _results() == before
    for model in (DemandMonth, StockMonthEnd, PartClass, Snapshot):
        assert set(model.objects.values_list("run", flat=True)) == {third.pk}, model.__name__


def test_a_run_without_kept_demand_figures_reads_the_hits_again(month):
    # given the figures of an undisturbed close
    services.month_close_run(month=MARCH)
    expected = _results()["kpis"]

    # when a run's demand step kept no figures (it ran on a version that did not keep them)
    run = services.month_close_start(month=MARCH)
    for step in services.STEPS[:-1]:
        services.month_close_step(run_id=run.pk, step=step)
    assert MonthClose.objects.get(pk=run.pk).demand_figures
    MonthClose.objects.filter(pk=run.pk).update(demand_figures=None)
    services.month_close_step(run_id=run.pk, step="kpis")

    # then its KPIs are the same
    assert _results()["kpis"] == expected


def _results():
    return {
        "demand": sorted(DemandMonth.objects.values_list("warehouse", "part", "hits", "quantity_requested")),
        "stock": sorted(
            StockMonthEnd.objects.values_list("warehouse", "part", "quantity", "value", "average_value_12m")
        ),
        "classes": sorted(
            PartClass.objects.values_list("warehouse", "part", "abc_class", "xyz_class", "fill_rate", "excess_value")
        ),
        "kpis": sorted(
            Snapshot.objects.values_list("warehouse", "kpi", "class_key", "value", "status"),
            key=lambda row: (row[0] or 0, row[1], row[2]),
        ),
    }


def test_a_failure_mid_close_leaves_the_previous_results(month, monkeypatch):
    # given a closed month
    services.month_close_run(month=MARCH)
    before = _results()
    published = MonthClose.objects.get(is_published=True)

    # and a classification step that fails after writing half its rows
    from kpis.services import close

    original = close.STEP_FUNCTIONS["classes"]

    def crash(run):
        original(run)
        raise RuntimeError("disk full")

    monkeypatch.setitem(close.STEP_FUNCTIONS, "classes", crash)

    # when the month is closed again
    with pytest.raises(RuntimeError, match="disk full"):
        services.month_close_run(month=MARCH)

    # then the run is failed, the published run and its results are unchanged
    failed = MonthClose.objects.exclude(pk=published.pk).get()
    assert (failed.state, failed.is_published, failed.error) == ("failed", False, "classification: disk full")
    assert MonthClose.objects.get(is_published=True) == published
    assert _published_results() == before

    # and a later rerun clears the failed run's rows and publishes complete results
    monkeypatch.setitem(close.STEP_FUNCTIONS, "classes", original)
    services.month_close_run(month=MARCH)
    assert _results() == before


def _published_results():
    published = {"run__is_published": True}
    return {
        "demand": sorted(
            DemandMonth.objects.filter(**published).values_list("warehouse", "part", "hits", "quantity_requested")
        ),
        "stock": sorted(
            StockMonthEnd.objects.filter(**published).values_list(
                "warehouse", "part", "quantity", "value", "average_value_12m"
            )
        ),
        "classes": sorted(
            PartClass.objects.filter(**published).values_list(
                "warehouse", "part", "abc_class", "xyz_class", "fill_rate", "excess_value"
            )
        ),
        "kpis": sorted(
            Snapshot.objects.filter(**published).values_list("warehouse", "kpi", "class_key", "value", "status"),
            key=lambda row: (row[0] or 0, row[1], row[2]),
        ),
    }


def test_a_back_dated_issue_leaving_negative_month_end_stock_does_not_fail_the_close(month):
    # given a store pair received in April and an issue back-dated into March (with its demand hit): the ledger
    # holds -1 at 7 at the end of March
    from inventory import services as inventory_services

    from .handmade import at, hit

    inventory_services.stock_receive(
        part=month["parts"]["B1"],
        warehouse=month["st1"],
        quantity=Decimal(3),
        unit_cost=Decimal(7),
        user=month["user"],
        posted_at=at(2026, 4, 2),
    )
    hit(month["parts"]["B1"], month["st1"], at(2026, 3, 10), 1, 1, sales=12, cost=7, ro="RO-5")
    inventory_services.stock_issue(
        part=month["parts"]["B1"],
        warehouse=month["st1"],
        quantity=Decimal(1),
        user=month["user"],
        posted_at=at(2026, 3, 10),
    )

    # when March is closed
    run = services.month_close_run(month=MARCH)

    # then it is published; the month-end rows keep the ledger's figures
    assert (run.state, run.is_published) == (CloseState.DONE, True)
    stock = StockMonthEnd.objects.get(run=run, warehouse=month["st1"], part=month["parts"]["B1"])
    assert (stock.quantity, stock.value) == (Decimal("-1.000"), Decimal("-7.0000"))
    graded = classes(run)[("ST1", "B1")]
    # (no receipt before the month end: never stocked, so graded on its hit as an established part, C,
    # as inventory.classification.abc_class does; it used to be taken as new for one month, NA)
    assert (graded.abc_class, graded.on_hand, graded.stock_value) == ("C", Decimal("-1.000"), Decimal("-7.0000"))
    # and the value KPIs count a negative month-end stock as no stock: the store holds nothing (A1 is empty)
    st1 = kpis(run, month["st1"])
    assert value(st1, "stock_value") == 0
    assert value(st1, "stock_value", "NA") == 0
    assert value(st1, "dead_stock") is None  # no stock value: undefined
    # turnover: cost of sales 10 + 7 over A1's average 110 / 12 (B1's average of -7 / 12 counts as 0)
    assert value(st1, "turnover") == pytest.approx(17 / (110 / 12), abs=1e-4)
    assert (value(st1, "items", "C"), value(st1, "items", "NA")) == (2, 0)
    # the network's value figures are those without the store's negative pair
    network = kpis(run, None)
    assert value(network, "stock_value") == 376
    assert value(network, "dead_stock") == pytest.approx(200 / 376, abs=1e-6)
    # and the negative pair is reported, in its warehouse and the network
    assert value(st1, "negative_stock") == 1
    assert value(network, "negative_stock") == 1
    assert value(kpis(run, month["cen"]), "negative_stock") == 0
    # against its default target (none): near while there are a few such pairs, met where there are none
    assert (st1[("negative_stock", "")].status, kpis(run, month["cen"])[("negative_stock", "")].status) == (
        "near",
        "met",
    )
