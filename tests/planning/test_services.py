"""Forecast run, forecast error, parameters with overrides and expiry, sourcing order and approval."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory import services as inv
from inventory.models import Echelon, StockLevel, TransferOrder
from planning import services
from planning.exceptions import NotPermitted, PlanningError, ProposalNotOpen
from planning.models import (
    Forecast,
    ForecastError,
    ProposalSource,
    ProposalState,
    ReplenishmentProposal,
    StockingParameter,
)
from planning.selectors import part_forecasts
from suppliers.models import OrderState, PurchaseOrder

from ..factories import NeighbourFactory, PartFactory, UserFactory, WarehouseFactory
from .builders import hit, make_supplier, make_supplier_part, rate_supplier
from .factories import ForecastFactory, ReplenishmentRunFactory

pytestmark = pytest.mark.usefixtures("postgres")

TODAY = date(2026, 11, 15)


def _receive(part, warehouse, qty, cost="10"):
    clerk = UserFactory(roles=["manager"])
    inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(qty), unit_cost=Decimal(cost), user=clerk)


def test_forecast_run_forecasts_an_intermittent_series_by_croston():
    # given demand of 2 in May 2026 and 4 in August 2026 (24 months of history: Nov 2024 – Oct 2026)
    part, wh = PartFactory(), WarehouseFactory()
    hit(part, wh, date(2026, 5, 10), 2)
    hit(part, wh, date(2026, 8, 3), 3)
    hit(part, wh, date(2026, 8, 20), 1)
    hit(part, wh, date(2026, 11, 2), 9)  # this month: not history yet

    # when the forecast runs in November
    result = services.forecast_run(today=TODAY)

    # then: intermittent, Croston α .1: May is the 19th month, so size 2, interval 19;
    # August 3 months later: size 2 + .1(4 − 2) = 2.2, interval 19 + .1(3 − 19) = 17.4 → 2.2 / 17.4
    fc = Forecast.objects.get(part=part, warehouse=wh)
    assert result.series == 1
    assert (fc.pattern, fc.method, fc.first_month) == ("intermittent", "croston", date(2026, 11, 1))
    assert fc.per_month == Decimal("0.1264")
    assert fc.adi == Decimal("12.0000")
    assert fc.cv2 == Decimal("0.1111")
    assert fc.history_months == 24


def test_forecast_error_compares_the_forecast_made_before_the_month_with_what_happened():
    # given a forecast of 3 a month made for October, and 4 demanded in October
    part, wh = PartFactory(), WarehouseFactory()
    ForecastFactory(part=part, warehouse=wh, first_month=date(2026, 10, 1), per_month=Decimal(3))
    hit(part, wh, date(2026, 10, 5), 4)

    # when November's run starts
    services.forecast_run(today=TODAY)

    # then October's error is recorded: MAPE |3 − 4| / 4, bias (3 − 4) / 4
    error = ForecastError.objects.get(warehouse=wh, month=date(2026, 10, 1))
    assert (error.series, error.series_with_demand) == (1, 1)
    assert (error.mape, error.bias) == (Decimal("0.2500"), Decimal("-0.2500"))


def test_known_demand_is_added_to_the_forecast_and_shown_as_such(planner):
    part, wh = PartFactory(), WarehouseFactory()
    ForecastFactory(part=part, warehouse=wh, first_month=date(2026, 11, 1), per_month=Decimal(2))
    services.known_demand_add(
        part=part, warehouse=wh, month=date(2027, 1, 1), quantity=Decimal(5), reason="Fleet contract", user=planner
    )

    [row] = part_forecasts(part=part, today=TODAY)

    assert [(m.month, m.statistical, m.known, m.total) for m in row.months[:3]] == [
        (date(2026, 11, 1), Decimal(2), Decimal(0), Decimal(2)),
        (date(2026, 12, 1), Decimal(2), Decimal(0), Decimal(2)),
        (date(2027, 1, 1), Decimal(2), Decimal(5), Decimal(7)),
    ]
    assert row.total == Decimal(29)


def test_known_demand_needs_a_reason_and_a_planner(planner, purchaser):
    part, wh = PartFactory(), WarehouseFactory()
    with pytest.raises(PlanningError, match="Say what the demand is for"):
        services.known_demand_add(part=part, warehouse=wh, month=date(2027, 1, 1), quantity=1, reason=" ", user=planner)
    with pytest.raises(NotPermitted):
        services.known_demand_add(
            part=part, warehouse=wh, month=date(2027, 1, 1), quantity=1, reason="x", user=purchaser
        )
    assert not part_forecasts(part=part)


def _slow_mover(lead_days=46):
    # 2 a month, lead time 46 days: λ = 2 · 46 / 30.42 = 3.025 → Poisson; at the default 90 %:
    # P(X ≤ 4) = .81, P(X ≤ 5) = .91 → k = 5, safety stock 5 − 3.025 = 1.975;
    # EOQ √(2 · 24 · 50 / (0.25 · 24)) = 20 → pack 25
    part, wh = PartFactory(), WarehouseFactory()
    make_supplier_part(make_supplier(), part, price="24", lead_time_days=lead_days, pack="25")
    _receive(part, wh, 10, cost="24")
    ForecastFactory(
        part=part,
        warehouse=wh,
        first_month=date(2026, 11, 1),
        per_month=Decimal(2),
        std_per_month=Decimal("1.4"),
        method="croston",
        pattern="intermittent",
    )
    return part, wh


def test_parameters_compute_worked_example_and_min_max_reach_the_level():
    part, wh = _slow_mover()

    result = services.parameters_compute(today=TODAY)

    param = StockingParameter.objects.get(part=part, warehouse=wh)
    assert result.computed == 1
    assert result.limits_written == 1
    assert (param.service_level, param.lead_time_days) == (Decimal("0.9000"), 46)  # no class yet: default
    assert param.safety_stock == Decimal("1.975")
    assert (param.reorder_point, param.eoq, param.min_qty, param.max_qty) == (
        Decimal("5.000"),
        Decimal("25.000"),
        Decimal("5.000"),
        Decimal("30.000"),
    )
    level = StockLevel.objects.get(part=part, warehouse=wh)
    assert (level.min_qty, level.max_qty) == (Decimal(5), Decimal(30))


def test_override_is_in_force_until_it_expires_then_the_computed_figures_return(planner):
    part, wh = _slow_mover()
    services.parameters_compute(today=TODAY)

    param = services.parameter_override_set(
        part=part,
        warehouse=wh,
        values={"min_qty": Decimal(10), "max_qty": Decimal(40)},
        reason="Campaign stock",
        expires_on=timezone.localdate() + timedelta(days=3),
        user=planner,
    )

    level = StockLevel.objects.get(part=part, warehouse=wh)
    assert (level.min_qty, level.max_qty) == (Decimal(10), Decimal(40))
    assert param.is_overridden("min_qty")
    assert not param.is_overridden("eoq")
    assert param.effective("min_qty") == Decimal(10)

    # when the nightly computation runs after the expiry day
    services.parameters_compute(today=timezone.localdate() + timedelta(days=4))

    level.refresh_from_db()
    assert (level.min_qty, level.max_qty) == (Decimal(5), Decimal(30))
    param.refresh_from_db()
    assert not param.override_active(timezone.localdate() + timedelta(days=4))


def test_override_without_reason_or_with_max_below_min_changes_nothing(planner):
    part, wh = _slow_mover()
    services.parameters_compute(today=TODAY)

    with pytest.raises(PlanningError, match="needs a reason"):
        services.parameter_override_set(part=part, warehouse=wh, values={"min_qty": 9}, reason="", user=planner)
    with pytest.raises(PlanningError, match="maximum"):
        services.parameter_override_set(part=part, warehouse=wh, values={"min_qty": 40}, reason="x", user=planner)

    param = StockingParameter.objects.get(part=part, warehouse=wh)
    assert (param.override_min_qty, param.override_reason) == (None, "")
    level = StockLevel.objects.get(part=part, warehouse=wh)
    assert (level.min_qty, level.max_qty) == (Decimal(5), Decimal(30))


def test_order_on_demand_keeps_no_stock(planner):
    part, wh = _slow_mover()
    services.parameter_flags_set(part=part, warehouse=wh, order_on_demand=True, user=planner)
    services.parameters_compute(today=TODAY)

    level = StockLevel.objects.get(part=part, warehouse=wh)
    assert (level.min_qty, level.max_qty) == (Decimal(0), Decimal(0))


def _network():
    """Central → regional R → store S1, with S2 a neighbour of S1."""
    central = WarehouseFactory(code="CEN")
    regional = WarehouseFactory(code="REG", echelon=Echelon.REGIONAL, parent=central)
    s1 = WarehouseFactory(code="S1", echelon=Echelon.STORE, parent=regional)
    s2 = WarehouseFactory(code="S2", echelon=Echelon.STORE, parent=regional)
    NeighbourFactory(warehouse=s1, neighbour=s2, transfer_lead_time_days=1)
    return central, regional, s1, s2


def _param(part, wh, mn, mx):
    return StockingParameter.objects.create(
        part=part,
        warehouse=wh,
        service_level=Decimal("0.9"),
        lead_time_days=7,
        reorder_point=mn,
        min_qty=mn,
        max_qty=mx,
        forecast_per_month=Decimal(4),
    )


def _sourcing_case():
    _central, regional, s1, s2 = _network()
    part = PartFactory()
    _receive(part, s1, 2)
    _receive(part, s2, 9)
    inv.stock_level_set_limits(part=part, warehouse=s2, min_qty=Decimal(2), max_qty=Decimal(5))  # surplus 4
    _receive(part, regional, 10)
    inv.stock_level_set_limits(part=part, warehouse=regional, min_qty=Decimal(4), max_qty=Decimal(12))  # spare 6
    _param(part, s1, Decimal(10), Decimal(20))
    good_dear, good_cheap = make_supplier("GOODDEAR"), make_supplier("GOODCHEAP")
    rate_supplier(good_dear, "0.90")
    rate_supplier(good_cheap, "0.90")
    make_supplier_part(good_dear, part, price="10")
    make_supplier_part(good_cheap, part, price="9", moq="10", pack="5")
    return part, s1, s2, regional, good_cheap


def test_sourcing_order_neighbour_surplus_then_parent_then_best_supplier_rounded():
    # given S1 projected 2 below its reorder point 10, max 20: 18 short
    _part, _s1, s2, regional, cheap = _sourcing_case()
    run = ReplenishmentRunFactory()

    count = services.proposals_build(run=run)

    rows = list(ReplenishmentProposal.objects.filter(run=run).order_by("id"))
    assert count == 3
    assert [(r.source, r.from_warehouse_id, r.supplier_id, r.quantity) for r in rows] == [
        (ProposalSource.NEIGHBOUR, s2.pk, None, Decimal(4)),
        (ProposalSource.PARENT, regional.pk, None, Decimal(6)),
        (ProposalSource.SUPPLIER, None, cheap.pk, Decimal(10)),  # 8 short → MOQ 10 (pack 5)
    ]
    assert rows[0].projected == Decimal(2)
    assert rows[0].reason.startswith("Projected 2 (on hand 2 + on order 0")
    assert "rounded from 8 to pack 5, MOQ 10" in rows[2].reason


def test_best_supplier_by_rating_before_price():
    part = PartFactory()
    wh = WarehouseFactory()
    rated, cheap = make_supplier("RATED"), make_supplier("CHEAP")
    rate_supplier(rated, "0.95")
    rate_supplier(cheap, "0.80")
    make_supplier_part(rated, part, price="12")
    make_supplier_part(cheap, part, price="9")
    _param(part, wh, Decimal(5), Decimal(8))
    run = ReplenishmentRunFactory()

    services.proposals_build(run=run)

    proposal = ReplenishmentProposal.objects.get(run=run)
    assert (proposal.supplier_id, proposal.quantity, proposal.unit_price) == (rated.pk, Decimal(8), Decimal(12))


def test_preferred_supplier_wins_a_tie_and_lead_time_breaks_equal_prices():
    part, wh = PartFactory(), WarehouseFactory()
    plain, preferred, slow = make_supplier("AAPLAIN"), make_supplier("ZZPREF"), make_supplier("SLOW")
    make_supplier_part(plain, part, price="9", lead_time_days=5)
    make_supplier_part(preferred, part, price="9", lead_time_days=5, preferred=True)
    make_supplier_part(slow, part, price="9", lead_time_days=9, preferred=True)
    _param(part, wh, Decimal(1), Decimal(3))
    run = ReplenishmentRunFactory()

    services.proposals_build(run=run)

    assert ReplenishmentProposal.objects.get(run=run).supplier_id == preferred.pk


def test_a_new_run_supersedes_open_proposals():
    _part, _s1, *_ = _sourcing_case()
    first = ReplenishmentRunFactory()
    services.proposals_build(run=first)
    second = ReplenishmentRunFactory()
    services.proposals_build(run=second)

    assert set(ReplenishmentProposal.objects.filter(run=first).values_list("state", flat=True)) == {"superseded"}
    assert ReplenishmentProposal.objects.filter(run=second, state="open").count() == 3


def test_approval_creates_transfer_orders_and_a_draft_po_per_supplier_and_warehouse(purchaser):
    part, s1, s2, regional, cheap = _sourcing_case()
    run = ReplenishmentRunFactory()
    services.proposals_build(run=run)
    neighbour, parent, supplier_line = ReplenishmentProposal.objects.filter(run=run).order_by("id")

    result = services.proposals_approve(
        items=[(neighbour.pk, None), (parent.pk, None), (supplier_line.pk, Decimal(15))], user=purchaser
    )

    assert len(result.transfer_orders) == 2
    transfers = {(t.from_warehouse_id, t.to_warehouse_id): t for t in TransferOrder.objects.all()}
    assert set(transfers) == {(s2.pk, s1.pk), (regional.pk, s1.pk)}
    assert [(ln.part_id, ln.quantity_requested) for ln in transfers[(s2.pk, s1.pk)].lines.all()] == [(part.pk, 4)]
    [po] = PurchaseOrder.objects.all()
    assert (po.supplier_id, po.warehouse_id, po.state) == (cheap.pk, s1.pk, OrderState.DRAFT)
    assert [(ln.part_id, ln.quantity, ln.price) for ln in po.lines.all()] == [(part.pk, Decimal(15), Decimal(9))]
    supplier_line.refresh_from_db()
    assert (supplier_line.state, supplier_line.quantity, supplier_line.purchase_order_id) == (
        ProposalState.APPROVED,
        Decimal(15),
        po.pk,
    )


def test_approving_an_approved_proposal_again_changes_nothing(purchaser):
    _sourcing_case()
    run = ReplenishmentRunFactory()
    services.proposals_build(run=run)
    ids = list(ReplenishmentProposal.objects.filter(run=run).values_list("pk", flat=True))
    services.proposals_approve(items=[(ids[2], None)], user=purchaser)

    with pytest.raises(ProposalNotOpen):
        services.proposals_approve(items=[(ids[0], None), (ids[2], None)], user=purchaser)

    assert PurchaseOrder.objects.count() == 1
    assert TransferOrder.objects.count() == 0
    assert ReplenishmentProposal.objects.get(pk=ids[0]).state == ProposalState.OPEN


def test_a_clerk_may_not_approve(clerk):
    _sourcing_case()
    run = ReplenishmentRunFactory()
    services.proposals_build(run=run)
    ids = list(ReplenishmentProposal.objects.values_list("pk", flat=True))

    with pytest.raises(NotPermitted):
        services.proposals_approve(items=[(i, None) for i in ids], user=clerk)

    assert set(ReplenishmentProposal.objects.values_list("state", flat=True)) == {"open"}
    assert PurchaseOrder.objects.count() == 0


def test_replenishment_run_end_to_end_from_history_to_proposal():
    part, wh = PartFactory(), WarehouseFactory()
    supplier = make_supplier()
    make_supplier_part(supplier, part, price="5", lead_time_days=14)
    for month in range(1, 11):
        hit(part, wh, date(2026, month, 10), 6)

    run = services.replenishment_run(today=TODAY)

    assert (run.state, run.series, run.proposals) == ("done", 1, 1)
    proposal = ReplenishmentProposal.objects.get(run=run)
    param = StockingParameter.objects.get(part=part, warehouse=wh)
    assert proposal.source == ProposalSource.SUPPLIER
    assert proposal.quantity == param.max_qty  # nothing on hand: order up to max
    assert proposal.projected == 0
