"""Screens: roles, own store only, query bounds on the lists, the HTMX availability fragment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.demand import services as demand_services
from inventory.models import Backorder, StockLevel, TransferOrder, WorkshopRequest

from ..factories import PartFactory

pytestmark = pytest.mark.usefixtures("postgres")


def test_availability_fragment_shows_here_and_neighbours_with_supersession(client, network, workshop_user, receive):
    store, other = network["ST1"], network["ST2"]
    old, new = PartFactory(number="OLD-1"), PartFactory(number="NEW-1")
    services.part_supersede(part=old, new_part=new)
    receive(new, store, 2)
    receive(new, other, 7)
    client.force_login(workshop_user)

    response = client.get(
        "/inventory/requests/availability/", {"number": "old1", "warehouse": store.pk}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-part="NEW-1"' in html
    assert 'data-testid="supersession"' in html
    assert '<strong class="avail-here">2</strong>' in html
    assert 'data-warehouse="ST2">7</span>' in html


def test_request_screen_submits_and_redirects_to_the_result(client, store, part, workshop_user, receive):
    receive(part, store, 1)
    client.force_login(workshop_user)

    response = client.post(
        "/inventory/requests/new/",
        {
            "key": "k-screen",
            "warehouse": store.pk,
            "repair_order": "RO-77",
            "number": [part.number, ""],
            "quantity": ["2", ""],
        },
    )

    created = WorkshopRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/inventory/requests/{created.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert '<td class="num supplied">1</td>' in page
    assert '<td class="num backordered">1</td>' in page


def test_a_request_submitted_twice_with_its_forms_key_is_issued_once(client, network, part, workshop_user, receive):
    # given stock for two requests, and the screen's blank form with its key
    store = network["ST1"]
    receive(part, store, 4)
    client.force_login(workshop_user)
    key = client.get("/inventory/requests/new/").context["form"].initial["key"]
    data = {"key": key, "warehouse": store.pk, "repair_order": "RO-79", "number": [part.number], "quantity": ["2"]}

    # when the clerk presses Enter twice
    first = client.post("/inventory/requests/new/", data)
    second = client.post("/inventory/requests/new/", data)

    # then one request is issued, and both answers lead to it
    request = WorkshopRequest.objects.get()
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == 2
    assert request.lines.get().quantity_supplied == 2


def test_request_screen_refuses_another_store_and_nothing_changes(client, network, part, workshop_user):
    client.force_login(workshop_user)

    response = client.post(
        "/inventory/requests/new/",
        {
            "key": "k-screen",
            "warehouse": network["ST2"].pk,
            "repair_order": "RO-78",
            "number": [part.number],
            "quantity": ["1"],
        },
    )

    assert response.status_code == 400
    assert not WorkshopRequest.objects.exists()


def test_workshop_may_not_open_the_pick_list_or_transfers(client, workshop_user):
    client.force_login(workshop_user)

    assert client.get("/inventory/pick-list/").status_code == 403
    assert client.get("/inventory/transfers/").status_code == 403


def test_backorder_screen_accepts_a_transfer_in_one_click(client, network, part, workshop_user, make_user, receive):
    store, other = network["ST1"], network["ST2"]
    receive(part, other, 5)
    order = demand_services.repair_order_open(number="RO-80", warehouse=store)
    demand_services.workshop_request_submit(repair_order=order, warehouse=store, lines=[(part, 2)], user=workshop_user)
    backorder = Backorder.objects.get()
    clerk = make_user(Role.CLERK, warehouses=[store])
    client.force_login(clerk)
    page = client.get("/inventory/backorders/").content.decode()
    assert 'data-proposal="neighbour" data-warehouse="ST2"' in page

    response = client.post(
        f"/inventory/backorders/{backorder.pk}/transfer/", {"from_warehouse": other.pk, "quantity": "2"}
    )

    transfer = TransferOrder.objects.get()
    assert response.status_code == 302
    assert (transfer.from_warehouse, transfer.to_warehouse, transfer.backorder) == (other, store, backorder)


def test_list_pages_stay_within_a_query_bound(
    client, network, workshop_user, make_user, receive, django_assert_max_num_queries
):
    store, other = network["ST1"], network["ST2"]
    manager = make_user(Role.MANAGER)
    for index in range(6):
        part = PartFactory()
        receive(part, other, 4)
        receive(part, store, 1)
        order = demand_services.repair_order_open(number=f"RO-L{index}", warehouse=store)
        demand_services.workshop_request_submit(
            repair_order=order, warehouse=store, lines=[(part, 3), (PartFactory(), 1)], user=workshop_user
        )
    for backorder in Backorder.objects.filter(part__stock_levels__warehouse=other)[:3]:
        demand_services.backorder_source_by_transfer(
            backorder=backorder, from_warehouse=other, quantity=Decimal(1), user=manager
        )
    client.force_login(manager)

    for url in ("/inventory/requests/", "/inventory/pick-list/", "/inventory/backorders/", "/inventory/transfers/"):
        with django_assert_max_num_queries(14):
            response = client.get(url)
        assert response.status_code == 200, url
