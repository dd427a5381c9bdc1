"""The stock and catalogue services: costing, availability, reversals, units, supersession, lookup."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.exceptions import (
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientStock,
    InvalidQuantity,
    InventoryError,
    SupersessionCycle,
)
from inventory.models import MovementKind, StockLevel, StockMovement, Unit
from inventory.selectors import ledger_differences, part_by_number, part_chain, part_current, part_search

from ..factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("posting_path")]


@pytest.fixture
def user(postgres):
    return UserFactory(roles=[Role.MANAGER])


@pytest.fixture
def part(postgres):
    return PartFactory(number="BP-1")


@pytest.fixture
def store(postgres):
    return WarehouseFactory(code="S1")


def _level(part, warehouse) -> StockLevel:
    return StockLevel.objects.get(part=part, warehouse=warehouse)


def _state() -> tuple:
    return StockMovement.objects.count(), list(
        StockLevel.objects.order_by("pk").values_list("on_hand", "reserved", "quarantined", "in_transit", "value")
    )


def _receive(part, warehouse, user, quantity, cost, **kwargs):
    return services.stock_receive(
        part=part, warehouse=warehouse, quantity=Decimal(quantity), unit_cost=Decimal(cost), user=user, **kwargs
    )


# --- moving average cost ----------------------------------------------------------


def test_moving_average_over_receipts_at_different_prices(part, store, user):
    _receive(part, store, user, 10, "4.00")  # 40
    _receive(part, store, user, 5, "7.00")  # 35 -> 75 / 15 = 5
    assert _level(part, store).average_cost == Decimal("5.0000")

    services.stock_issue(part=part, warehouse=store, quantity=Decimal(6), user=user)  # leaves at 5: 30
    _receive(part, store, user, 3, "9.50")  # 45 + 28.5 = 73.5 / 12 = 6.125

    level = _level(part, store)
    assert (level.on_hand, level.value, level.average_cost) == (Decimal(12), Decimal("73.5"), Decimal("6.1250"))
    assert ledger_differences() == []


def test_average_cost_rounds_to_four_places_and_issues_leave_at_it(part, store, user):
    _receive(part, store, user, 3, "10.00")
    _receive(part, store, user, 3, "10.01")  # 60.03 / 6 = 10.005

    issue = services.stock_issue(part=part, warehouse=store, quantity=Decimal(1), user=user)

    assert _level(part, store).average_cost == Decimal("10.0050")
    assert (issue.unit_cost, issue.value) == (Decimal("10.0050"), Decimal("-10.0050"))


def test_last_unit_out_takes_the_remaining_value_and_leaves_zero(part, store, user):
    _receive(part, store, user, 2, "1.00")
    _receive(part, store, user, 1, "0.00")  # 2.00 / 3 = 0.6667 (rounded)

    first = services.stock_issue(part=part, warehouse=store, quantity=Decimal(2), user=user)
    last = services.stock_issue(part=part, warehouse=store, quantity=Decimal(1), user=user)

    # Two units leave at the rounded average; the last one takes what is left, not 0.6667.
    assert first.value == Decimal("-1.3334")
    assert (last.value, last.unit_cost) == (Decimal("-0.6666"), Decimal("0.6666"))
    level = _level(part, store)
    assert (level.on_hand, level.value) == (0, 0)
    assert ledger_differences() == []


def test_receipt_at_zero_cost_lowers_the_average(part, store, user):
    _receive(part, store, user, 2, "8")
    _receive(part, store, user, 2, "0")

    assert _level(part, store).average_cost == Decimal("4.0000")


# --- availability: reserve and quarantine ---------------------------------------------


def test_reserved_stock_cannot_be_issued(part, store, user):
    _receive(part, store, user, 5, 2)
    services.stock_reserve(part=part, warehouse=store, quantity=Decimal(4))
    before = _state()

    with pytest.raises(InsufficientStock) as refused:
        services.stock_issue(part=part, warehouse=store, quantity=Decimal(2), user=user)

    assert refused.value.available == Decimal(1)
    assert str(refused.value) == (
        "Only 1 of BP-1 available in S1; 2 requested. Lower the quantity or source the rest elsewhere."
    )
    assert _state() == before


def test_quarantined_stock_is_on_hand_but_not_available(part, store, user):
    _receive(part, store, user, 5, 2)
    services.stock_quarantine(part=part, warehouse=store, quantity=Decimal(3))
    before = _state()

    with pytest.raises(InsufficientStock):
        services.stock_transfer(
            part=part, from_warehouse=store, to_warehouse=WarehouseFactory(), quantity=Decimal(3), user=user
        )

    level = _level(part, store)
    assert (level.on_hand, level.quarantined, level.available) == (Decimal(5), Decimal(3), Decimal(2))
    assert _state()[0] == before[0]


def test_quarantine_release_makes_stock_available_again(part, store, user):
    _receive(part, store, user, 5, 2, quarantine=True)
    assert _level(part, store).available == 0

    services.stock_quarantine_release(part=part, warehouse=store, quantity=Decimal(5))

    assert _level(part, store).available == Decimal(5)


def test_rejected_goods_go_back_to_the_supplier_from_quarantine(part, store, user):
    _receive(part, store, user, 4, 3)
    _receive(part, store, user, 2, 3, quarantine=True)

    services.stock_return_to_supplier(
        part=part, warehouse=store, quantity=Decimal(2), user=user, document_ref="RMA-1", from_quarantine=True
    )

    level = _level(part, store)
    assert (level.on_hand, level.quarantined, level.value) == (Decimal(4), 0, Decimal(12))


def test_cannot_reserve_or_quarantine_more_than_available_nor_release_more_than_held(part, store, user):
    _receive(part, store, user, 3, 2)
    services.stock_reserve(part=part, warehouse=store, quantity=Decimal(2))
    before = _state()

    with pytest.raises(InsufficientStock):
        services.stock_reserve(part=part, warehouse=store, quantity=Decimal(2))
    with pytest.raises(InsufficientStock):
        services.stock_quarantine(part=part, warehouse=store, quantity=Decimal(2))
    with pytest.raises(InvalidQuantity):
        services.stock_unreserve(part=part, warehouse=store, quantity=Decimal(3))
    with pytest.raises(InvalidQuantity):
        services.stock_quarantine_release(part=part, warehouse=store, quantity=Decimal(1))

    assert _state() == before


# --- units and quantities -------------------------------------------------------------


@pytest.mark.parametrize("unit", [Unit.PIECE, Unit.SET])
def test_whole_unit_parts_refuse_fractional_quantities(store, user, unit):
    part = PartFactory(unit=unit)
    before = _state()

    with pytest.raises(InvalidQuantity) as refused:
        _receive(part, store, user, "1.5", 2)

    assert refused.value.field == "quantity"
    assert "enter a whole number" in refused.value.message
    assert _state() == before


def test_litres_take_fractions_to_three_places(store, user):
    oil = PartFactory(unit=Unit.LITRE)

    _receive(oil, store, user, "4.25", "3.20")
    services.stock_issue(part=oil, warehouse=store, quantity=Decimal("1.125"), user=user)

    assert _level(oil, store).on_hand == Decimal("3.125")
    with pytest.raises(InvalidQuantity):
        services.stock_issue(part=oil, warehouse=store, quantity=Decimal("0.0005"), user=user)


@pytest.mark.parametrize("quantity", ["0", "-1", "NaN", "Infinity"])
def test_quantities_must_be_positive_and_finite(part, store, user, quantity):
    with pytest.raises(InvalidQuantity):
        _receive(part, store, user, quantity, 1)

    assert StockMovement.objects.count() == 0


@pytest.mark.parametrize("cost", ["-0.01", "1.00001"])
def test_unit_costs_are_not_negative_and_have_four_places(part, store, user, cost):
    with pytest.raises(InventoryError) as refused:
        _receive(part, store, user, 1, cost)

    assert refused.value.field == "unit_cost"
    assert StockMovement.objects.count() == 0


def test_scrap_and_adjustment_need_a_reason(part, store, user):
    _receive(part, store, user, 3, 1)
    before = _state()

    with pytest.raises(InventoryError, match="Say why the stock is scrapped"):
        services.stock_scrap(part=part, warehouse=store, quantity=Decimal(1), user=user, reason=" ")
    with pytest.raises(InventoryError, match="Say why the stock is adjusted"):
        services.stock_adjust(part=part, warehouse=store, quantity=Decimal(-1), user=user, reason="")

    assert _state() == before


# --- transfers ----------------------------------------------------------------------


def test_transfer_carries_the_cost_over_to_the_destination(part, store, user):
    other = WarehouseFactory()
    _receive(part, store, user, 3, "10")
    _receive(part, other, user, 1, "2")

    out, incoming = services.stock_transfer(
        part=part, from_warehouse=store, to_warehouse=other, quantity=Decimal(3), user=user
    )

    assert (out.value, incoming.value) == (Decimal(-30), Decimal(30))
    assert (out.counterpart_id, incoming.counterpart_id) == (incoming.pk, out.pk)
    assert _level(part, other).average_cost == Decimal("8.0000")  # (2 + 30) / 4
    assert (_level(part, store).on_hand, _level(part, store).value) == (0, 0)


def test_transfer_in_two_legs_shows_stock_in_transit(part, store, user):
    other = WarehouseFactory()
    _receive(part, store, user, 5, "6")

    out = services.stock_transfer_send(
        part=part, from_warehouse=store, to_warehouse=other, quantity=Decimal(4), user=user
    )
    assert (_level(part, other).in_transit, _level(part, other).on_hand) == (Decimal(4), 0)

    services.stock_transfer_receive(
        part=part,
        from_warehouse=store,
        to_warehouse=other,
        quantity=Decimal(3),
        lost_quantity=Decimal(1),
        unit_cost=out.unit_cost,
        user=user,
    )

    level = _level(part, other)
    assert (level.in_transit, level.on_hand, level.value) == (0, Decimal(3), Decimal(18))
    assert ledger_differences() == []


def test_receiving_more_than_is_in_transit_is_refused(part, store, user):
    other = WarehouseFactory()
    _receive(part, store, user, 5, "6")
    services.stock_transfer_send(part=part, from_warehouse=store, to_warehouse=other, quantity=Decimal(2), user=user)
    before = _state()

    with pytest.raises(InvalidQuantity, match="Only 2 of BP-1 is in transit"):
        services.stock_transfer_receive(
            part=part, from_warehouse=store, to_warehouse=other, quantity=Decimal(3), unit_cost=Decimal(6), user=user
        )

    assert _state() == before


# --- reversals ----------------------------------------------------------------------


def test_reversal_restores_quantity_and_value_exactly(part, store, user):
    _receive(part, store, user, 3, "10")
    _receive(part, store, user, 3, "20")
    issue = services.stock_issue(part=part, warehouse=store, quantity=Decimal(2), user=user)

    reversal = services.stock_movement_reverse(movement=issue, user=user, reason="picked wrong")

    assert (reversal.kind, reversal.quantity, reversal.value, reversal.reverses_id) == (
        MovementKind.ISSUE,
        Decimal(2),
        Decimal(30),
        issue.pk,
    )
    level = _level(part, store)
    assert (level.on_hand, level.value, level.average_cost) == (Decimal(6), Decimal(90), Decimal(15))


def test_a_movement_is_reversed_once_only(part, store, user):
    receipt = _receive(part, store, user, 3, "10")
    services.stock_movement_reverse(movement=receipt, user=user, reason="wrong delivery")
    before = _state()

    with pytest.raises(AlreadyReversed, match=f"Movement {receipt.pk} has already been reversed"):
        services.stock_movement_reverse(movement=receipt, user=user, reason="again")

    assert _state() == before


def test_a_reversal_is_not_reversed(part, store, user):
    receipt = _receive(part, store, user, 3, "10")
    reversal = services.stock_movement_reverse(movement=receipt, user=user, reason="wrong delivery")
    before = _state()

    with pytest.raises(AlreadyReversed, match="A reversal cannot itself be reversed"):
        services.stock_movement_reverse(movement=reversal, user=user, reason="undo the undo")

    assert _state() == before


def test_transfers_are_not_reversed(part, store, user):
    _receive(part, store, user, 3, "10")
    out, incoming = services.stock_transfer(
        part=part, from_warehouse=store, to_warehouse=WarehouseFactory(), quantity=Decimal(1), user=user
    )
    before = _state()

    for leg in (out, incoming):
        with pytest.raises(InventoryError, match="transferring the stock back"):
            services.stock_movement_reverse(movement=leg, user=user, reason="x")

    assert _state() == before


def test_reversing_a_receipt_whose_stock_was_issued_is_refused(part, store, user):
    receipt = _receive(part, store, user, 3, "10")
    services.stock_issue(part=part, warehouse=store, quantity=Decimal(1), user=user)
    before = _state()

    with pytest.raises(InsufficientStock):
        services.stock_movement_reverse(movement=receipt, user=user, reason="wrong delivery")

    assert _state() == before


# --- idempotency ----------------------------------------------------------------------


def test_a_retried_posting_returns_the_first_movement(part, store, user):
    first = _receive(part, store, user, 3, "10", idempotency_key="k-1")
    retry = _receive(part, store, user, 3, "10", idempotency_key="k-1")

    assert retry.pk == first.pk
    assert _level(part, store).on_hand == Decimal(3)


def test_a_key_reused_for_something_else_is_a_conflict(part, store, user):
    _receive(part, store, user, 3, "10", idempotency_key="k-2")
    before = _state()

    with pytest.raises(IdempotencyConflict):
        services.stock_issue(part=part, warehouse=store, quantity=Decimal(1), user=user, idempotency_key="k-2")

    assert _state() == before


# --- catalogue: supersession and lookup ----------------------------------------------------


def test_supersession_chain_is_followed_to_the_newest_part(postgres):
    newest = PartFactory(number="C")
    newer = PartFactory(number="B", superseded_by=newest)
    old = PartFactory(number="A", superseded_by=newer)

    assert part_current(old) == newest
    assert part_chain(old) == [old, newer, newest]
    assert part_current(newest) == newest


def test_supersession_cycles_are_refused(postgres):
    c = PartFactory(number="C")
    b = PartFactory(number="B", superseded_by=c)
    a = PartFactory(number="A", superseded_by=b)

    with pytest.raises(SupersessionCycle, match="C cannot supersede itself"):
        services.part_supersede(part=c, new_part=c)
    with pytest.raises(SupersessionCycle, match="A already leads back to C"):
        services.part_supersede(part=c, new_part=a)

    c.refresh_from_db()
    assert c.superseded_by_id is None


def test_part_created_with_a_supersession_checks_it(postgres):
    new = PartFactory(number="NEW")

    part = services.part_create(number="OLD", description="Old pad", list_price=Decimal(1), superseded_by=new)

    assert part_current(part) == new


def test_part_number_lookup_ignores_spaces_dashes_and_case(postgres):
    part = PartFactory(number="1122333")
    PartFactory(number="a-bc.9")

    assert part_by_number("11-22 333") == part
    assert part_by_number(" 1122333 ") == part
    assert part_by_number("ABC/9").number == "a-bc.9"
    assert part_by_number("---") is None
    assert list(part_search(query="11 22")) == [part]


def test_duplicate_part_numbers_are_refused_in_any_spelling(postgres):
    PartFactory(number="1122333")

    with pytest.raises(InventoryError, match="already exists") as refused:
        services.part_create(number="11-22 333", description="Copy", list_price=Decimal(1))

    assert refused.value.field == "number"


def test_a_returns_unit_cost_rounds_half_up_like_every_cost(part, store, user):
    # 1.0001 back for 2 units is 0.50005 a unit: the ledger's money rounding (half up) makes it 0.5001
    movement = services.stock_return_in(
        kind=MovementKind.WORKSHOP_RETURN,
        part=part,
        warehouse=store,
        quantity=Decimal("2"),
        value=Decimal("1.0001"),
        user=user,
        document_type="workshop_return",
        document_ref="WR-1",
    )

    assert (movement.unit_cost, movement.value) == (Decimal("0.5001"), Decimal("1.0001"))
