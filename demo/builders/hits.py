"""Demand hits for history from before the dealer ran its workshop on this system.

The workshop-request and counter-sale services write hits themselves; for the
older, imported part of the history the loader issues stock and writes the
same hit the services would: requested, supplied at once, lost, the selling
value at list price and the cost of what the issue took out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from inventory.models import DemandHit, Part, Warehouse

VALUE_PLACES = Decimal("0.0001")


@dataclass
class HitDraft:
    occurred_at: datetime
    warehouse: Warehouse
    part: Part
    requested_part: Part
    source: str
    document_ref: str
    repair_order_ref: str
    quantity_requested: Decimal
    quantity_supplied: Decimal
    quantity_lost: Decimal
    cost_value: Decimal

    def values(self) -> dict:
        """The hit's column values (by attname)."""
        price = self.part.list_price
        return {
            "occurred_at": self.occurred_at,
            "warehouse_id": self.warehouse.pk,
            "part_id": self.part.pk,
            "requested_part_id": self.requested_part.pk,
            "source": self.source,
            "document_ref": self.document_ref,
            "repair_order_ref": self.repair_order_ref,
            "quantity_requested": self.quantity_requested,
            "quantity_supplied": self.quantity_supplied,
            "quantity_lost": self.quantity_lost,
            "unit_price": price,
            "sales_value": (price * self.quantity_supplied).quantize(VALUE_PLACES),
            "cost_value": self.cost_value,
        }

    def build(self) -> DemandHit:
        return DemandHit(**self.values())


def demand_hits_record(drafts: list[HitDraft]) -> int:
    """Write a day's imported hits in one statement; returns how many."""
    DemandHit.objects.bulk_create([draft.build() for draft in drafts], batch_size=500)
    return len(drafts)
