"""Who sells what: a supplier's part, its price, lead time, order minimum and pack, kept with history."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.roles import Role, user_access
from inventory.models import Part

from ..exceptions import NotPermitted, PurchasingError
from ..models import Supplier, SupplierPart

SUPPLIER_PART_EDITORS = (Role.PURCHASER, Role.PLANNER, Role.MANAGER)
MAX_PRICE = Decimal("1e10")


@transaction.atomic
def supplier_part_save(
    *,
    user,
    supplier: Supplier,
    part: Part,
    price: Decimal,
    supplier_part: SupplierPart | None = None,
    supplier_part_number: str = "",
    lead_time_days: int = 7,
    min_order_qty: Decimal = Decimal(1),
    pack_size: Decimal = Decimal(1),
    is_preferred: bool = False,
) -> SupplierPart:
    """Create or change what ``supplier`` sells of ``part``.

    A preferred supplier is the one replenishment orders from: marking one
    preferred makes it the part's only preferred supplier.
    """
    if not user_access(user).has_any(SUPPLIER_PART_EDITORS):
        raise NotPermitted(_("Only purchasing, planners or a manager change what a supplier sells."))
    if not Decimal(price).is_finite() or price < 0 or price >= MAX_PRICE:
        raise PurchasingError(_("The price is zero or more."), field="price")
    if min_order_qty <= 0:
        raise PurchasingError(_("The order minimum is more than zero."), field="min_order_qty")
    if pack_size <= 0:
        raise PurchasingError(_("The pack size is more than zero."), field="pack_size")
    if not 0 <= lead_time_days <= 365:
        raise PurchasingError(_("The lead time is between 0 and 365 days."), field="lead_time_days")
    row = supplier_part or SupplierPart(supplier=supplier, part=part)
    row.supplier, row.part = supplier, part
    row.supplier_part_number = (supplier_part_number or "").strip()[:40]
    row.price, row.lead_time_days, row.min_order_qty, row.pack_size = price, lead_time_days, min_order_qty, pack_size
    row.is_preferred = is_preferred
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise PurchasingError(
            _("%(supplier)s already sells %(part)s; change that line instead.")
            % {"supplier": supplier.code, "part": part.number},
            field="part",
        ) from error
    if is_preferred:
        for other in SupplierPart.objects.filter(part=part, is_preferred=True).exclude(pk=row.pk):
            other.is_preferred = False
            other.save(update_fields=["is_preferred", "updated_at"])  # through save: the history keeps it
    return row
