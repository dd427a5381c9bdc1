"""Every write to the catalogue and to stock.

Stock services post to the append-only ledger and update the stock level in
the same transaction, under row locks taken by ``locks.lock_stock_levels``.
They never let available stock (on hand − reserved − quarantined) go below
zero and raise ``InventoryError`` subclasses instead of returning flags.

Costing is the moving weighted average per part and warehouse: a receipt
re-averages, everything that leaves stock leaves at the current average, and
the last unit out takes the remaining value with it so that no rounding
residue is ever left on an empty level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, F, IntegerField, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from core.events import CRITICAL_BELOW_REORDER_POINT, STOCK_CHANGED
from core.exceptions import DomainError
from core.fastpath.rows import prepared_cursor
from core.fastpath.switch import fast_path
from core.models import OutboxMessage
from core.roles import Role
from core.services.events import Event, event_batch_tasks, event_wanted, events_outbox_rows, events_publish
from core.services.notifications import notify, users_with_role
from core.services.outbox import outbox_enqueue

from ..bin_order import Shelf, bins_to_take
from ..bounds import MAX_COST, too_large
from ..exceptions import (
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientStock,
    InvalidQuantity,
    InventoryError,
)
from ..ledger_hash import HASHED, movement_hash
from ..locks import lock_stock_levels, quote
from ..models import (
    INBOUND_KINDS,
    Bin,
    BinMovement,
    BinStock,
    LimitSource,
    MovementKind,
    Part,
    StockLevel,
    StockMovement,
    Warehouse,
)
from ..quantities import COST_PLACES, money, quantity_checked
from .limits import limit_changes_record
from .periods import late_reason, posting_moment

ZERO = Decimal("0")


def _check_quantity(part: Part, quantity: Decimal, *, field: str = "quantity") -> Decimal:
    return quantity_checked(part, quantity, field=field)


def _check_cost(unit_cost: Decimal) -> Decimal:
    unit_cost = Decimal(unit_cost)
    if not unit_cost.is_finite() or unit_cost < 0:
        raise InventoryError(_("The unit cost cannot be negative."), field="unit_cost")
    if too_large(unit_cost, MAX_COST):
        raise InventoryError(
            _("The unit cost is too large (at most %(limit)s).") % {"limit": format(MAX_COST, ",")}, field="unit_cost"
        )
    if unit_cost != unit_cost.quantize(COST_PLACES):
        raise InventoryError(_("Unit costs have at most four decimal places."), field="unit_cost")
    return unit_cost


def _check_bin(bin: Bin | None, warehouse: Warehouse) -> None:
    if bin is not None and bin.warehouse_id != warehouse.pk:
        raise InventoryError(
            _("Bin %(bin)s is not in warehouse %(warehouse)s.") % {"bin": bin.code, "warehouse": warehouse.code},
            field="bin",
        )


# --- idempotency ----------------------------------------------------------------


def _replay(key: str, matches: Callable[[StockMovement], bool]) -> StockMovement | None:
    existing = StockMovement.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if not matches(existing):
        raise IdempotencyConflict(_("This idempotency key was already used for a different posting; send a new key."))
    return existing


def _idempotent(key: str | None, matches: Callable[[StockMovement], bool], post: Callable[[], Any]) -> Any:
    """Run ``post`` once per key: a retry returns the first result instead of posting again.

    The key is not looked up before posting (that would cost every posting a
    query): the unique constraint on the key refuses a second insert, and only
    then, or when a retry is refused because stock has moved on since the first
    attempt, is the first movement read back. The savepoint keeps a caller's
    own transaction usable after the refused insert.
    """
    try:
        with transaction.atomic():
            return post()
    except IntegrityError as error:
        # A retry, or a concurrent request with the same key that won the race.
        if key and "idempotency" in str(error):
            existing = _replay(key, matches)
            if existing is not None:
                return existing
        raise
    except DomainError:
        if key:
            existing = _replay(key, matches)
            if existing is not None:
                return existing
        raise


# --- the posting core -------------------------------------------------------------


# A movement's bin legs: [(bin id or None for no bin, signed quantity)], adding up to its quantity.
Legs = list[tuple[int | None, Decimal]]


@dataclass
class _Line:
    kind: str
    level: StockLevel
    quantity: Decimal  # signed
    unit_cost: Decimal | None = None  # inbound only; outbound leaves at average
    value: Decimal | None = None  # fixed value (reversals)
    from_quarantine: bool = False
    bin: Bin | None = None  # named: inbound puts away here, outbound takes only from here
    legs: Legs | None = None  # fixed bin legs (a reversal puts back where the stock came from)
    prefer: tuple[int | None, ...] = ()  # bins taken from first, before the order rule


def _apply(line: _Line, *, now: datetime) -> tuple[Decimal, Decimal]:
    """Change one locked level; return the movement's (unit_cost, value)."""
    level = line.level
    if line.quantity > 0:
        unit_cost = line.unit_cost if line.unit_cost is not None else level.average_cost
        value = line.value if line.value is not None else money(line.quantity * unit_cost)
        level.on_hand += line.quantity
        level.value += value
        level.average_cost = money(level.value / level.on_hand)
        if level.first_stocked_at is None and line.kind in INBOUND_KINDS:
            level.first_stocked_at = now
    else:
        taken = -line.quantity
        free = level.quarantined if line.from_quarantine else level.on_hand - level.reserved - level.quarantined
        if taken > free:
            raise InsufficientStock(
                part=level.part.number,
                warehouse=level.warehouse.code,
                available=max(free, ZERO),
                requested=taken,
            )
        unit_cost = level.average_cost
        if taken == level.on_hand:
            value = -level.value
        elif line.value is not None:
            value = max(line.value, -level.value)
        else:
            value = -min(money(taken * unit_cost), level.value)
        level.on_hand -= taken
        level.value += value
        if line.from_quarantine:
            level.quarantined -= taken
        if line.value is not None and level.on_hand > 0:
            level.average_cost = money(level.value / level.on_hand)
        if taken and value:
            unit_cost = money(-value / taken)
    level.last_movement_at = now
    return unit_cost, value


