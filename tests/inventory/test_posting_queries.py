"""Query budgets: list endpoints and screens do not grow with their rows; a posting is at most 6 statements.

The lists are loaded with a dozen parts in several warehouses, each with
movements, superseded parts, neighbours and bins, so an N+1 would show as
dozens of queries. The bounds count every statement Django sends,
including the session or token lookup and the user's roles.

The posting and bin move budgets hold for both ways of the hot paths
(``core.fastpath.switch``); the ORM path has budgets of its own: a query per id
named, the movement, its level and its bin legs one statement each.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from inventory import services
from inventory.models import Echelon

from ..factories import BinFactory, NeighbourFactory, PartFactory, WarehouseFactory

pytestmark = pytest.mark.services

# By way of the hot paths (core.fastpath.switch). The ORM path's receipt: token, part, warehouse, BEGIN,
# lock, movement, level, bin entry, bin stock, COMMIT; a bin move also creates the target's bin stock.
POSTING_BUDGET = {"fast": 6, "orm": 10}
# A posting that takes stock out reads the level's bins after locking it (which bins to take from).
TAKE_OUT_BUDGET = {path: budget + 1 for path, budget in POSTING_BUDGET.items()}
BIN_MOVE_BUDGET = {"fast": 8, "orm": 13}


@pytest.fixture
def busy_network(postgres, make_user):
    """Four warehouses, twelve parts in supersession chains of three, stock and movements in two warehouses."""
    central = WarehouseFactory(code="CEN", echelon=Echelon.CENTRAL)
    stores = [WarehouseFactory(code=f"S{i}", echelon=Echelon.STORE, parent=central) for i in range(3)]
    for store in stores:
        NeighbourFactory(warehouse=store, neighbour=central)
        BinFactory(warehouse=store)
        BinFactory(warehouse=store)
    manager = make_user(Role.MANAGER)
    parts, previous = [], None
    for index in range(12):
        part = PartFactory(number=f"Q-{index:03d}")
        if previous is not None and index % 3:
            services.part_supersede(part=previous, new_part=part)
        parts.append(part)
        previous = part
        for warehouse in (central, stores[0]):
            services.stock_receive(
                part=part, warehouse=warehouse, quantity=Decimal(3), unit_cost=Decimal(2), user=manager
            )
            services.stock_issue(part=part, warehouse=warehouse, quantity=Decimal(1), user=manager)
            services.stock_level_set_limits(part=part, warehouse=warehouse, min_qty=Decimal(4), max_qty=Decimal(9))
    return {"manager": manager, "central": central, "parts": parts}


@pytest.mark.parametrize(
    ("url", "budget", "rows"),
    [
        ("/api/v1/parts/", 4, 12),  # token+access, count, page, current parts of the chains (per depth)
        ("/api/v1/warehouses/", 4, 4),  # token+access, count, page, neighbours
        ("/api/v1/bins/", 3, 6),
        ("/api/v1/stock-levels/", 4, 24),  # count, page ids, page rows (core.pagination)
        ("/api/v1/stock-levels/?below_min=true", 4, 24),
        ("/api/v1/movements/", 4, 48),  # count, page ids, page rows, as the stock levels
        ("/api/v1/movements/?kind=issue", 4, 24),
    ],
)
def test_list_endpoint_query_budget(busy_network, api_as, django_assert_max_num_queries, url, budget, rows):
    client = api_as(busy_network["manager"])

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert response.status_code == 200
    assert response.json()["count"] == rows


def test_part_lookup_endpoint_query_budget(busy_network, api_as, django_assert_max_num_queries):
    client = api_as(busy_network["manager"])
    start_of_chain = busy_network["parts"][0]

    # token+access, the part, one query per supersession link (two), its levels, its bins, the warehouses
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/parts/lookup/", {"number": start_of_chain.number})

    assert response.status_code == 200
    assert [p["number"] for p in response.json()["chain"]] == ["Q-000", "Q-001", "Q-002"]
    assert len(response.json()["rows"]) == 4


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/inventory/stock/", 7),  # session, user, access, count, page ids, page rows, warehouses
        ("/inventory/stock/?below_min=1&sort=-value", 7),
        ("/inventory/movements/", 7),  # as the stock list: count, page ids, page rows
        ("/inventory/movements/?part=Q-001&kind=issue", 8),  # plus the part lookup
        (
            "/inventory/lookup/?number=q 000",
            9,
        ),  # session, user, access, part, two chain links, levels, bins, warehouses
    ],
)
def test_list_screen_query_budget(busy_network, client, django_assert_max_num_queries, url, budget):
    client.force_login(busy_network["manager"])

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("kind", ["receipt", "issue"])
@pytest.mark.parametrize("idempotency_key", [None, "retry-safe-1"])
def test_one_posting_through_the_api_takes_at_most_six_statements_seven_to_take_out(
    postgres_tx, make_user, api_as, kind, idempotency_key, posting_path
):
    # Given a clerk with a token and a part already stocked in their store (the level exists)
    store = WarehouseFactory()
    clerk = make_user(Role.CLERK, warehouses=[store])
    part = PartFactory()
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(5), unit_cost=Decimal(2), user=clerk)
    client = api_as(clerk)
    body = {"part": part.pk, "warehouse": store.pk, "quantity": "1"}
    if kind == "receipt":
        body["unit_cost"] = "3"
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}

    # When one posting is sent (outside any test transaction: BEGIN and COMMIT are counted too)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/stock/{kind}s/", body, **headers)

    # Then it posted in at most six statements, one more to choose the bins it takes from
    assert response.status_code == 201, response.content
    statements = [query["sql"] for query in queries.captured_queries]
    budget = (POSTING_BUDGET if kind == "receipt" else TAKE_OUT_BUDGET)[posting_path]
    assert len(statements) <= budget, "\n".join(statements)
    assert statements[-1] == "COMMIT"


@pytest.mark.parametrize("idempotency_key", [None, "bin-move-1"])
def test_one_bin_move_through_the_api_takes_at_most_eight_statements(
    postgres_tx, make_user, api_as, idempotency_key, posting_path
):
    # Given a clerk with a token and stock in one bin of their store
    store = WarehouseFactory()
    source, target = BinFactory(warehouse=store), BinFactory(warehouse=store)
    clerk = make_user(Role.CLERK, warehouses=[store])
    part = PartFactory()
    services.stock_receive(
        part=part, warehouse=store, quantity=Decimal(5), unit_cost=Decimal(2), user=clerk, bin=source
    )
    client = api_as(clerk)
    body = {"part": part.pk, "warehouse": store.pk, "from_bin": source.pk, "to_bin": target.pk, "quantity": "2"}
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}

    # When one bin move is sent
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/stock/bin-moves/", body, **headers)

    # Then it moved in a bounded number of statements: token, ids, BEGIN, level lock, bins, move, legs, COMMIT
    assert response.status_code == 201, response.content
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) <= BIN_MOVE_BUDGET[posting_path], "\n".join(statements)
    assert statements[-1] == "COMMIT"
