"""Refusals in the reader's language: domain errors on forms and screens, and in the API's 400/409 answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import UserProfile
from core.roles import Role
from inventory import services as inventory_services
from inventory.models import StockLevel, StockMovement
from suppliers import services as supplier_services
from suppliers.models import PurchaseOrder

from ..factories import PartFactory, UserFactory, WarehouseFactory
from ..suppliers.factories import SupplierPartFactory

pytestmark = pytest.mark.usefixtures("postgres")

TAIWAN = "zh-TW,zh;q=0.9"


@pytest.fixture
def store():
    return WarehouseFactory(code="S1")


@pytest.fixture
def taiwan_clerk(store):
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=store)
    UserProfile.objects.create(user=clerk, language="zh-hant")
    return clerk


def test_a_traditional_chinese_clerk_reads_form_refusals_in_chinese(client, store, taiwan_clerk):
    client.force_login(taiwan_clerk)

    unknown = client.post(
        reverse("counting:adhoc"),
        {"warehouse": store.pk, "part_number": "NOPE-1", "bin_code": "", "note": ""},
        follow=True,
    )
    both = client.post(
        reverse("counting:adhoc"),
        {"warehouse": store.pk, "part_number": "NOPE-1", "bin_code": "A-01", "note": ""},
        follow=True,
    )

    assert unknown.status_code == 200
    assert "料號：沒有零件 NOPE-1。" in unknown.content.decode()
    assert "請盤點儲位或零件擇一；兩者皆留空表示盤點整個倉庫。" in both.content.decode()
    assert "No part NOPE-1." not in unknown.content.decode()


def test_an_api_409_of_the_ledger_answers_in_the_language_asked_for(api_as, store, taiwan_clerk):
    part = PartFactory(number="OF-100")
    inventory_services.stock_receive(
        part=part, warehouse=store, quantity=Decimal(6), unit_cost=Decimal(4), user=taiwan_clerk
    )
    before = (StockMovement.objects.count(), StockLevel.objects.get(part=part).on_hand)
    api = api_as(taiwan_clerk)
    body = {"part": part.pk, "warehouse": store.pk, "quantity": "7"}

    chinese = api.post("/api/v1/stock/issues/", body, HTTP_ACCEPT_LANGUAGE=TAIWAN)
    english = api.post("/api/v1/stock/issues/", body, HTTP_ACCEPT_LANGUAGE="en-US")

    assert chinese.status_code == 409
    assert chinese.json() == {
        "detail": "S1 的 OF-100 只有 6 可用庫存；申請了 7。請降低數量，或從其他地方籌措其餘數量。",
        "code": "insufficient_stock",
        "quantity": ["S1 的 OF-100 只有 6 可用庫存；申請了 7。請降低數量，或從其他地方籌措其餘數量。"],
    }
    assert english.json()["detail"] == (
        "Only 6 of OF-100 available in S1; 7 requested. Lower the quantity or source the rest elsewhere."
    )
    assert (StockMovement.objects.count(), StockLevel.objects.get(part=part).on_hand) == before


def test_purchasing_refusals_in_the_api_are_in_chinese(api_as, store):
    purchaser = UserFactory(roles=[Role.PURCHASER])
    inactive = SupplierPartFactory(supplier__code="OLD", supplier__is_active=False)
    active = SupplierPartFactory(supplier__code="ACME", price=Decimal(3))
    api = api_as(purchaser)

    refused = api.post(
        "/api/v1/purchase-orders/",
        {
            "supplier": inactive.supplier.pk,
            "warehouse": store.pk,
            "order_type": "stock",
            "lines": [{"part": inactive.part.pk, "quantity": "5"}],
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE=TAIWAN,
    )
    order = supplier_services.purchase_order_create(
        supplier=active.supplier,
        warehouse=store,
        order_type="stock",
        lines=[(active.part, Decimal(5), None)],
        user=purchaser,
    )
    supplier_services.purchase_order_send(order=order, user=purchaser)
    again = api.post(f"/api/v1/purchase-orders/{order.pk}/send/", HTTP_ACCEPT_LANGUAGE=TAIWAN)

    assert refused.status_code == 400
    assert refused.json()["detail"] == "供應商 OLD 已停用；請選擇其他供應商。"
    assert refused.json()["supplier"] == ["供應商 OLD 已停用；請選擇其他供應商。"]
    assert again.status_code == 409
    assert again.json()["detail"] == f"{order.number} 狀態為已送出；只有草稿的採購單可以送出。"
    assert PurchaseOrder.objects.count() == 1


def test_the_month_end_close_refuses_an_open_month_in_chinese(api_as):
    manager = UserFactory(roles=[Role.MANAGER])
    month = timezone.localdate().strftime("%Y-%m")

    response = api_as(manager).post("/api/v1/kpis/close-runs/", {"month": month}, HTTP_ACCEPT_LANGUAGE=TAIWAN)

    assert response.status_code == 400
    assert response.json()["detail"] == f"{month} 尚未結束；請從下個月 1 日起結帳。"


def test_a_simplified_chinese_browser_gets_simplified_refusals(api_as, store, taiwan_clerk):
    response = api_as(taiwan_clerk).get("/api/v1/parts/lookup/?number=NOPE-9", HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert response.status_code == 404
    assert response.json()["detail"] == "没有零件号为 'NOPE-9' 的零件。请检查零件号，或依说明搜索。"


def test_a_line_off_the_suppliers_terms_is_noted_in_the_purchasers_language(client, store):
    purchaser = UserFactory(roles=[Role.PURCHASER])
    UserProfile.objects.create(user=purchaser, language="zh-hant")
    offer = SupplierPartFactory(min_order_qty=Decimal(5), pack_size=Decimal(5))
    order = supplier_services.purchase_order_create(
        supplier=offer.supplier, warehouse=store, order_type="stock", lines=[], user=purchaser
    )
    client.force_login(purchaser)

    page = client.post(
        reverse("suppliers:po-line-add", args=[order.pk]), {"number": offer.part.number, "quantity": "3"}, follow=True
    )

    note = "數量 3 低於最低訂購量 5、不是包裝數 5 的倍數。"
    assert order.lines.get().warning == note
    assert note in page.content.decode()
