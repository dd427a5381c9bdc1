"""Random sequences of postings never break the ledger.

Given a few parts (one counted in whole pieces, one in litres) and three
warehouses, any sequence of receipts, issues, transfers, adjustments, scraps,
reversals, reservations and quarantines leaves every stock level equal to the
sum of its movements, never negative, with an average cost that is value ÷ on
hand within rounding. A posting the services refuse changes nothing at all.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.roles import Role
from inventory import services
from inventory.exceptions import InventoryError
from inventory.models import StockLevel, StockMovement, Unit
from inventory.selectors import ledger_broken_links, ledger_differences

from ..factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.usefixtures("posting_path")

PARTS = 2
WAREHOUSES = 3
HALF_UNIT = Decimal("0.00005")  # half of the last place of a 4-decimal cost or value

part_index = st.integers(0, PARTS - 1)
warehouse_index = st.integers(0, WAREHOUSES - 1)
# Mostly whole numbers; sometimes fractions, which whole-unit parts must refuse.
quantity = st.one_of(
    st.integers(1, 6).map(Decimal),
    st.integers(1, 12).map(Decimal),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("5"), places=3),
)
unit_cost = st.decimals(min_value=Decimal("0"), max_value=Decimal("250"), places=4)

operation = st.one_of(
    st.tuples(st.just("receive"), part_index, warehouse_index, quantity, unit_cost, st.booleans()),
    st.tuples(st.just("issue"), part_index, warehouse_index, quantity),
    st.tuples(st.just("transfer"), part_index, warehouse_index, warehouse_index, quantity),
    st.tuples(st.just("adjust"), part_index, warehouse_index, quantity, st.booleans(), st.one_of(st.none(), unit_cost)),
    st.tuples(st.just("scrap"), part_index, warehouse_index, quantity, st.booleans()),
    st.tuples(st.just("reverse"), st.integers(0, 1000)),
    st.tuples(st.just("reserve"), part_index, warehouse_index, quantity),
    st.tuples(st.just("unreserve"), part_index, warehouse_index, quantity),
    st.tuples(st.just("quarantine"), part_index, warehouse_index, quantity),
    st.tuples(st.just("release"), part_index, warehouse_index, quantity),
)


def _snapshot() -> tuple:
    levels = list(
        StockLevel.objects.order_by("pk").values_list(
            "part_id", "warehouse_id", "on_hand", "reserved", "quarantined", "in_transit", "value", "average_cost"
        )
    )
    return levels, StockMovement.objects.count()


def _post(op: tuple, *, parts, warehouses, user, movements: list[StockMovement]) -> list[StockMovement]:
    """Run one operation; return the movements it posted."""
    kind = op[0]
    if kind == "receive":
        _, p, w, qty, cost, quarantine = op
        return [
            services.stock_receive(
                part=parts[p], warehouse=warehouses[w], quantity=qty, unit_cost=cost, user=user, quarantine=quarantine
            )
        ]
    if kind == "issue":
        _, p, w, qty = op
        return [services.stock_issue(part=parts[p], warehouse=warehouses[w], quantity=qty, user=user)]
    if kind == "transfer":
        _, p, source, target, qty = op
        return list(
            services.stock_transfer(
                part=parts[p],
                from_warehouse=warehouses[source],
                to_warehouse=warehouses[target],
                quantity=qty,
                user=user,
            )
        )
    if kind == "adjust":
        _, p, w, qty, down, cost = op
        return [
            services.stock_adjust(
                part=parts[p],
                warehouse=warehouses[w],
                quantity=-qty if down else qty,
                unit_cost=cost,
                user=user,
                reason="property test",
            )
        ]
    if kind == "scrap":
        _, p, w, qty, from_quarantine = op
        return [
            services.stock_scrap(
                part=parts[p],
                warehouse=warehouses[w],
                quantity=qty,
                user=user,
                reason="damaged",
                from_quarantine=from_quarantine,
            )
        ]
    if kind == "reverse":
        if not movements:
            return []
        movement = movements[op[1] % len(movements)]
        return [services.stock_movement_reverse(movement=movement, user=user, reason="property test")]
    _, p, w, qty = op
    level_service = {
        "reserve": services.stock_reserve,
        "unreserve": services.stock_unreserve,
        "quarantine": services.stock_quarantine,
        "release": services.stock_quarantine_release,
    }[kind]
    level_service(part=parts[p], warehouse=warehouses[w], quantity=qty)
    return []


def _assert_levels_sound() -> None:
    assert ledger_differences() == []
    assert ledger_broken_links() == []  # every path writes the hash chain, in order
    inbound: dict[tuple[int, int], Decimal] = {}
    counts: dict[tuple[int, int], int] = {}
    for part_id, warehouse_id, quantity in StockMovement.objects.values_list("part_id", "warehouse_id", "quantity"):
        key = (part_id, warehouse_id)
        inbound[key] = inbound.get(key, Decimal(0)) + max(quantity, Decimal(0))
        counts[key] = counts.get(key, 0) + 1
    for level in StockLevel.objects.all():
        assert level.on_hand >= 0
        assert level.reserved >= 0
        assert level.quarantined >= 0
        assert level.available >= 0
        assert level.value >= 0
        if level.on_hand == 0:
            assert level.value == 0, "the last unit out takes the remaining value with it"
            continue
        # Re-averaging rounds the cost to 4 places: off by at most half a unit per unit then on hand
        # (never more than came in), an error that stays as stock leaves at that average; each
        # movement out rounds its value once more. A wrong cost would be off by far more.
        key = (level.part_id, level.warehouse_id)
        tolerance = HALF_UNIT * (inbound[key] + counts[key])
        assert abs(level.value - level.average_cost * level.on_hand) <= tolerance


def test_random_postings_keep_every_level_equal_to_its_ledger(postgres):
    # Given two parts (pieces and litres), three warehouses and a manager
    user = UserFactory(roles=[Role.MANAGER])
    parts = [PartFactory(unit=Unit.PIECE), PartFactory(unit=Unit.LITRE)]
    warehouses = [WarehouseFactory() for _ in range(WAREHOUSES)]
    seen = {"posted": 0, "refused": 0, "reversed": 0}

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations=st.lists(operation, min_size=5, max_size=30))
    # Found by hypothesis: 20 on hand re-averaged to 3.6667 (from 3.66665), then 4 out, leaves value 0.001 off.
    @example(operations=[("receive", 0, 0, Decimal(10), Decimal(0), False), ("issue", 0, 0, Decimal(4))])
    def run(operations):
        with transaction.atomic():
            # Opening stock in two of the three warehouses, so that most operations have something to move.
            movements: list[StockMovement] = [
                services.stock_receive(
                    part=part, warehouse=warehouse, quantity=Decimal(10), unit_cost=Decimal("7.3333"), user=user
                )
                for part in parts
                for warehouse in warehouses[:2]
            ]
            refused = posted = 0
            for op in operations:
                before = _snapshot()
                # When one operation runs
                try:
                    new = _post(op, parts=parts, warehouses=warehouses, user=user, movements=movements)
                except InventoryError:
                    # Then a refusal changes nothing
                    refused += 1
                    assert _snapshot() == before
                else:
                    posted += 1
                    movements.extend(new)
                    assert _snapshot()[1] == before[1] + len(new)
                # And every level still equals its ledger
                _assert_levels_sound()
            assert refused + posted == len(operations)
            seen["posted"] += posted
            seen["refused"] += refused
            seen["reversed"] += sum(1 for m in movements if m.reverses_id)
            transaction.set_rollback(True)  # each example starts from empty stock

    run()
    # The examples did exercise both paths (postings, refusals, reversals).
    assert seen["posted"] > 0
    assert seen["refused"] > 0
    assert seen["reversed"] > 0
