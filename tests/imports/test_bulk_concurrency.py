"""Bulk opening balances at the same moment as other postings, from real threads with their own connections.

Balances are decided under the level locks, so the same balances loaded twice at
once are posted once, and a receipt that races a balance queues behind it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import StockLevel, StockMovement
from inventory.selectors import ledger_differences
from inventory.services import Outcome

from ..concurrency import run_at_once
from ..factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.services
D = Decimal


def test_the_same_balances_loaded_twice_at_once_are_posted_once(postgres_tx):
    # given 30 parts with no stock levels yet
    user = UserFactory(roles=[Role.MANAGER])
    warehouse = WarehouseFactory(code="CEN")
    balances = [(PartFactory(), warehouse, D(i + 1), D("2.5"), None) for i in range(30)]

    # when two loads of the same balances run at the same moment
    results, errors = run_at_once(
        [lambda: services.stock_opening_balances_bulk(balances=balances, user=user) for _ in range(2)]
    )

    # then one created every balance, the other found them in place
    assert errors == []
    # (sets are sorted by their one outcome: sorting the sets themselves compares them as subsets,
    # which keeps the threads' finishing order)
    assert sorted(tuple(set(outcomes)) for outcomes in results) == [(Outcome.CREATED,), (Outcome.UNCHANGED,)]
    assert StockMovement.objects.count() == 30
    assert StockLevel.objects.count() == 30
    assert ledger_differences() == []


def test_a_receipt_racing_a_balance_queues_behind_it(postgres_tx):
    # given a part holding 4
    user = UserFactory(roles=[Role.MANAGER])
    warehouse, part = WarehouseFactory(code="CEN"), PartFactory()
    services.stock_receive(part=part, warehouse=warehouse, quantity=D(4), unit_cost=D(1), user=user)

    # when a balance of 10 and a receipt of 5 are posted at the same moment
    _results, errors = run_at_once(
        [
            lambda: services.stock_opening_balances_bulk(balances=[(part, warehouse, D(10), D(1), None)], user=user),
            lambda: services.stock_receive(part=part, warehouse=warehouse, quantity=D(5), unit_cost=D(1), user=user),
        ]
    )

    # then whichever went first, the other saw its result: 10 + 5, or 4 + 5 brought to 10
    assert errors == []
    assert StockLevel.objects.get(part=part, warehouse=warehouse).on_hand in (D(10), D(15))
    assert ledger_differences() == []
