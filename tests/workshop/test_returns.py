"""Workshop and customer returns: back at the cost they left with, demand corrected, posted once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from inventory.demand import services as demand_services
from inventory.exceptions import IdempotencyConflict, InvalidQuantity, InvalidTransition, InventoryError
from inventory.models import (
    CustomerReturn,
    DemandHit,
    MovementKind,
    ReturnCondition,
    StockLevel,
    StockMovement,
    WorkshopReturn,
    WorkshopReturnReason,
)
from inventory.selectors import ledger_broken_links, ledger_differences

pytestmark = pytest.mark.usefixtures("postgres")


def _level(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse)


@pytest.fixture
def clerk_st1(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def picked_line(store, part, repair_order, workshop_user, clerk_st1, receive):
    """3 of 4 on the shelf (average 11.5000) issued to RO-1001 and handed over."""
    receive(part, store, 2, "10.00")
    receive(part, store, 1, "13.00")
    receive(part, store, 1, "13.00")
    request = demand_services.workshop_request_submit(
        repair_order=repair_order, warehouse=store, lines=[(part, Decimal(3))], user=workshop_user
    )
    demand_services.workshop_request_pick(request=request, user=clerk_st1)
    return request.lines.get()


def test_a_partial_workshop_return_comes_back_at_its_share_of_the_cost_and_keeps_the_hit(
    picked_line, store, part, clerk_st1
):
    # given 3 issued for 34.5000 (average 11.5000), 1 left on the shelf
    assert picked_line.cost_value == Decimal("34.5000")

    # when 1 comes back, not needed
    returned = demand_services.workshop_return_post(
        line=picked_line, quantity=Decimal(1), reason=WorkshopReturnReason.NOT_NEEDED, user=clerk_st1
    )

    # then it comes back at a third of the cost, available; the hit stays, net of the return
    assert (returned.quantity, returned.value, returned.hit_withdrawn) == (1, Decimal("11.5000"), False)
    movement = returned.movement
    assert movement.kind == MovementKind.WORKSHOP_RETURN
    assert (movement.quantity, movement.value, movement.unit_cost) == (1, Decimal("11.5000"), Decimal("11.5000"))
    assert (movement.document_type, movement.document_ref) == ("workshop_return", picked_line.request.number)
    level = _level(part, store)
    assert (level.on_hand, level.available, level.value) == (2, 2, Decimal("23.0000"))
    hit = DemandHit.objects.get()
    assert (hit.sales_value, hit.cost_value) == (Decimal("50.0000"), Decimal("23.0000"))
    picked_line.refresh_from_db()
    assert (picked_line.quantity_returned, picked_line.cost_returned) == (1, Decimal("11.5000"))
    assert ledger_differences() == []
    assert ledger_broken_links() == []


def test_the_whole_line_back_returns_its_exact_cost_and_withdraws_the_hit(picked_line, store, part, clerk_st1):
    # given a third already back
    demand_services.workshop_return_post(
        line=picked_line, quantity=Decimal(1), reason=WorkshopReturnReason.MISDIAGNOSIS, user=clerk_st1
    )

    # when the other two come back
    last = demand_services.workshop_return_post(
        line=picked_line, quantity=Decimal(2), reason=WorkshopReturnReason.MISDIAGNOSIS, user=clerk_st1
    )

    # then together they carry exactly the cost that left, and the line was not demand
    assert last.value == Decimal("23.0000")
    assert sum(r.value for r in WorkshopReturn.objects.all()) == Decimal("34.5000")
    assert last.hit_withdrawn is True
    assert not DemandHit.objects.exists()
    picked_line.refresh_from_db()
    assert picked_line.hit_id is None
    level = _level(part, store)
    assert (level.on_hand, level.value) == (4, Decimal("46.0000"))
    assert ledger_differences() == []


def test_damaged_parts_come_back_quarantined(picked_line, store, part, clerk_st1):
    demand_services.workshop_return_post(
        line=picked_line, quantity=Decimal(1), reason=WorkshopReturnReason.DAMAGED, user=clerk_st1
    )

    level = _level(part, store)
    assert (level.on_hand, level.quarantined, level.available) == (2, 1, 1)


def test_more_than_was_handed_over_is_refused_and_changes_nothing(picked_line, store, part, clerk_st1):
    before = StockMovement.objects.count()

    with pytest.raises(InvalidQuantity, match="Only 3 of FLT-100"):
        demand_services.workshop_return_post(
            line=picked_line, quantity=Decimal(4), reason=WorkshopReturnReason.NOT_NEEDED, user=clerk_st1
        )

    assert StockMovement.objects.count() == before
    assert not WorkshopReturn.objects.exists()
    assert _level(part, store).on_hand == 1


def test_an_unknown_reason_is_refused(picked_line, clerk_st1):
    with pytest.raises(InventoryError) as refused:
        demand_services.workshop_return_post(line=picked_line, quantity=Decimal(1), reason="bored", user=clerk_st1)
    assert refused.value.field == "reason"
    assert not WorkshopReturn.objects.exists()


def test_a_retry_with_the_same_key_posts_once_and_another_posting_with_it_conflicts(picked_line, clerk_st1):
    first = demand_services.workshop_return_post(
        line=picked_line, quantity=Decimal(3), reason=WorkshopReturnReason.NOT_NEEDED, user=clerk_st1,
        idempotency_key="ret-1",
    )  # fmt: skip

    again = demand_services.workshop_return_post(
        line=picked_line, quantity=Decimal(3), reason=WorkshopReturnReason.NOT_NEEDED, user=clerk_st1,
        idempotency_key="ret-1",
    )  # fmt: skip

    assert again.pk == first.pk
    assert StockMovement.objects.filter(kind=MovementKind.WORKSHOP_RETURN).count() == 1
    with pytest.raises(IdempotencyConflict):
        demand_services.workshop_return_post(
            line=picked_line, quantity=Decimal(1), reason=WorkshopReturnReason.NOT_NEEDED, user=clerk_st1,
            idempotency_key="ret-1",
        )  # fmt: skip


def test_a_workshop_return_fills_a_waiting_backorder(store, part, repair_order, workshop_user, clerk_st1, receive):
    # given one repair order took the only unit and another waits for one
    receive(part, store, 1, "10.00")
    first = demand_services.workshop_request_submit(
        repair_order=repair_order, warehouse=store, lines=[(part, Decimal(1))], user=workshop_user
    )
    demand_services.workshop_request_pick(request=first, user=clerk_st1)
    other = demand_services.repair_order_open(number="RO-1002", warehouse=store)
    waiting = demand_services.workshop_request_submit(
        repair_order=other, warehouse=store, lines=[(part, Decimal(1))], user=workshop_user
    )

    # when the first brings it back unused
    demand_services.workshop_return_post(
        line=first.lines.get(), quantity=Decimal(1), reason=WorkshopReturnReason.WRONG_PART, user=clerk_st1
    )

    # then the waiting backorder takes it
    line = waiting.lines.get()
    assert line.quantity_filled == 1
    assert _level(part, store).on_hand == 0
    assert ledger_differences() == []


# --- customer returns -----------------------------------------------------------------------


@pytest.fixture
def sale_line(store, part, clerk_st1, receive):
    receive(part, store, 4, "10.00")
    sale = demand_services.counter_sale_post(
        warehouse=store, lines=[(part, Decimal(2))], user=clerk_st1, customer_ref="walk-in"
    )
    return sale.lines.get()


def test_a_customer_return_as_new_goes_back_to_stock_with_the_money_noted(sale_line, store, part, clerk_st1):
    returned = demand_services.customer_return_post(
        line=sale_line, quantity=Decimal(1), condition=ReturnCondition.RESALEABLE, user=clerk_st1
    )

    assert (returned.value, returned.refund, returned.scrap_movement) == (Decimal("10.0000"), Decimal("25.00"), None)
    assert returned.movement.kind == MovementKind.CUSTOMER_RETURN
    assert returned.movement.document_ref == sale_line.sale.number
    level = _level(part, store)
    assert (level.on_hand, level.available, level.value) == (3, 3, Decimal("30.0000"))
    hit = DemandHit.objects.get()
    assert (hit.sales_value, hit.cost_value) == (Decimal("25.0000"), Decimal("10.0000"))


def test_a_damaged_customer_return_is_scrapped_and_the_whole_line_withdraws_the_hit(sale_line, store, part, clerk_st1):
    returned = demand_services.customer_return_post(
        line=sale_line, quantity=Decimal(2), condition=ReturnCondition.DAMAGED, user=clerk_st1
    )

    assert returned.hit_withdrawn is True
    assert returned.scrap_movement.kind == MovementKind.SCRAP
    assert returned.scrap_movement.value == Decimal("-20.0000")
    level = _level(part, store)
    assert (level.on_hand, level.quarantined, level.value) == (2, 0, Decimal("20.0000"))
    assert not DemandHit.objects.exists()
    assert ledger_differences() == []
    assert ledger_broken_links() == []


def test_a_customer_return_after_the_window_is_refused(sale_line, clerk_st1, settings):
    settings.COUNTER_RETURN_DAYS = 14
    late = sale_line.sale.occurred_at + timedelta(days=15)

    with pytest.raises(InvalidTransition, match="older than 14 days"):
        demand_services.customer_return_post(
            line=sale_line, quantity=Decimal(1), condition=ReturnCondition.RESALEABLE, user=clerk_st1, returned_at=late
        )

    assert not CustomerReturn.objects.exists()
    assert StockMovement.objects.filter(kind=MovementKind.CUSTOMER_RETURN).count() == 0


def test_a_customer_return_retry_posts_once(sale_line, clerk_st1):
    kwargs = {
        "line": sale_line,
        "quantity": Decimal(2),
        "condition": ReturnCondition.DAMAGED,
        "user": clerk_st1,
        "idempotency_key": "cr-1",
        "returned_at": timezone.now(),
    }
    first = demand_services.customer_return_post(**kwargs)
    again = demand_services.customer_return_post(**kwargs)

    assert again.pk == first.pk
    assert StockMovement.objects.filter(kind=MovementKind.SCRAP).count() == 1
