from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from counting.models import CountLine, CountList
from inventory.models import (
    RepairOrder,
    StockLevel,
    TransferOrder,
    TransferOrderLine,
    WorkshopRequest,
    WorkshopRequestLine,
)
from suppliers import services

from ..factories import BinFactory, PartFactory, WarehouseFactory
from ..suppliers.factories import SupplierFactory, SupplierPartFactory


@pytest.fixture
def purchaser(make_user):
    return make_user(Role.PURCHASER)


@pytest.fixture
def chinese_part(db):
    return PartFactory(number="BP-4471", description="刹车片 前轮 Brake pad front")


@pytest.fixture
def sent_order(purchaser, warehouse, chinese_part):
    supplier = SupplierFactory(name="广州汽配 Parts Co", email="orders@example.com")
    SupplierPartFactory(supplier=supplier, part=chinese_part, price=Decimal("12.50"), supplier_part_number="GZ-88")
    order = services.purchase_order_create(
        supplier=supplier,
        warehouse=warehouse,
        order_type="stock",
        lines=[(chinese_part, Decimal(4), None)],
        user=purchaser,
    )
    services.purchase_order_send(order=order, user=purchaser)
    order.refresh_from_db()
    return order


@pytest.fixture
def receipt(sent_order, clerk, warehouse):
    line = sent_order.lines.get()
    bin_ = BinFactory(warehouse=warehouse, code="R-07")
    return services.goods_receipt_post(order=sent_order, lines=[(line, Decimal(3), bin_, False)], user=clerk)


@pytest.fixture
def workshop_request(warehouse, clerk, chinese_part):
    other = PartFactory(number="OF-1000", description="Oil filter")
    for part, code in ((chinese_part, "B-02"), (other, "A-01")):
        StockLevel.objects.create(
            part=part, warehouse=warehouse, default_bin=BinFactory(warehouse=warehouse, code=code)
        )
    now = timezone.now()
    repair_order = RepairOrder.objects.create(number="RO-77", warehouse=warehouse, opened_at=now)
    request = WorkshopRequest.objects.create(
        repair_order=repair_order, warehouse=warehouse, created_at=now, requested_by=clerk
    )
    for part, qty in ((chinese_part, Decimal(2)), (other, Decimal(1))):
        WorkshopRequestLine.objects.create(
            request=request,
            requested_part=part,
            part=part,
            quantity_requested=qty,
            quantity_supplied=qty,
            unit_price=Decimal(10),
        )
    return request


@pytest.fixture
def transfer(warehouse, clerk, chinese_part):
    other = WarehouseFactory()
    transfer = TransferOrder.objects.create(
        from_warehouse=warehouse, to_warehouse=other, created_by=clerk, created_at=timezone.now(), state="sent"
    )
    TransferOrderLine.objects.create(
        transfer=transfer, part=chinese_part, quantity_requested=Decimal(5), quantity_sent=Decimal(5)
    )
    return transfer


@pytest.fixture
def count_list(warehouse, chinese_part):
    count_list = CountList.objects.create(warehouse=warehouse, kind="bin", scheduled_for=timezone.localdate())
    CountLine.objects.create(
        count_list=count_list,
        part=chinese_part,
        bin=BinFactory(warehouse=warehouse, code="C-03"),
        sequence=1,
        snapshot_qty=Decimal("987654"),
    )
    return count_list