def _post(
    *,
    lines: list[_Line],
    user,
    document_type: str,
    document_ref: str,
    reason: str = "",
    bin: Bin | None = None,
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
    reverses: StockMovement | None = None,
    other_warehouses: list[Warehouse | None] | None = None,
) -> list[StockMovement]:
    now, intended_at = posting_moment(posted_at)
    reason = late_reason(reason, intended_at)
    if bin is not None and lines[0].bin is None:
        lines[0].bin = bin
    legs = _bin_legs(lines)
    movements = []
    for index, line in enumerate(lines):
        unit_cost, value = _apply(line, now=now)
        movements.append(
            chain(
                line.level,
                StockMovement(
                    part=line.level.part,
                    warehouse=line.level.warehouse,
                    bin=bin if index == 0 else None,
                    kind=line.kind,
                    quantity=line.quantity,
                    unit_cost=unit_cost,
                    value=value,
                    user=user,
                    posted_at=now,
                    document_type=document_type,
                    document_ref=document_ref,
                    reason=reason,
                    reverses=reverses if index == 0 else None,
                    other_warehouse=(other_warehouses or [None] * len(lines))[index],
                    idempotency_key=(
                        idempotency_key if index == 0 or not idempotency_key else f"{idempotency_key}#{index}"
                    ),
                    intended_at=intended_at,
                ),
            )
        )
    if len(movements) == 1:
        # The stock.changed event's outbox rows go in with the movement, in the same statement; for
        # consumers that take events as one batch row the statement builds the row itself (no event
        # object, no JSON made in Python: most postings with a webhook subscription take this way).
        rows: list = []
        tasks: tuple[str, ...] = ()
        if event_wanted(STOCK_CHANGED):
            tasks = event_batch_tasks(STOCK_CHANGED) or ()
            if not tasks:
                rows = events_outbox_rows(events=[stock_changed_event(lines[0].level, movements[0])])
        _insert_movement(movements[0], posted=lines[0].level, legs=legs[0], outbox=rows, event_tasks=tasks)
        return movements
    StockMovement.objects.bulk_create(movements)
    for line in lines:
        _save_posted(line.level)
    bin_legs_write(
        [
            (line.level.part_id, line.level.warehouse_id, bin_id, quantity, movement.pk, None)
            for line, movement, line_legs in zip(lines, movements, legs, strict=True)
            for bin_id, quantity in line_legs
        ]
    )
    if event_wanted(STOCK_CHANGED):
        posted = list(zip((line.level for line in lines), movements, strict=True))
        tasks = event_batch_tasks(STOCK_CHANGED) or ()
        for task_name in tasks:
            references = [stock_changed_reference(level, movement) for level, movement in posted]
            outbox_enqueue(task_name=task_name, kwargs={"events": references}, dispatch=False)
        if not tasks:
            events_publish(events=[stock_changed_event(level, movement) for level, movement in posted])
    return movements


def _bin_legs(lines: list[_Line]) -> list[Legs]:
    """Decide, under the levels' locks, which bins each line puts stock into or takes it from.

    Inbound stock goes into the bin named, else the level's default bin, else
    no bin; outbound stock leaves the bin named (refused when it holds too
    little) or the bins in the order of ``bin_order``. Only a posting that takes
    stock out reads the bins: one statement for all its levels.
    """
    takers = [(ln.level.part_id, ln.level.warehouse_id) for ln in lines if ln.legs is None and ln.quantity < 0]
    shelves = bin_shelves(pairs=takers) if takers else {}
    result = []
    for line in lines:
        level = line.level
        if line.legs is not None:
            result.append(line.legs)
            continue
        if line.quantity > 0:
            result.append([(line.bin.pk if line.bin is not None else level.default_bin_id, line.quantity)])
            continue
        candidates = shelves.get((level.part_id, level.warehouse_id), [])
        if line.bin is not None:
            candidates = [shelf for shelf in candidates if shelf.bin_id == line.bin.pk]
        taken, left = bins_to_take(candidates, -line.quantity, default_bin_id=level.default_bin_id, prefer=line.prefer)
        if left > 0 and line.bin is not None:
            raise InsufficientStock(
                part=level.part.number,
                warehouse=f"{level.warehouse.code}/{line.bin.code}",
                available=-line.quantity - left,
                requested=-line.quantity,
            )
        if left > 0 and -line.quantity <= level.on_hand:
            raise InventoryError(
                _(
                    "The bins of %(part)s in %(warehouse)s hold less than its level; "
                    "run verify_ledger and tell an administrator."
                )
                % {"part": level.part.number, "warehouse": level.warehouse.code}
            )
        result.append([(bin_id, -quantity) for bin_id, quantity in taken])
    return result


def bin_shelves(*, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], list[Shelf]]:
    """What each (part, warehouse) holds per bin (only places holding stock), with each bin's route and code.

    Read after the levels are locked: their bins change only under those locks.
    """
    wanted = sorted(set(pairs))
    if fast_path():
        with prepared_cursor() as cursor:
            cursor.execute(_shelves_sql(), [[p for p, _w in wanted], [w for _p, w in wanted]])
            rows = cursor.fetchall()
    else:
        rows = _shelves_orm(wanted)
    shelves: dict[tuple[int, int], list[Shelf]] = {}
    for part_id, warehouse_id, bin_id, quantity, route, code in rows:
        shelves.setdefault((part_id, warehouse_id), []).append(Shelf(bin_id, quantity, route, code))
    return shelves


def _shelves_orm(pairs: list[tuple[int, int]]) -> list[tuple]:
    """The rows of ``_shelves_sql()`` from a queryset (the ORM path, ``core.fastpath.switch``)."""
    wanted = Q()
    for part_id, warehouse_id in pairs:
        wanted |= Q(part_id=part_id, warehouse_id=warehouse_id)
    return list(
        BinStock.objects.filter(wanted, quantity__gt=0).values_list(
            "part_id",
            "warehouse_id",
            "bin_id",
            "quantity",
            Coalesce("bin__route", Value(0), output_field=IntegerField()),
            Coalesce("bin__code", Value(""), output_field=CharField()),
        )
    )


