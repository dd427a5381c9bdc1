"""Stock by bin: put-away, the take-out order, reversals, bin moves and their idempotency, verify_ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import selectors, services
from inventory.bin_order import Shelf, bins_to_take, shelf_order
from inventory.exceptions import IdempotencyConflict, InsufficientStock, InventoryError
from inventory.models import BinMove, BinMovement, BinStock, StockLevel, StockMovement
from inventory.selectors import BinQuantity, bin_differences, ledger_differences
from inventory.services import network

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("posting_path")]


@pytest.fixture
def user(postgres):
    return UserFactory(roles=[Role.MANAGER])


@pytest.fixture
def part(postgres):
    return PartFactory(number="BN-1")


@pytest.fixture
def store(postgres):
    return WarehouseFactory(code="S1")


@pytest.fixture
def bins(store):
    """Three bins: B-02 is first on the route, A-01 and C-03 share the next place (by code)."""
    return {
        "A-01": BinFactory(warehouse=store, code="A-01", route=2),
        "B-02": BinFactory(warehouse=store, code="B-02", route=1),
        "C-03": BinFactory(warehouse=store, code="C-03", route=2),
    }


def _bins(part, warehouse) -> dict[str, Decimal]:
    rows = BinStock.objects.filter(part=part, warehouse=warehouse).select_related("bin")
    return {(row.bin.code if row.bin else "-"): row.quantity for row in rows if row.quantity}


def _receive(part, warehouse, user, quantity, cost="2.00", **kwargs):
    return services.stock_receive(
        part=part, warehouse=warehouse, quantity=Decimal(quantity), unit_cost=Decimal(cost), user=user, **kwargs
    )


def _verified() -> bool:
    return ledger_differences() == [] and bin_differences() == []


# --- the order rule (pure) ------------------------------------------------------------


def test_order_rule_preferred_then_default_then_route_and_code_then_no_bin():
    shelves = [
        Shelf(None, Decimal(1)),
        Shelf(3, Decimal(1), 2, "C"),
        Shelf(1, Decimal(1), 2, "A"),
        Shelf(2, Decimal(1), 1, "B"),
        Shelf(4, Decimal(1), 9, "D"),
    ]

    assert [s.bin_id for s in shelf_order(shelves, default_bin_id=4)] == [4, 2, 1, 3, None]
    assert [s.bin_id for s in shelf_order(shelves, default_bin_id=4, prefer=(3,))] == [3, 4, 2, 1, None]


def test_bins_to_take_empties_bins_in_order_and_reports_what_is_left():
    shelves = [Shelf(1, Decimal(2), 0, "A"), Shelf(2, Decimal(3), 0, "B")]

    assert bins_to_take(shelves, Decimal(4), default_bin_id=2) == ([(2, Decimal(3)), (1, Decimal(1))], Decimal(0))
    assert bins_to_take(shelves, Decimal(6), default_bin_id=None) == ([(1, Decimal(2)), (2, Decimal(3))], Decimal(1))


# --- put-away -----------------------------------------------------------------------


def test_receipt_goes_into_the_bin_named_else_the_default_bin_else_no_bin(part, store, user, bins):
    _receive(part, store, user, 2)
    services.stock_level_set_limits(part=part, warehouse=store, min_qty=0, max_qty=0, default_bin=bins["C-03"])
    _receive(part, store, user, 3)
    _receive(part, store, user, 4, bin=bins["A-01"])

    assert _bins(part, store) == {"-": Decimal(2), "C-03": Decimal(3), "A-01": Decimal(4)}
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == Decimal(9)
    assert _verified()


def test_receipt_keeps_its_own_bin_entry_equal_to_its_quantity(part, store, user, bins):
    receipt = _receive(part, store, user, 5, bin=bins["B-02"])

    assert list(BinMovement.objects.filter(movement=receipt).values_list("bin__code", "quantity")) == [
        ("B-02", Decimal(5))
    ]


# --- take-out order -----------------------------------------------------------------


def test_issue_takes_default_bin_first_then_by_route_and_code(part, store, user, bins):
    services.stock_level_set_limits(part=part, warehouse=store, min_qty=0, max_qty=0, default_bin=bins["C-03"])
    for code in ("A-01", "B-02", "C-03"):
        _receive(part, store, user, 2, bin=bins[code])

    issue = services.stock_issue(part=part, warehouse=store, quantity=Decimal(5), user=user)

    legs = list(BinMovement.objects.filter(movement=issue).order_by("id").values_list("bin__code", "quantity"))
    assert legs == [("C-03", Decimal(-2)), ("B-02", Decimal(-2)), ("A-01", Decimal(-1))]
    assert _bins(part, store) == {"A-01": Decimal(1)}
    assert _verified()


def test_issue_from_a_named_bin_takes_only_from_it_and_a_short_bin_is_refused(part, store, user, bins):
    _receive(part, store, user, 2, bin=bins["A-01"])
    _receive(part, store, user, 5, bin=bins["B-02"])
    before = (StockMovement.objects.count(), _bins(part, store))

    with pytest.raises(InsufficientStock, match=r"^Only 2 of BN-1 available in S1/A-01; 3 requested\."):
        services.stock_issue(part=part, warehouse=store, quantity=Decimal(3), user=user, bin=bins["A-01"])

    assert (StockMovement.objects.count(), _bins(part, store)) == before
    services.stock_issue(part=part, warehouse=store, quantity=Decimal(2), user=user, bin=bins["A-01"])
    assert _bins(part, store) == {"B-02": Decimal(5)}


def test_scrap_and_transfer_take_from_bins_in_order_and_the_transfer_puts_away_at_the_destination(
    part, store, user, bins
):
    region = WarehouseFactory(code="R1")
    shelf = BinFactory(warehouse=region, code="R-01")
    _receive(part, store, user, 3, cost="4.00", bin=bins["A-01"])
    _receive(part, store, user, 3, cost="4.00", bin=bins["B-02"])

    services.stock_scrap(part=part, warehouse=store, quantity=Decimal(2), user=user, reason="damaged")
    out, incoming = services.stock_transfer(
        part=part, from_warehouse=store, to_warehouse=region, quantity=Decimal(2), user=user, bin=shelf
    )

    assert _bins(part, store) == {"A-01": Decimal(2)}
    assert _bins(part, region) == {"R-01": Decimal(2)}
    assert (out.value, incoming.value) == (Decimal("-8.0000"), Decimal("8.0000"))
    assert _verified()


def test_reversing_an_issue_puts_the_stock_back_into_the_bins_it_left(part, store, user, bins):
    _receive(part, store, user, 1, bin=bins["A-01"])
    _receive(part, store, user, 2, bin=bins["C-03"])
    issue = services.stock_issue(part=part, warehouse=store, quantity=Decimal(3), user=user)
    _receive(part, store, user, 4, bin=bins["B-02"])

    services.stock_movement_reverse(movement=issue, user=user, reason="issued by mistake")

    assert _bins(part, store) == {"A-01": Decimal(1), "B-02": Decimal(4), "C-03": Decimal(2)}
    assert _verified()


def test_reversing_a_receipt_takes_from_the_bin_it_went_into_first(part, store, user, bins):
    _receive(part, store, user, 2, bin=bins["B-02"])
    receipt = _receive(part, store, user, 3, bin=bins["C-03"])

    services.stock_movement_reverse(movement=receipt, user=user, reason="wrong delivery")

    assert _bins(part, store) == {"B-02": Decimal(2)}
    assert _verified()


def test_a_bin_holding_stock_cannot_be_closed(part, store, user, bins):
    _receive(part, store, user, 1, bin=bins["A-01"])

    with pytest.raises(InventoryError, match="holds stock"):
        network.bin_set_active(user=user, bin=bins["A-01"], is_active=False)

    assert BinStock.objects.get(bin=bins["A-01"]).quantity == Decimal(1)


# --- bin moves -------------------------------------------------------------------------


def test_bin_move_moves_quantity_and_leaves_level_and_value_alone(part, store, user, bins):
    _receive(part, store, user, 5, cost="3.10", bin=bins["A-01"])
    level_before = StockLevel.objects.values_list("on_hand", "value", "average_cost", "last_hash").get()

    move = services.stock_bin_move(
        part=part, warehouse=store, from_bin=bins["A-01"], to_bin=bins["B-02"], quantity=Decimal(2), user=user
    )

    assert _bins(part, store) == {"A-01": Decimal(3), "B-02": Decimal(2)}
    assert StockLevel.objects.values_list("on_hand", "value", "average_cost", "last_hash").get() == level_before
    assert list(move.entries.order_by("id").values_list("bin__code", "quantity")) == [
        ("A-01", Decimal(-2)),
        ("B-02", Decimal(2)),
    ]
    assert move.number == f"BMV-{move.pk:06d}"
    assert StockMovement.objects.count() == 1
    assert _verified()


def test_bin_move_puts_away_stock_that_lay_in_no_bin(part, store, user, bins):
    _receive(part, store, user, 4)

    services.stock_bin_move(
        part=part, warehouse=store, from_bin=None, to_bin=bins["C-03"], quantity=Decimal(4), user=user
    )

    assert _bins(part, store) == {"C-03": Decimal(4)}
    assert _verified()


@pytest.mark.parametrize(
    ("source", "target", "quantity", "field", "message"),
    [
        ("A-01", "B-02", "3", "quantity", r"^Only 2 of BN-1 available in S1/A-01; 3 requested\."),
        ("A-01", "A-01", "1", "to_bin", r"^Choose a different bin to move to\.$"),
        ("A-01", "B-02", "0", "quantity", None),
        ("A-01", "B-02", "1.5", "quantity", None),
        ("A-01", "X-99", "1", "to_bin", r"^Bin X-99 is not in warehouse S1\.$"),
    ],
)
def test_refused_bin_move_changes_nothing(part, store, user, bins, source, target, quantity, field, message):
    bins["X-99"] = BinFactory(code="X-99")  # another warehouse's
    _receive(part, store, user, 2, bin=bins["A-01"])
    before = (BinMove.objects.count(), BinMovement.objects.count(), _bins(part, store))

    with pytest.raises(InventoryError, match=message) as refused:
        services.stock_bin_move(
            part=part,
            warehouse=store,
            from_bin=bins[source],
            to_bin=bins[target],
            quantity=Decimal(quantity),
            user=user,
        )

    assert refused.value.field == field
    assert (BinMove.objects.count(), BinMovement.objects.count(), _bins(part, store)) == before


def test_bin_move_into_a_closed_bin_is_refused(part, store, user, bins):
    _receive(part, store, user, 2, bin=bins["A-01"])
    network.bin_set_active(user=user, bin=bins["C-03"], is_active=False)

    with pytest.raises(InventoryError, match=r"^Bin C-03 is closed; choose an open bin\.$"):
        services.stock_bin_move(
            part=part, warehouse=store, from_bin=bins["A-01"], to_bin=bins["C-03"], quantity=Decimal(1), user=user
        )

    assert BinMove.objects.count() == 0


def test_bin_move_retry_with_the_same_key_moves_once(part, store, user, bins):
    _receive(part, store, user, 2, bin=bins["A-01"])
    values = dict(part=part, warehouse=store, from_bin=bins["A-01"], to_bin=bins["B-02"], user=user)

    first = services.stock_bin_move(**values, quantity=Decimal(2), idempotency_key="bm-1")
    again = services.stock_bin_move(**values, quantity=Decimal(2), idempotency_key="bm-1")

    assert again.pk == first.pk
    assert BinMove.objects.count() == 1
    assert _bins(part, store) == {"B-02": Decimal(2)}
    with pytest.raises(IdempotencyConflict):
        services.stock_bin_move(**values, quantity=Decimal(1), idempotency_key="bm-1")
    assert _verified()


# --- stock lookup ------------------------------------------------------------------------


def test_stock_lookup_shows_each_bin_along_the_route_and_the_api_answers_them(
    part, store, user, bins, api_as, make_user
):
    services.stock_level_set_limits(part=part, warehouse=store, min_qty=0, max_qty=0, default_bin=bins["C-03"])
    _receive(part, store, user, 1)
    _receive(part, store, user, 2, bin=bins["A-01"])
    _receive(part, store, user, 3, bin=bins["B-02"])

    row = next(row for row in selectors.stock_lookup(part=part).rows if row.warehouse == store)
    body = api_as(make_user(Role.CLERK)).get(f"/api/v1/parts/lookup/?number={part.number}").json()

    assert row.bins == (
        BinQuantity("B-02", Decimal(3)),
        BinQuantity("A-01", Decimal(2)),
        BinQuantity("C-03", Decimal(1)),
    )
    assert (row.bin, row.on_hand) == ("C-03", Decimal(6))
    api_row = next(r for r in body["rows"] if r["warehouse"] == "S1")
    assert api_row["bins"] == [
        {"code": "B-02", "quantity": "3.000"},
        {"code": "A-01", "quantity": "2.000"},
        {"code": "C-03", "quantity": "1.000"},
    ]
