"""Two workshops ask for the last unit at the same moment: one gets it, the other a backorder."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import selectors, services
from inventory.demand import services as demand_services
from inventory.models import Backorder, DemandHit, Echelon, RepairOrder, StockLevel, WorkshopRequest

from ..concurrency import run_at_once
from ..factories import PartFactory, UserFactory, WarehouseFactory


@pytest.mark.usefixtures("postgres_tx")
def test_two_workshops_racing_for_the_last_unit():
    # given one unit on the shelf and two workshop users with their repair orders
    central = WarehouseFactory(code="CX", echelon=Echelon.CENTRAL)
    store = WarehouseFactory(code="SX", echelon=Echelon.STORE, parent=central)
    part = PartFactory()
    stocker = UserFactory(roles=[Role.MANAGER])
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(1), unit_cost=Decimal(5), user=stocker)
    users = [UserFactory(roles=[Role.WORKSHOP]) for _ in range(2)]
    orders = [demand_services.repair_order_open(number=f"RO-X{i}", warehouse=store) for i in range(2)]

    def submit(index: int):
        return demand_services.workshop_request_submit(
            repair_order=orders[index], warehouse=store, lines=[(part, Decimal(1))], user=users[index]
        )

    # when both submit at once, each on its own connection
    _results, errors = run_at_once([lambda: submit(0), lambda: submit(1)])

    # then exactly one got the unit and the other waits on a backorder; the ledger agrees
    assert errors == []
    supplied = sorted(DemandHit.objects.values_list("quantity_supplied", flat=True))
    assert supplied == [Decimal(0), Decimal(1)]
    assert Backorder.objects.count() == 1
    level = StockLevel.objects.get(part=part, warehouse=store)
    assert (level.on_hand, level.backordered) == (0, 1)
    assert selectors.ledger_differences() == []


@pytest.mark.usefixtures("postgres_tx")
def test_a_double_submit_of_one_issue_with_one_key_at_the_same_moment_issues_once():
    # given stock for one issue and a new repair order number sent twice at once with one key
    store = WarehouseFactory(code="SY", echelon=Echelon.STORE)
    part = PartFactory()
    clerk = UserFactory(roles=[Role.CLERK])
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(3), unit_cost=Decimal(5), user=clerk)

    def issue():
        return demand_services.repair_order_issue(
            number="RO-TWICE", warehouse=store, lines=[(part, Decimal(2))], user=clerk, idempotency_key="twice"
        )

    # when both arrive at once, each on its own connection
    results, errors = run_at_once([issue, issue])

    # then one request, one repair order, one issue of 2: both answers are the same request
    assert errors == []
    assert len({request.pk for request in results}) == 1
    assert WorkshopRequest.objects.count() == RepairOrder.objects.count() == 1
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == Decimal(1)
    assert selectors.ledger_differences() == []