@lru_cache(maxsize=1)
def _shelves_sql() -> str:
    stock, bins = quote(BinStock._meta.db_table), quote(Bin._meta.db_table)
    return (
        f"SELECT s.part_id, s.warehouse_id, s.bin_id, s.quantity, COALESCE(b.route, 0), COALESCE(b.code, '') "  # noqa: S608 - identifiers from the model
        f"FROM {stock} s JOIN unnest(%s::bigint[], %s::bigint[]) AS t(p, w) "
        "ON s.part_id = t.p AND s.warehouse_id = t.w "
        f"LEFT JOIN {bins} b ON b.id = s.bin_id WHERE s.quantity > 0"
    )


def bin_legs_write(rows: list[tuple[int, int, int | None, Decimal, int | None, int | None]]) -> None:
    """Write bin legs (part, warehouse, bin, signed quantity, movement id, bin move id) and their bin stocks.

    One statement from arrays, for postings of several lines, bulk postings and
    bin moves; a single posting writes its legs inside its movement's statement.
    The callers hold the levels' locks.
    """
    if not rows:
        return
    if not fast_path():
        _bin_legs_write_orm(rows)
        return
    columns = list(zip(*rows, strict=True))
    with prepared_cursor() as cursor:
        cursor.execute(_bin_legs_write_sql(), [list(column) for column in columns])


def _bin_legs_write_orm(rows: list[tuple[int, int, int | None, Decimal, int | None, int | None]]) -> None:
    """``bin_legs_write`` through the ORM: the entries in one ``bulk_create``, then each bin stock
    changed by its legs' sum (``F`` expression), a bin stock created on its first stock."""
    BinMovement.objects.bulk_create(
        [
            BinMovement(part_id=p, warehouse_id=w, bin_id=b, quantity=q, movement_id=m, bin_move_id=bm)
            for p, w, b, q, m, bm in rows
        ]
    )
    summed: dict[tuple[int, int, int | None], Decimal] = {}
    for p, w, b, q, _m, _bm in rows:
        summed[(p, w, b)] = summed.get((p, w, b), ZERO) + q
    for (p, w, b), q in summed.items():
        if not q:
            continue
        place = Q(part_id=p, warehouse_id=w) & (Q(bin_id=b) if b is not None else Q(bin__isnull=True))
        changed = BinStock.objects.filter(place).update(quantity=F("quantity") + q)
        if not changed and q > 0:
            BinStock.objects.create(part_id=p, warehouse_id=w, bin_id=b, quantity=q)


@lru_cache(maxsize=1)
def _bin_legs_write_sql() -> str:
    entries, stock = quote(BinMovement._meta.db_table), quote(BinStock._meta.db_table)
    return (
        "WITH legs AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::numeric[], "  # noqa: S608 - identifiers from the model
        "%s::bigint[], %s::bigint[]) AS t(p, w, b, q, m, bm)), "
        f"entered AS (INSERT INTO {entries} (part_id, warehouse_id, bin_id, quantity, movement_id, bin_move_id) "
        "SELECT p, w, b, q, m, bm FROM legs), summed AS ("
        f"SELECT p, w, b, sum(q) AS q FROM legs GROUP BY p, w, b), {_bin_stock_writes(stock, legs='summed')} "
        "SELECT 1"
    )


def _bin_stock_writes(stock: str, *, legs: str = "legs") -> str:
    """Two CTEs adding the legs of ``legs`` (p, w, b, q) to the bin stocks.

    Stock put in is an upsert; stock taken out updates the row it was read from.
    Not one upsert for both: PostgreSQL checks the check constraints of the row
    to insert before it looks for the conflict, so a negative leg would be
    refused even though it only lowers an existing row.
    """
    return (
        f"stocked AS (INSERT INTO {stock} (part_id, warehouse_id, bin_id, quantity) "  # noqa: S608 - identifiers from the model
        f"SELECT p, w, b, q FROM {legs} WHERE q > 0 "
        f"ON CONFLICT (part_id, warehouse_id, bin_id) DO UPDATE SET quantity = {stock}.quantity + EXCLUDED.quantity), "
        f"taken AS (UPDATE {stock} s SET quantity = s.quantity + l.q FROM {legs} l "
        "WHERE l.q < 0 AND s.part_id = l.p AND s.warehouse_id = l.w AND s.bin_id IS NOT DISTINCT FROM l.b)"
    )


def stock_changed_reference(level: StockLevel, movement: StockMovement) -> dict[str, Any]:
    """The ``stock.changed`` event as the outbox keeps it: its movement, and the level's figures right
    after it, which the ledger does not keep. The rest (part, warehouse, kind, quantity, time, the
    event's id) is read from the movement when the event is fanned out
    (``inventory.selectors.stock_changed_events``), so a posting writes a narrow row."""
    return {
        "kind": STOCK_CHANGED,
        "movement_id": movement.pk if movement.pk is not None else MOVEMENT_ID,
        "on_hand": str(level.on_hand),
        "available": str(level.available),
    }


def stock_changed_event(level: StockLevel, movement: StockMovement) -> Event:
    """The ``stock.changed`` event for a consumer that takes ``Event`` objects: its data is the reference
    (``stock_changed_reference`` without the kind), completed with ``inventory.selectors.stock_changed_events``."""
    reference = stock_changed_reference(level, movement)
    del reference["kind"]
    return Event(kind=STOCK_CHANGED, occurred_at=movement.posted_at, data=reference)


# What a posting changes on a level; written with one prepared UPDATE.
_POSTED_FIELDS = (
    "on_hand",
    "value",
    "average_cost",
    "quarantined",
    "first_stocked_at",
    "last_movement_at",
    "last_hash",
)


def chain(level: StockLevel, movement: StockMovement) -> StockMovement:
    """Link a movement into its level's hash chain: hash it after the level's last one and advance the level.

    The level is locked, so no other posting can take the same link.
    """
    movement.hash = movement_hash(level.last_hash, {name: getattr(movement, name) for name in HASHED})
    level.last_hash = movement.hash
    return movement


@lru_cache(maxsize=1)
def _posted_update() -> tuple[str, list]:
    fields = [field for field in StockLevel._meta.concrete_fields if field.name in _POSTED_FIELDS]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    table, pk = quote(StockLevel._meta.db_table), quote(StockLevel._meta.pk.column)
    return f"UPDATE {table} SET {assignments} WHERE {pk} = %s", fields  # noqa: S608 - identifiers from the model


