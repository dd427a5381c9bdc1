"""Bin-to-bin moves inside a warehouse.

A bin move changes neither the level's quantity nor its value; it is a
``BinMove`` record with two entries in the bins' ledger (out of one bin, into
the other). Locks: the part's level in the warehouse first (one row, the lock
every posting of that part takes), then its bin stocks, written only while the
level is locked. Two moves of the same part cross (A→B and B→A) by queueing on
the one level row, so they cannot deadlock.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError

from ..exceptions import IdempotencyConflict, InsufficientStock, InventoryError
from ..locks import lock_stock_levels
from ..models import Bin, BinMove, Part, Warehouse
from ..quantities import quantity_checked
from .stock import bin_legs_write, bin_shelves


def stock_bin_move(
    *,
    part: Part,
    warehouse: Warehouse,
    from_bin: Bin | None,
    to_bin: Bin,
    quantity: Decimal,
    user,
    note: str = "",
    idempotency_key: str | None = None,
) -> BinMove:
    """Move ``quantity`` of a part from one bin to another of the same warehouse (``from_bin`` None: from no bin).

    Only what the source bin holds can leave it; reserved and frozen stock are
    held on the level, not in a bin, so they move with the shelf. A retry with
    the same key returns the first move; the key sent with a different move is
    a conflict.
    """
    quantity = quantity_checked(part, quantity)
    for field, bin in (("from_bin", from_bin), ("to_bin", to_bin)):
        if bin is not None and bin.warehouse_id != warehouse.pk:
            raise InventoryError(
                _("Bin %(bin)s is not in warehouse %(warehouse)s.") % {"bin": bin.code, "warehouse": warehouse.code},
                field=field,
            )
    if from_bin is not None and from_bin.pk == to_bin.pk:
        raise InventoryError(_("Choose a different bin to move to."), field="to_bin")
    if not to_bin.is_active:
        raise InventoryError(_("Bin %(bin)s is closed; choose an open bin.") % {"bin": to_bin.code}, field="to_bin")
    note = note.strip()

    def same(move: BinMove) -> bool:
        return (move.part_id, move.warehouse_id, move.from_bin_id, move.to_bin_id, move.quantity, move.note) == (
            part.pk,
            warehouse.pk,
            from_bin.pk if from_bin is not None else None,
            to_bin.pk,
            quantity,
            note,
        )

    def replay() -> BinMove | None:
        first = BinMove.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if first is not None and not same(first):
            raise IdempotencyConflict(
                _("This idempotency key was already used for a different bin move; send a new key.")
            )
        return first

    try:
        with transaction.atomic():
            return _move(part, warehouse, from_bin, to_bin, quantity, user, note, idempotency_key)
    except IntegrityError as error:
        # A retry, or a concurrent request with the same key that won the race.
        first = replay() if "idempotency" in str(error) else None
        if first is None:
            raise
        return first
    except DomainError:
        # Refused now because the first attempt already moved the stock: the first answer stands.
        first = replay()
        if first is None:
            raise
        return first


def _move(
    part: Part,
    warehouse: Warehouse,
    from_bin: Bin | None,
    to_bin: Bin,
    quantity: Decimal,
    user,
    note: str,
    idempotency_key: str | None,
) -> BinMove:
    pair = (part.pk, warehouse.pk)
    lock_stock_levels(pairs=[pair])
    from_id = from_bin.pk if from_bin is not None else None
    held = sum((s.quantity for s in bin_shelves(pairs=[pair]).get(pair, []) if s.bin_id == from_id), Decimal(0))
    if held < quantity:
        place = f"{warehouse.code}/{from_bin.code}" if from_bin is not None else f"{warehouse.code} (no bin)"
        raise InsufficientStock(part=part.number, warehouse=place, available=held, requested=quantity)
    move = BinMove.objects.create(
        part=part,
        warehouse=warehouse,
        from_bin=from_bin,
        to_bin=to_bin,
        quantity=quantity,
        note=note,
        moved_by=user,
        moved_at=timezone.now(),
        idempotency_key=idempotency_key,
    )
    bin_legs_write([(*pair, from_id, -quantity, None, move.pk), (*pair, to_bin.pk, quantity, None, move.pk)])
    return move
