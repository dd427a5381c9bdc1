"""Forms start on the user's own warehouse: the first submit never fails on an empty store."""

from __future__ import annotations

import pytest

from core.roles import Role
from tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


def _selected(html: str, name: str) -> str:
    select = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return select.split(" selected>", 1)[0].rsplit('value="', 1)[1].split('"', 1)[0] if " selected>" in select else ""


def test_the_workshop_request_starts_on_the_users_only_store(client, make_user):
    WarehouseFactory()
    store = WarehouseFactory()
    client.force_login(make_user(Role.WORKSHOP, [store]))

    html = client.get("/inventory/requests/new/").content.decode()

    assert _selected(html, "warehouse") == str(store.pk)
    assert "---------" not in html.split('name="warehouse"', 1)[1].split("</select>", 1)[0]


def test_a_transfer_is_asked_for_the_clerks_own_store(client, make_user):
    WarehouseFactory()
    store = WarehouseFactory()
    client.force_login(make_user(Role.CLERK, [store]))

    html = client.get("/inventory/transfers/").content.decode()

    assert _selected(html, "to_warehouse") == str(store.pk)


def test_an_ad_hoc_count_starts_in_the_clerks_warehouse(client, make_user):
    WarehouseFactory()
    store = WarehouseFactory()
    client.force_login(make_user(Role.CLERK, [store]))

    html = client.get("/counting/").content.decode()

    assert _selected(html, "warehouse") == str(store.pk)


def test_a_return_to_the_supplier_starts_in_the_clerks_warehouse(client, make_user):
    WarehouseFactory()
    store = WarehouseFactory()
    client.force_login(make_user(Role.CLERK, [store]))

    html = client.get("/suppliers/returns/new/").content.decode()

    assert _selected(html, "warehouse") == str(store.pk)


def test_empty_rows_of_a_request_with_their_prefilled_quantity_are_not_lines(client, make_user):
    from decimal import Decimal

    from inventory import services
    from inventory.models import WorkshopRequest
    from tests.factories import PartFactory

    store = WarehouseFactory()
    clerk = make_user(Role.CLERK, [store])
    part = PartFactory(number="ER-1")
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(3), unit_cost=Decimal(1), user=clerk)
    client.force_login(clerk)

    response = client.post(
        "/inventory/requests/new/",
        {
            "key": "k-screen",
            "warehouse": store.pk,
            "repair_order": "RO-1",
            "number": ["ER-1", "", ""],
            "quantity": ["1", "1", "1"],
        },
    )

    assert response.status_code == 302
    assert WorkshopRequest.objects.get().lines.count() == 1
