"""Stock postings and stocking parameters for many levels at once: opening balances and other large loads.

The ledger rules are those of the single postings in ``stock``: every line is
checked by the same checks and applied by the same ``_apply`` (so a receipt
re-averages its level's cost exactly as ``stock_receive`` does, in the order
given), and a line that is refused refuses the whole call. Only the writing
is set-based, because 100,000 lines took minutes through per-row postings and
through ``bulk_update`` (a CASE per row, quadratic in the batch): the
levels are created and locked with one statement each (in primary-key order,
as every posting locks them), the movements go in with one COPY, and the
levels are written back with one UPDATE from arrays. Open backorders are
filled afterwards for the levels that have any.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.fastpath.rows import copy_insert, update_rows

from ..bin_order import Shelf, bins_to_take
from ..exceptions import InvalidQuantity
from ..locks import lock_stock_levels_many
from ..models import Bin, LimitSource, MovementKind, Part, StockLevel, StockMovement, Warehouse
from .limits import LimitChangeRow, limit_changes_record
from .periods import late_reason, posting_moment
from .stock import (
    _POSTED_FIELDS,
    _apply,
    _check_bin,
    _check_cost,
    _check_quantity,
    _fill_backorders,
    _Line,
    bin_legs_write,
    bin_shelves,
    chain,
)

ZERO = Decimal("0")
OPENING_BALANCE = "opening_balance"
OPENING_REASON = "Opening balance import"


class Outcome(enum.StrEnum):
    """What a bulk service did with one line."""

    CREATED = "created"  # a first balance received, or a level's parameters set for the first time
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class _Posting:
    kind: str
    part: Part
    warehouse: Warehouse
    quantity: Decimal  # signed
    unit_cost: Decimal | None  # inbound only; outbound leaves at average
    bin: Bin | None = None
    document_type: str = ""
    reason: str = ""


# --- locking and writing, set-based --------------------------------------------------


def _write_levels(levels: Sequence[StockLevel], names: Sequence[str]) -> None:
    """Write the fields ``names`` of the levels in one statement (see ``core.fastpath.rows.update_rows``)."""
    if not levels:
        return
    attnames = [_FIELDS[name].attname for name in names]
    values = [[getattr(level, attname) for level in levels] for attname in attnames]
    update_rows(StockLevel, [level.pk for level in levels], names, values)


_FIELDS = {field.name: field for field in StockLevel._meta.concrete_fields}


def _insert_movements(movements: list[StockMovement]) -> None:
    """Insert movements with COPY (``core.fastpath.rows.copy_insert``); each instance gets its pk."""
    attnames = [f.attname for f in StockMovement._meta.concrete_fields if not f.primary_key]
    ids = copy_insert(StockMovement, [{name: getattr(m, name) for name in attnames} for m in movements])
    for ident, movement in zip(ids, movements, strict=True):
        movement.pk = ident
        movement._state.adding = False
        movement._state.db = connection.alias


def _post(
    postings: list[_Posting],
    levels: dict[tuple[int, int], StockLevel],
    *,
    user,
    document_ref: str,
    now: datetime,
    intended_at: datetime | None,
    posted_at: datetime | None,
    extra_fields: Sequence[str] = (),
) -> list[StockMovement]:
    """Apply the postings to their locked levels in order, then write movements and levels in bulk."""
    movements: list[StockMovement] = []
    # What each level's bins hold, kept up to date line by line, for the lines that take stock out.
    takers = [(p.part.pk, p.warehouse.pk) for p in postings if p.quantity < 0]
    shelves: dict[tuple[int, int], list[Shelf]] = {pair: [] for pair in takers}
    shelves |= bin_shelves(pairs=takers) if takers else {}
    legs: list[tuple[int, int, int | None, Decimal, int]] = []  # (part, warehouse, bin, quantity, movement index)
    for posting in postings:
        pair = (posting.part.pk, posting.warehouse.pk)
        level = levels[pair]
        level.part, level.warehouse = posting.part, posting.warehouse
        unit_cost, value = _apply(_Line(posting.kind, level, posting.quantity, unit_cost=posting.unit_cost), now=now)
        for bin_id, quantity in _bin_split(posting, level, shelves):
            legs.append((*pair, bin_id, quantity, len(movements)))
        movements.append(
            chain(
                level,
                StockMovement(
                    part=posting.part,
                    warehouse=posting.warehouse,
                    bin=posting.bin,
                    kind=posting.kind,
                    quantity=posting.quantity,
                    unit_cost=unit_cost,
                    value=value,
                    user=user,
                    posted_at=now,
                    document_type=posting.document_type,
                    document_ref=document_ref,
                    reason=late_reason(posting.reason, intended_at),
                    intended_at=intended_at,
                ),
            )
        )
    if not movements:
        return movements
    _insert_movements(movements)
    bin_legs_write([(p, w, b, q, movements[index].pk, None) for p, w, b, q, index in legs])
    touched = {(p.part.pk, p.warehouse.pk): levels[(p.part.pk, p.warehouse.pk)] for p in postings}
    _write_levels(list(touched.values()), [*_POSTED_FIELDS, *extra_fields])
    for pair in {(p.part.pk, p.warehouse.pk) for p in postings if p.quantity > 0}:
        _fill_backorders(touched[pair], user, posted_at)  # a no-op unless the level has open backorders
    return movements


def _bin_split(
    posting: _Posting, level: StockLevel, shelves: dict[tuple[int, int], list[Shelf]]
) -> list[tuple[int | None, Decimal]]:
    """The bin legs of one bulk line, by the rules of a single posting (``stock._bin_legs``).

    ``shelves`` holds only the levels some line takes from; it follows every line of those levels.
    """
    pair = (posting.part.pk, posting.warehouse.pk)
    if posting.quantity > 0:
        bin_id = posting.bin.pk if posting.bin is not None else level.default_bin_id
        if pair in shelves:
            held = {shelf.bin_id: shelf for shelf in shelves[pair]}
            shelf = held.get(bin_id, Shelf(bin_id, ZERO))
            held[bin_id] = Shelf(bin_id, shelf.quantity + posting.quantity, shelf.route, shelf.code)
            shelves[pair] = list(held.values())
        return [(bin_id, posting.quantity)]
    taken, _left = bins_to_take(shelves.get(pair, []), -posting.quantity, default_bin_id=level.default_bin_id)
    took = dict(taken)
    shelves[pair] = [
        Shelf(shelf.bin_id, shelf.quantity - took.get(shelf.bin_id, ZERO), shelf.route, shelf.code)
        for shelf in shelves.get(pair, [])
    ]
    return [(bin_id, -quantity) for bin_id, quantity in taken]


# --- services ------------------------------------------------------------------------


def stock_receive_bulk(
    *,
    lines: list[tuple[Part, Warehouse, Decimal, Decimal, Bin | None]],
    user,
    document_type: str = "receipt",
    document_ref: str = "",
    posted_at: datetime | None = None,
) -> list[StockMovement]:
    """Receive many (part, warehouse, quantity, unit cost, bin) lines in one transaction.

    The same ledger rules as ``stock_receive`` (each line re-averages its level's
    cost, in the order given). A given bin also becomes the level's default bin
    when it has none. Any refused line refuses them all.
    """
    postings = []
    for part, warehouse, quantity, unit_cost, bin in lines:
        _check_bin(bin, warehouse)
        quantity, unit_cost = _check_quantity(part, quantity), _check_cost(unit_cost)
        postings.append(
            _Posting(MovementKind.RECEIPT, part, warehouse, quantity, unit_cost, bin, document_type=document_type)
        )
    if not postings:
        return []
    now, intended_at = posting_moment(posted_at)
    with transaction.atomic():
        levels, _created = lock_stock_levels_many([(p.part.pk, p.warehouse.pk) for p in postings])
        for posting in postings:
            level = levels[(posting.part.pk, posting.warehouse.pk)]
            if posting.bin is not None and level.default_bin_id is None:
                level.default_bin = posting.bin
        return _post(
            postings,
            levels,
            user=user,
            document_ref=document_ref,
            now=now,
            intended_at=intended_at,
            posted_at=posted_at,
            extra_fields=["default_bin"],
        )


def stock_opening_balances_bulk(
    *,
    balances: Sequence[tuple[Part, Warehouse, Decimal, Decimal, Bin | None]],
    user,
    document_ref: str = "",
    posted_at: datetime | None = None,
) -> list[Outcome]:
    """Bring many levels to an opening balance of (part, warehouse, quantity, unit cost, default bin).

    Decided under the lock, per level: an empty level receives the quantity at
    the unit cost (an opening-balance receipt: created); a level holding stock
    is adjusted by the difference (updated; an increase comes in at the unit
    cost, a decrease leaves at average cost and never takes reserved or
    quarantined stock); a level already at the quantity is left alone. A given
    bin becomes the default bin. Stock changes only through movements, so the
    same balances a second time change nothing. Any refused line refuses them
    all. Returns one outcome per line.
    """
    checked = []
    for part, warehouse, quantity, unit_cost, bin in balances:
        quantity = Decimal(quantity)
        if not quantity.is_finite() or quantity < 0:
            raise InvalidQuantity(_("An opening balance cannot be negative."), field="quantity")
        if quantity:
            _check_quantity(part, quantity)
        _check_bin(bin, warehouse)
        checked.append((part, warehouse, quantity, _check_cost(unit_cost), bin))
    if not checked:
        return []
    now, intended_at = posting_moment(posted_at)
    with transaction.atomic():
        # a level is created only where there is stock or a bin to record
        levels, _created = lock_stock_levels_many(
            [(part.pk, warehouse.pk) for part, warehouse, *_ in checked],
            create=[(part.pk, warehouse.pk) for part, warehouse, quantity, _, bin in checked if quantity or bin],
        )
        planned = {pair: level.on_hand for pair, level in levels.items()}  # on hand after the lines so far
        postings, outcomes = [], []
        bins: dict[tuple[int, int], StockLevel] = {}
        for part, warehouse, quantity, unit_cost, bin in checked:
            pair = (part.pk, warehouse.pk)
            on_hand = planned.get(pair, ZERO)
            outcome = Outcome.UNCHANGED
            if on_hand == 0 and quantity > 0:
                postings.append(
                    _Posting(
                        MovementKind.RECEIPT, part, warehouse, quantity, unit_cost, bin, document_type=OPENING_BALANCE
                    )
                )
                outcome = Outcome.CREATED
            elif quantity != on_hand:
                delta = quantity - on_hand
                postings.append(
                    _Posting(
                        MovementKind.ADJUSTMENT,
                        part,
                        warehouse,
                        delta,
                        unit_cost if delta > 0 else None,
                        document_type=MovementKind.ADJUSTMENT,
                        reason=OPENING_REASON,
                    )
                )
                outcome = Outcome.UPDATED
            planned[pair] = quantity
            if bin is not None and levels[pair].default_bin_id != bin.pk:
                levels[pair].default_bin = bin
                bins[pair] = levels[pair]
                outcome = Outcome.CREATED if outcome is Outcome.CREATED else Outcome.UPDATED
            outcomes.append(outcome)
        _post(
            postings,
            levels,
            user=user,
            document_ref=document_ref,
            now=now,
            intended_at=intended_at,
            posted_at=posted_at,
            extra_fields=["default_bin"],
        )
        posted = {(p.part.pk, p.warehouse.pk) for p in postings}
        _write_levels([level for pair, level in bins.items() if pair not in posted], ["default_bin"])
    return outcomes


def stock_level_set_parameters_bulk(
    *,
    parameters: Sequence[tuple[Part, Warehouse, Decimal, Decimal, Bin | None]],
    user=None,
    source: str = LimitSource.IMPORT,
) -> list[Outcome]:
    """Set (part, warehouse, min, max, default bin) on many levels; max 0 means no maximum, no bin keeps the bin.

    The rules of ``stock_level_set_limits``, checked for every line before
    anything is written; missing levels are created (created), and levels
    already holding these figures are not written (unchanged). Returns one
    outcome per line.
    """
    checked = []
    for part, warehouse, min_qty, max_qty, bin in parameters:
        min_qty, max_qty = Decimal(min_qty), Decimal(max_qty)
        if min_qty < 0 or max_qty < 0:
            raise InvalidQuantity(
                _("Minimum and maximum cannot be negative (%(part)s).") % {"part": part.number}, field="min_qty"
            )
        if max_qty and max_qty < min_qty:
            raise InvalidQuantity(
                _("The maximum must be at least the minimum (%(part)s).") % {"part": part.number}, field="max_qty"
            )
        if bin is not None:
            _check_bin(bin, warehouse)
        checked.append((part, warehouse, min_qty, max_qty, bin))
    if not checked:
        return []
    with transaction.atomic():
        levels, created = lock_stock_levels_many([(part.pk, warehouse.pk) for part, warehouse, *_ in checked])
        changed: dict[int, StockLevel] = {}
        limit_changes: list[LimitChangeRow] = []
        outcomes = []
        for part, warehouse, min_qty, max_qty, bin in checked:
            pair = (part.pk, warehouse.pk)
            level = levels[pair]
            same = (level.min_qty, level.max_qty) == (min_qty, max_qty) and (
                bin is None or level.default_bin_id == bin.pk
            )
            if not same:
                limit_changes.append((part.pk, warehouse.pk, level.min_qty, level.max_qty, min_qty, max_qty))
                level.min_qty, level.max_qty = min_qty, max_qty
                if bin is not None:
                    level.default_bin = bin
                changed[level.pk] = level
            outcomes.append(Outcome.CREATED if pair in created else Outcome.UNCHANGED if same else Outcome.UPDATED)
        _write_levels(list(changed.values()), ["min_qty", "max_qty", "default_bin"])
        limit_changes_record(changes=limit_changes, user=user, source=source)
    return outcomes


__all__ = ["Outcome", "stock_level_set_parameters_bulk", "stock_opening_balances_bulk", "stock_receive_bulk"]
