"""Row locks for purchasing, in one place.

A goods receipt and every order transition lock the purchase order row first
(``SELECT … FOR UPDATE``), then its lines ordered by primary key; stock
levels are locked after that by ``inventory.locks``. One order of locking
everywhere means two postings against one order queue instead of deadlocking.
"""

from __future__ import annotations

from .models import NumberSequence, PurchaseOrder, PurchaseOrderLine


def lock_purchase_order(order_id: int) -> PurchaseOrder:
    """Lock an order row (inside ``transaction.atomic``) and return it fresh."""
    return PurchaseOrder.objects.select_for_update().select_related("supplier", "warehouse").get(pk=order_id)


def lock_order_lines(order_id: int) -> dict[int, PurchaseOrderLine]:
    """Lock an order's lines, ordered by primary key, keyed by id."""
    lines = PurchaseOrderLine.objects.select_for_update().filter(order_id=order_id).order_by("pk")
    return {line.pk: line for line in lines}


def next_number(prefix: str) -> int:
    """Bump and return the counter for ``prefix`` under a row lock (created on first use)."""
    NumberSequence.objects.bulk_create([NumberSequence(prefix=prefix)], ignore_conflicts=True)
    sequence = NumberSequence.objects.select_for_update().get(prefix=prefix)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value
