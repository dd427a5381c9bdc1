"""Two clerks posting against one order at the same moment (real threads, own PostgreSQL connections)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory.models import StockLevel
from suppliers import services
from suppliers.exceptions import OverReceipt
from suppliers.models import GoodsReceipt

from ..concurrency import run_at_once
from ..factories import UserFactory, WarehouseFactory
from .factories import SupplierPartFactory

pytestmark = pytest.mark.services


@pytest.fixture
def sent_order(postgres_tx):
    warehouse = WarehouseFactory()
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=warehouse)
    purchaser = UserFactory(roles=[Role.PURCHASER])
    sp = SupplierPartFactory()
    order = services.purchase_order_create(
        supplier=sp.supplier, warehouse=warehouse, order_type="stock", lines=[(sp.part, 10, None)], user=purchaser
    )
    services.purchase_order_send(order=order, user=purchaser)
    return order, clerk, warehouse


def test_two_receipts_at_once_that_together_exceed_the_order_one_is_refused(sent_order):
    order, clerk, warehouse = sent_order
    line = order.lines.get()

    def receive(key):
        return lambda: services.goods_receipt_post(
            order=order, lines=[(line, Decimal(6), None, False)], user=clerk, idempotency_key=key
        )

    results, errors = run_at_once([receive("a"), receive("b")])

    assert len(results) == 1
    assert [type(e) for e in errors] == [OverReceipt]
    assert "12 would be received against 10 ordered (6 already received)" in errors[0].message
    assert StockLevel.objects.get(part=line.part, warehouse=warehouse).on_hand == Decimal("6.000")
    line.refresh_from_db()
    assert line.quantity_received == Decimal("6.000")


def test_same_key_twice_at_once_posts_once(sent_order):
    order, clerk, warehouse = sent_order
    line = order.lines.get()

    def receive():
        return services.goods_receipt_post(
            order=order, lines=[(line, Decimal(4), None, False)], user=clerk, idempotency_key="same"
        )

    results, errors = run_at_once([receive, receive])

    assert errors == []
    assert len({receipt.pk for receipt in results}) == 1
    assert GoodsReceipt.objects.count() == 1
    assert StockLevel.objects.get(part=line.part, warehouse=warehouse).on_hand == Decimal("4.000")