@lru_cache(maxsize=1)
def _movement_insert() -> tuple[str, list]:
    meta = StockMovement._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    return f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {pk}", fields  # noqa: S608


@lru_cache(maxsize=1)
def _movement_insert_and_level_update() -> str:
    """The movement's INSERT, its level's UPDATE and its bin legs in one statement (one round trip).

    The legs (bin ids and signed quantities as two arrays) go into the bins'
    ledger and onto the bin stocks, a bin stock created on its first stock.
    """
    insert, _fields = _movement_insert()
    update, _fields = _posted_update()
    pk = quote(StockMovement._meta.pk.column)
    entries, stock = quote(BinMovement._meta.db_table), quote(BinStock._meta.db_table)
    legs = (
        "legs AS (SELECT %s::bigint AS p, %s::bigint AS w, t.b, t.q "  # noqa: S608 - identifiers from the model
        "FROM unnest(%s::bigint[], %s::numeric[]) AS t(b, q)), "
        f"entered AS (INSERT INTO {entries} (part_id, warehouse_id, bin_id, quantity, movement_id) "
        f"SELECT p, w, b, q, (SELECT {pk} FROM moved) FROM legs), "
        f"{_bin_stock_writes(stock)}"
    )
    return f"WITH moved AS ({insert}), posted AS ({update}), {legs} SELECT {pk} FROM moved"  # noqa: S608


# Stands for the movement's id in the outbox rows written with it (the id exists only inside the statement).
MOVEMENT_ID = "@movement_id@"


@lru_cache(maxsize=4)
def _movement_insert_level_update_and_outbox(rows: int) -> tuple[str, list]:
    """``_movement_insert_and_level_update()`` that also writes ``rows`` outbox rows, the placeholder
    ``MOVEMENT_ID`` in their kwargs replaced by the new movement's id."""
    statement = _movement_insert_and_level_update()
    if not rows:
        return statement, []
    meta = OutboxMessage._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    pk = quote(StockMovement._meta.pk.column)
    placeholders = [
        f"replace(%s::text, '\"{MOVEMENT_ID}\"', (SELECT {pk} FROM moved)::text)::jsonb"  # noqa: S608 - constants and identifiers from the model
        if field.name == "kwargs"
        else "%s"
        for field in fields
    ]
    values = ", ".join(f"({', '.join(placeholders)})" for _ in range(rows))
    columns = ", ".join(quote(field.column) for field in fields)
    queued = f"queued AS (INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values})"  # noqa: S608
    head, tail = statement.rsplit(" SELECT ", 1)
    return f"{head}, {queued} SELECT {tail}", fields


@lru_cache(maxsize=4)
def _movement_insert_level_update_and_stock_changed(tasks: int) -> str:
    """``_movement_insert_and_level_update()`` that also writes one outbox row of the stock.changed
    event per batch consumer (``tasks`` of them): the event's JSON is one text parameter, its
    ``MOVEMENT_ID`` replaced by the new movement's id and parsed once in PostgreSQL; the other
    columns are constants. Cheaper than a row of model fields prepared one by one."""
    statement = _movement_insert_and_level_update()
    pk = quote(StockMovement._meta.pk.column)
    tasks_sql = ", ".join(["(%s::text)"] * tasks)
    queued = (
        f"queued AS (INSERT INTO {quote(OutboxMessage._meta.db_table)} "  # noqa: S608 - identifiers from the model
        "(task_name, kwargs, created_at, dispatched_at, attempts, last_error) "
        f"SELECT t.task, event.body, %s, NULL, 0, '' FROM "
        f"(SELECT replace(%s::text, '\"{MOVEMENT_ID}\"', (SELECT {pk} FROM moved)::text)::jsonb AS body) AS event, "
        f"(VALUES {tasks_sql}) AS t (task))"
    )
    head, tail = statement.rsplit(" SELECT ", 1)
    return f"{head}, {queued} SELECT {tail}"


def _stock_changed_row(level: StockLevel) -> str:
    """The kwargs of the posting's stock.changed row as JSON text: ``{"events": [stock_changed_reference]}``
    with ``MOVEMENT_ID`` for the id. Formatted directly (a test holds it equal to ``json.dumps`` of the
    reference): the figures are decimals, whose text needs no escaping."""
    return (
        f'{{"events":[{{"kind":"{STOCK_CHANGED}","movement_id":"{MOVEMENT_ID}",'
        f'"on_hand":"{level.on_hand}","available":"{level.available}"}}]}}'
    )


def _insert_movement(
    movement: StockMovement,
    *,
    posted: StockLevel,
    legs: Legs,
    outbox: list | None = None,
    event_tasks: tuple[str, ...] = (),
) -> None:
    """``movement.save(force_insert=True)`` and ``_save_posted(posted)``, from SQL built once from the models.

    Every concrete column of the movement is written, and the level's posted
    fields and the movement's bin ``legs`` go in the same statement (one round trip), with the ``outbox``
    rows (task name, kwargs) of its events when there are any.
    """
    if not fast_path():
        _insert_movement_orm(movement, posted=posted, legs=legs, outbox=outbox, event_tasks=event_tasks)
        return
    _sql, fields = _movement_insert()
    params = [field.get_db_prep_save(field.pre_save(movement, add=True), connection) for field in fields]
    params += _posted_params(posted)
    params += [posted.part_id, posted.warehouse_id, [bin_id for bin_id, _q in legs], [q for _b, q in legs]]
    sql, outbox_fields = _movement_insert_level_update_and_outbox(len(outbox or ()))
    if event_tasks:
        sql = _movement_insert_level_update_and_stock_changed(len(event_tasks))
        params += [timezone.now(), _stock_changed_row(posted), *event_tasks]
    elif outbox:
        row = {"created_at": timezone.now(), "dispatched_at": None, "attempts": 0, "last_error": ""}
        for task_name, kwargs in outbox:
            row |= {"task_name": task_name, "kwargs": kwargs}
            params += [field.get_db_prep_save(row[field.attname], connection) for field in outbox_fields]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        movement.pk = cursor.fetchone()[0]
    movement._state.adding = False
    movement._state.db = connection.alias


