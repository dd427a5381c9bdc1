"""Who sells what: a supplier's part, its price, lead time, order minimum and pack, kept with history."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.roles import Role, user_access
from inventory.bounds import MAX_QUANTITY, too_large
from inventory.models import Part

from ..exceptions import NotPermitted, PurchasingError
from ..models import Supplier, SupplierPart

SUPPLIER_PART_EDITORS = (Role.PURCHASER, Role.PLANNER, Role.MANAGER)
MAX_PRICE = Decimal("1e10")


def purchase_unit_checked(*, part: Part, unit: str, factor) -> tuple[str, Decimal]:
    """A purchase unit and its factor (stock units in one purchase unit), or ``PurchasingError`` naming the field.

    The factor is more than zero, with at most three decimals (so whole
    purchase units convert exactly into stock quantities), and whole for a
    part counted in whole units (a box holds whole pieces). Without a unit
    the factor is 1: the supplier sells in the stock unit.
    """
    unit = (unit or "").strip()
    if len(unit) > 20:
        raise PurchasingError(_("The purchase unit has at most 20 characters."), field="purchase_unit")
    try:
        factor = Decimal(factor if factor not in (None, "") else 1)
    except (ArithmeticError, TypeError, ValueError):
        raise PurchasingError(_("Enter the factor as a number."), field="purchase_factor") from None
    if not unit:
        if factor != 1:
            raise PurchasingError(
                _("Name the purchase unit (box, drum, set) that holds %(factor)s %(unit)s.")
                % {"factor": f"{factor.normalize():f}" if factor.is_finite() else factor, "unit": part.unit},
                field="purchase_unit",
            )
        return "", Decimal(1)
    if not factor.is_finite() or factor <= 0:
        raise PurchasingError(_("The factor is more than zero."), field="purchase_factor")
    if too_large(factor, MAX_QUANTITY) or factor != factor.quantize(Decimal("0.001")):
        raise PurchasingError(
            _("The factor has at most three decimal places and fits a stock quantity."), field="purchase_factor"
        )
    if part.is_whole_unit and factor != factor.to_integral_value():
        raise PurchasingError(
            _("%(part)s is counted in whole %(unit)s; a purchase unit holds a whole number of them.")
            % {"part": part.number, "unit": part.unit},
            field="purchase_factor",
        )
    return unit, factor.normalize() if factor == factor.to_integral_value() else factor


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
    purchase_unit: str = "",
    purchase_factor: Decimal = Decimal(1),
) -> SupplierPart:
    """Create or change what ``supplier`` sells of ``part``.

    A preferred supplier is the one replenishment orders from: marking one
    preferred makes it the part's only preferred supplier. With a purchase
    unit (a box of 10) the price, order minimum and pack size are per that
    unit; orders already placed keep the unit they were placed in.
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
    purchase_unit, purchase_factor = purchase_unit_checked(part=part, unit=purchase_unit, factor=purchase_factor)
    row = supplier_part or SupplierPart(supplier=supplier, part=part)
    row.purchase_unit, row.purchase_factor = purchase_unit, purchase_factor
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
