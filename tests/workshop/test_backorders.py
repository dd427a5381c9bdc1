"""Backorders are filled oldest request first when stock comes in, and the requester is told."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Notification
from core.roles import Role
from inventory import selectors, services
from inventory.demand import services as demand_services
from inventory.exceptions import InvalidTransition
from inventory.models import (
    Backorder,
    BackorderState,
    DemandHit,
    RequestState,
    StockLevel,
    StockMovement,
)

from ..factories import PartFactory

pytestmark = pytest.mark.usefixtures("postgres")


def _submit(store, part, quantity, user, number, at):
    order = demand_services.repair_order_open(number=number, warehouse=store, opened_at=at)
    return demand_services.workshop_request_submit(
        repair_order=order, warehouse=store, lines=[(part, Decimal(quantity))], user=user, occurred_at=at
    )


def test_receipt_fills_backorders_in_order_of_request_time(store, part, make_user, receive):
    # given three requests with nothing on the shelf: first (earliest) 2, then 3, then 1
    early, middle, late = (make_user(Role.WORKSHOP, warehouses=[store]) for _ in range(3))
    t0 = timezone.now() - timedelta(hours=3)
    # submitted out of time order on purpose: the fill order is request time, not insertion
    second = _submit(store, part, 3, middle, "RO-2", t0 + timedelta(hours=1))
    first = _submit(store, part, 2, early, "RO-1", t0)
    third = _submit(store, part, 1, late, "RO-3", t0 + timedelta(hours=2))
    assert StockLevel.objects.get(part=part, warehouse=store).backordered == 6

    # when 4 arrive
    receive(part, store, 4, "12.00")

    # then the first gets 2, the second 2 of 3, the third nothing yet
    by_request = {b.line.request_id: b for b in Backorder.objects.select_related("line")}
    assert (by_request[first.pk].quantity_filled, by_request[first.pk].state) == (2, BackorderState.FILLED)
    assert (by_request[second.pk].quantity_filled, by_request[second.pk].state) == (2, BackorderState.OPEN)
    assert (by_request[third.pk].quantity_filled, by_request[third.pk].state) == (0, BackorderState.OPEN)
    level = StockLevel.objects.get(part=part, warehouse=store)
    assert (level.on_hand, level.backordered) == (0, 2)
    # the fills are issues for the requests, at cost
    issues = StockMovement.objects.filter(document_type="workshop_backorder").order_by("pk")
    assert [(m.document_ref, m.quantity, m.value) for m in issues] == [
        (first.number, -2, Decimal("-24.0000")),
        (second.number, -2, Decimal("-24.0000")),
    ]
    # the requesters whose backorders moved are told, the third is not
    assert Notification.objects.filter(user=early).count() == 1
    assert Notification.objects.filter(user=middle).count() == 1
    assert Notification.objects.filter(user=late).count() == 0
    assert "FLT-100" in Notification.objects.get(user=early).message
    # the hits keep the first pick and gain the sales and cost of the fill
    hit = DemandHit.objects.get(document_ref=first.number)
    assert (hit.quantity_supplied, hit.sales_value, hit.cost_value) == (0, Decimal("50.0000"), Decimal("24.0000"))
    # the filled request is back on the pick list
    first.refresh_from_db()
    assert first.state == RequestState.TO_PICK
    line = first.lines.get()
    assert (line.quantity_filled, line.quantity_to_pick) == (2, 2)
    assert selectors.ledger_differences() == []


def test_positive_adjustment_fills_a_backorder(store, part, workshop_user, make_user):
    request = _submit(store, part, 1, workshop_user, "RO-9", timezone.now())
    manager = make_user(Role.MANAGER)

    services.stock_adjust(part=part, warehouse=store, quantity=Decimal(1), reason="found", user=manager)

    assert Backorder.objects.get().state == BackorderState.FILLED
    assert request.lines.get().quantity_filled == 1
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == 0


def test_quarantined_receipt_fills_nothing(store, part, workshop_user, receive):
    _submit(store, part, 2, workshop_user, "RO-5", timezone.now())

    receive(part, store, 2, quarantine=True)

    backorder = Backorder.objects.get()
    assert (backorder.quantity_filled, backorder.state) == (0, BackorderState.OPEN)
    level = StockLevel.objects.get(part=part, warehouse=store)
    assert (level.on_hand, level.quarantined, level.backordered) == (2, 2, 2)


def test_receipt_without_backorders_runs_no_extra_query(store, part, stocker):
    # given a level that exists and has no backorders
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(1), unit_cost=Decimal(1), user=stocker)

    # then a second receipt costs the same statements as before the hook (lock, insert, update + savepoint)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.stock_receive(part=part, warehouse=store, quantity=Decimal(1), unit_cost=Decimal(1), user=stocker)
    assert not any("inventory_backorder" in q["sql"] for q in queries.captured_queries)
    assert len(queries.captured_queries) <= 8


def test_cancelled_backorder_becomes_lost_demand(store, part, workshop_user, receive):
    # given a back-ordered line of 3
    request = _submit(store, part, 3, workshop_user, "RO-7", timezone.now())
    backorder = Backorder.objects.get()

    # when the requester cancels it
    demand_services.backorder_cancel(backorder=backorder, user=workshop_user)

    # then it is lost demand, the level waits for nothing, and later stock stays on the shelf
    backorder.refresh_from_db()
    assert (backorder.state, backorder.quantity_cancelled) == (BackorderState.CANCELLED, 3)
    line = request.lines.get()
    assert (line.quantity_backordered, line.quantity_lost) == (0, 3)
    assert DemandHit.objects.get().quantity_lost == 3
    assert StockLevel.objects.get(part=part, warehouse=store).backordered == 0
    request.refresh_from_db()
    assert request.state == RequestState.DONE
    receive(part, store, 3)
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == 3


def test_a_closed_backorder_cannot_be_cancelled_and_nothing_changes(store, part, workshop_user, receive):
    _submit(store, part, 1, workshop_user, "RO-8", timezone.now())
    receive(part, store, 1)
    backorder = Backorder.objects.get()

    with pytest.raises(InvalidTransition):
        demand_services.backorder_cancel(backorder=backorder, user=workshop_user)

    backorder.refresh_from_db()
    assert (backorder.state, backorder.quantity_cancelled, backorder.quantity_filled) == (BackorderState.FILLED, 0, 1)
    assert DemandHit.objects.get().quantity_lost == 0


def test_supersession_chain_serves_the_newest_part_and_keeps_both_numbers(store, workshop_user, receive):
    # given A → B → C, stock only of C
    a, b, c = PartFactory(number="A-1"), PartFactory(number="B-1"), PartFactory(number="C-1", list_price=Decimal("9"))
    services.part_supersede(part=a, new_part=b)
    services.part_supersede(part=b, new_part=c)
    receive(c, store, 1, "4.00")

    # when the workshop asks for 2 of A
    request = _submit(store, a, 2, workshop_user, "RO-S", timezone.now())

    # then C serves the line (1 now, 1 back-ordered on C) and the line and hit show both numbers
    line = request.lines.get()
    assert (line.requested_part, line.part) == (a, c)
    assert (line.quantity_supplied, line.quantity_backordered, line.unit_price) == (1, 1, Decimal("9.00"))
    hit = DemandHit.objects.get()
    assert (hit.requested_part, hit.part) == (a, c)
    assert Backorder.objects.get().part == c
    assert StockLevel.objects.get(part=c, warehouse=store).backordered == 1
    assert not StockLevel.objects.filter(part=a, backordered__gt=0).exists()


def test_pick_hands_over_and_refuses_an_empty_pick(store, part, workshop_user, make_user, receive):
    receive(part, store, 1)
    request = _submit(store, part, 2, workshop_user, "RO-P", timezone.now())
    clerk = make_user(Role.CLERK, warehouses=[store])

    demand_services.workshop_request_pick(request=request, user=clerk)

    request.refresh_from_db()
    assert request.state == RequestState.WAITING
    assert request.lines.get().quantity_picked == 1
    with pytest.raises(InvalidTransition):
        demand_services.workshop_request_pick(request=request, user=clerk)
    assert request.lines.get().quantity_picked == 1
