"""The purchasing API: orders and transitions, goods receipts (idempotent), list query bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory.models import StockLevel
from suppliers import services
from suppliers.models import GoodsReceipt, PurchaseOrder

from .factories import SupplierPartFactory

pytestmark = pytest.mark.usefixtures("postgres")


def test_create_send_and_receive_by_api(api_as, purchaser, clerk, warehouse):
    sp = SupplierPartFactory(price=Decimal("3.0000"))
    api = api_as(purchaser)

    created = api.post(
        "/api/v1/purchase-orders/",
        {
            "supplier": sp.supplier.pk,
            "warehouse": warehouse.pk,
            "order_type": "emergency",
            "lines": [{"part": sp.part.pk, "quantity": "5"}],
        },
        format="json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["state"], body["order_type"], body["value"]) == ("draft", "emergency", "15.0000")
    order_id = body["id"]

    sent = api.post(f"/api/v1/purchase-orders/{order_id}/send/")
    assert (sent.status_code, sent.json()["state"]) == (200, "sent")

    line_id = body["lines"][0]["id"]
    payload = {"purchase_order": order_id, "lines": [{"po_line": line_id, "quantity": "2"}]}
    clerk_api = api_as(clerk)
    first = clerk_api.post("/api/v1/goods-receipts/", payload, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    retry = clerk_api.post("/api/v1/goods-receipts/", payload, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert (first.status_code, retry.status_code) == (201, 201)
    assert first.json()["number"] == retry.json()["number"]
    assert GoodsReceipt.objects.count() == 1
    assert StockLevel.objects.get(part=sp.part, warehouse=warehouse).on_hand == Decimal("2.000")
    assert PurchaseOrder.objects.get(pk=order_id).state == "partially_received"


def test_refusals_map_to_http_errors_and_change_nothing(api_as, make_order, clerk, purchaser):
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()
    over = api_as(clerk).post(
        "/api/v1/goods-receipts/",
        {"purchase_order": order.pk, "lines": [{"po_line": line.pk, "quantity": "11"}]},
        format="json",
    )
    assert over.status_code == 409
    assert over.json()["code"] == "over_receipt"
    assert over.json()["detail"].startswith(f"Line 1 ({line.part.number}): 11 would be received")

    send_again = api_as(purchaser).post(f"/api/v1/purchase-orders/{order.pk}/send/")
    assert (send_again.status_code, send_again.json()["code"]) == (409, "invalid_transition")
    assert api_as(clerk).post(f"/api/v1/purchase-orders/{order.pk}/cancel/", {"reason": "x"}).status_code == 403
    order.refresh_from_db()
    assert order.state == "sent"
    assert GoodsReceipt.objects.count() == 0


def test_list_endpoints_query_bounds(api_as, make_order, clerk, purchaser, make_user, django_assert_max_num_queries):
    for _ in range(5):
        order = make_order(state="sent", lines=[(3, "1.00"), (2, "1.00")])
        services.goods_receipt_post(order=order, lines=[(order.lines.first(), Decimal(1), None, False)], user=clerk)
    api = api_as(make_user(Role.MANAGER))
    for url, count in [
        ("/api/v1/purchase-orders/", 5),
        ("/api/v1/goods-receipts/", 5),
        ("/api/v1/suppliers/", 5),
        ("/api/v1/supplier-parts/", 10),
        ("/api/v1/supplier-ratings/", 0),
    ]:
        with django_assert_max_num_queries(8):
            response = api.get(url)
        assert (url, response.status_code, response.json()["count"]) == (url, 200, count)
