"""Planning test data built the short way: suppliers, supplier parts, ratings, portal users, demand hits."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from inventory.models import DemandHit, DemandSource
from suppliers.models import Supplier, SupplierPart, SupplierRating, SupplierUser

from ..factories import UserFactory

_seq = iter(range(1, 100000))


def make_supplier(code: str | None = None, **kw) -> Supplier:
    code = code or f"S{next(_seq):03d}"
    return Supplier.objects.create(code=code, name=kw.pop("name", f"Supplier {code}"), **kw)


def make_supplier_part(supplier, part, *, price="10", lead_time_days=7, moq="1", pack="1", preferred=False):
    return SupplierPart.objects.create(
        supplier=supplier,
        part=part,
        supplier_part_number=f"{supplier.code}-{part.number}",
        price=Decimal(price),
        lead_time_days=lead_time_days,
        min_order_qty=Decimal(moq),
        pack_size=Decimal(pack),
        is_preferred=preferred,
    )


def rate_supplier(supplier, score: str, month: date = date(2026, 10, 1)) -> SupplierRating:
    return SupplierRating.objects.create(supplier=supplier, month=month, score=Decimal(score), grade="A")


def supplier_user(supplier):
    user = UserFactory(roles=["supplier"])
    SupplierUser.objects.create(user=user, supplier=supplier)
    return user


def hit(part, warehouse, day: date, quantity, supplied=None):
    quantity = Decimal(quantity)
    return DemandHit.objects.create(
        occurred_at=timezone.make_aware(datetime.combine(day, time(10))),
        warehouse=warehouse,
        part=part,
        requested_part=part,
        source=DemandSource.COUNTER,
        quantity_requested=quantity,
        quantity_supplied=quantity if supplied is None else Decimal(supplied),
    )
