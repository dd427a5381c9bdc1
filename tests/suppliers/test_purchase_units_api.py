"""Purchase units through the API: supplier parts carry unit and factor, orders and receipts speak boxes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory.models import StockLevel, StockMovement, Unit
from suppliers.models import GoodsReceipt, PurchaseOrder, SupplierPart

from ..factories import PartFactory
from .factories import SupplierFactory, SupplierPartFactory

pytestmark = pytest.mark.usefixtures("postgres")

D = Decimal


@pytest.fixture
def purchaser(make_user):
    return make_user(Role.PURCHASER)


def test_a_supplier_part_is_created_with_its_purchase_unit_and_bad_factors_are_400(api_as, purchaser):
    supplier, part = SupplierFactory(), PartFactory(unit=Unit.PIECE)
    api = api_as(purchaser)
    payload = {"supplier": supplier.pk, "part": part.pk, "price": "12.5000", "purchase_unit": "box"}

    for factor in ("0", "-10", "2.5"):
        refused = api.post("/api/v1/supplier-parts/", payload | {"purchase_factor": factor}, format="json")
        assert (refused.status_code, list(refused.json())) == (400, ["purchase_factor"])
    no_unit = api.post(
        "/api/v1/supplier-parts/", payload | {"purchase_unit": "", "purchase_factor": "10"}, format="json"
    )
    assert (no_unit.status_code, list(no_unit.json())) == (400, ["purchase_unit"])
    assert not SupplierPart.objects.exists()

    created = api.post("/api/v1/supplier-parts/", payload | {"purchase_factor": "10"}, format="json")

    assert created.status_code == 201
    body = created.json()
    assert (body["purchase_unit"], body["purchase_factor"], body["price"]) == ("box", "10.000", "12.5000")


def test_an_order_in_boxes_and_its_receipt_by_api(api_as, purchaser, clerk, warehouse):
    box = SupplierPartFactory(price=D("10.0000"), purchase_unit="box", purchase_factor=D(3))
    api = api_as(purchaser)

    created = api.post(
        "/api/v1/purchase-orders/",
        {
            "supplier": box.supplier.pk,
            "warehouse": warehouse.pk,
            "order_type": "stock",
            "lines": [{"part": box.part.pk, "quantity": "3"}],
        },
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    line = body["lines"][0]
    assert body["value"] == "30.0000"
    assert {k: line[k] for k in ("quantity", "order_unit", "purchase_factor", "price", "stock_quantity")} == {
        "quantity": "3.000",
        "order_unit": "box",
        "purchase_factor": "3.000",
        "price": "10.0000",
        "stock_quantity": "9.000",
    }
    assert (line["stock_unit"], line["stock_unit_cost"]) == ("PCS", "3.3333")
    assert api.post(f"/api/v1/purchase-orders/{body['id']}/send/").status_code == 200

    clerk_api = api_as(clerk)
    half = clerk_api.post(
        "/api/v1/goods-receipts/",
        {"purchase_order": body["id"], "lines": [{"po_line": line["id"], "quantity": "1.5"}]},
        format="json",
    )
    assert half.status_code == 400
    assert (GoodsReceipt.objects.count(), StockMovement.objects.count()) == (0, 0)

    received = clerk_api.post(
        "/api/v1/goods-receipts/",
        {"purchase_order": body["id"], "lines": [{"po_line": line["id"], "quantity": "2"}]},
        format="json",
    )
    assert received.status_code == 201
    assert received.json()["lines"][0]["quantity"] == "6.000"
    level = StockLevel.objects.get(part=box.part, warehouse=warehouse)
    assert (level.on_hand, level.value) == (D("6.000"), D("20.0000"))

    order = api.get(f"/api/v1/purchase-orders/{body['id']}/").json()
    assert (order["lines"][0]["quantity_received"], order["lines"][0]["outstanding"]) == ("2.000", "1.000")
    assert order["lines"][0]["stock_quantity_received"] == "6.000"
    assert PurchaseOrder.objects.get(pk=body["id"]).state == "partially_received"
