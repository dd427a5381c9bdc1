"""The two ways of the hot paths (``core.fastpath.switch``) post the same ledger, levels, bins and outbox rows.

The same postings run on ``fast`` and on ``orm`` and must leave the same rows,
written here once as the expected state (ids replaced by their place), with
every hash chain re-proved and the bins adding up. And the ORM path really is
the ORM: no statement of ``core.fastpath`` is sent on it.
"""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import django.db.backends.postgresql.base as postgresql
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import OutboxMessage
from core.roles import Role
from inventory import services
from inventory.models import BinMovement, BinStock, StockLevel, StockMovement, Unit
from inventory.selectors import bin_differences, ledger_broken_links, ledger_differences
from inventory.services import stock

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("posting_path")]


@pytest.fixture
def network(postgres):
    north, south = WarehouseFactory(code="PP-N"), WarehouseFactory(code="PP-S")
    return {
        "north": north,
        "south": south,
        "near": BinFactory(warehouse=north, code="NEAR", route=1),
        "far": BinFactory(warehouse=north, code="FAR", route=2),
        "dock": BinFactory(warehouse=south, code="DOCK", route=1),
        "part": PartFactory(number="PP-1", unit=Unit.LITRE),
        "user": UserFactory(),
    }


def _post_everything(n) -> None:
    part, north, south, user = n["part"], n["north"], n["south"], n["user"]
    first = services.stock_receive(
        part=part,
        warehouse=north,
        quantity=Decimal("10"),
        unit_cost=Decimal("2.5"),
        user=user,
        bin=n["near"],
        idempotency_key="pp-1",
    )
    again = services.stock_receive(
        part=part,
        warehouse=north,
        quantity=Decimal("10"),
        unit_cost=Decimal("2.5"),
        user=user,
        bin=n["near"],
        idempotency_key="pp-1",
    )
    assert again.pk == first.pk
    services.stock_receive(part=part, warehouse=north, quantity=Decimal("5"), unit_cost=Decimal("4"), user=user)
    services.stock_receive(
        part=part, warehouse=north, quantity=Decimal("1"), unit_cost=Decimal("3"), user=user, bin=n["far"]
    )
    issued = services.stock_issue(part=part, warehouse=north, quantity=Decimal("12"), user=user)
    services.stock_transfer(
        part=part, from_warehouse=north, to_warehouse=south, quantity=Decimal("2"), user=user, bin=n["dock"]
    )
    services.stock_adjust(part=part, warehouse=north, quantity=Decimal("-0.5"), user=user, reason="Count")
    services.stock_movement_reverse(movement=issued, user=user, reason="Wrong part")
    services.stock_bin_move(
        part=part, warehouse=north, from_bin=n["near"], to_bin=n["far"], quantity=Decimal("3"), user=user
    )
    services.stock_quarantine(part=part, warehouse=north, quantity=Decimal("1"))


def _state(n) -> dict:
    """What the postings left, with ids replaced by their place (movements) or code (warehouses, bins)."""
    movements = list(StockMovement.objects.filter(part=n["part"]).order_by("id"))
    place = {movement.pk: index for index, movement in enumerate(movements)}
    code = {None: None} | {row.pk: row.code for row in (n["north"], n["south"])}
    bin_code = {None: None} | {row.pk: row.code for row in (n["near"], n["far"], n["dock"])}
    levels = StockLevel.objects.filter(part=n["part"]).order_by("warehouse__code")
    last = {(m.warehouse_id): m.hash for m in movements}
    return {
        "movements": [
            (
                code[m.warehouse_id],
                bin_code[m.bin_id],
                m.kind,
                m.quantity,
                m.unit_cost,
                m.value,
                place.get(m.reverses_id),
                code[m.other_warehouse_id],
                m.idempotency_key,
                m.reason,
            )
            for m in movements
        ],
        "levels": [
            (
                code[level.warehouse_id],
                level.on_hand,
                level.reserved,
                level.quarantined,
                level.value,
                level.average_cost,
                level.first_stocked_at is not None,
                level.last_hash == last[level.warehouse_id],
            )
            for level in levels
        ],
        "bin_stocks": sorted(
            (code[s.warehouse_id], bin_code[s.bin_id] or "", s.quantity)
            for s in BinStock.objects.filter(part=n["part"])
        ),
        "bin_entries": [
            (place.get(e.movement_id), e.bin_move_id is not None, bin_code[e.bin_id], e.quantity)
            for e in BinMovement.objects.filter(part=n["part"]).order_by("id")
        ],
        "outbox": [
            (row.task_name, [event | {"movement_id": place[event["movement_id"]]} for event in row.kwargs["events"]])
            for row in OutboxMessage.objects.order_by("id")
        ],
    }


