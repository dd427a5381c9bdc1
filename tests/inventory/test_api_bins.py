"""``POST /api/v1/stock/bin-moves/``: moves, idempotent retries, 409 on a changed retry, 400 with field errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import BinMove, BinMovement, BinStock, StockLevel
from inventory.selectors import bin_differences, ledger_differences

from ..factories import BinFactory, PartFactory, WarehouseFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("posting_path")]

URL = "/api/v1/stock/bin-moves/"


@pytest.fixture
def store(postgres):
    return WarehouseFactory(code="S1")


@pytest.fixture
def shelves(store):
    return BinFactory(warehouse=store, code="A-01"), BinFactory(warehouse=store, code="B-01")


@pytest.fixture
def store_clerk(make_user, store):
    return make_user(Role.CLERK, warehouses=[store])


@pytest.fixture
def stocked(store, shelves, store_clerk):
    """Six of the part in bin A-01 at 2.50."""
    part = PartFactory(number="BM-100")
    services.stock_receive(
        part=part, warehouse=store, quantity=Decimal(6), unit_cost=Decimal("2.5"), user=store_clerk, bin=shelves[0]
    )
    return part


def _body(part, store, shelves, **changes):
    return {
        "part": part.pk,
        "warehouse": store.pk,
        "from_bin": shelves[0].pk,
        "to_bin": shelves[1].pk,
        "quantity": "4",
    } | changes


def _state() -> tuple:
    return (
        BinMove.objects.count(),
        BinMovement.objects.count(),
        sorted(BinStock.objects.values_list("bin_id", "quantity")),
        list(StockLevel.objects.values_list("on_hand", "value")),
    )


def test_bin_move_answers_the_move_and_moves_the_stock(api_as, stocked, store, shelves, store_clerk):
    response = api_as(store_clerk).post(URL, _body(stocked, store, shelves, note="fast mover to the front"))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert {key: body[key] for key in ("warehouse", "from_bin", "to_bin", "quantity", "note", "moved_by")} == {
        "warehouse": "S1",
        "from_bin": "A-01",
        "to_bin": "B-01",
        "quantity": "4.000",
        "note": "fast mover to the front",
        "moved_by": store_clerk.username,
    }
    assert body["number"] == f"BMV-{body['id']:06d}"
    assert body["part"]["number"] == "BM-100"
    assert sorted(BinStock.objects.values_list("bin__code", "quantity")) == [("A-01", Decimal(2)), ("B-01", Decimal(4))]
    assert list(StockLevel.objects.values_list("on_hand", "value")) == [(Decimal(6), Decimal("15.0000"))]
    assert ledger_differences() == bin_differences() == []


def test_bin_move_retried_with_the_same_key_moves_once_and_a_changed_retry_is_409(
    api_as, stocked, store, shelves, store_clerk
):
    client = api_as(store_clerk)

    first = client.post(URL, _body(stocked, store, shelves), HTTP_IDEMPOTENCY_KEY="bm-1")
    retry = client.post(URL, _body(stocked, store, shelves), HTTP_IDEMPOTENCY_KEY="bm-1")
    before = _state()
    changed = client.post(URL, _body(stocked, store, shelves, quantity="1"), HTTP_IDEMPOTENCY_KEY="bm-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert BinMove.objects.count() == 1
    assert changed.status_code == 409
    assert changed.json()["code"] == "idempotency_conflict"
    assert _state() == before


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"quantity": "0"}, 400, "quantity"),
        ({"quantity": "0.5"}, 400, "quantity"),
        ({"quantity": "7"}, 409, None),
        ({"to_bin": "A"}, 400, "to_bin"),
        ({"to_bin": None}, 400, "to_bin"),
        ({"to_bin": 10**9}, 400, "to_bin"),
        ({"from_bin": "OTHER"}, 400, "from_bin"),
        ({"part": 10**9}, 400, "part"),
        ({"quantity": "x"}, 400, "quantity"),
    ],
)
def test_bin_move_refusals_write_nothing(api_as, stocked, store, shelves, store_clerk, change, status, field):
    other_bin = BinFactory(code="Z-99")
    names = {"A": shelves[0].pk, "OTHER": other_bin.pk}
    change = {key: names.get(value, value) if isinstance(value, str) else value for key, value in change.items()}
    before = _state()

    response = api_as(store_clerk).post(URL, _body(stocked, store, shelves) | change)

    assert response.status_code == status, response.json()
    if field:
        assert field in response.json()
    else:
        assert response.json()["code"] == "insufficient_stock"
    assert _state() == before


def test_bin_move_outside_the_clerks_warehouses_is_403(api_as, stocked, shelves, store_clerk):
    elsewhere = WarehouseFactory(code="S9")
    a, b = BinFactory(warehouse=elsewhere, code="A-01"), BinFactory(warehouse=elsewhere, code="B-01")
    before = _state()

    response = api_as(store_clerk).post(URL, _body(stocked, elsewhere, (a, b)))

    assert response.status_code == 403
    assert _state() == before


def test_bin_move_is_in_the_openapi_schema(api_as, make_user):
    response = api_as(make_user(Role.MANAGER)).get("/api/schema/?format=json")

    assert response.status_code == 200
    operation = response.json()["paths"]["/api/v1/stock/bin-moves/"]["post"]
    assert operation["operationId"]
    assert "Idempotency-Key" in [parameter["name"] for parameter in operation.get("parameters", [])]
