"""API: submit, pick, backorders, proposals, transfers; permissions and query bounds on lists."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory.demand import services as demand_services
from inventory.models import Backorder, DemandHit, StockLevel, TransferOrder, TransferState, WorkshopRequest

from ..factories import PartFactory

pytestmark = pytest.mark.usefixtures("postgres")


def _submit(api, store, lines, number="RO-API"):
    return api.post(
        "/api/v1/workshop-requests/",
        {"warehouse": store.pk, "repair_order": number, "lines": lines},
        format="json",
    )


def test_workshop_submits_a_request_and_sees_supplied_and_backordered(api_as, store, part, workshop_user, receive):
    receive(part, store, 1, "10.00")

    response = _submit(api_as(workshop_user), store, [{"part": "flt 100", "quantity": "3"}])

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["repair_order"] == "RO-API"
    assert body["state"] == "to_pick"
    line = body["lines"][0]
    assert (line["quantity_supplied"], line["quantity_backordered"]) == ("1.000", "2.000")
    assert line["backorder_id"] == Backorder.objects.get().pk


def test_workshop_cannot_raise_a_request_for_another_store_and_nothing_changes(
    api_as, network, part, workshop_user, receive
):
    other = network["ST2"]
    receive(part, other, 5)

    response = _submit(api_as(workshop_user), other, [{"part": part.number, "quantity": "1"}])

    assert response.status_code == 403
    assert response.json()["code"] == "warehouse_not_permitted"
    assert not WorkshopRequest.objects.exists()
    assert StockLevel.objects.get(part=part, warehouse=other).on_hand == 5


def test_unknown_part_number_is_a_readable_400(api_as, store, workshop_user):
    response = _submit(api_as(workshop_user), store, [{"part": "NOPE-1", "quantity": "1"}])

    assert response.status_code == 400
    assert "No part numbered 'NOPE-1'" in str(response.json())
    assert not DemandHit.objects.exists()


def test_purchaser_cannot_submit(api_as, store, part, make_user):
    response = _submit(
        api_as(make_user(Role.PURCHASER, warehouses=[store])), store, [{"part": part.number, "quantity": "1"}]
    )

    assert response.status_code == 403
    assert not WorkshopRequest.objects.exists()


def test_clerk_picks_through_the_api_and_workshop_may_not(api_as, store, part, workshop_user, make_user, receive):
    receive(part, store, 2)
    created = _submit(api_as(workshop_user), store, [{"part": part.number, "quantity": "2"}]).json()
    clerk = make_user(Role.CLERK, warehouses=[store])

    refused = api_as(workshop_user).post(f"/api/v1/workshop-requests/{created['id']}/pick/")
    assert refused.status_code == 403
    assert WorkshopRequest.objects.get().state == "to_pick"

    response = api_as(clerk).post(f"/api/v1/workshop-requests/{created['id']}/pick/")
    assert response.status_code == 200
    assert response.json()["state"] == "done"
    assert response.json()["lines"][0]["quantity_picked"] == "2.000"


def test_counter_sale_by_clerk(api_as, store, part, make_user, receive):
    receive(part, store, 1, "8.00")
    clerk = make_user(Role.CLERK, warehouses=[store])

    response = api_as(clerk).post(
        "/api/v1/counter-sales/",
        {"warehouse": store.pk, "lines": [{"part": part.number, "quantity": "2", "unit_price": "20.00"}]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    line = response.json()["lines"][0]
    assert (line["quantity_supplied"], line["sales_value"], line["cost_value"]) == ("1.000", "20.0000", "8.0000")


def test_backorder_proposals_accept_send_receive_through_the_api(
    api_as, network, part, workshop_user, make_user, receive
):
    # given a backorder at ST1 and surplus at ST2
    store, other = network["ST1"], network["ST2"]
    receive(part, other, 4, "5.00")
    _submit(api_as(workshop_user), store, [{"part": part.number, "quantity": "2"}])
    backorder = Backorder.objects.get()
    store_clerk = make_user(Role.CLERK, warehouses=[store])
    other_clerk = make_user(Role.CLERK, warehouses=[other])

    proposals = api_as(store_clerk).get(f"/api/v1/backorders/{backorder.pk}/proposals/").json()
    assert [(p["kind"], p["warehouse"], p["quantity"]) for p in proposals] == [("neighbour", "ST2", "2.000")]

    accepted = api_as(store_clerk).post(
        f"/api/v1/backorders/{backorder.pk}/transfer/", {"from_warehouse": other.pk, "quantity": "2"}, format="json"
    )
    assert accepted.status_code == 201, accepted.json()
    transfer_id = accepted.json()["id"]

    # the receiving store may not send on the source's behalf
    refused = api_as(store_clerk).post(f"/api/v1/transfer-orders/{transfer_id}/send/", {}, format="json")
    assert refused.status_code == 403
    assert TransferOrder.objects.get().state == TransferState.REQUESTED

    sent = api_as(other_clerk).post(f"/api/v1/transfer-orders/{transfer_id}/send/", {}, format="json")
    assert sent.json()["state"] == "sent"
    received = api_as(store_clerk).post(f"/api/v1/transfer-orders/{transfer_id}/receive/", {}, format="json")
    assert received.status_code == 200, received.json()
    assert received.json()["state"] == "received"

    backorder.refresh_from_db()
    assert backorder.state == "filled"


def test_list_endpoints_stay_within_a_query_bound(
    api_as, network, workshop_user, make_user, receive, django_assert_max_num_queries
):
    # given 8 requests with back-ordered lines and transfers for them
    store, other = network["ST1"], network["ST2"]
    manager = make_user(Role.MANAGER)
    for index in range(8):
        part = PartFactory()
        receive(part, other, 3)
        order = demand_services.repair_order_open(number=f"RO-Q{index}", warehouse=store)
        demand_services.workshop_request_submit(
            repair_order=order, warehouse=store, lines=[(part, 2), (PartFactory(), 1)], user=workshop_user
        )
    for backorder in Backorder.objects.all()[:4]:
        if backorder.part.stock_levels.filter(warehouse=other).exists():
            demand_services.backorder_source_by_transfer(
                backorder=backorder, from_warehouse=other, quantity=Decimal(1), user=manager
            )
    api = api_as(manager)

    for url in ("/api/v1/workshop-requests/", "/api/v1/backorders/", "/api/v1/transfer-orders/", "/api/v1/pick-list/"):
        with django_assert_max_num_queries(8):
            response = api.get(url)
        assert response.status_code == 200
    assert api.get("/api/v1/backorders/").json()["count"] == 16
