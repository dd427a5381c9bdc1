"""Random postings and bin moves keep every level equal to the sum of its bins.

Given a part in two warehouses of three bins each (one of them the default
bin of the first warehouse), any sequence of receipts (into a bin or not),
issues (from a bin or in the order rule), scraps, transfers, adjustments,
reversals and bin moves leaves every bin stock equal to its entries in the
bins' ledger, every level equal to the sum of its bins, and no bin negative.
A refused posting or move changes nothing at all.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.roles import Role
from inventory import services
from inventory.exceptions import InventoryError
from inventory.models import BinMove, BinStock, StockLevel, StockMovement
from inventory.selectors import bin_differences, ledger_differences

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.usefixtures("posting_path")

WAREHOUSES = 2
BINS = 3

warehouse_index = st.integers(0, WAREHOUSES - 1)
bin_index = st.one_of(st.none(), st.integers(0, BINS - 1))  # None: no bin named
quantity = st.integers(1, 8).map(Decimal)

operation = st.one_of(
    st.tuples(st.just("receive"), warehouse_index, bin_index, quantity),
    st.tuples(st.just("issue"), warehouse_index, bin_index, quantity),
    st.tuples(st.just("scrap"), warehouse_index, quantity),
    st.tuples(st.just("transfer"), warehouse_index, bin_index, quantity),
    st.tuples(st.just("adjust"), warehouse_index, quantity, st.booleans()),
    st.tuples(st.just("move"), warehouse_index, bin_index, st.integers(0, BINS - 1), quantity),
    st.tuples(st.just("reverse"), st.integers(0, 1000)),
)


def _snapshot() -> tuple:
    return (
        StockMovement.objects.count(),
        BinMove.objects.count(),
        sorted(BinStock.objects.values_list("warehouse_id", "bin_id", "quantity"), key=str),
        sorted(StockLevel.objects.values_list("warehouse_id", "on_hand", "value"), key=str),
    )


def _run(op, *, part, warehouses, bins, user, movements) -> list[StockMovement]:
    kind = op[0]
    if kind == "receive":
        _, w, b, qty = op
        bin = bins[w][b] if b is not None else None
        return [
            services.stock_receive(
                part=part, warehouse=warehouses[w], quantity=qty, unit_cost=Decimal("1.3333"), user=user, bin=bin
            )
        ]
    if kind == "issue":
        _, w, b, qty = op
        bin = bins[w][b] if b is not None else None
        return [services.stock_issue(part=part, warehouse=warehouses[w], quantity=qty, user=user, bin=bin)]
    if kind == "scrap":
        _, w, qty = op
        return [services.stock_scrap(part=part, warehouse=warehouses[w], quantity=qty, user=user, reason="damaged")]
    if kind == "transfer":
        _, w, b, qty = op
        target = (w + 1) % WAREHOUSES
        bin = bins[target][b] if b is not None else None
        return list(
            services.stock_transfer(
                part=part,
                from_warehouse=warehouses[w],
                to_warehouse=warehouses[target],
                quantity=qty,
                user=user,
                bin=bin,
            )
        )
    if kind == "adjust":
        _, w, qty, down = op
        return [
            services.stock_adjust(
                part=part, warehouse=warehouses[w], quantity=-qty if down else qty, user=user, reason="property test"
            )
        ]
    if kind == "move":
        _, w, source, target, qty = op
        services.stock_bin_move(
            part=part,
            warehouse=warehouses[w],
            from_bin=bins[w][source] if source is not None else None,
            to_bin=bins[w][target],
            quantity=qty,
            user=user,
        )
        return []
    if not movements:
        return []
    movement = movements[op[1] % len(movements)]
    return [services.stock_movement_reverse(movement=movement, user=user, reason="property test")]


def test_random_postings_and_bin_moves_keep_bins_summing_to_the_level(postgres):
    # Given one part, two warehouses of three bins, the first warehouse's middle bin its default
    user = UserFactory(roles=[Role.MANAGER])
    part = PartFactory()
    warehouses = [WarehouseFactory() for _ in range(WAREHOUSES)]
    bins = [[BinFactory(warehouse=w, code=f"B-{i}", route=BINS - i) for i in range(BINS)] for w in warehouses]
    services.stock_level_set_limits(part=part, warehouse=warehouses[0], min_qty=0, max_qty=0, default_bin=bins[0][1])
    seen = {"posted": 0, "refused": 0}

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations=st.lists(operation, min_size=5, max_size=25))
    def run(operations):
        with transaction.atomic():
            movements = [
                services.stock_receive(
                    part=part, warehouse=w, quantity=Decimal(6), unit_cost=Decimal(2), user=user, bin=None
                )
                for w in warehouses
            ]
            for op in operations:
                before = _snapshot()
                # When one operation runs
                try:
                    movements.extend(
                        _run(op, part=part, warehouses=warehouses, bins=bins, user=user, movements=movements)
                    )
                except InventoryError:
                    # Then a refusal changes nothing
                    seen["refused"] += 1
                    assert _snapshot() == before
                else:
                    seen["posted"] += 1
                # And every level is the sum of its bins, every bin the sum of its entries, none negative
                assert ledger_differences() == []
                assert bin_differences() == []
                assert not BinStock.objects.filter(quantity__lt=0).exists()
            transaction.set_rollback(True)

    run()
    assert seen["posted"] > 0
    assert seen["refused"] > 0
