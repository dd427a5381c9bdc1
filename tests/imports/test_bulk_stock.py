"""The bulk stock services behind the opening stock and stocking parameters imports (inventory.services.bulk)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from imports.services import import_file
from inventory import services
from inventory.demand import services as demand_services
from inventory.exceptions import InsufficientStock, InvalidQuantity
from inventory.models import Backorder, BackorderState, BinStock, MovementKind, StockLevel, StockMovement
from inventory.selectors import bin_differences, ledger_differences
from inventory.services import Outcome

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory
from .helpers import csv_bytes, problems, run

pytestmark = pytest.mark.usefixtures("postgres")
D = Decimal
STOCK = ["part_number", "warehouse", "quantity", "unit_cost", "bin"]
LIMITS = ["part_number", "warehouse", "min_qty", "max_qty", "bin"]


@pytest.fixture
def world(db):
    warehouse = WarehouseFactory(code="CEN")
    return {
        "user": UserFactory(roles=[Role.MANAGER]),
        "cen": warehouse,
        "shelf": BinFactory(warehouse=warehouse, code="A-01"),
        "parts": [PartFactory(number=f"P-{i}") for i in range(6)],
    }


def _level(part, warehouse):
    level = StockLevel.objects.get(part=part, warehouse=warehouse)
    return level.on_hand, level.value, level.average_cost


def _snapshot():
    levels = sorted(
        StockLevel.objects.values_list(
            "part_id", "warehouse_id", "on_hand", "value", "average_cost", "min_qty", "max_qty", "default_bin_id"
        )
    )
    return levels, StockMovement.objects.count()


def test_opening_balances_receive_empty_levels_adjust_held_ones_and_leave_equal_ones(world):
    # given P-0 empty, P-1 holding 10 at 2.00, P-2 holding 4 at 5.00, P-3 holding 3 at 1.00
    user, cen, (p0, p1, p2, p3, *_rest) = world["user"], world["cen"], world["parts"]
    for part, quantity, cost in ((p1, 10, "2"), (p2, 4, "5"), (p3, 3, "1")):
        services.stock_receive(part=part, warehouse=cen, quantity=D(quantity), unit_cost=D(cost), user=user)

    # when the balances are P-0 5 at 3, P-1 12 at 8 (up 2), P-2 1 (down 3), P-3 3 (the same)
    outcomes = services.stock_opening_balances_bulk(
        balances=[
            (p0, cen, D(5), D(3), world["shelf"]),
            (p1, cen, D(12), D(8), None),
            (p2, cen, D(1), D(99), None),
            (p3, cen, D(3), D(7), None),
        ],
        user=user,
        document_ref="IMPORT opening.csv",
    )

    # then the empty level got a receipt, the held ones adjustments, the equal one nothing
    assert outcomes == [Outcome.CREATED, Outcome.UPDATED, Outcome.UPDATED, Outcome.UNCHANGED]
    posted = list(
        StockMovement.objects.filter(document_ref="IMPORT opening.csv")
        .order_by("pk")
        .values_list("part__number", "kind", "document_type", "quantity", "unit_cost", "value", "reason")
    )
    assert posted == [
        ("P-0", MovementKind.RECEIPT, "opening_balance", D(5), D(3), D("15.0000"), ""),
        ("P-1", MovementKind.ADJUSTMENT, "adjustment", D(2), D(8), D("16.0000"), "Opening balance import"),
        ("P-2", MovementKind.ADJUSTMENT, "adjustment", D(-3), D(5), D("-15.0000"), "Opening balance import"),
    ]
    # the increase re-averages exactly as a single receipt does: (20 + 16) / 12 = 3; the decrease leaves at average
    assert _level(p0, cen) == (D(5), D("15.0000"), D("3.0000"))
    assert _level(p1, cen) == (D(12), D("36.0000"), D("3.0000"))
    assert _level(p2, cen) == (D(1), D("5.0000"), D("5.0000"))
    assert _level(p3, cen) == (D(3), D("3.0000"), D("1.0000"))
    assert StockLevel.objects.get(part=p0, warehouse=cen).default_bin == world["shelf"]
    assert StockLevel.objects.get(part=p0, warehouse=cen).first_stocked_at is not None
    assert ledger_differences() == []
    # and the bins follow: P-0 put away into its new default bin, the others in no bin, up and down
    held = BinStock.objects.filter(quantity__gt=0).order_by("part__number")
    assert list(held.values_list("part__number", "bin__code", "quantity")) == [
        ("P-0", world["shelf"].code, D(5)),
        ("P-1", None, D(12)),
        ("P-2", None, D(1)),
        ("P-3", None, D(3)),
    ]
    assert bin_differences() == []


def test_opening_balance_of_zero_for_an_unknown_level_creates_no_level(world):
    outcomes = services.stock_opening_balances_bulk(
        balances=[(world["parts"][0], world["cen"], D(0), D(1), None)], user=world["user"]
    )

    assert outcomes == [Outcome.UNCHANGED]
    assert not StockLevel.objects.exists()


def test_a_reduction_below_reserved_stock_refuses_every_balance(world):
    # given P-1 holding 5 of which 4 are reserved
    user, cen, (p0, p1, *_rest) = world["user"], world["cen"], world["parts"]
    services.stock_receive(part=p1, warehouse=cen, quantity=D(5), unit_cost=D(2), user=user)
    services.stock_reserve(part=p1, warehouse=cen, quantity=D(4))
    before = _snapshot()

    # when a new balance comes with one that would take reserved stock
    with pytest.raises(InsufficientStock):
        services.stock_opening_balances_bulk(
            balances=[(p0, cen, D(3), D(1), None), (p1, cen, D(2), D(2), None)], user=user
        )

    # then nothing changed, not even the valid line
    assert _snapshot() == before


def test_a_balance_that_fills_stock_gives_it_to_open_backorders(world, make_user):
    # given a workshop request for 2 of P-0 that found nothing on the shelf
    part, cen = world["parts"][0], world["cen"]
    order = demand_services.repair_order_open(number="RO-1", warehouse=cen, opened_at=timezone.now())
    requester = make_user(Role.WORKSHOP, warehouses=[cen])
    demand_services.workshop_request_submit(
        repair_order=order, warehouse=cen, lines=[(part, D(2))], user=requester, occurred_at=timezone.now()
    )
    assert StockLevel.objects.get(part=part, warehouse=cen).backordered == 2

    # when the opening balance brings 5
    services.stock_opening_balances_bulk(balances=[(part, cen, D(5), D(4), None)], user=world["user"])

    # then the backorder is filled from it: 3 stay on hand
    backorder = Backorder.objects.get()
    assert (backorder.quantity_filled, backorder.state) == (2, BackorderState.FILLED)
    level = StockLevel.objects.get(part=part, warehouse=cen)
    assert (level.on_hand, level.value, level.backordered) == (D(3), D("12.0000"), D(0))
    assert ledger_differences() == []


def test_stocking_parameters_in_bulk_create_update_and_leave_alone(world):
    # given P-1 with limits 1 / 5 and P-2 with limits 2 / 8 in bin A-01
    cen, shelf, (p0, p1, p2, *_rest) = world["cen"], world["shelf"], world["parts"]
    services.stock_level_set_limits(part=p1, warehouse=cen, min_qty=D(1), max_qty=D(5))
    services.stock_level_set_limits(part=p2, warehouse=cen, min_qty=D(2), max_qty=D(8), default_bin=shelf)

    # when P-0 is new, P-1 changes and P-2 is given the same figures without a bin
    outcomes = services.stock_level_set_parameters_bulk(
        parameters=[(p0, cen, D(3), D(0), shelf), (p1, cen, D(1), D(6), None), (p2, cen, D(2), D(8), None)]
    )

    # then
    assert outcomes == [Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED]
    assert sorted(
        StockLevel.objects.values_list("part__number", "min_qty", "max_qty", "default_bin__code", "on_hand")
    ) == [
        ("P-0", D(3), D(0), "A-01", D(0)),
        ("P-1", D(1), D(6), None, D(0)),
        ("P-2", D(2), D(8), "A-01", D(0)),
    ]


def test_one_bad_stocking_parameter_refuses_them_all(world):
    cen, (p0, p1, *_rest) = world["cen"], world["parts"]
    other_bin = BinFactory(warehouse=WarehouseFactory(code="ST1"), code="B-01")

    with pytest.raises(InvalidQuantity, match="maximum must be at least the minimum"):
        services.stock_level_set_parameters_bulk(parameters=[(p0, cen, D(1), D(2), None), (p1, cen, D(5), D(4), None)])
    with pytest.raises(Exception, match="not in warehouse CEN"):
        services.stock_level_set_parameters_bulk(parameters=[(p0, cen, D(1), D(2), other_bin)])

    assert not StockLevel.objects.exists()


def _import(kind, content, user, chunk_size):
    return import_file(
        kind=kind, stream=io.BytesIO(content), file_name="opening.csv", user=user, dry_run=False, chunk_size=chunk_size
    )


def test_a_mixed_opening_stock_file_over_several_chunks_posts_once_and_reimport_changes_nothing(world):
    # given P-4 already holding 10 at 2.00 and P-5 holding 1
    user, cen, parts = world["user"], world["cen"], world["parts"]
    services.stock_receive(part=parts[4], warehouse=cen, quantity=D(10), unit_cost=D(2), user=user)
    services.stock_receive(part=parts[5], warehouse=cen, quantity=D(1), unit_cost=D(2), user=user)
    rows = [[f"P-{i}", "CEN", str(i + 1), "1.5", "A-01" if i % 2 else ""] for i in range(4)]
    rows += [["P-4", "CEN", "6", "1", ""], ["P-5", "CEN", "1", "9", ""]]
    content = csv_bytes(STOCK, rows)

    # when the file is imported in chunks of 2, then again
    first = _import("opening_stock", content, user, chunk_size=2)
    after_first = _snapshot()
    again = _import("opening_stock", content, user, chunk_size=2)

    # then 4 receipts, 1 adjustment, 1 level left alone; the second run changes nothing at all
    assert problems(first) == []
    assert (first.created, first.updated, first.unchanged) == (4, 1, 1)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert _snapshot() == after_first
    assert _level(parts[4], cen) == (D(6), D("12.0000"), D("2.0000"))
    assert list(StockLevel.objects.filter(default_bin__isnull=False).values_list("part__number", flat=True)) == [
        "P-1",
        "P-3",
    ]
    assert ledger_differences() == []


def test_an_opening_stock_file_refused_by_the_posting_imports_nothing_and_names_the_row(world):
    # given P-1 holding 5 of which 4 are reserved
    user, cen, parts = world["user"], world["cen"], world["parts"]
    services.stock_receive(part=parts[1], warehouse=cen, quantity=D(5), unit_cost=D(2), user=user)
    services.stock_reserve(part=parts[1], warehouse=cen, quantity=D(4))
    before = _snapshot()
    rows = [["P-0", "CEN", "3", "1", ""], ["P-2", "CEN", "2", "1", ""], ["P-1", "CEN", "2", "2", ""]]

    # when a file in chunks of 2 would bring P-1 below what is reserved
    report = _import("opening_stock", csv_bytes(STOCK, rows), user, chunk_size=2)

    # then the row is named and nothing was imported, not even the good rows of the first chunk
    assert [(row, column) for row, column, _message in problems(report)] == [(4, "quantity")]
    assert "available" in problems(report)[0][2]
    assert not report.imported
    assert _snapshot() == before


def test_a_stocking_parameters_file_in_chunks_reimports_as_unchanged(world):
    content = csv_bytes(LIMITS, [[f"P-{i}", "CEN", str(i), str(i + 10), "A-01" if i == 2 else ""] for i in range(5)])

    first = _import("stock_parameters", content, world["user"], chunk_size=2)
    after_first = _snapshot()
    again = run("stock_parameters", content, world["user"])

    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert _snapshot() == after_first
    assert StockMovement.objects.count() == 0


def test_every_row_the_posting_refuses_is_named_even_several_in_one_chunk(world):
    # given a file of 8 piece parts (one chunk) where rows 3 and 8 have fractions
    for i in range(6, 12):
        PartFactory(number=f"P-{i}")
    rows = [[f"P-{i}", "CEN", "1.5" if i in (1, 6) else "2", "1", ""] for i in range(8)]

    # when it is imported
    report = _import("opening_stock", csv_bytes(STOCK, rows), world["user"], chunk_size=2000)

    # then both rows are named, in file order, and nothing was posted
    assert [(row, column) for row, column, _message in problems(report)] == [(3, "quantity"), (8, "quantity")]
    assert "whole number" in problems(report)[0][2]
    assert StockMovement.objects.count() == 0
    assert not StockLevel.objects.filter(on_hand__gt=0).exists()
