"""Purchasing hears at once when a critical part's available stock falls below its reorder point."""

from __future__ import annotations

from decimal import Decimal

from core.models import Notification
from core.roles import Role
from inventory import services
from tests.factories import PartFactory

KIND = "stock.critical_below_reorder_point"


def test_the_posting_that_crosses_the_reorder_point_tells_purchasing_once(make_user, warehouse):
    buyer, manager = make_user(Role.PURCHASER), make_user(Role.MANAGER)
    part = PartFactory(is_critical=True)
    services.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(6), unit_cost=Decimal(2), user=manager)
    services.stock_level_set_limits(part=part, warehouse=warehouse, min_qty=Decimal(5), max_qty=Decimal(10))

    services.stock_issue(part=part, warehouse=warehouse, quantity=Decimal(1), user=manager)  # 5 left: not below
    assert not Notification.objects.filter(kind=KIND).exists()

    services.stock_issue(part=part, warehouse=warehouse, quantity=Decimal(2), user=manager)  # 3 left: crossed
    services.stock_issue(part=part, warehouse=warehouse, quantity=Decimal(1), user=manager)  # still below

    note = Notification.objects.get(kind=KIND)
    assert note.user == buyer
    assert note.message == (
        f"Critical part {part.number} at {warehouse.code} is below its reorder point: 3 available, "
        "reorder point 5; order it now."
    )


def test_a_part_that_is_not_critical_tells_nobody(make_user, warehouse):
    make_user(Role.PURCHASER)
    manager = make_user(Role.MANAGER)
    part = PartFactory(is_critical=False)
    services.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(6), unit_cost=Decimal(2), user=manager)
    services.stock_level_set_limits(part=part, warehouse=warehouse, min_qty=Decimal(5), max_qty=Decimal(10))

    services.stock_issue(part=part, warehouse=warehouse, quantity=Decimal(4), user=manager)

    assert not Notification.objects.filter(kind=KIND).exists()
