"""The start page lists what waits for each role, each count linking to the list behind it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from inventory.models import TransferOrder, TransferState
from tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


def _waiting(response) -> dict[str, tuple[int, str]]:
    return {str(item.label): (item.count, item.url) for item in response.context["waiting"]}


def test_a_manager_sees_the_orders_awaiting_approval_and_the_link_lists_exactly_them(client, make_order, make_user):
    big = make_order(lines=[(Decimal(2000), Decimal("5.00"))])  # 10,000 over the default threshold of 5,000
    make_order(lines=[(Decimal(1), Decimal("5.00"))])
    client.force_login(make_user(Role.MANAGER))

    count, url = _waiting(client.get("/"))["Purchase orders awaiting your approval"]

    assert count == 1
    assert [order.number for order in client.get(url).context["orders"]] == [big.number]


def test_a_purchaser_sees_overdue_and_short_confirmed_orders(client, make_order, purchaser):
    late = make_order(state="sent", expected_date="2020-01-01")
    short = make_order(state="confirmed", lines=[(Decimal(10), Decimal("1.00"))])
    short.lines.update(confirmed_quantity=Decimal(4))
    client.force_login(purchaser)

    waiting = _waiting(client.get("/"))

    assert waiting["Overdue purchase orders"][0] == 1
    assert waiting["Orders confirmed short"][0] == 1
    assert [o.number for o in client.get(waiting["Orders confirmed short"][1]).context["orders"]] == [short.number]
    assert [o.number for o in client.get(waiting["Overdue purchase orders"][1]).context["orders"]] == [late.number]


def test_a_clerk_sees_the_transfers_of_their_own_warehouse(client, make_user, warehouse):
    other = WarehouseFactory()
    clerk = make_user(Role.CLERK, [warehouse])
    now = timezone.now()
    TransferOrder.objects.create(from_warehouse=warehouse, to_warehouse=other, created_by=clerk, created_at=now)
    TransferOrder.objects.create(from_warehouse=other, to_warehouse=warehouse, created_by=clerk, created_at=now)
    TransferOrder.objects.create(
        from_warehouse=other, to_warehouse=warehouse, created_by=clerk, created_at=now, state=TransferState.SENT
    )
    client.force_login(clerk)

    waiting = _waiting(client.get("/"))

    assert waiting["Transfers to send"][0] == 1
    assert waiting["Transfers to receive"][0] == 1
    assert "Purchase orders awaiting your approval" not in waiting


def test_the_start_page_reads_a_bounded_number_of_statements(client, make_user, django_assert_max_num_queries):
    client.force_login(make_user(Role.MANAGER))
    client.get("/")

    with django_assert_max_num_queries(20):
        assert client.get("/").status_code == 200


def test_nothing_waiting_says_so(client, make_user):
    client.force_login(make_user(Role.WORKSHOP))

    response = client.get("/")

    assert response.context["waiting"] == []
    assert "Nothing waits for you" in response.content.decode()
