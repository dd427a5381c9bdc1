"""Small builders for counting tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from inventory import services
from inventory.models import DemandHit, DemandSource, StockLevel

from ..factories import BinFactory, PartFactory


def stocked_part(warehouse, user, *, quantity=10, unit_cost="5", bin=None, number=None):
    """A part with ``quantity`` on hand in the warehouse, optionally in a bin that is also its default bin."""
    part = PartFactory(**({"number": number} if number else {}))
    services.stock_receive(
        part=part, warehouse=warehouse, quantity=Decimal(quantity), unit_cost=Decimal(unit_cost), user=user, bin=bin
    )
    if bin is not None:
        StockLevel.objects.filter(part=part, warehouse=warehouse).update(default_bin=bin)
    return part


def add_hits(part, warehouse, count: int, *, before: datetime | None = None, every_days: int = 7):
    """``count`` demand hits, one every ``every_days`` days going back from ``before`` (default now)."""
    end = before or timezone.now()
    DemandHit.objects.bulk_create(
        [
            DemandHit(
                occurred_at=end - timedelta(days=3 + index * every_days),
                warehouse=warehouse,
                part=part,
                requested_part=part,
                source=DemandSource.WORKSHOP,
                quantity_requested=Decimal(1),
                quantity_supplied=Decimal(1),
            )
            for index in range(count)
        ]
    )


def bin_in(warehouse, code):
    return BinFactory(warehouse=warehouse, code=code)
