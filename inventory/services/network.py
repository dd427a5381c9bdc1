"""The warehouse network: warehouses and their place in it, the neighbours that cover each other, bins.

Planners and managers keep it. The model's own checks (a store needs a parent,
no cycles) become refusals on the field; every change is kept in the history
with who made it (``simple_history``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import NotPermitted
from core.roles import CATALOGUE_EDITORS, user_access

from ..exceptions import InventoryError
from ..models import Bin, BinStock, StockLevel, Warehouse, WarehouseNeighbour

BIN_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,19}$")
MAX_BINS_AT_ONCE = 500
# The highest place on a pick route: five digits leave room to number by aisle, shelf and level.
MAX_ROUTE = 99999


def _editor(user) -> None:
    if not user_access(user).has_any(CATALOGUE_EDITORS):
        raise NotPermitted(_("Only planners and managers change the warehouse network."))


def _refusal(error: ValidationError) -> InventoryError:
    field, texts = next(iter(error.message_dict.items()))
    return InventoryError(" ".join(texts), field=field if field != "__all__" else None)


@transaction.atomic
def warehouse_save(
    *,
    user,
    code: str,
    name: str,
    echelon: str,
    parent: Warehouse | None,
    is_active: bool = True,
    warehouse: Warehouse | None = None,
) -> Warehouse:
    """Create a warehouse, or change one; a warehouse with stock on hand stays active."""
    _editor(user)
    row = warehouse or Warehouse()
    closing = warehouse is not None and not is_active and row.is_active
    if closing and StockLevel.objects.filter(warehouse=row, on_hand__gt=0).exists():
        raise InventoryError(
            _("%(code)s still holds stock; transfer or write it off before closing the warehouse.")
            % {"code": row.code},
            field="is_active",
        )
    row.code, row.name, row.echelon, row.parent, row.is_active = (
        code.strip().upper(),
        name.strip(),
        echelon,
        parent,
        is_active,
    )
    try:
        row.full_clean()
    except ValidationError as error:
        raise _refusal(error) from error
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise InventoryError(_("Warehouse code %(code)s is taken.") % {"code": row.code}, field="code") from error
    return row


@transaction.atomic
def warehouse_neighbour_set(
    *, user, warehouse: Warehouse, neighbour: Warehouse, lead_time_days: int
) -> WarehouseNeighbour:
    """Let ``neighbour`` cover ``warehouse``'s shortages by transfer, in so many days (changed if it already does)."""
    _editor(user)
    if neighbour.pk == warehouse.pk:
        raise InventoryError(_("A warehouse cannot be its own neighbour."), field="neighbour")
    if not 0 <= lead_time_days <= 60:
        raise InventoryError(_("The transfer lead time is between 0 and 60 days."), field="lead_time_days")
    link = WarehouseNeighbour.objects.filter(warehouse=warehouse, neighbour=neighbour).first()
    if link is None:
        link = WarehouseNeighbour(warehouse=warehouse, neighbour=neighbour)
    link.transfer_lead_time_days = lead_time_days
    link.save()
    return link


@transaction.atomic
def warehouse_neighbour_remove(*, user, link: WarehouseNeighbour) -> None:
    _editor(user)
    link.delete()


@transaction.atomic
def bins_create(*, user, warehouse: Warehouse, codes: list[str]) -> list[Bin]:
    """Add bins to a warehouse; codes already there are left alone (an inactive one is reopened)."""
    _editor(user)
    wanted = list(dict.fromkeys(code.strip().upper() for code in codes if code.strip()))
    if not wanted:
        raise InventoryError(_("Enter at least one bin code."), field="codes")
    if len(wanted) > MAX_BINS_AT_ONCE:
        raise InventoryError(_("At most %(count)s bins at once.") % {"count": MAX_BINS_AT_ONCE}, field="codes")
    bad = [code for code in wanted if not BIN_CODE.match(code)]
    if bad:
        raise InventoryError(
            _("Not a bin code: %(codes)s. Use letters, digits and . _ / - (at most 20).")
            % {"codes": ", ".join(bad[:5])},
            field="codes",
        )
    existing = {row.code: row for row in Bin.objects.filter(warehouse=warehouse, code__in=wanted)}
    reopened = [row for row in existing.values() if not row.is_active]
    for row in reopened:
        row.is_active = True
        row.save(update_fields=["is_active"])
    created = Bin.objects.bulk_create([Bin(warehouse=warehouse, code=code) for code in wanted if code not in existing])
    return created + reopened


@transaction.atomic
def bin_set_route(*, user, bin: Bin, route: int) -> Bin:
    """Put a bin at a place on its warehouse's pick route (pick lists go by place, then bin code)."""
    _editor(user)
    if not 0 <= route <= MAX_ROUTE:
        raise InventoryError(
            _("The place on the pick route is a whole number from 0 to %(max)s.") % {"max": MAX_ROUTE}, field="route"
        )
    bin.route = route
    bin.save(update_fields=["route"])
    return bin


@transaction.atomic
def bin_set_active(*, user, bin: Bin, is_active: bool) -> Bin:
    """Close a bin (it stays in the ledger's history) or reopen it; a default bin of stock stays open."""
    _editor(user)
    if not is_active and StockLevel.objects.filter(default_bin=bin, on_hand__gt=0).exists():
        raise InventoryError(
            _("Bin %(code)s is the default bin of stock on hand; move that stock to another bin first.")
            % {"code": bin.code},
            field="bin",
        )
    if not is_active and BinStock.objects.filter(bin=bin, quantity__gt=0).exists():
        raise InventoryError(
            _("Bin %(code)s holds stock; move it to another bin first.") % {"code": bin.code}, field="bin"
        )
    bin.is_active = is_active
    bin.save(update_fields=["is_active"])
    return bin
