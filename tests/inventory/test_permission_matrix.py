"""Every role against every inventory endpoint and screen: allowed or refused, nothing in between.

Allowed requests are valid ones and must succeed; refused ones answer 403
(401 or a login redirect for anonymous users) and write nothing. Suppliers
see nothing internal. Each user works in the store, so warehouse scope does
not hide a role refusal here (scope has its own tests in test_api_stock).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import BinStock, Part, StockLevel, StockMovement

from ..factories import BinFactory, PartFactory, WarehouseFactory

pytestmark = pytest.mark.services

ANONYMOUS = "anonymous"
ROLES = [Role.CLERK, Role.WORKSHOP, Role.PURCHASER, Role.PLANNER, Role.MANAGER, Role.SUPPLIER, ANONYMOUS]
INTERNAL = set(Role.INTERNAL)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: str  # formatted with the world's ids
    body: dict | None
    allowed: frozenset[str]
    success: int


def _e(name, method, url, body, allowed, success=200) -> Endpoint:
    return Endpoint(name, method, url, body, frozenset(allowed), success)


API = [
    _e("parts list", "get", "/api/v1/parts/?q=OF", None, INTERNAL),
    _e("part detail", "get", "/api/v1/parts/{part}/", None, INTERNAL),
    _e("part lookup", "get", "/api/v1/parts/lookup/?number=OF-100", None, INTERNAL),
    _e(
        "part create",
        "post",
        "/api/v1/parts/",
        {"number": "NEW-1", "description": "New part", "list_price": "3.00"},
        {Role.PLANNER, Role.MANAGER},
        201,
    ),
    _e("part patch", "patch", "/api/v1/parts/{part}/", {"description": "Renamed"}, {Role.PLANNER, Role.MANAGER}),
    _e(
        "part supersede",
        "post",
        "/api/v1/parts/{old_part}/supersede/",
        {"superseded_by": "{part}"},
        {Role.PLANNER, Role.MANAGER},
    ),
    _e("warehouse list", "get", "/api/v1/warehouses/", None, INTERNAL),
    _e("warehouse detail", "get", "/api/v1/warehouses/{store}/", None, INTERNAL),
    _e("bin list", "get", "/api/v1/bins/", None, INTERNAL),
    _e("stock level list", "get", "/api/v1/stock-levels/?below_min=true", None, INTERNAL),
    _e(
        "stock limits",
        "post",
        "/api/v1/stock-levels/limits/",
        {"part": "{part}", "warehouse": "{store}", "min_qty": "1", "max_qty": "5"},
        {Role.PLANNER, Role.MANAGER},
    ),
    _e("movement list", "get", "/api/v1/movements/?kind=issue", None, INTERNAL),
    _e(
        "receipt",
        "post",
        "/api/v1/stock/receipts/",
        {"part": "{part}", "warehouse": "{store}", "quantity": "2", "unit_cost": "4"},
        {Role.CLERK, Role.MANAGER},
        201,
    ),
    _e(
        "issue",
        "post",
        "/api/v1/stock/issues/",
        {"part": "{part}", "warehouse": "{store}", "quantity": "1"},
        {Role.CLERK, Role.MANAGER},
        201,
    ),
    _e(
        "transfer",
        "post",
        "/api/v1/stock/transfers/",
        {"part": "{part}", "from_warehouse": "{store}", "to_warehouse": "{other}", "quantity": "1"},
        {Role.CLERK, Role.MANAGER},
        201,
    ),
    _e(
        "adjustment",
        "post",
        "/api/v1/stock/adjustments/",
        {"part": "{part}", "warehouse": "{store}", "quantity": "-1", "reason": "broken"},
        {Role.PLANNER, Role.MANAGER},
        201,
    ),
    _e(
        "scrap",
        "post",
        "/api/v1/stock/scraps/",
        {"part": "{part}", "warehouse": "{store}", "quantity": "1", "reason": "damaged"},
        {Role.CLERK, Role.PLANNER, Role.MANAGER},
        201,
    ),
    _e("reverse", "post", "/api/v1/movements/{issue}/reverse/", {"reason": "wrong"}, {Role.MANAGER}, 201),
    _e(
        "bin move",
        "post",
        "/api/v1/stock/bin-moves/",
        {"part": "{part}", "warehouse": "{store}", "from_bin": None, "to_bin": "{bin}", "quantity": "1"},
        {Role.CLERK, Role.MANAGER},
        201,
    ),
]

SCREENS = [
    _e("stock lookup screen", "get", "/inventory/lookup/?number=OF-100", None, INTERNAL),
    _e("stock levels screen", "get", "/inventory/stock/", None, INTERNAL),
    _e("movements screen", "get", "/inventory/movements/", None, INTERNAL),
    _e("bin move screen", "get", "/inventory/bin-moves/", None, {Role.CLERK, Role.MANAGER}),
]


@pytest.fixture
def world(postgres, make_user):
    store, other = WarehouseFactory(code="S1"), WarehouseFactory(code="S2")
    bin = BinFactory(warehouse=store)
    part = PartFactory(number="OF-100")
    old_part = PartFactory(number="OF-099")
    keeper = make_user(Role.MANAGER)
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(10), unit_cost=Decimal(4), user=keeper)
    issue = services.stock_issue(part=part, warehouse=store, quantity=Decimal(1), user=keeper)
    return {
        "store": store.pk,
        "other": other.pk,
        "part": part.pk,
        "old_part": old_part.pk,
        "issue": issue.pk,
        "bin": bin.pk,
    }


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


def _state() -> tuple:
    return (
        StockMovement.objects.count(),
        list(StockLevel.objects.order_by("pk").values_list("on_hand", "value", "min_qty", "max_qty")),
        list(Part.objects.order_by("pk").values_list("number", "description", "superseded_by_id")),
        list(BinStock.objects.order_by("pk").values_list("bin_id", "quantity")),
    )


def _client(role, world_store, make_user, api_as, client):
    if role == ANONYMOUS:
        return client
    from inventory.models import Warehouse

    user = make_user(role, warehouses=[Warehouse.objects.get(pk=world_store)])
    return api_as(user)


def _cases(endpoints):
    return [pytest.param(role, endpoint, id=f"{role}-{endpoint.name}") for endpoint in endpoints for role in ROLES]


@pytest.mark.parametrize(("role", "endpoint"), _cases(API))
def test_api_endpoint_allows_exactly_its_roles(world, make_user, api_as, api_client, role, endpoint):
    client = _client(role, world["store"], make_user, api_as, api_client)
    url = endpoint.url.format(**world)
    body = {key: _fill(value, world) for key, value in (endpoint.body or {}).items()}
    before = _state()

    response = getattr(client, endpoint.method)(url, body or None)

    if role in endpoint.allowed:
        assert response.status_code == endpoint.success, response.content
    else:
        assert response.status_code == (401 if role == ANONYMOUS else 403), response.content
        assert _state() == before


@pytest.mark.parametrize(("role", "endpoint"), _cases(SCREENS))
def test_screen_allows_exactly_its_roles(world, make_user, client, role, endpoint):
    if role != ANONYMOUS:
        client.force_login(make_user(role))

    response = client.get(endpoint.url)

    if role in endpoint.allowed:
        assert response.status_code == 200
    elif role == ANONYMOUS:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == 403


def test_the_matrix_covers_every_foundation_api_route():
    """Every route served by inventory.api.views is in the matrix (other issues test their own views)."""
    from django.urls import resolve

    from inventory.api.urls import urlpatterns

    foundation = {
        pattern.name for pattern in urlpatterns if pattern.callback.view_class.__module__ == "inventory.api.views"
    }
    ids = dict.fromkeys(("part", "old_part", "store", "other", "issue", "bin"), 1)
    covered = {resolve(endpoint.url.format(**ids).split("?")[0]).url_name for endpoint in API}
    assert len(foundation) == 17
    assert foundation <= covered