D = Decimal
MOVEMENTS = [
    ("PP-N", "NEAR", "receipt", D("10.000"), D("2.5000"), D("25.0000"), None, None, "pp-1", ""),
    ("PP-N", None, "receipt", D("5.000"), D("4.0000"), D("20.0000"), None, None, None, ""),
    ("PP-N", "FAR", "receipt", D("1.000"), D("3.0000"), D("3.0000"), None, None, None, ""),
    ("PP-N", None, "issue", D("-12.000"), D("3.0000"), D("-36.0000"), None, None, None, ""),
    ("PP-N", None, "transfer_out", D("-2.000"), D("3.0000"), D("-6.0000"), None, "PP-S", None, ""),
    ("PP-S", "DOCK", "transfer_in", D("2.000"), D("3.0000"), D("6.0000"), None, "PP-N", None, ""),
    ("PP-N", None, "adjustment", D("-0.500"), D("3.0000"), D("-1.5000"), None, None, None, "Count"),
    ("PP-N", None, "issue", D("12.000"), D("3.0000"), D("36.0000"), 3, None, None, "Wrong part"),
]
LEVELS = [
    ("PP-N", D("13.500"), D("0.000"), D("1.000"), D("40.5000"), D("3.0000"), True, True),
    ("PP-S", D("2.000"), D("0.000"), D("0.000"), D("6.0000"), D("3.0000"), True, True),
]
# (warehouse, bin or "" for no bin, quantity)
BIN_STOCKS = [
    ("PP-N", "", D("2.500")),
    ("PP-N", "FAR", D("4.000")),
    ("PP-N", "NEAR", D("7.000")),
    ("PP-S", "DOCK", D("2.000")),
]
# (movement, from a bin move, bin, quantity): the issue takes the bins by route, its reversal puts back there
BIN_ENTRIES = [
    (0, False, "NEAR", D("10.000")),
    (1, False, None, D("5.000")),
    (2, False, "FAR", D("1.000")),
    (3, False, "NEAR", D("-10.000")),
    (3, False, "FAR", D("-1.000")),
    (3, False, None, D("-1.000")),
    (4, False, None, D("-2.000")),
    (5, False, "DOCK", D("2.000")),
    (6, False, None, D("-0.500")),
    (7, False, "NEAR", D("10.000")),
    (7, False, "FAR", D("1.000")),
    (7, False, None, D("1.000")),
    (None, True, "NEAR", D("-3.000")),
    (None, True, "FAR", D("3.000")),
]
# Each movement's level right after it (on hand = available: nothing reserved or quarantined yet).
AFTER = ["10.000", "15.000", "16.000", "4.000", "2.000", "2.000", "1.500", "13.500"]


@pytest.mark.parametrize("batch", [True, False], ids=["batch-consumer", "event-rows"])
def test_both_ways_leave_the_same_rows(network, monkeypatch, batch):
    # Given a consumer of stock.changed: one taking a batch row per task, or one taking rows of events
    monkeypatch.setattr(stock, "event_wanted", lambda kind: True)
    monkeypatch.setattr(stock, "event_batch_tasks", lambda kind: ("collect.a", "collect.b") if batch else ())
    monkeypatch.setattr(
        stock, "events_outbox_rows", lambda *, events: [("events.one", {"events": [e.data for e in events]})]
    )
    monkeypatch.setattr(stock, "events_publish", lambda *, events: None)

    # When the same postings are made
    _post_everything(network)

    # Then the rows are the ones written here, whichever way was taken
    state = _state(network)
    assert state["movements"] == MOVEMENTS
    assert state["levels"] == LEVELS
    assert state["bin_stocks"] == BIN_STOCKS
    assert state["bin_entries"] == BIN_ENTRIES
    figures = [{"movement_id": index, "on_hand": after, "available": after} for index, after in enumerate(AFTER)]
    if batch:
        events = [{"kind": "stock.changed"} | figure for figure in figures]
        assert state["outbox"] == [(task, [event]) for event in events for task in ("collect.a", "collect.b")]
    else:
        assert state["outbox"] == [("events.one", [figure]) for figure in figures]
    assert (ledger_differences(), ledger_broken_links(), bin_differences()) == ([], [], [])


def test_the_orm_path_sends_no_statement_of_the_fast_path(network, make_user, posting_path):
    # Given a clerk of the north store with a token
    north, near = network["north"], network["near"]
    clerk = make_user(Role.CLERK, warehouses=[north, network["south"]])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clerk).key}")
    part = {"part": network["part"].pk, "warehouse": north.pk}

    # When it receives, issues, transfers and moves between bins, server-bound cursors counted
    with mock.patch.object(postgresql, "ServerBindingCursor", wraps=postgresql.ServerBindingCursor) as bound:
        answers = [
            client.post("/api/v1/stock/receipts/", part | {"quantity": "4", "unit_cost": "2", "bin": near.pk}),
            client.post("/api/v1/stock/issues/", part | {"quantity": "1"}),
            client.post(
                "/api/v1/stock/transfers/",
                {
                    "part": network["part"].pk,
                    "from_warehouse": north.pk,
                    "to_warehouse": network["south"].pk,
                    "quantity": "1",
                },
            ),
            client.post(
                "/api/v1/stock/bin-moves/",
                part | {"from_bin": near.pk, "to_bin": network["far"].pk, "quantity": "1"},
            ),
        ]

    # Then all went through; the fast path bound its statements on the server, the ORM path never did
    assert [answer.status_code for answer in answers] == [201, 201, 201, 201], [a.content for a in answers]
    assert bound.called is (posting_path == "fast")
    assert (ledger_differences(), ledger_broken_links(), bin_differences()) == ([], [], [])
