"""The purchasing side: all three proposals in order, and the emergency order in one click."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory.demand import services as demand_services
from inventory.models import Backorder
from suppliers.models import OrderType, PurchaseOrder, Supplier, SupplierPart

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def backorder(network, part, workshop_user, receive):
    receive(part, network["ST2"], 3)
    receive(part, network["REG"], 6)
    supplier = Supplier.objects.create(code="SUPX", name="Parts direct")
    SupplierPart.objects.create(supplier=supplier, part=part, price=Decimal("9.50"), is_preferred=True)
    order = demand_services.repair_order_open(number="RO-SRC", warehouse=network["ST1"])
    demand_services.workshop_request_submit(
        repair_order=order, warehouse=network["ST1"], lines=[(part, 5)], user=workshop_user
    )
    return Backorder.objects.get()


def test_sourcing_api_lists_neighbour_parent_then_supplier(api_as, backorder, make_user):
    purchaser = make_user(Role.PURCHASER)

    response = api_as(purchaser).get(f"/api/v1/backorders/{backorder.pk}/sourcing/")

    assert response.status_code == 200
    assert [(p["rank"], p["kind"], p["warehouse"], p["supplier"], p["quantity"]) for p in response.json()] == [
        (1, "neighbour", "ST2", None, "3.000"),
        (2, "parent", "REG", None, "5.000"),
        (3, "emergency_order", None, "SUPX", "5.000"),
    ]


def test_purchaser_accepts_the_emergency_order_through_the_api(api_as, backorder, make_user):
    purchaser = make_user(Role.PURCHASER)

    response = api_as(purchaser).post(f"/api/v1/backorders/{backorder.pk}/emergency-order/", {}, format="json")

    assert response.status_code == 201, response.json()
    order = PurchaseOrder.objects.get()
    assert (order.order_type, order.warehouse.code) == (OrderType.EMERGENCY, "ST1")
    assert response.json()["number"] == order.number


def test_workshop_may_not_order_and_nothing_is_created(api_as, backorder, workshop_user):
    response = api_as(workshop_user).post(f"/api/v1/backorders/{backorder.pk}/emergency-order/", {}, format="json")

    assert response.status_code == 403
    assert not PurchaseOrder.objects.exists()


def test_sourcing_screen_shows_the_three_proposals_and_orders_in_one_click(client, backorder, make_user):
    purchaser = make_user(Role.PURCHASER)
    client.force_login(purchaser)

    page = client.get(f"/suppliers/backorders/{backorder.pk}/sourcing/").content.decode()
    kinds = [k for k in ("neighbour", "parent", "emergency_order") if f'data-proposal="{k}"' in page]
    assert kinds == ["neighbour", "parent", "emergency_order"]
    assert (
        page.index('data-proposal="neighbour"')
        < page.index('data-proposal="parent"')
        < page.index('data-proposal="emergency_order"')
    )

    response = client.post(f"/suppliers/backorders/{backorder.pk}/emergency-order/")

    order = PurchaseOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/suppliers/orders/{order.pk}/"
    backorder.refresh_from_db()
    assert backorder.sourcing_note == f"Emergency order {order.number} to SUPX"
