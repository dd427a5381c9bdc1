"""Sourcing a backorder, transfer first: neighbour with surplus, then the parent, then an emergency order.

The transfer proposals come from ``inventory`` (which never imports this app);
this module adds the last resort, an emergency purchase order to the preferred
supplier, and accepts it through the purchasing services. When the order's
goods are received into the store, the receipt fills the backorder (oldest
request first) in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import DomainError, InvalidTransition
from inventory.demand import services as demand_services
from inventory.demand.selectors import SourcingProposal, backorder_uncovered, transfer_proposals_bulk
from inventory.exceptions import InvalidQuantity
from inventory.models import Backorder, BackorderState

from .. import selectors
from ..models import OrderType, PurchaseOrder, SupplierPart
from ..selectors import stock_unit_price
from .orders import order_quantity_for_need, purchase_order_create

EMERGENCY = "emergency_order"


def _preferred_bulk(part_ids: set[int]) -> dict[int, SupplierPart]:
    """``selectors.supplier_part_preferred`` for many parts in one query (same order of preference)."""
    chosen: dict[int, SupplierPart] = {}
    candidates = (
        SupplierPart.objects.filter(part_id__in=part_ids, supplier__is_active=True)
        .select_related("supplier", "part")
        .order_by("part_id", "-is_preferred", stock_unit_price(), "lead_time_days", "pk")
    )
    for supplier_part in candidates:
        chosen.setdefault(supplier_part.part_id, supplier_part)
    return chosen


def sourcing_proposals_bulk(backorders: list[Backorder]) -> dict[int, list[SourcingProposal]]:
    """All proposals per backorder, in the order they should be taken (a fixed number of queries)."""
    transfers = transfer_proposals_bulk(backorders)
    uncovered = backorder_uncovered(backorders)
    preferred = _preferred_bulk({b.part_id for b in backorders})
    result = {}
    for backorder in backorders:
        found = list(transfers.get(backorder.pk, []))
        supplier_part = preferred.get(backorder.part_id)
        wanted = uncovered[backorder.pk]
        if supplier_part is not None and wanted > 0 and backorder.state == BackorderState.OPEN:
            found.append(
                SourcingProposal(
                    rank=len(found) + 1,
                    kind=EMERGENCY,
                    quantity=wanted,
                    supplier=supplier_part.supplier,
                    lead_time_days=supplier_part.lead_time_days,
                    price=supplier_part.stock_unit_cost,
                )
            )
        result[backorder.pk] = found
    return result


def sourcing_proposals(backorder: Backorder) -> list[SourcingProposal]:
    """Neighbour transfers (nearest first), the parent transfer, then the emergency order."""
    return sourcing_proposals_bulk([backorder])[backorder.pk]


def backorder_order_emergency(*, backorder: Backorder, user, quantity: Decimal | None = None) -> PurchaseOrder:
    """Accept the emergency-order proposal: a draft emergency order to the preferred supplier.

    The quantity defaults to what no transfer covers yet; the purchasing
    services apply the supplier's minimum order and pack size and check the
    user's role. The backorder records the order number.
    """
    with transaction.atomic():
        backorder = (
            Backorder.objects.select_for_update(of=("self",))
            .select_related("part", "warehouse", "line__request")
            .get(pk=backorder.pk)
        )
        if backorder.state != BackorderState.OPEN:
            raise InvalidTransition(
                _("This backorder is %(state)s; nothing to order.") % {"state": backorder.get_state_display()}
            )
        wanted = backorder_uncovered([backorder])[backorder.pk]
        quantity = wanted if quantity is None else Decimal(quantity)
        if quantity <= 0:
            raise InvalidQuantity(_("Transfers on their way already cover this backorder."))
        if quantity > backorder.open_quantity:
            raise InvalidQuantity(
                _("The backorder waits for %(open_quantity)s; order at most that.")
                % {"open_quantity": format(backorder.open_quantity.normalize(), "f")}
            )
        supplier_part = selectors.supplier_part_preferred(backorder.part)
        if supplier_part is None:
            raise DomainError(
                _("No active supplier sells %(part)s; add a supplier part first.") % {"part": backorder.part.number},
                field="supplier",
            )
        # the need is in stock units; the order is in the supplier's purchase unit (whole boxes, rounded up)
        ordered = order_quantity_for_need(
            need=quantity, part_is_whole=backorder.part.is_whole_unit, supplier_part=supplier_part
        )
        order = purchase_order_create(
            supplier=supplier_part.supplier,
            warehouse=backorder.warehouse,
            order_type=OrderType.EMERGENCY,
            lines=[(backorder.part, ordered if supplier_part.purchase_unit else quantity, None)],
            user=user,
            reference=backorder.line.request.number,
            notes=f"Emergency order for backorder of {backorder.line.request.number}.",
        )
        demand_services.backorder_note_sourcing(
            backorder=backorder, note=f"Emergency order {order.number} to {supplier_part.supplier.code}"
        )
    return order
