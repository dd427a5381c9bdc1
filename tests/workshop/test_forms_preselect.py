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
