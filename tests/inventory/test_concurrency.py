"""Postings at the same moment, from real threads with their own PostgreSQL connections.

The row locks in ``inventory.locks`` make concurrent postings queue: the last
units of a part are issued exactly once, opposite transfers never deadlock,
and two requests with one idempotency key post once.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.exceptions import InsufficientStock
from inventory.models import BinMovement, BinStock, StockLevel, StockMovement
from inventory.selectors import bin_differences, ledger_differences

from ..concurrency import run_at_once
from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("posting_path")]


@pytest.mark.parametrize(
    ("on_hand", "threads", "each", "issued"),
    [(5, 8, 1, 5), (5, 6, 2, 4)],
)
def test_concurrent_issues_take_exactly_the_available_stock(postgres_tx, on_hand, threads, each, issued):
    # Given a part with a few units left in one warehouse
    user = UserFactory(roles=[Role.CLERK])
    part, warehouse = PartFactory(), WarehouseFactory()
    services.stock_receive(
        part=part, warehouse=warehouse, quantity=Decimal(on_hand), unit_cost=Decimal("4.50"), user=user
    )

    # When several clerks issue at the same moment
    results, errors = run_at_once(
        [
            lambda: services.stock_issue(part=part, warehouse=warehouse, quantity=Decimal(each), user=user)
            for _ in range(threads)
        ]
    )

    # Then exactly what was available is issued and everyone else is refused
    assert len(results) == issued // each
    assert len(errors) == threads - issued // each
    assert all(isinstance(error, InsufficientStock) for error in errors)
    level = StockLevel.objects.get(part=part, warehouse=warehouse)
    assert level.on_hand == Decimal(on_hand - issued)
    assert level.value == Decimal("4.50") * (on_hand - issued)
    assert StockMovement.objects.filter(part=part, kind="issue").count() == issued // each
    assert ledger_differences() == []


def test_opposite_transfers_at_once_all_complete_without_deadlock(postgres_tx):
    # Given stock of one part in two warehouses
    user = UserFactory(roles=[Role.MANAGER])
    part = PartFactory()
    north, south = WarehouseFactory(), WarehouseFactory()
    for warehouse in (north, south):
        services.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(20), unit_cost=Decimal(3), user=user)

    # When transfers run both ways at the same moment
    calls = []
    for index in range(10):
        source, target = (north, south) if index % 2 == 0 else (south, north)
        calls.append(
            lambda source=source, target=target: services.stock_transfer(
                part=part, from_warehouse=source, to_warehouse=target, quantity=Decimal(2), user=user
            )
        )
    results, errors = run_at_once(calls)

    # Then every transfer completed (no deadlock victim) and the stock is where it should be
    assert errors == []
    assert len(results) == 10
    levels = {level.warehouse_id: level for level in StockLevel.objects.filter(part=part)}
    assert levels[north.pk].on_hand == Decimal(20)
    assert levels[south.pk].on_hand == Decimal(20)
    assert levels[north.pk].value + levels[south.pk].value == Decimal(120)
    assert StockMovement.objects.filter(part=part, kind__in=["transfer_out", "transfer_in"]).count() == 20
    assert ledger_differences() == []


def test_same_idempotency_key_from_two_requests_at_once_posts_once(postgres_tx):
    # Given stock enough for one issue of 3
    user = UserFactory(roles=[Role.CLERK])
    part, warehouse = PartFactory(), WarehouseFactory()
    services.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(4), unit_cost=Decimal(10), user=user)

    # When the same request (same key) arrives twice at the same moment
    results, errors = run_at_once(
        [
            lambda: services.stock_issue(
                part=part, warehouse=warehouse, quantity=Decimal(3), user=user, idempotency_key="issue-ro-77"
            )
            for _ in range(2)
        ]
    )

    # Then it posts once and both get the same movement
    assert errors == []
    assert len(results) == 2
    assert results[0].pk == results[1].pk
    assert StockMovement.objects.filter(idempotency_key="issue-ro-77").count() == 1
    assert StockLevel.objects.get(part=part, warehouse=warehouse).on_hand == Decimal(1)
    assert ledger_differences() == []


def test_first_receipts_of_a_new_part_at_once_create_one_level(postgres_tx):
    # Given a part that has never been stocked in the warehouse
    user = UserFactory(roles=[Role.CLERK])
    part, warehouse = PartFactory(), WarehouseFactory()

    # When four receipts arrive at the same moment
    results, errors = run_at_once(
        [
            lambda: services.stock_receive(
                part=part, warehouse=warehouse, quantity=Decimal(1), unit_cost=Decimal(8), user=user
            )
            for _ in range(4)
        ]
    )

    # Then all four post into a single level
    assert errors == []
    assert len(results) == 4
    level = StockLevel.objects.get(part=part, warehouse=warehouse)
    assert level.on_hand == Decimal(4)
    assert level.value == Decimal(32)
    assert ledger_differences() == []


def test_crossing_bin_moves_at_once_all_complete_without_deadlock(postgres_tx):
    # Given 20 of a part in each of two bins
    user = UserFactory(roles=[Role.CLERK])
    part, warehouse = PartFactory(), WarehouseFactory()
    left, right = BinFactory(warehouse=warehouse, code="L-01"), BinFactory(warehouse=warehouse, code="R-01")
    for bin in (left, right):
        services.stock_receive(
            part=part, warehouse=warehouse, quantity=Decimal(20), unit_cost=Decimal(3), user=user, bin=bin
        )

    # When moves A→B and B→A run at the same moment
    calls = []
    for index in range(10):
        source, target = (left, right) if index % 2 == 0 else (right, left)
        calls.append(
            lambda source=source, target=target: services.stock_bin_move(
                part=part, warehouse=warehouse, from_bin=source, to_bin=target, quantity=Decimal(3), user=user
            )
        )
    results, errors = run_at_once(calls)

    # Then every move completed (no deadlock victim), the bins are back where they were, the level untouched
    assert errors == []
    assert len(results) == 10
    held = dict(BinStock.objects.filter(part=part).values_list("bin_id", "quantity"))
    assert held == {left.pk: Decimal(20), right.pk: Decimal(20)}
    level = StockLevel.objects.get(part=part, warehouse=warehouse)
    assert (level.on_hand, level.value) == (Decimal(40), Decimal(120))
    assert BinMovement.objects.filter(bin_move__isnull=False).count() == 20
    assert ledger_differences() == []
    assert bin_differences() == []
