"""The movements list names each document in words and links it to its own screen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory.services import stock_receive
from tests.factories import PartFactory

pytestmark = pytest.mark.django_db


def test_a_receipt_movement_links_its_goods_receipt_and_shows_its_name(client, make_user, warehouse):
    from suppliers.models import GoodsReceipt

    manager = make_user(Role.MANAGER)
    part = PartFactory()
    stock_receive(part=part, warehouse=warehouse, quantity=Decimal(3), unit_cost=Decimal("2.00"), user=manager,
                  document_type="transfer", document_ref="TO-000042")  # fmt: skip
    client.force_login(manager)

    html = client.get("/inventory/movements/").content.decode()

    assert 'transfer <a href="/documents/open/transfer/TO-000042/">TO-000042</a>' in html
    assert client.get("/documents/open/transfer/TO-000042/")["Location"] == "/inventory/transfers/42/"
    assert client.get("/documents/open/goods_receipt/GR-NOPE/").status_code == 404
    assert GoodsReceipt.objects.count() == 0


def test_a_workshop_user_follows_a_request_number_but_not_an_unknown_type(client, make_user):
    client.force_login(make_user(Role.WORKSHOP))

    assert client.get("/documents/open/workshop_request/WR-000999/").status_code == 404
    assert client.get("/documents/open/scrap/X/").status_code == 404