def _insert_movement_orm(
    movement: StockMovement,
    *,
    posted: StockLevel,
    legs: Legs,
    outbox: list | None = None,
    event_tasks: tuple[str, ...] = (),
) -> None:
    """``_insert_movement`` through the ORM (``core.fastpath.switch``): the same rows, one statement each."""
    StockMovement.objects.bulk_create([movement])
    _save_posted(posted)
    bin_legs_write([(posted.part_id, posted.warehouse_id, bin_id, q, movement.pk, None) for bin_id, q in legs])
    now = timezone.now()
    if event_tasks:
        kwargs = {"events": [stock_changed_reference(posted, movement)]}
        queued = [OutboxMessage(task_name=task, kwargs=kwargs, created_at=now) for task in event_tasks]
    else:
        queued = [
            OutboxMessage(task_name=task_name, kwargs=_with_movement_id(kwargs, movement.pk), created_at=now)
            for task_name, kwargs in outbox or ()
        ]
    if queued:
        OutboxMessage.objects.bulk_create(queued)


def _with_movement_id(data: Any, movement_id: int) -> Any:
    """``data`` with every ``MOVEMENT_ID`` replaced by ``movement_id``, as the fast statement does in its JSON."""
    if isinstance(data, dict):
        return {key: _with_movement_id(value, movement_id) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_with_movement_id(value, movement_id) for value in data]
    return movement_id if data == MOVEMENT_ID else data


def _save_posted(level: StockLevel) -> None:
    """``level.save(update_fields=_POSTED_FIELDS)`` without compiling a query on every posting."""
    if not fast_path():
        StockLevel.objects.filter(pk=level.pk).update(**{name: getattr(level, name) for name in _POSTED_FIELDS})
        return
    sql, _fields = _posted_update()
    with prepared_cursor() as cursor:
        cursor.execute(sql, _posted_params(level))


def _posted_params(level: StockLevel) -> list:
    """The parameters of ``_posted_update()`` for ``level``: its posted fields, then its id."""
    _sql, fields = _posted_update()
    return [*(field.get_db_prep_save(getattr(level, field.attname), connection) for field in fields), level.pk]


def _locked(part: Part, warehouse: Warehouse) -> StockLevel:
    level = lock_stock_levels(pairs=[(part.pk, warehouse.pk)])[(part.pk, warehouse.pk)]
    level.part = part
    level.warehouse = warehouse
    return level


@lru_cache(maxsize=1)
def _below_reorder_point_hooks() -> tuple[Callable[..., None], ...]:
    return tuple(import_string(path) for path in getattr(settings, "STOCK_BELOW_REORDER_POINT_HOOKS", ()))


def _below_reorder_point(level: StockLevel) -> None:
    """The posting took the level's available stock below its reorder point (it was at or above it).

    Purchasing is told of a critical part; the apps named in
    ``settings.STOCK_BELOW_REORDER_POINT_HOOKS`` hear of every part (planning
    decides which it replenishes at once), so inventory imports none of them.
    """
    if level.part.is_critical:
        _tell_below_reorder_point(level)
    for hook in _below_reorder_point_hooks():
        hook(part=level.part, warehouse=level.warehouse)


def _tell_below_reorder_point(level: StockLevel) -> None:
    """A critical part's available stock just fell below its reorder point (the level's minimum): tell purchasing.

    Only the posting that crosses the line tells, so a part that stays below is not announced again.
    """
    notify(
        users=users_with_role(Role.PURCHASER),
        kind=CRITICAL_BELOW_REORDER_POINT,
        message=gettext_noop(
            "Critical part %(part)s at %(warehouse)s is below its reorder point: "
            "%(available)s available, reorder point %(reorder_point)s; order it now."
        ),
        params={
            "part": level.part.number,
            "warehouse": level.warehouse.code,
            "available": f"{level.available.normalize():f}",
            "reorder_point": f"{level.min_qty.normalize():f}",
        },
        link=f"{reverse('inventory:stock-lookup')}?number={level.part.number}",
        email_subject=gettext_noop("Critical part %(part)s below its reorder point"),
        subject_params={"part": level.part.number},
    )


def _fill_backorders(level: StockLevel, user, posted_at: datetime | None) -> None:
    """After stock came in: open backorders of the level take it, oldest request first.

    Costs nothing when the level has no backorders (``backordered`` is read with the lock).
    """
    if level.backordered > 0:
        from inventory.demand.services.requests import (
            backorders_fill,  # demand builds on stock; imported here to avoid a cycle
        )

        backorders_fill(level=level, user=user, now=posted_at)


def _same(
    kind: str, part: Part, warehouse: Warehouse, quantity: Decimal, **recorded: Any
) -> Callable[[StockMovement], bool]:
    """Whether a movement is the one this request posted: every field it records matches the request.

    A key sent again with another cost, document, bin or date is a different
    posting, refused as a conflict rather than answered with the first one.
    ``recorded`` names movement attributes (``bin_id``, ``document_ref`` ...);
    ``posted_at`` is compared only when the request gave one.
    """
    if recorded.get("posted_at", 0) is None:
        del recorded["posted_at"]
    return lambda m: (
        m.kind == kind
        and m.part_id == part.pk
        and m.warehouse_id == warehouse.pk
        and m.quantity == quantity
        and all(getattr(m, name) == value for name, value in recorded.items())
    )


def _pk(row: Any) -> Any:
    return row.pk if row is not None else None


# --- stock services ------------------------------------------------------------------


