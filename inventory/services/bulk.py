"""Many rows at once: stock postings, stocking parameters, parts and demand history (imports, large loads).

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

The catalogue and the demand history of an import are written the same way
(``parts_set_bulk``, ``demand_hits_import_bulk``, and ``catalogue.parts_supersede_bulk``):
new rows with one COPY, changed rows with one UPDATE from arrays, and the
parts' history rows copied from the table in one statement.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NotRequired, TypedDict

from django.db import connection, transaction
from django.db.models import BooleanField, Model
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fastpath.rows import copy_insert, quote, update_rows

from ..bin_order import Shelf, bins_to_take
from ..exceptions import InvalidQuantity, InventoryError
from ..locks import lock_stock_levels_many
from ..models import (
    Bin,
    DemandHit,
    DemandSource,
    LimitSource,
    MovementKind,
    Part,
    StockLevel,
    StockMovement,
    Warehouse,
    normalize_part_number,
)
from ..selectors import parts_current_bulk
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


# --- catalogue and demand history ----------------------------------------------------


def _any(column: str, values: Sequence[Any]) -> RawSQL:
    """``column = ANY(%s)`` with one array parameter: cheaper than an IN list of thousands on PostgreSQL."""
    sql = f"{quote(column)} = ANY(%s)"  # the column name is ours; values are a parameter
    return RawSQL(sql, [list(values)], output_field=BooleanField())  # noqa: S611


def history_rows_write(model: type[Model], pks: Sequence[int], *, history_type: str, user, reason: str) -> None:
    """Write django-simple-history rows for ``pks`` set-based, copied from the table in one statement.

    The same rows ``bulk_create_with_history`` would write, without building a
    historical model instance per row (half the time of a large parts import).
    """
    if not pks:
        return
    history = model.history.model  # type: ignore[attr-defined]  # added by simple_history
    history_columns = {f.column for f in history._meta.concrete_fields}
    tracked = [f.column for f in model._meta.concrete_fields if f.column in history_columns]
    columns = ", ".join(quote(c) for c in tracked)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608 - names from model meta
        f"({columns}, history_date, history_type, history_user_id, history_change_reason) "
        f"SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), history_type, getattr(user, "pk", None), reason, list(pks)])


PART_FIELDS = ("number", "description", "unit", "category", "list_price", "is_critical")


@transaction.atomic
def parts_set_bulk(*, parts: Sequence[dict[str, Any]], user, reason: str = "import") -> list[Outcome]:
    """Create or update many parts by normalised number (a catalogue import); one outcome per part.

    ``parts`` hold the fields ``PART_FIELDS``, already checked; a normalised
    number twice in the list refuses them all. New parts go in with one COPY and
    changed parts with one UPDATE, each with its history row ("+" or "~",
    ``reason`` as the change reason); a part already holding these values is
    not written, so the same list a second time changes nothing.
    Supersessions go through ``parts_supersede_bulk``.
    """
    keys = [normalize_part_number(fields["number"]) for fields in parts]
    seen: set[str] = set()
    for key, fields in zip(keys, parts, strict=True):
        if key in seen:
            raise InventoryError(_("Part number %(part)s already exists.") % {"part": fields["number"]}, field="number")
        seen.add(key)
    # Compare plain tuples: building model instances only for changed rows keeps a second run cheap.
    stored = {
        row[0]: row[1:]
        for row in Part.objects.filter(_any("number_normalized", keys)).values_list(
            "number_normalized", "pk", *PART_FIELDS
        )
    }
    to_create: list[dict[str, Any]] = []
    changed: dict[int, dict[str, Any]] = {}
    outcomes = []
    for key, fields in zip(keys, parts, strict=True):
        current = stored.get(key)
        if current is None:
            to_create.append({"number_normalized": key, **{name: fields[name] for name in PART_FIELDS}})
            outcomes.append(Outcome.CREATED)
        elif tuple(current[1:]) != tuple(fields[name] for name in PART_FIELDS):
            changed[current[0]] = fields
            outcomes.append(Outcome.UPDATED)
        else:
            outcomes.append(Outcome.UNCHANGED)
    if to_create:
        history_rows_write(Part, copy_insert(Part, to_create), history_type="+", user=user, reason=reason)
    if changed:
        _update_by_pk(Part, changed, PART_FIELDS)
        history_rows_write(Part, list(changed), history_type="~", user=user, reason=reason)
    return outcomes


def _update_by_pk(model: type[Model], changes: dict[int, Any], names: Sequence[str]) -> None:
    """Write the fields ``names`` of rows by id (values by name per id) in one statement."""
    ids = list(changes)
    update_rows(model, ids, names, [[changes[pk][name] for pk in ids] for name in names])


class DemandLine(TypedDict):
    """One line of demand history from a previous system; the natural key is warehouse + document_ref + part."""

    occurred_at: datetime
    warehouse: Warehouse
    requested_part: Part
    quantity_requested: Decimal
    quantity_supplied: Decimal
    quantity_lost: Decimal
    unit_price: Decimal
    sales_value: Decimal
    cost_value: Decimal
    document_ref: str
    repair_order_ref: str
    part_id: NotRequired[int]  # the serving part, set by the service


# The hit fields an imported line is compared on: a line seen again is updated only where one differs.
DEMAND_COMPARED = (
    "occurred_at",
    "part_id",
    "quantity_requested",
    "quantity_supplied",
    "quantity_lost",
    "unit_price",
    "sales_value",
    "cost_value",
    "repair_order_ref",
)


@transaction.atomic
def demand_hits_import_bulk(*, lines: Sequence[DemandLine]) -> list[Outcome]:
    """Write demand history as hits of source "import"; one outcome per line.

    A line is booked on the part that serves its number today (after
    supersession). A line whose natural key (warehouse, document_ref,
    requested part) was imported before is compared and updated, never
    duplicated, so the same history a second time changes nothing. New hits go
    in with one COPY, changed ones with one UPDATE.
    """
    if not lines:
        return []
    serving = parts_current_bulk(list({line["requested_part"].pk: line["requested_part"] for line in lines}.values()))
    existing = {
        (hit.warehouse_id, hit.document_ref, hit.requested_part_id): hit
        # requested_part is part of the key and indexed: without it each call read every hit of the warehouse
        for hit in DemandHit.objects.filter(
            _any("requested_part_id", list({line["requested_part"].pk for line in lines})),
            source=DemandSource.IMPORT,
            warehouse_id__in={line["warehouse"].pk for line in lines},
            document_ref__in={line["document_ref"] for line in lines},
        )
    }
    to_create: list[dict[str, Any]] = []
    to_update: dict[int, dict[str, Any]] = {}
    outcomes = []
    for line in lines:
        values: dict[str, Any] = {**line, "part_id": serving[line["requested_part"].pk].pk}
        hit = existing.get((line["warehouse"].pk, line["document_ref"], line["requested_part"].pk))
        if hit is None:
            values["warehouse_id"] = values.pop("warehouse").pk
            values["requested_part_id"] = values.pop("requested_part").pk
            to_create.append(values | {"source": DemandSource.IMPORT.value})
            outcomes.append(Outcome.CREATED)
        elif any(getattr(hit, name) != values[name] for name in DEMAND_COMPARED):
            to_update[hit.pk] = {name: values[name] for name in DEMAND_COMPARED}
            outcomes.append(Outcome.UPDATED)
        else:
            outcomes.append(Outcome.UNCHANGED)
    copy_insert(DemandHit, to_create)
    _update_by_pk(DemandHit, to_update, DEMAND_COMPARED)
    return outcomes


__all__ = [
    "DEMAND_COMPARED",
    "PART_FIELDS",
    "DemandLine",
    "Outcome",
    "demand_hits_import_bulk",
    "history_rows_write",
    "parts_set_bulk",
    "stock_level_set_parameters_bulk",
    "stock_opening_balances_bulk",
    "stock_receive_bulk",
]
