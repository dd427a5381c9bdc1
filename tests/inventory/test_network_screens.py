"""The warehouse network in the app: planners and managers keep warehouses, neighbours and bins."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.exceptions import NotPermitted
from core.roles import Role
from inventory import services
from inventory.models import Bin, Echelon, StockLevel, Warehouse, WarehouseNeighbour
from inventory.services import network as network_services

from ..factories import PartFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(postgres):
    central = WarehouseFactory(code="NW-C", echelon=Echelon.CENTRAL, parent=None)
    regional = WarehouseFactory(code="NW-R", echelon=Echelon.REGIONAL, parent=central)
    return central, regional


@pytest.fixture
def planner(client, make_user):
    user = make_user(Role.PLANNER)
    client.force_login(user)
    return user


def test_a_planner_creates_a_store_and_the_network_rules_are_refused_on_the_form(client, planner, network):
    _central, regional = network
    form = {"code": "nw-s1", "name": "New store", "echelon": "store", "parent": regional.pk, "is_active": "on"}

    created = client.post(reverse("inventory:warehouse-new"), form)
    orphan = client.post(reverse("inventory:warehouse-new"), form | {"code": "NW-S2", "parent": ""})
    taken = client.post(reverse("inventory:warehouse-new"), form)

    store = Warehouse.objects.get(code="NW-S1")
    assert created["Location"] == reverse("inventory:warehouse-detail", args=[store.pk])
    assert store.parent == regional
    assert orphan.status_code == 400
    assert "need a parent" in orphan.content.decode()
    assert taken.status_code == 400
    assert "already exists" in taken.content.decode()
    assert Warehouse.objects.count() == 3


def test_neighbours_and_bins_on_the_warehouse_page(client, planner, network, django_assert_max_num_queries):
    central, regional = network
    url = reverse("inventory:warehouse-detail", args=[regional.pk])

    client.post(url, {"action": "neighbour", "neighbour": central.pk, "lead_time_days": "2"})
    client.post(url, {"action": "neighbour", "neighbour": central.pk, "lead_time_days": "3"})
    added = client.post(url, {"action": "bins", "codes": "a-01-1, A-01-2\nA-01-2"})
    bad = client.post(url, {"action": "bins", "codes": "A 01;%%%"})
    with django_assert_max_num_queries(15):
        page = client.get(url)

    link = WarehouseNeighbour.objects.get()
    assert (link.neighbour, link.transfer_lead_time_days) == (central, 3)
    assert added.status_code == 302
    assert sorted(Bin.objects.filter(warehouse=regional).values_list("code", flat=True)) == ["A-01-1", "A-01-2"]
    assert bad.status_code == 400
    assert "Not a bin code: %%%" in bad.content.decode()
    text = page.content.decode()
    assert "A-01-2" in text
    assert "NW-C" in text.split('id="neighbours"')[1]


def test_a_bin_or_warehouse_holding_stock_stays_open(client, planner, make_user, network):
    central, regional = network
    bin = Bin.objects.create(warehouse=regional, code="B-1")
    part = PartFactory()
    services.stock_receive(
        part=part, warehouse=regional, quantity=Decimal(2), unit_cost=Decimal(1), user=make_user(Role.MANAGER), bin=bin
    )
    StockLevel.objects.filter(part=part, warehouse=regional).update(default_bin=bin)
    url = reverse("inventory:warehouse-detail", args=[regional.pk])

    closing_bin = client.post(url, {"action": "bin-close", "bin": bin.pk}, follow=True)
    closing = client.post(
        url, {"action": "warehouse", "code": "NW-R", "name": "Regional", "echelon": "regional", "parent": central.pk}
    )

    bin.refresh_from_db()
    regional.refresh_from_db()
    assert bin.is_active
    assert "move that stock to another bin first" in closing_bin.content.decode()
    assert closing.status_code == 400
    assert regional.is_active


def test_clerks_read_the_network_and_cannot_change_it(client, make_user, network):
    _central, regional = network
    client.force_login(make_user(Role.CLERK, warehouses=[regional]))
    url = reverse("inventory:warehouse-detail", args=[regional.pk])

    page = client.get(url)
    refused = client.post(url, {"action": "bins", "codes": "X-1"})

    assert page.status_code == 200
    assert 'id="bins-form"' not in page.content.decode()
    assert refused.status_code == 302
    assert not Bin.objects.exists()
    assert client.get(reverse("inventory:warehouse-new")).status_code == 403


def test_a_planner_puts_bins_on_the_pick_route_and_a_bad_place_changes_nothing(client, planner, network):
    _central, regional = network
    far, near = Bin.objects.create(warehouse=regional, code="A-01"), Bin.objects.create(warehouse=regional, code="Z-99")
    url = reverse("inventory:warehouse-detail", args=[regional.pk])

    moved = client.post(url, {"action": "bin-route", "bin": near.pk, "route": "10"}, follow=True)
    client.post(url, {"action": "bin-route", "bin": far.pk, "route": "20"})
    refused = [
        client.post(url, {"action": "bin-route", "bin": far.pk, "route": route}, follow=True)
        for route in ("-1", "100000", "ten", "")
    ]

    far.refresh_from_db()
    near.refresh_from_db()
    assert (near.route, far.route) == (10, 20)
    assert "Bin Z-99 is at place 10 of the pick route." in moved.content.decode()
    for page in refused:
        assert "The place on the pick route is a whole number from 0 to 99999." in page.content.decode()
    # the bins table lists the bins along the route: Z-99 (place 10) before A-01 (place 20)
    table = client.get(url).content.decode().split('id="bins"')[1]
    assert table.index("Z-99") < table.index("A-01")
    assert 'aria-label="Place of Z-99 on the pick route"' in table


def test_only_planners_and_managers_change_a_bins_place_on_the_route(client, make_user, network):
    _central, regional = network
    bin = Bin.objects.create(warehouse=regional, code="R-1", route=5)
    clerk = make_user(Role.CLERK, warehouses=[regional])
    client.force_login(clerk)

    client.post(
        reverse("inventory:warehouse-detail", args=[regional.pk]), {"action": "bin-route", "bin": bin.pk, "route": "1"}
    )
    with pytest.raises(NotPermitted):
        network_services.bin_set_route(user=clerk, bin=bin, route=1)

    bin.refresh_from_db()
    assert bin.route == 5