def stock_receive(
    *,
    part: Part,
    warehouse: Warehouse,
    quantity: Decimal,
    unit_cost: Decimal,
    user,
    bin: Bin | None = None,
    document_type: str = "receipt",
    document_ref: str = "",
    quarantine: bool = False,
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
    value: Decimal | None = None,
) -> StockMovement:
    """Put stock in at a cost and re-average the level's cost.

    With ``quarantine`` the quantity is received but frozen: on hand, not available.
    ``value`` is the receipt's exact value when the cost per unit does not
    divide it (goods bought in a purchase unit: purchase quantity × price per
    purchase unit); without it the value is quantity × unit cost.
    """
    quantity = _check_quantity(part, quantity)
    unit_cost = _check_cost(unit_cost)
    _check_bin(bin, warehouse)
    if value is not None:
        value = Decimal(value)
        if not value.is_finite() or value < 0 or value != money(value):
            raise InventoryError(
                _("A receipt's value is zero or more, with at most four decimal places."), field="value"
            )

    def post() -> StockMovement:
        level = _locked(part, warehouse)
        if quarantine:
            level.quarantined += quantity
        movement = _post(
            lines=[_Line(MovementKind.RECEIPT, level, quantity, unit_cost=unit_cost, value=value)],
            user=user,
            document_type=document_type,
            document_ref=document_ref,
            bin=bin,
            posted_at=posted_at,
            idempotency_key=idempotency_key,
        )[0]
        _fill_backorders(level, user, posted_at)
        return movement

    same = _same(
        MovementKind.RECEIPT,
        part,
        warehouse,
        quantity,
        unit_cost=unit_cost,
        bin_id=_pk(bin),
        document_type=document_type,
        document_ref=document_ref,
        posted_at=posted_at,
        **({} if value is None else {"value": value}),
    )
    return _idempotent(idempotency_key, same, post)


def _take_out(
    kind: str,
    *,
    part: Part,
    warehouse: Warehouse,
    quantity: Decimal,
    user,
    bin: Bin | None,
    document_type: str,
    document_ref: str,
    reason: str = "",
    from_quarantine: bool = False,
    posted_at: datetime | None,
    idempotency_key: str | None,
) -> StockMovement:
    quantity = _check_quantity(part, quantity)
    _check_bin(bin, warehouse)

    def post() -> StockMovement:
        level = _locked(part, warehouse)
        before = level.available
        movement = _post(
            lines=[_Line(kind, level, -quantity, from_quarantine=from_quarantine)],
            user=user,
            document_type=document_type,
            document_ref=document_ref,
            reason=reason,
            bin=bin,
            posted_at=posted_at,
            idempotency_key=idempotency_key,
        )[0]
        if before >= level.min_qty > level.available:
            _below_reorder_point(level)
        return movement

    same = _same(
        kind,
        part,
        warehouse,
        -quantity,
        bin_id=_pk(bin),
        document_type=document_type,
        document_ref=document_ref,
        reason=reason,
        posted_at=posted_at,
    )
    return _idempotent(idempotency_key, same, post)


