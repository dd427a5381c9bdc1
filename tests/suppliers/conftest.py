from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from suppliers import services
from suppliers.models import PurchaseOrder

from ..factories import PartFactory
from .factories import SupplierFactory, SupplierPartFactory


@pytest.fixture
def purchaser(make_user):
    return make_user(Role.PURCHASER)


@pytest.fixture
def make_order(purchaser, warehouse):
    """make_order(state="sent", lines=[(qty, price), ...], supplier=..., warehouse=...) -> order in that state.

    The order is built by the services; a state other than draft/sent is set
    directly, which is test setup, not a transition under test.
    """

    def make(*, state="draft", lines=((Decimal(10), Decimal("5.00")),), supplier=None, wh=None, **kwargs):
        supplier = supplier or SupplierFactory()
        items = []
        for quantity, price in lines:
            part = PartFactory()
            SupplierPartFactory(supplier=supplier, part=part, price=price)
            items.append((part, Decimal(quantity), None))
        order = services.purchase_order_create(
            supplier=supplier, warehouse=wh or warehouse, order_type="stock", lines=items, user=purchaser, **kwargs
        )
        if state != "draft":
            services.purchase_order_send(order=order, user=purchaser)
        if state not in ("draft", "sent"):
            PurchaseOrder.objects.filter(pk=order.pk).update(state=state)
        order.refresh_from_db()
        return order

    return make
