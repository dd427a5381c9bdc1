"""A small, realistic network for fuzzing: every role has a user, and most kinds of rows exist.

The fuzzer draws path ids and body references from these rows part of the
time, so that requests reach real orders, lines and levels instead of
answering 404 every time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.roles import Role
from counting import services as counting_services
from inventory import services
from inventory.demand import services as demand_services
from inventory.models import Echelon, Unit
from suppliers import services as supplier_services
from suppliers.models import SupplierUser
from suppliers.services.receiving import ReceiptLineInput

from ..factories import BinFactory, NeighbourFactory, PartFactory, UserFactory, WarehouseFactory
from ..suppliers.factories import SupplierFactory, SupplierPartFactory


@dataclass
class World:
    tokens: dict[str, str]
    part_numbers: list[str] = field(default_factory=list)


@pytest.fixture
def in_process_wsgi():
    """Requests go through the real WSGI handler inside the test transaction.

    Django's test client does the same: the request signals must not close the
    connection, or the test's transaction (and its seeded rows) would be lost.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _user(role: str, warehouses=()):
    user = UserFactory(roles=[role])
    for warehouse in warehouses:
        user.warehouse_memberships.create(warehouse=warehouse)
    return user


@pytest.fixture
def world(postgres) -> World:
    """Central → regional → two stores; stocked parts, a sent order with a held receipt line,
    a workshop request with a backorder, a transfer order, a started count, and a portal user."""
    central = WarehouseFactory(code="FZC", echelon=Echelon.CENTRAL)
    regional = WarehouseFactory(code="FZR", echelon=Echelon.REGIONAL, parent=central)
    store = WarehouseFactory(code="FZ1", echelon=Echelon.STORE, parent=regional)
    other = WarehouseFactory(code="FZ2", echelon=Echelon.STORE, parent=regional)
    NeighbourFactory(warehouse=store, neighbour=other, transfer_lead_time_days=1)
    NeighbourFactory(warehouse=other, neighbour=store, transfer_lead_time_days=1)
    shelf = BinFactory(warehouse=store, code="FZ-01-01")
    BinFactory(warehouse=store, code="FZ-01-02")

    manager = _user(Role.MANAGER)
    users = {
        Role.CLERK: _user(Role.CLERK, [store]),
        Role.WORKSHOP: _user(Role.WORKSHOP, [store]),
        Role.PURCHASER: _user(Role.PURCHASER),
        Role.PLANNER: _user(Role.PLANNER),
        Role.MANAGER: manager,
    }
    parts = [PartFactory(number=f"FZ-{index:03d}") for index in range(5)]
    oil = PartFactory(number="FZ-OIL", unit=Unit.LITRE)
    parts.append(oil)
    old = PartFactory(number="FZ-OLD")
    services.part_supersede(part=old, new_part=parts[0])
    for part in parts:
        for warehouse in (central, store):
            services.stock_receive(
                part=part, warehouse=warehouse, quantity=Decimal(20), unit_cost=Decimal("4.50"), user=manager
            )
    services.stock_issue(part=parts[1], warehouse=store, quantity=Decimal(3), user=manager, document_ref="FZ-I1")

    supplier = SupplierFactory(code="FZS")
    for part in parts:
        SupplierPartFactory(supplier=supplier, part=part, price=Decimal("4.0000"))
    portal = UserFactory(roles=[Role.SUPPLIER])
    SupplierUser.objects.create(user=portal, supplier=supplier)
    users[Role.SUPPLIER] = portal
    draft = supplier_services.purchase_order_create(
        supplier=supplier,
        warehouse=store,
        order_type="stock",
        lines=[(parts[2], Decimal(5), None)],
        user=users[Role.PURCHASER],
    )
    order = supplier_services.purchase_order_create(
        supplier=supplier,
        warehouse=store,
        order_type="stock",
        lines=[(part, Decimal(10), None) for part in parts[:3]],
        user=users[Role.PURCHASER],
        expected_date=date.today() + timedelta(days=7),
    )
    supplier_services.purchase_order_send(order=order, user=users[Role.PURCHASER])
    first, second, _third = order.lines.order_by("pk")
    supplier_services.goods_receipt_post(
        order=order,
        lines=[
            ReceiptLineInput(quantity=Decimal(4), po_line=first, bin=shelf),
            ReceiptLineInput(quantity=Decimal(2), po_line=second, hold=True),
        ],
        user=users[Role.CLERK],
        arrived_at=timezone.now(),
    )
    assert draft.pk

    repair_order = demand_services.repair_order_open(number="RO-FZ-1", warehouse=store, vehicle_ref="FZ-1")
    demand_services.workshop_request_submit(
        repair_order=repair_order,
        warehouse=store,
        lines=[(parts[3], Decimal(2)), (parts[4], Decimal(40))],
        user=users[Role.WORKSHOP],
    )
    demand_services.transfer_order_create(
        from_warehouse=central, to_warehouse=store, lines=[(parts[0], Decimal(3))], user=manager
    )
    count_list = counting_services.count_list_create_adhoc(warehouse=store, user=manager, part=parts[5])
    counting_services.count_lines_start(count_list=count_list, user=manager)

    tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    return World(tokens=tokens, part_numbers=[part.number for part in [*parts, old]])