def stock_issue(
    *,
    part: Part,
    warehouse: Warehouse,
    quantity: Decimal,
    user,
    bin: Bin | None = None,
    document_type: str = "issue",
    document_ref: str = "",
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> StockMovement:
    """Take stock out at average cost; available stock never goes below zero."""
    return _take_out(
        MovementKind.ISSUE,
        part=part,
        warehouse=warehouse,
        quantity=quantity,
        user=user,
        bin=bin,
        document_type=document_type,
        document_ref=document_ref,
        posted_at=posted_at,
        idempotency_key=idempotency_key,
    )


def stock_scrap(
    *,
    part: Part,
    warehouse: Warehouse,
    quantity: Decimal,
    user,
    reason: str,
    from_quarantine: bool = False,
    document_ref: str = "",
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> StockMovement:
    """Write stock off as scrap (damaged, obsolete); the reason is required."""
    if not reason.strip():
        raise InventoryError(_("Say why the stock is scrapped."), field="reason")
    return _take_out(
        MovementKind.SCRAP,
        part=part,
        warehouse=warehouse,
        quantity=quantity,
        user=user,
        bin=None,
        document_type="scrap",
        document_ref=document_ref,
        reason=reason,
        from_quarantine=from_quarantine,
        posted_at=posted_at,
        idempotency_key=idempotency_key,
    )


def stock_return_to_supplier(
    *,
    part: Part,
    warehouse: Warehouse,
    quantity: Decimal,
    user,
    document_ref: str,
    reason: str = "",
    from_quarantine: bool = False,
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> StockMovement:
    """Send stock back to the supplier; from quarantine for rejected goods."""
    return _take_out(
        MovementKind.RETURN_TO_SUPPLIER,
        part=part,
        warehouse=warehouse,
        quantity=quantity,
        user=user,
        bin=None,
        document_type="return_to_supplier",
        document_ref=document_ref,
        reason=reason,
        from_quarantine=from_quarantine,
        posted_at=posted_at,
        idempotency_key=idempotency_key,
    )


def stock_adjust(
    *,
    part: Part,
    warehouse: Warehouse,
    quantity: Decimal,
    user,
    reason: str,
    unit_cost: Decimal | None = None,
    kind: str = MovementKind.ADJUSTMENT,
    bin: Bin | None = None,
    document_ref: str = "",
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> StockMovement:
    """Correct stock up or down (signed quantity) with a reason; in or out of ``bin`` when one is named.

    A positive adjustment comes in at ``unit_cost`` or, without one, at the
    current average cost; a negative one leaves at average cost.
    ``kind`` is ``adjustment`` or ``count_correction`` (counting uses the latter).
    """
    if kind not in (MovementKind.ADJUSTMENT, MovementKind.COUNT_CORRECTION):
        raise InventoryError(_("Only adjustments and count corrections are posted here."), field="kind")
    if not reason.strip():
        raise InventoryError(_("Say why the stock is adjusted."), field="reason")
    quantity = Decimal(quantity)
    if not quantity.is_finite() or quantity == 0:
        raise InvalidQuantity(_("The adjustment must be a non-zero quantity (negative to reduce)."))
    _check_quantity(part, abs(quantity))
    if unit_cost is not None:
        unit_cost = _check_cost(unit_cost)
    _check_bin(bin, warehouse)

    def post() -> StockMovement:
        level = _locked(part, warehouse)
        line = _Line(kind, level, quantity, unit_cost=unit_cost if quantity > 0 else None)
        movement = _post(
            lines=[line],
            user=user,
            document_type=kind,
            document_ref=document_ref,
            reason=reason,
            bin=bin,
            posted_at=posted_at,
            idempotency_key=idempotency_key,
        )[0]
        if quantity > 0:
            _fill_backorders(level, user, posted_at)
        return movement

    fixed_cost = {"unit_cost": unit_cost} if unit_cost is not None and quantity > 0 else {}
    same = _same(
        kind,
        part,
        warehouse,
        quantity,
        bin_id=_pk(bin),
        document_type=kind,
        document_ref=document_ref,
        reason=reason,
        posted_at=posted_at,
        **fixed_cost,
    )
    return _idempotent(idempotency_key, same, post)


def stock_transfer_send(
    *,
    part: Part,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    quantity: Decimal,
    user,
    document_ref: str = "",
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> StockMovement:
    """Post the transfer-out leg; the quantity shows as in transit at the destination."""
    quantity = _check_quantity(part, quantity)
    if from_warehouse.pk == to_warehouse.pk:
        raise InventoryError(_("A transfer needs two different warehouses."), field="to_warehouse")

    def post() -> StockMovement:
        levels = lock_stock_levels(pairs=[(part.pk, from_warehouse.pk), (part.pk, to_warehouse.pk)])
        source = levels[(part.pk, from_warehouse.pk)]
        source.part, source.warehouse = part, from_warehouse
        target = levels[(part.pk, to_warehouse.pk)]
        movement = _post(
            lines=[_Line(MovementKind.TRANSFER_OUT, source, -quantity)],
            user=user,
            document_type="transfer",
            document_ref=document_ref,
            posted_at=posted_at,
            idempotency_key=idempotency_key,
            other_warehouses=[to_warehouse],
        )[0]
        target.in_transit += quantity
        target.save(update_fields=["in_transit"])
        return movement

    same = _same(
        MovementKind.TRANSFER_OUT,
        part,
        from_warehouse,
        -quantity,
        other_warehouse_id=to_warehouse.pk,
        document_type="transfer",
        document_ref=document_ref,
        posted_at=posted_at,
    )
    return _idempotent(idempotency_key, same, post)


def stock_transfer_receive(
    *,
    part: Part,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    quantity: Decimal,
    unit_cost: Decimal,
    user,
    lost_quantity: Decimal = ZERO,
    bin: Bin | None = None,
    document_ref: str = "",
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> StockMovement | None:
    """Post the transfer-in leg at the cost the stock left with.

    ``lost_quantity`` is what was sent but did not arrive: it leaves the
    in-transit figure without entering stock (the transfer order records the
    discrepancy). Returns None when nothing arrived.
    """
    lost_quantity = Decimal(lost_quantity)
    if lost_quantity < 0:
        raise InvalidQuantity(_("A missing quantity cannot be negative."), field="lost_quantity")
    if quantity:
        quantity = _check_quantity(part, quantity)
    elif not lost_quantity:
        raise InvalidQuantity(_("Receive a quantity or record it as missing."))
    unit_cost = _check_cost(unit_cost)
    _check_bin(bin, to_warehouse)

    def post() -> StockMovement | None:
        level = _locked(part, to_warehouse)
        if quantity + lost_quantity > level.in_transit:
            raise InvalidQuantity(
                _("Only %(in_transit)s of %(part)s is in transit to %(to_warehouse)s.")
                % {
                    "in_transit": format(level.in_transit.normalize(), "f"),
                    "part": part.number,
                    "to_warehouse": to_warehouse.code,
                }
            )
        level.in_transit -= quantity + lost_quantity
        movement = None
        if quantity:
            movement = _post(
                lines=[_Line(MovementKind.TRANSFER_IN, level, quantity, unit_cost=unit_cost)],
                user=user,
                document_type="transfer",
                document_ref=document_ref,
                bin=bin,
                posted_at=posted_at,
                idempotency_key=idempotency_key,
                other_warehouses=[from_warehouse],
            )[0]
        level.save(update_fields=["in_transit"])
        if movement is not None:
            _fill_backorders(level, user, posted_at)
        return movement

    return _idempotent(
        idempotency_key if quantity else None,
        _same(
            MovementKind.TRANSFER_IN,
            part,
            to_warehouse,
            quantity,
            other_warehouse_id=from_warehouse.pk,
            unit_cost=unit_cost,
            bin_id=_pk(bin),
            document_type="transfer",
            document_ref=document_ref,
            posted_at=posted_at,
        ),
        post,
    )


def stock_transfer(
    *,
    part: Part,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    quantity: Decimal,
    user,
    bin: Bin | None = None,
    document_ref: str = "",
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[StockMovement, StockMovement]:
    """Move stock between two warehouses at once: both legs in one transaction, cost carried over."""
    quantity = _check_quantity(part, quantity)
    if from_warehouse.pk == to_warehouse.pk:
        raise InventoryError(_("A transfer needs two different warehouses."), field="to_warehouse")
    _check_bin(bin, to_warehouse)

    def post() -> tuple[StockMovement, StockMovement]:
        levels = lock_stock_levels(pairs=[(part.pk, from_warehouse.pk), (part.pk, to_warehouse.pk)])
        source = levels[(part.pk, from_warehouse.pk)]
        source.part, source.warehouse = part, from_warehouse
        target = levels[(part.pk, to_warehouse.pk)]
        target.part, target.warehouse = part, to_warehouse
        now = posted_at or timezone.now()
        out = _post(
            lines=[_Line(MovementKind.TRANSFER_OUT, source, -quantity)],
            user=user,
            document_type="transfer",
            document_ref=document_ref,
            posted_at=now,
            idempotency_key=idempotency_key,
            other_warehouses=[to_warehouse],
        )[0]
        # The stock enters at exactly the value it left with.
        incoming = _post(
            lines=[_Line(MovementKind.TRANSFER_IN, target, quantity, unit_cost=out.unit_cost, value=-out.value)],
            user=user,
            document_type="transfer",
            document_ref=document_ref,
            bin=bin,
            posted_at=now,
            idempotency_key=f"{idempotency_key}#in" if idempotency_key else None,
            other_warehouses=[from_warehouse],
        )[0]
        StockMovement.objects.filter(pk=out.pk).update(counterpart=incoming)
        StockMovement.objects.filter(pk=incoming.pk).update(counterpart=out)
        out.counterpart, incoming.counterpart = incoming, out
        _fill_backorders(target, user, posted_at)
        return out, incoming

    same_out = _same(
        MovementKind.TRANSFER_OUT,
        part,
        from_warehouse,
        -quantity,
        other_warehouse_id=to_warehouse.pk,
        document_type="transfer",
        document_ref=document_ref,
        posted_at=posted_at,
    )

    def replay_match(movement: StockMovement) -> bool:
        # The bin is recorded on the receiving leg.
        if not same_out(movement):
            return False
        incoming = movement.counterpart_id
        return incoming is None or StockMovement.objects.filter(pk=incoming, bin_id=_pk(bin)).exists()

    result = _idempotent(idempotency_key, replay_match, post)
    if isinstance(result, StockMovement):  # a replay returns the out leg
        if result.counterpart_id is None:
            raise InventoryError(
                _("Transfer movement %(result)s has no receiving leg; it cannot be replayed. Ask an administrator.")
                % {"result": result.pk}
            )
        return result, StockMovement.objects.get(pk=result.counterpart_id)
    return result


def stock_movement_reverse(
    *, movement: StockMovement, user, reason: str, idempotency_key: str | None = None
) -> StockMovement:
    """Post the exact opposite of a movement (same quantity and value).

    A movement is reversed at most once; a reversal is not reversed again
    (post a new movement instead). Reversing a receipt whose stock is gone is
    refused like any issue of stock that is not there.
    """
    if not reason.strip():
        raise InventoryError(_("Say why the movement is reversed."), field="reason")
    if movement.reverses_id is not None:
        raise AlreadyReversed(_("A reversal cannot itself be reversed; post a new movement instead."))
    if movement.kind in (MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN):
        raise InventoryError(_("A transfer is undone by transferring the stock back, not by a reversal."))

    def post() -> StockMovement:
        if StockMovement.objects.filter(reverses=movement).exists():
            raise AlreadyReversed(_("Movement %(movement)s has already been reversed.") % {"movement": movement.pk})
        level = _locked(movement.part, movement.warehouse)
        # Stock taken out goes back into the bins it left; stock put in is taken back from its bins first.
        entries = list(BinMovement.objects.filter(movement=movement).values_list("bin_id", "quantity"))
        line = _Line(
            movement.kind,
            level,
            -movement.quantity,
            unit_cost=movement.unit_cost,
            value=-movement.value,
            legs=[(bin_id, -quantity) for bin_id, quantity in entries] if entries and movement.quantity < 0 else None,
            prefer=tuple(bin_id for bin_id, _quantity in entries),
        )
        return _post(
            lines=[line],
            user=user,
            document_type="reversal",
            document_ref=str(movement.pk),
            reason=reason,
            reverses=movement,
            idempotency_key=idempotency_key,
        )[0]

    try:
        return _idempotent(idempotency_key, lambda m: m.reverses_id == movement.pk and m.reason == reason, post)
    except IntegrityError as error:
        raise AlreadyReversed(
            _("Movement %(movement)s has already been reversed.") % {"movement": movement.pk}
        ) from error


def _hold(part: Part, warehouse: Warehouse, quantity: Decimal, *, bucket: str, held: bool) -> StockLevel:
    """Move stock between available and a held bucket (``quarantined`` or ``reserved``) of one level.

    Holding takes only available stock; giving back takes only what the bucket holds.
    """
    quantity = _check_quantity(part, quantity)
    with transaction.atomic():
        level = _locked(part, warehouse)
        current = getattr(level, bucket)
        if held and quantity > level.available:
            raise InsufficientStock(
                part=part.number, warehouse=warehouse.code, available=level.available, requested=quantity
            )
        if not held and quantity > current:
            raise InvalidQuantity(
                _HOLD_SHORT[bucket]
                % {"quantity": f"{current.normalize():f}", "part": part.number, "warehouse": warehouse.code}
            )
        setattr(level, bucket, current + quantity if held else current - quantity)
        level.save(update_fields=[bucket])
        return level


_HOLD_SHORT = {
    "quarantined": gettext_lazy("Only %(quantity)s of %(part)s is quarantined in %(warehouse)s."),
    "reserved": gettext_lazy("Only %(quantity)s of %(part)s is reserved."),
}


def stock_quarantine(*, part: Part, warehouse: Warehouse, quantity: Decimal) -> StockLevel:
    """Freeze stock that is on hand: it stays on hand but is no longer available."""
    return _hold(part, warehouse, quantity, bucket="quarantined", held=True)


def stock_quarantine_release(*, part: Part, warehouse: Warehouse, quantity: Decimal) -> StockLevel:
    """Make quarantined stock available again (it passed inspection)."""
    return _hold(part, warehouse, quantity, bucket="quarantined", held=False)


def stock_reserve(*, part: Part, warehouse: Warehouse, quantity: Decimal) -> StockLevel:
    """Hold available stock for a document (a pick in progress)."""
    return _hold(part, warehouse, quantity, bucket="reserved", held=True)


def stock_unreserve(*, part: Part, warehouse: Warehouse, quantity: Decimal) -> StockLevel:
    """Give back a reservation."""
    return _hold(part, warehouse, quantity, bucket="reserved", held=False)


@transaction.atomic
def stock_level_set_limits(
    *,
    part: Part,
    warehouse: Warehouse,
    min_qty: Decimal,
    max_qty: Decimal,
    default_bin: Bin | None = None,
    user=None,
    source: str = LimitSource.PLANNER,
) -> StockLevel:
    """Set min and max stock (planning sets them later; a planner may now). Max 0 means no maximum.

    A change of either figure is kept as a ``LimitChange`` for the audit trail.
    """
    min_qty = quantity_checked(part, min_qty, field="min_qty", zero_allowed=True)
    max_qty = quantity_checked(part, max_qty, field="max_qty", zero_allowed=True)
    if max_qty and max_qty < min_qty:
        raise InvalidQuantity(_("The maximum must be at least the minimum."), field="max_qty")
    if default_bin is not None:
        _check_bin(default_bin, warehouse)
    level = _locked(part, warehouse)
    limit_changes_record(
        changes=[(part.pk, warehouse.pk, level.min_qty, level.max_qty, min_qty, max_qty)], user=user, source=source
    )
    level.min_qty, level.max_qty = min_qty, max_qty
    fields = ["min_qty", "max_qty"]
    if default_bin is not None:
        level.default_bin = default_bin
        fields.append("default_bin")
    level.save(update_fields=fields)
    return level
