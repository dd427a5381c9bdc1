"""First pick: a submission issues what the shelf has at once and back-orders the rest."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

import pytest

from inventory import selectors
from inventory.demand import services as demand_services
from inventory.exceptions import InvalidQuantity
from inventory.models import (
    Backorder,
    BackorderState,
    DemandHit,
    DemandSource,
    RequestState,
    StockLevel,
    StockMovement,
    WorkshopRequest,
)

pytestmark = pytest.mark.usefixtures("postgres")


def _level(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse)


def test_full_stock_is_supplied_at_once_and_writes_one_hit(store, part, repair_order, workshop_user, receive):
    # given 5 on the shelf at 10.00
    receive(part, store, 5, "10.00")

    # when the workshop asks for 3
    request = demand_services.workshop_request_submit(
        repair_order=repair_order, warehouse=store, lines=[(part, Decimal(3))], user=workshop_user
    )

    # then 3 are issued, nothing is back-ordered, and one hit records price and cost
    line = request.lines.get()
    assert (line.quantity_supplied, line.quantity_backordered, line.quantity_lost) == (3, 0, 0)
    assert line.unit_price == Decimal("25.00")
    assert line.sales_value == Decimal("75.0000")
    assert line.cost_value == Decimal("30.0000")
    assert request.state == RequestState.TO_PICK
    level = _level(part, store)
    assert (level.on_hand, level.backordered) == (2, 0)
    hit = DemandHit.objects.get()
    assert hit.source == DemandSource.WORKSHOP
    assert (hit.quantity_requested, hit.quantity_supplied, hit.quantity_lost) == (3, 3, 0)
    assert (hit.sales_value, hit.cost_value) == (Decimal("75.0000"), Decimal("30.0000"))
    assert hit.repair_order_ref == "RO-1001"
    assert hit.document_ref == request.number
    issue = StockMovement.objects.get(kind="issue")
    assert (issue.quantity, issue.document_type, issue.document_ref) == (-3, "workshop_request", request.number)
    assert not Backorder.objects.exists()


def test_partial_stock_supplies_what_is_there_and_back_orders_the_rest(
    store, part, repair_order, workshop_user, receive
):
    # given 2 on the shelf
    receive(part, store, 2, "10.00")

    # when the workshop asks for 5
    request = demand_services.workshop_request_submit(
        repair_order=repair_order, warehouse=store, lines=[(part, Decimal(5))], user=workshop_user
    )

    # then 2 are supplied and 3 wait on a backorder, counted on the level
    line = request.lines.get()
    assert (line.quantity_supplied, line.quantity_backordered) == (2, 3)
    backorder = Backorder.objects.get()
    assert (backorder.quantity, backorder.open_quantity, backorder.state) == (3, 3, BackorderState.OPEN)
    assert backorder.line == line
    level = _level(part, store)
    assert (level.on_hand, level.backordered) == (0, 3)
    hit = DemandHit.objects.get()
    assert (hit.quantity_requested, hit.quantity_supplied, hit.quantity_lost) == (5, 2, 0)
    assert hit.sales_value == Decimal("50.0000")
    assert hit.cost_value == Decimal("20.0000")


def test_no_stock_back_orders_everything(store, part, repair_order, workshop_user):
    # given nothing on the shelf
    # when the workshop asks for 4
    request = demand_services.workshop_request_submit(
        repair_order=repair_order, warehouse=store, lines=[(part, Decimal(4))], user=workshop_user
    )

    # then nothing moves, all 4 are back-ordered and the request waits
    assert request.state == RequestState.WAITING
    line = request.lines.get()
    assert (line.quantity_supplied, line.quantity_backordered, line.sales_value) == (0, 4, 0)
    assert not StockMovement.objects.exists()
    assert _level(part, store).backordered == 4
    hit = DemandHit.objects.get()
    assert (hit.quantity_supplied, hit.cost_value, hit.sales_value) == (0, 0, 0)


def test_a_cancelled_shortage_is_lost_demand_not_a_backorder(store, part, repair_order, workshop_user, receive):
    # given 1 on the shelf
    receive(part, store, 1)

    # when the workshop asks for 3 and does not want to wait
    request = demand_services.workshop_request_submit(
        repair_order=repair_order,
        warehouse=store,
        lines=[demand_services.DemandLine(part, Decimal(3), cancel_shortage=True)],
        user=workshop_user,
    )

    # then 1 is supplied and 2 are lost
    line = request.lines.get()
    assert (line.quantity_supplied, line.quantity_backordered, line.quantity_lost) == (1, 0, 2)
    assert not Backorder.objects.exists()
    assert _level(part, store).backordered == 0
    assert DemandHit.objects.get().quantity_lost == 2


def test_three_lines_each_write_a_hit_in_one_transaction(store, repair_order, workshop_user, receive):
    # given three parts with 5, 1 and 0 on the shelf
    from ..factories import PartFactory

    a, b, c = PartFactory(), PartFactory(), PartFactory()
    receive(a, store, 5)
    receive(b, store, 1)

    # when one request asks 2 of each
    request = demand_services.workshop_request_submit(
        repair_order=repair_order,
        warehouse=store,
        lines=[(a, 2), (b, 2), (c, 2)],
        user=workshop_user,
    )

    # then supplied 2, 1, 0 and back-ordered 0, 1, 2
    lines = list(request.lines.order_by("pk"))
    assert [(ln.quantity_supplied, ln.quantity_backordered) for ln in lines] == [(2, 0), (1, 1), (0, 2)]
    assert DemandHit.objects.filter(document_ref=request.number).count() == 3
    assert Backorder.objects.count() == 2


def test_a_refused_line_leaves_nothing_behind(store, part, repair_order, workshop_user, receive):
    # given stock, and a second line with a fractional quantity of a piece part
    receive(part, store, 5)
    from ..factories import PartFactory

    other = PartFactory()

    # when the request is submitted
    with pytest.raises(InvalidQuantity):
        demand_services.workshop_request_submit(
            repair_order=repair_order,
            warehouse=store,
            lines=[(part, Decimal(2)), (other, Decimal("1.5"))],
            user=workshop_user,
        )

    # then nothing was issued, recorded or back-ordered
    assert not WorkshopRequest.objects.exists()
    assert not DemandHit.objects.exists()
    assert _level(part, store).on_hand == 5
    assert StockMovement.objects.filter(kind="issue").count() == 0


def test_workshop_may_not_override_the_price_and_nothing_changes(store, part, repair_order, workshop_user, receive):
    # given stock
    receive(part, store, 5)

    # when the workshop asks for a lower price
    with pytest.raises(demand_services.PriceOverrideNotPermitted):
        demand_services.workshop_request_submit(
            repair_order=repair_order,
            warehouse=store,
            lines=[demand_services.DemandLine(part, Decimal(1), unit_price=Decimal("1.00"))],
            user=workshop_user,
        )

    # then nothing was issued
    assert _level(part, store).on_hand == 5
    assert not DemandHit.objects.exists()


def test_a_clerk_may_override_the_price(store, part, repair_order, make_user, receive):
    clerk = make_user("clerk", warehouses=[store])
    receive(part, store, 5, "10.00")

    request = demand_services.workshop_request_submit(
        repair_order=repair_order,
        warehouse=store,
        lines=[demand_services.DemandLine(part, Decimal(2), unit_price=Decimal("20.00"))],
        user=clerk,
    )

    line = request.lines.get()
    assert (line.unit_price, line.sales_value) == (Decimal("20.00"), Decimal("40.0000"))
    assert DemandHit.objects.get().unit_price == Decimal("20.00")


def test_counter_sale_shortage_is_lost_demand(store, part, make_user, receive):
    # given 1 on the shelf
    clerk = make_user("clerk", warehouses=[store])
    receive(part, store, 1, "8.00")

    # when a counter customer asks for 2
    sale = demand_services.counter_sale_post(
        warehouse=store, lines=[(part, Decimal(2))], user=clerk, customer_ref="cash"
    )

    # then 1 is sold, 1 is lost, and the hit says counter
    line = sale.lines.get()
    assert (line.quantity_supplied, line.sales_value, line.cost_value) == (1, Decimal("25.0000"), Decimal("8.0000"))
    hit = DemandHit.objects.get()
    assert (hit.source, hit.quantity_requested, hit.quantity_supplied, hit.quantity_lost) == (
        DemandSource.COUNTER,
        2,
        1,
        1,
    )
    assert not Backorder.objects.exists()
    assert selectors.ledger_differences() == []


def test_back_dated_submission_dates_request_movement_and_hit(store, part, repair_order, workshop_user, receive):
    from datetime import datetime

    when = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
    receive(part, store, 5, posted_at=datetime(2025, 3, 1, tzinfo=UTC))

    request = demand_services.workshop_request_submit(
        repair_order=repair_order, warehouse=store, lines=[(part, 1)], user=workshop_user, occurred_at=when
    )

    assert request.created_at == when
    assert DemandHit.objects.get().occurred_at == when
    assert StockMovement.objects.get(kind="issue").posted_at == when
