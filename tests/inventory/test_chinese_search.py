"""Part descriptions in Chinese are found by a Chinese search, on the screens and in the API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory.selectors import part_search
from inventory.services import stock_receive
from tests.factories import PartFactory, WarehouseFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def bumper(make_user):
    warehouse = WarehouseFactory()
    part = PartFactory(number="52119-0K908", description="前保險桿 前保险杠 front bumper")
    PartFactory(number="90915-YZZD4", description="機油濾清器 oil filter")
    stock_receive(
        part=part, warehouse=warehouse, quantity=Decimal(2), unit_cost=Decimal(100), user=make_user(Role.MANAGER)
    )
    return part


@pytest.mark.parametrize("query", ["保險桿", "保险杠", "bumper"])
def test_part_search_finds_a_chinese_description(bumper, query):
    assert [part.number for part in part_search(query=query)] == [bumper.number]


def test_the_stock_list_and_the_api_find_it_too(client, api_as, make_user, bumper):
    manager = make_user(Role.MANAGER)
    client.force_login(manager)

    page = client.get("/inventory/stock/", {"q": "保險桿"}).content.decode()
    api = api_as(manager).get("/api/v1/parts/", {"q": "保險桿"}).json()

    assert bumper.number in page
    assert "90915-YZZD4" not in page
    assert [row["number"] for row in api["results"]] == [bumper.number]
