"""Factories for the purchasing app (the shared ones live in tests/factories.py)."""

from __future__ import annotations

from decimal import Decimal

import factory

from suppliers.models import PurchaseOrder, PurchaseOrderLine, Supplier, SupplierPart, SupplierUser

from ..factories import PartFactory, UserFactory, WarehouseFactory


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.LazyAttribute(lambda s: f"Supplier {s.code}")
    email = factory.LazyAttribute(lambda s: f"orders@{s.code.lower()}.example.com")
    contact_name = "Pat Seller"
    payment_terms = "30 days net"


class SupplierPartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierPart

    supplier = factory.SubFactory(SupplierFactory)
    part = factory.SubFactory(PartFactory)
    supplier_part_number = factory.Sequence(lambda n: f"SP-{n:05d}")
    price = Decimal("10.0000")
    lead_time_days = 7
    min_order_qty = Decimal("1")
    pack_size = Decimal("1")


class SupplierUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierUser

    user = factory.SubFactory(UserFactory, roles=["supplier"])
    supplier = factory.SubFactory(SupplierFactory)


class PurchaseOrderFactory(factory.django.DjangoModelFactory):
    """An order written as it stands (no service): tests that need a sent or cancelled order in a
    closed month say its state and dates; tests of the order's life use the services."""

    class Meta:
        model = PurchaseOrder

    number = factory.Sequence(lambda n: f"PO-T{n:05d}")
    supplier = factory.SubFactory(SupplierFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    created_by = factory.SubFactory(UserFactory, roles=["purchasing"])


class PurchaseOrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseOrderLine

    order = factory.SubFactory(PurchaseOrderFactory)
    line_no = factory.Sequence(lambda n: n + 1)
    part = factory.SubFactory(PartFactory)
    quantity = Decimal("1")
    price = Decimal("10.0000")
