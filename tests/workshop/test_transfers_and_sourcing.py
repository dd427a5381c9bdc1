"""Transfer orders (send, partial arrival, discrepancy, cost carried) and transfer-first sourcing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.exceptions import DomainError
from core.roles import Role
from inventory import selectors, services
from inventory.demand import services as demand_services
from inventory.demand.selectors import transfer_proposals
from inventory.exceptions import InsufficientStock, InvalidTransition, InventoryError
from inventory.models import (
    Backorder,
    BackorderState,
    StockLevel,
    StockMovement,
    TransferState,
)
from suppliers.models import OrderType, PurchaseOrder, Supplier, SupplierPart
from suppliers.services import sourcing

pytestmark = pytest.mark.usefixtures("postgres")


def _level(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse)


def _backorder(store, part, quantity, user, number="RO-T"):
    order = demand_services.repair_order_open(number=number, warehouse=store)
    demand_services.workshop_request_submit(
        repair_order=order, warehouse=store, lines=[(part, Decimal(quantity))], user=user
    )
    return Backorder.objects.get(line__request__repair_order=order)


def test_transfer_with_partial_arrival_records_the_discrepancy_and_carries_cost(network, part, stocker, receive):
    # given 10 at REG at 7.50
    regional, store = network["REG"], network["ST1"]
    receive(part, regional, 10, "7.50")
    transfer = demand_services.transfer_order_create(
        from_warehouse=regional, to_warehouse=store, lines=[(part, Decimal(6))], user=stocker
    )
    line = transfer.lines.get()

    # when 6 are sent
    demand_services.transfer_order_send(transfer=transfer, user=stocker)

    # then they left REG at cost and show in transit at ST1
    line.refresh_from_db()
    assert (line.quantity_sent, line.unit_cost) == (6, Decimal("7.5000"))
    assert _level(part, regional).on_hand == 4
    assert _level(part, store).in_transit == 6

    # when 4 arrive now
    transfer = demand_services.transfer_order_receive(transfer=transfer, user=stocker, quantities={line.pk: Decimal(4)})

    # then the order is partly received, 2 still in transit, stock entered at the sending cost
    assert transfer.state == TransferState.PARTIAL
    level = _level(part, store)
    assert (level.on_hand, level.in_transit, level.value) == (4, 2, Decimal("30.0000"))

    # when the last 2 are declared lost
    transfer = demand_services.transfer_order_receive(
        transfer=transfer, user=stocker, quantities={line.pk: (Decimal(0), Decimal(2))}, note="box damaged in van"
    )

    # then the order is received with the documented discrepancy, nothing left in transit
    assert transfer.state == TransferState.RECEIVED
    assert transfer.discrepancy_note == "box damaged in van"
    line.refresh_from_db()
    assert (line.quantity_received, line.quantity_lost, line.quantity_outstanding) == (4, 2, 0)
    assert _level(part, store).in_transit == 0
    kinds = list(StockMovement.objects.filter(document_ref=transfer.number).values_list("kind", "quantity"))
    assert sorted(kinds) == [("transfer_in", Decimal("4.000")), ("transfer_out", Decimal("-6.000"))]
    assert selectors.ledger_differences() == []


def test_lost_quantity_without_a_note_is_refused_and_nothing_changes(network, part, stocker, receive):
    regional, store = network["REG"], network["ST1"]
    receive(part, regional, 5)
    transfer = demand_services.transfer_order_create(
        from_warehouse=regional, to_warehouse=store, lines=[(part, Decimal(5))], user=stocker
    )
    demand_services.transfer_order_send(transfer=transfer, user=stocker)
    line = transfer.lines.get()

    with pytest.raises(InventoryError, match="missing quantity"):
        demand_services.transfer_order_receive(
            transfer=transfer, user=stocker, quantities={line.pk: (Decimal(3), Decimal(2))}
        )

    line.refresh_from_db()
    assert (line.quantity_received, line.quantity_lost) == (0, 0)
    assert _level(part, store).in_transit == 5
    transfer.refresh_from_db()
    assert transfer.state == TransferState.SENT


def test_sending_more_than_the_source_has_is_refused_and_nothing_moves(network, part, stocker, receive):
    regional, store = network["REG"], network["ST1"]
    receive(part, regional, 2)
    transfer = demand_services.transfer_order_create(
        from_warehouse=regional, to_warehouse=store, lines=[(part, Decimal(3))], user=stocker
    )

    with pytest.raises(InsufficientStock):
        demand_services.transfer_order_send(transfer=transfer, user=stocker)

    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED
    assert _level(part, regional).on_hand == 2
    assert not StockLevel.objects.filter(warehouse=store, in_transit__gt=0).exists()


def test_a_received_transfer_cannot_be_sent_again(network, part, stocker, receive):
    regional, store = network["REG"], network["ST1"]
    receive(part, regional, 2)
    transfer = demand_services.transfer_order_create(
        from_warehouse=regional, to_warehouse=store, lines=[(part, Decimal(2))], user=stocker
    )
    demand_services.transfer_order_send(transfer=transfer, user=stocker)
    demand_services.transfer_order_receive(transfer=transfer, user=stocker)

    with pytest.raises(InvalidTransition):
        demand_services.transfer_order_send(transfer=transfer, user=stocker)
    assert _level(part, store).on_hand == 2


def test_sourcing_order_is_neighbour_then_parent_then_supplier(network, part, workshop_user, receive):
    # given ST1 short of 3; ST2 (neighbour) holds 5 with a maximum of 2; REG (parent) holds 10
    store, other, regional = network["ST1"], network["ST2"], network["REG"]
    receive(part, other, 5)
    services.stock_level_set_limits(part=part, warehouse=other, min_qty=Decimal(1), max_qty=Decimal(2))
    receive(part, regional, 10)
    supplier = Supplier.objects.create(code="SUP1", name="Filters Ltd")
    SupplierPart.objects.create(supplier=supplier, part=part, price=Decimal("9.00"), is_preferred=True)
    backorder = _backorder(store, part, 4, workshop_user)

    # when the proposals are made
    proposals = sourcing.sourcing_proposals(backorder)

    # then the neighbour's surplus above its maximum (5 - 2 = 3) comes first, the parent second,
    # the supplier last
    assert [(p.rank, p.kind, p.quantity) for p in proposals] == [
        (1, "neighbour", Decimal(3)),
        (2, "parent", Decimal(4)),
        (3, "emergency_order", Decimal(4)),
    ]
    assert proposals[0].warehouse == other
    assert proposals[1].warehouse == regional
    assert proposals[2].supplier == supplier


def test_a_neighbour_with_stock_above_its_minimum_but_not_its_maximum_is_not_proposed(
    network, part, workshop_user, receive
):
    # the same rule as the replenishment run (inventory.quantities.surplus): stock up to the
    # maximum is the neighbour's own
    store, other = network["ST1"], network["ST2"]
    receive(part, other, 3)
    services.stock_level_set_limits(part=part, warehouse=other, min_qty=Decimal(2), max_qty=Decimal(4))
    backorder = _backorder(store, part, 1, workshop_user)

    assert transfer_proposals(backorder) == []


def test_a_neighbour_at_its_minimum_is_not_proposed(network, part, workshop_user, receive):
    store, other = network["ST1"], network["ST2"]
    receive(part, other, 2)
    services.stock_level_set_limits(part=part, warehouse=other, min_qty=Decimal(2), max_qty=Decimal(4))
    backorder = _backorder(store, part, 1, workshop_user)

    assert transfer_proposals(backorder) == []


def test_accepting_a_transfer_proposal_fills_the_backorder_on_arrival(network, part, workshop_user, stocker, receive):
    # given a backorder of 2 at ST1 and surplus at ST2
    store, other = network["ST1"], network["ST2"]
    receive(part, other, 5, "6.00")
    backorder = _backorder(store, part, 2, workshop_user)
    proposal = transfer_proposals(backorder)[0]

    # when the clerk accepts it, ST2 sends and ST1 receives
    transfer = demand_services.backorder_source_by_transfer(
        backorder=backorder, from_warehouse=proposal.warehouse, quantity=proposal.quantity, user=stocker
    )
    backorder.refresh_from_db()
    assert backorder.sourcing_note.startswith(f"Transfer {transfer.number}")
    assert transfer_proposals(backorder) == []  # covered: not proposed twice
    demand_services.transfer_order_send(transfer=transfer, user=stocker)
    demand_services.transfer_order_receive(transfer=transfer, user=stocker)

    # then the backorder is filled at the carried cost and the store is back to zero
    backorder.refresh_from_db()
    assert (backorder.state, backorder.quantity_filled) == (BackorderState.FILLED, 2)
    level = _level(part, store)
    assert (level.on_hand, level.backordered, level.value) == (0, 0, 0)
    line = backorder.line
    line.refresh_from_db()
    assert line.cost_value == Decimal("12.0000")
    assert selectors.ledger_differences() == []


def test_accepting_the_emergency_order_creates_an_emergency_po(network, part, workshop_user, make_user):
    store = network["ST1"]
    supplier = Supplier.objects.create(code="SUP2", name="Fast parts")
    SupplierPart.objects.create(supplier=supplier, part=part, price=Decimal("11.00"), is_preferred=True)
    backorder = _backorder(store, part, 2, workshop_user)
    purchaser = make_user(Role.PURCHASER, warehouses=[store])

    order = sourcing.backorder_order_emergency(backorder=backorder, user=purchaser)

    assert order.order_type == OrderType.EMERGENCY
    assert (order.supplier, order.warehouse) == (supplier, store)
    assert [(ln.part, ln.quantity) for ln in order.lines.all()] == [(part, Decimal(2))]
    backorder.refresh_from_db()
    assert backorder.sourcing_note == f"Emergency order {order.number} to SUP2"


def test_emergency_order_without_a_supplier_is_refused(network, part, workshop_user, make_user):
    backorder = _backorder(network["ST1"], part, 1, workshop_user)

    with pytest.raises(DomainError, match="No active supplier"):
        sourcing.backorder_order_emergency(backorder=backorder, user=make_user(Role.PURCHASER))

    assert not PurchaseOrder.objects.exists()
    backorder.refresh_from_db()
    assert backorder.sourcing_note == ""
