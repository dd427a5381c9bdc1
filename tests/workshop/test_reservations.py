"""Reservations for booked work: available drops, on hand does not; picked into an issue; expired back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from inventory import selectors, services
from inventory.demand import selectors as demand_selectors
from inventory.demand import services as demand_services
from inventory.exceptions import InventoryError
from inventory.models import (
    Backorder,
    DemandHit,
    Echelon,
    MovementKind,
    RequestState,
    StockLevel,
    StockMovement,
    WorkshopRequest,
)

from ..concurrency import run_at_once
from ..factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.usefixtures("postgres")


def _level(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse)


@pytest.fixture
def clerk_st1(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def test_a_reservation_lowers_available_not_on_hand_and_back_orders_the_rest(
    store, part, repair_order, workshop_user, receive, tomorrow
):
    receive(part, store, 2, "10.00")

    reservation = demand_services.reservation_create(
        repair_order=repair_order, warehouse=store, booked_for=tomorrow, lines=[(part, Decimal(3))], user=workshop_user
    )

    line = reservation.lines.get()
    assert (line.quantity_reserved, line.quantity_supplied, line.quantity_backordered) == (2, 0, 1)
    level = _level(part, store)
    assert (level.on_hand, level.reserved, level.available, level.backordered) == (2, 2, 0, 1)
    assert Backorder.objects.get().quantity == 1
    hit = DemandHit.objects.get()
    # first pick counts what the shelf held at the moment of reserving
    assert (hit.quantity_requested, hit.quantity_supplied, hit.sales_value, hit.cost_value) == (3, 2, 0, 0)
    assert reservation.state == RequestState.TO_PICK
    assert reservation.expires_at > timezone.now() + timedelta(days=1)
    assert not StockMovement.objects.filter(kind=MovementKind.ISSUE).exists()


def test_reservations_appear_on_the_pick_list_of_their_day(store, part, repair_order, workshop_user, receive, tomorrow):
    receive(part, store, 2, "10.00")
    reservation = demand_services.reservation_create(
        repair_order=repair_order, warehouse=store, booked_for=tomorrow, lines=[(part, Decimal(1))], user=workshop_user
    )

    assert list(demand_selectors.pick_list(warehouse_ids=[store.pk])) == []
    assert list(demand_selectors.pick_list(warehouse_ids=[store.pk], day=tomorrow)) == [reservation]


def test_picking_turns_the_reservation_into_an_issue(
    store, part, repair_order, workshop_user, clerk_st1, receive, tomorrow
):
    receive(part, store, 2, "10.00")
    reservation = demand_services.reservation_create(
        repair_order=repair_order, warehouse=store, booked_for=tomorrow, lines=[(part, Decimal(2))], user=workshop_user
    )

    demand_services.workshop_request_pick(request=reservation, user=clerk_st1)

    line = reservation.lines.get()
    assert (line.quantity_reserved, line.quantity_supplied, line.quantity_picked) == (0, 2, 2)
    assert (line.sales_value, line.cost_value) == (Decimal("50.0000"), Decimal("20.0000"))
    level = _level(part, store)
    assert (level.on_hand, level.reserved, level.value) == (0, 0, 0)
    issue = StockMovement.objects.get(kind=MovementKind.ISSUE)
    assert (issue.quantity, issue.document_type, issue.document_ref) == (-2, "workshop_reservation", reservation.number)
    hit = DemandHit.objects.get()
    assert (hit.quantity_supplied, hit.sales_value, hit.cost_value) == (2, Decimal("50.0000"), Decimal("20.0000"))
    assert WorkshopRequest.objects.get().state == RequestState.DONE
    assert selectors.ledger_differences() == []


def test_an_unpicked_reservation_expires_back_to_available(store, part, repair_order, workshop_user, receive, tomorrow):
    receive(part, store, 2, "10.00")
    reservation = demand_services.reservation_create(
        repair_order=repair_order, warehouse=store, booked_for=tomorrow, lines=[(part, Decimal(2))], user=workshop_user
    )

    assert demand_services.reservations_expire(now=timezone.now()) == 0
    assert demand_services.reservations_expire(now=reservation.expires_at) == 1

    level = _level(part, store)
    assert (level.on_hand, level.reserved, level.available) == (2, 0, 2)
    line = reservation.lines.get()
    assert (line.quantity_reserved, line.quantity_lost) == (0, 2)
    assert DemandHit.objects.get().quantity_lost == 2
    assert WorkshopRequest.objects.get().state == RequestState.DONE


def test_a_closed_repair_order_releases_its_reservation(store, part, repair_order, workshop_user, receive, tomorrow):
    receive(part, store, 1, "10.00")
    demand_services.reservation_create(
        repair_order=repair_order, warehouse=store, booked_for=tomorrow, lines=[(part, Decimal(1))], user=workshop_user
    )
    demand_services.repair_order_close(repair_order=repair_order)

    assert demand_services.reservations_expire() == 1
    assert _level(part, store).reserved == 0


def test_a_reservation_for_a_past_day_is_refused(store, part, repair_order, workshop_user, receive):
    receive(part, store, 1, "10.00")
    with pytest.raises(InventoryError) as refused:
        demand_services.reservation_create(
            repair_order=repair_order,
            warehouse=store,
            booked_for=timezone.localdate() - timedelta(days=1),
            lines=[(part, Decimal(1))],
            user=workshop_user,
        )
    assert refused.value.field == "booked_for"
    assert not WorkshopRequest.objects.exists()
    assert _level(part, store).reserved == 0


def test_a_retry_with_the_same_key_reserves_once(store, part, repair_order, workshop_user, receive, tomorrow):
    receive(part, store, 3, "10.00")
    kwargs = {
        "repair_order": repair_order,
        "warehouse": store,
        "booked_for": tomorrow,
        "lines": [(part, Decimal(2))],
        "user": workshop_user,
        "idempotency_key": "res-1",
    }
    first = demand_services.reservation_create(**kwargs)
    again = demand_services.reservation_create(**kwargs)

    assert again.pk == first.pk
    assert _level(part, store).reserved == 2


def test_a_counter_sale_cannot_take_reserved_stock(
    store, part, repair_order, workshop_user, clerk_st1, receive, tomorrow
):
    receive(part, store, 1, "10.00")
    demand_services.reservation_create(
        repair_order=repair_order, warehouse=store, booked_for=tomorrow, lines=[(part, Decimal(1))], user=workshop_user
    )

    sale = demand_services.counter_sale_post(warehouse=store, lines=[(part, Decimal(1))], user=clerk_st1)

    assert sale.lines.get().quantity_supplied == 0
    assert _level(part, store).on_hand == 1


@pytest.mark.usefixtures("postgres_tx")
def test_a_reservation_and_a_counter_sale_racing_for_the_last_unit():
    # given one unit on the shelf
    central = WarehouseFactory(code="CR", echelon=Echelon.CENTRAL)
    store = WarehouseFactory(code="SR", echelon=Echelon.STORE, parent=central)
    part = PartFactory()
    stocker = UserFactory(roles=[Role.MANAGER])
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(1), unit_cost=Decimal(5), user=stocker)
    workshop = UserFactory(roles=[Role.WORKSHOP])
    clerk = UserFactory(roles=[Role.CLERK])
    order = demand_services.repair_order_open(number="RO-R1", warehouse=store)
    tomorrow = timezone.localdate() + timedelta(days=1)

    def reserve():
        return demand_services.reservation_create(
            repair_order=order, warehouse=store, booked_for=tomorrow, lines=[(part, Decimal(1))], user=workshop
        )

    def sell():
        return demand_services.counter_sale_post(warehouse=store, lines=[(part, Decimal(1))], user=clerk)

    # when both post at once, each on its own connection
    _results, errors = run_at_once([reserve, sell])

    # then exactly one got the unit: either it is reserved, or it was sold and the reservation back-orders
    assert errors == []
    level = StockLevel.objects.get(part=part, warehouse=store)
    sold = StockMovement.objects.filter(kind=MovementKind.ISSUE).count()
    assert (level.on_hand + sold, level.reserved + sold) == (1, 1)
    assert level.backordered == sold
    supplied = sorted(DemandHit.objects.values_list("quantity_supplied", flat=True))
    assert supplied == [Decimal(0), Decimal(1)]
    assert selectors.ledger_differences() == []
