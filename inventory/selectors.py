"""Reads of the catalogue, the network and stock. Each does its own joins."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from .ledger_hash import GENESIS, HASHED, movement_hash
from .models import (
    Bin,
    BinMove,
    BinMovement,
    BinStock,
    ClosedPeriod,
    LimitChange,
    Part,
    PeriodAction,
    PeriodEvent,
    StockFreeze,
    StockLevel,
    StockMovement,
    TransferOrder,
    Warehouse,
    normalize_part_number,
)

ZERO = Decimal("0")
MAX_CHAIN = 50


def part_current(part: Part) -> Part:
    """The part that serves a request for ``part``: the end of its supersession chain."""
    seen = {part.pk}
    node = part
    while node.superseded_by_id is not None and len(seen) < MAX_CHAIN:
        node = Part.objects.get(pk=node.superseded_by_id)
        if node.pk in seen:  # cycles are refused on write; never loop on read
            break
        seen.add(node.pk)
    return node


def part_chain(part: Part) -> list[Part]:
    """The part and every newer part after it, oldest first."""
    chain = [part]
    node = part
    while node.superseded_by_id is not None and len(chain) < MAX_CHAIN:
        node = Part.objects.get(pk=node.superseded_by_id)
        if node in chain:
            break
        chain.append(node)
    return chain


def part_by_number(number: str) -> Part | None:
    """Find a part by number as typed or scanned (spaces, dashes, case do not matter)."""
    key = normalize_part_number(number)
    if not key:
        return None
    return Part.objects.select_related("superseded_by").filter(number_normalized=key).first()


def part_search(*, query: str = "", include_inactive: bool = False) -> QuerySet[Part]:
    """Parts whose number starts with the query or whose description contains it."""
    parts = Part.objects.select_related("superseded_by")
    if not include_inactive:
        parts = parts.filter(is_active=True)
    query = query.strip()
    if query:
        key = normalize_part_number(query)
        condition = Q(description__icontains=query)
        if key:
            condition |= Q(number_normalized__startswith=key)
        parts = parts.filter(condition)
    return parts.order_by("number_normalized")


def default_bin_codes(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The default bin code of each (part, warehouse) that has one: where a picker takes it from."""
    wanted = set(pairs)
    if not wanted:
        return {}
    levels = StockLevel.objects.filter(
        part_id__in={p for p, _ in wanted}, warehouse_id__in={w for _, w in wanted}, default_bin__isnull=False
    ).values_list("part_id", "warehouse_id", "default_bin__code")
    return {(p, w): code for p, w, code in levels if (p, w) in wanted}


def stock_level_list(
    *,
    warehouse_id: int | None = None,
    part_id: int | None = None,
    below_min: bool = False,
    above_max: bool = False,
) -> QuerySet[StockLevel]:
    levels = StockLevel.objects.select_related("part", "warehouse", "default_bin").annotate(
        available_qty=ExpressionWrapper(
            F("on_hand") - F("reserved") - F("quarantined"),
            output_field=DecimalField(max_digits=14, decimal_places=3),
        )
    )
    if warehouse_id:
        levels = levels.filter(warehouse_id=warehouse_id)
    if part_id:
        levels = levels.filter(part_id=part_id)
    if below_min:
        levels = levels.filter(min_qty__gt=0, available_qty__lt=F("min_qty"))
    if above_max:
        levels = levels.filter(max_qty__gt=0, on_hand__gt=F("max_qty"))
    # Ids in this order come from an index alone (see core.pagination); warehouse ids follow
    # the network's set-up order and part ids the catalogue's.
    return levels.order_by("warehouse_id", "part_id")


def movement_list(
    *,
    warehouse_id: int | None = None,
    part_id: int | None = None,
    kind: str | None = None,
) -> QuerySet[StockMovement]:
    movements = StockMovement.objects.select_related("part", "warehouse", "bin", "user", "other_warehouse")
    if warehouse_id:
        movements = movements.filter(warehouse_id=warehouse_id)
    if part_id:
        movements = movements.filter(part_id=part_id)
    if kind:
        movements = movements.filter(kind=kind)
    return movements.order_by("-posted_at", "-id")


# The namespace of the stock.changed event ids derived from their movements.
STOCK_CHANGED_EVENTS = uuid.UUID("5b0f6a52-3c1e-4d8e-9a57-2f4c8d1e6b90")


def stock_changed_events(references: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``stock.changed`` events (``{"id", "kind", "occurred_at", "supplier_id", "data"}``) of the
    references a posting wrote to the outbox (``services.stock.stock_changed_reference``), in their order.

    One query for the whole batch. The event's id follows from its movement (its id and its ledger
    hash), so the same movement always gives the same event id and a restored database that reuses
    a movement id still gives a new one. A reference whose movement is not there is left out.
    """
    ids = {int(reference["movement_id"]) for reference in references}
    movements = {
        movement.pk: movement
        for movement in StockMovement.objects.filter(pk__in=ids)
        .select_related("part", "warehouse")
        .only("kind", "quantity", "posted_at", "hash", "part__number", "warehouse__code")
    }
    events = []
    for reference in references:
        movement = movements.get(int(reference["movement_id"]))
        if movement is None:
            continue
        events.append(
            {
                "id": str(uuid.uuid5(STOCK_CHANGED_EVENTS, f"{movement.pk}:{movement.hash}")),
                "kind": reference.get("kind", "stock.changed"),
                "occurred_at": movement.posted_at.isoformat(),
                "supplier_id": None,
                "data": {
                    "movement_id": movement.pk,
                    "movement_kind": movement.kind,
                    "quantity": str(movement.quantity),
                    "part": movement.part.number,
                    "part_id": movement.part_id,
                    "warehouse": movement.warehouse.code,
                    "warehouse_id": movement.warehouse_id,
                    "on_hand": reference["on_hand"],
                    "available": reference["available"],
                },
            }
        )
    return events


@dataclass(frozen=True)
class BinQuantity:
    """What one bin holds of a part; ``code`` empty for stock in no bin."""

    code: str
    quantity: Decimal


@dataclass(frozen=True)
class WarehouseAvailability:
    warehouse: Warehouse
    on_hand: Decimal
    reserved: Decimal
    quarantined: Decimal
    in_transit: Decimal
    available: Decimal
    min_qty: Decimal
    max_qty: Decimal
    bin: str  # the default bin
    bins: tuple[BinQuantity, ...] = ()  # where the stock on hand lies, along the pick route


@dataclass(frozen=True)
class StockLookup:
    """What the lookup screen shows for one typed part number."""

    requested: Part
    chain: list[Part]
    serving: Part
    rows: list[WarehouseAvailability]

    @property
    def total_available(self) -> Decimal:
        return sum((row.available for row in self.rows), ZERO)


def stock_lookup(*, part: Part) -> StockLookup:
    """Availability of the part that serves ``part`` in every active warehouse."""
    chain = part_chain(part)
    serving = chain[-1]
    levels = {
        level.warehouse_id: level for level in StockLevel.objects.filter(part=serving).select_related("default_bin")
    }
    held: dict[int, list[BinQuantity]] = {}
    stocks = (
        BinStock.objects.filter(part=serving, quantity__gt=0)
        .order_by("warehouse_id", F("bin__route").asc(nulls_last=True), F("bin__code").asc(nulls_last=True))
        .values_list("warehouse_id", "bin__code", "quantity")
    )
    for warehouse_id, code, quantity in stocks:
        held.setdefault(warehouse_id, []).append(BinQuantity(code or "", quantity))
    rows = []
    for warehouse in Warehouse.objects.filter(is_active=True).order_by("echelon", "code"):
        level = levels.get(warehouse.pk)
        if level is None:
            rows.append(WarehouseAvailability(warehouse, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, ""))
            continue
        rows.append(
            WarehouseAvailability(
                warehouse=warehouse,
                on_hand=level.on_hand,
                reserved=level.reserved,
                quarantined=level.quarantined,
                in_transit=level.in_transit,
                available=level.available,
                min_qty=level.min_qty,
                max_qty=level.max_qty,
                bin=level.default_bin.code if level.default_bin else "",
                bins=tuple(held.get(warehouse.pk, ())),
            )
        )
    order = {"central": 0, "regional": 1, "store": 2}
    rows.sort(key=lambda row: (order.get(row.warehouse.echelon, 9), row.warehouse.code))
    return StockLookup(requested=part, chain=chain, serving=serving, rows=rows)


def bin_part_ids(*, bin: Bin) -> list[int]:
    """The parts held in a bin, or with it as their default bin: what a count of the bin walks past."""
    held = BinStock.objects.filter(bin=bin, quantity__gt=0).values_list("part_id", flat=True)
    homed = StockLevel.objects.filter(default_bin=bin).values_list("part_id", flat=True)
    return sorted(set(held) | set(homed))


def bin_snapshots(*, warehouse_id: int, bin_id: int, part_ids: list[int]) -> dict[int, tuple[Decimal, int]]:
    """(quantity in the bin, last entry id of the part's bins in the warehouse) per part.

    The caller holds the parts' level locks (bins change only under them), so no
    posting is half seen; the entry id marks where later changes start.
    """
    held = dict(
        BinStock.objects.filter(warehouse_id=warehouse_id, bin_id=bin_id, part_id__in=part_ids).values_list(
            "part_id", "quantity"
        )
    )
    last = dict(
        BinMovement.objects.filter(warehouse_id=warehouse_id, part_id__in=part_ids)
        .values("part_id")
        .annotate(last=Max("id"))
        .values_list("part_id", "last")
    )
    return {p: (held.get(p, ZERO), last.get(p) or 0) for p in part_ids}


def bin_moved_since(*, part_id: int, warehouse_id: int, bin_id: int, after_entry_id: int) -> Decimal:
    """Net quantity into (out of, negative) a bin after the given entry of the bins' ledger."""
    entries = BinMovement.objects.filter(
        part_id=part_id, warehouse_id=warehouse_id, bin_id=bin_id, id__gt=after_entry_id
    )
    return entries.aggregate(total=Sum("quantity"))["total"] or ZERO


def bin_move_list(*, warehouses: QuerySet[Warehouse] | None = None) -> QuerySet[BinMove]:
    """Bin moves, newest first, with what their rows show (one query)."""
    moves = BinMove.objects.select_related("part", "warehouse", "from_bin", "to_bin", "moved_by")
    return moves.filter(warehouse__in=warehouses) if warehouses is not None else moves


@dataclass(frozen=True)
class LedgerDifference:
    part_number: str
    warehouse_code: str
    stored_on_hand: Decimal
    ledger_on_hand: Decimal
    stored_value: Decimal
    ledger_value: Decimal


def ledger_differences() -> list[LedgerDifference]:
    """Every stock level whose stored quantity or value differs from the sum of its movements.

    One aggregate query over the ledger, grouped in the database.
    """
    sums = {
        (row["part_id"], row["warehouse_id"]): (row["qty"], row["val"])
        for row in StockMovement.objects.values("part_id", "warehouse_id").annotate(
            qty=Coalesce(Sum("quantity"), ZERO), val=Coalesce(Sum("value"), ZERO)
        )
    }
    differences = []
    seen = set()
    for level in StockLevel.objects.select_related("part", "warehouse").iterator(chunk_size=5000):
        key = (level.part_id, level.warehouse_id)
        seen.add(key)
        qty, val = sums.get(key, (ZERO, ZERO))
        if qty != level.on_hand or val != level.value:
            differences.append(
                LedgerDifference(level.part.number, level.warehouse.code, level.on_hand, qty, level.value, val)
            )
    orphans = set(sums) - seen
    if orphans:
        parts = dict(Part.objects.filter(pk__in={p for p, _ in orphans}).values_list("pk", "number"))
        codes = dict(Warehouse.objects.filter(pk__in={w for _, w in orphans}).values_list("pk", "code"))
        for part_id, warehouse_id in sorted(orphans):
            qty, val = sums[(part_id, warehouse_id)]
            differences.append(LedgerDifference(parts[part_id], codes[warehouse_id], ZERO, qty, ZERO, val))
    return differences


@dataclass(frozen=True)
class BinDifference:
    """A place whose stored quantity is not what it should be.

    ``bin_code`` empty: the level's on hand (stored) differs from the sum of its
    bins (expected). Otherwise the bin's stock (stored) differs from the sum of
    its entries in the bins' ledger (expected); ``-`` is stock in no bin.
    """

    part_number: str
    warehouse_code: str
    bin_code: str
    stored: Decimal
    expected: Decimal


def bin_differences() -> list[BinDifference]:
    """Every level whose bins do not add up to its on hand, and every bin stock that is not its entries' sum.

    Also every stock movement whose bin entries do not add up to its quantity,
    and every bin move whose entries do not cancel out (as part ``movement N`` /
    ``bin move N``). Grouped queries, in the database.
    """
    binned = {
        (row["part_id"], row["warehouse_id"]): row["total"]
        for row in BinStock.objects.values("part_id", "warehouse_id").annotate(total=Sum("quantity"))
    }
    entered = {
        (row["part_id"], row["warehouse_id"], row["bin_id"]): row["total"]
        for row in BinMovement.objects.values("part_id", "warehouse_id", "bin_id").annotate(total=Sum("quantity"))
    }
    stored = {
        (row["part_id"], row["warehouse_id"], row["bin_id"]): row["quantity"]
        for row in BinStock.objects.values("part_id", "warehouse_id", "bin_id", "quantity")
    }
    found: list[tuple[int, int, int | None, Decimal, Decimal]] = []
    levels = StockLevel.objects.values_list("part_id", "warehouse_id", "on_hand")
    for part_id, warehouse_id, on_hand in levels.iterator(chunk_size=5000):
        total = binned.pop((part_id, warehouse_id), ZERO)
        if total != on_hand:
            found.append((part_id, warehouse_id, None, on_hand, total))
    for (part_id, warehouse_id), total in binned.items():  # bins of a level that does not exist
        found.append((part_id, warehouse_id, None, ZERO, total))
    bin_found = [
        (p, w, b, stored.get((p, w, b), ZERO), entered.get((p, w, b), ZERO))
        for p, w, b in sorted(set(stored) | set(entered), key=lambda key: (key[0], key[1], key[2] or 0))
        if stored.get((p, w, b), ZERO) != entered.get((p, w, b), ZERO)
    ]
    parts = dict(Part.objects.filter(pk__in={row[0] for row in found + bin_found}).values_list("pk", "number"))
    codes = dict(Warehouse.objects.filter(pk__in={row[1] for row in found + bin_found}).values_list("pk", "code"))
    bins = dict(Bin.objects.filter(pk__in={row[2] for row in bin_found if row[2]}).values_list("pk", "code"))
    differences = [BinDifference(parts[p], codes[w], "", a, b) for p, w, _bin, a, b in found]
    differences += [BinDifference(parts[p], codes[w], bins.get(bn, "-"), a, b) for p, w, bn, a, b in bin_found]
    movements = StockMovement.objects.filter(bin_entries__isnull=False).values("pk", "quantity")
    for row in movements.annotate(total=Sum("bin_entries__quantity")).exclude(total=F("quantity")):
        differences.append(BinDifference(f"movement {row['pk']}", "", "", row["quantity"], row["total"]))
    moves = BinMovement.objects.filter(bin_move__isnull=False).values("bin_move_id").annotate(total=Sum("quantity"))
    for move_id, total in moves.exclude(total=0).values_list("bin_move_id", "total"):
        differences.append(BinDifference(f"bin move {move_id}", "", "", ZERO, total))
    return differences


@dataclass(frozen=True)
class BrokenLink:
    """The first movement of a level whose hash does not follow from the chain before it."""

    part_number: str
    warehouse_code: str
    movement_id: int | None  # None: the movements agree, the level's head does not (a movement went missing)
    stored_hash: str
    computed_hash: str


def ledger_broken_links() -> list[BrokenLink]:
    """Re-prove every level's hash chain from its movements; the first broken link of each broken level.

    Streams the ledger in chain order (part, warehouse, id) once; a level's
    stored head must equal the hash of its last movement.
    """
    fields = ["id", *HASHED, "hash"]
    broken: dict[tuple[int, int], tuple[int | None, str, str]] = {}
    heads: dict[tuple[int, int], str] = {}
    rows = StockMovement.objects.order_by("part_id", "warehouse_id", "id").values_list(*fields)
    for row in rows.iterator(chunk_size=5000):
        values = dict(zip(fields, row, strict=True))
        pair = (values["part_id"], values["warehouse_id"])
        if pair in broken:
            continue
        computed = movement_hash(heads.get(pair, GENESIS), values)
        if computed != values["hash"]:
            broken[pair] = (values["id"], values["hash"], computed)
        heads[pair] = computed
    for part_id, warehouse_id, head in StockLevel.objects.values_list("part_id", "warehouse_id", "last_hash"):
        pair = (part_id, warehouse_id)
        if pair not in broken and head != heads.get(pair, GENESIS):
            broken[pair] = (None, head, heads.get(pair, GENESIS))
    if not broken:
        return []
    parts = dict(Part.objects.filter(pk__in={p for p, _ in broken}).values_list("pk", "number"))
    codes = dict(Warehouse.objects.filter(pk__in={w for _, w in broken}).values_list("pk", "code"))
    return [
        BrokenLink(parts[part_id], codes[warehouse_id], movement, stored, computed)
        for (part_id, warehouse_id), (movement, stored, computed) in sorted(broken.items())
    ]


def parts_current_bulk(parts: list[Part]) -> dict[int, Part]:
    """Map each part's id to the part serving it, one query per level of chain depth."""
    current = {part.pk: part for part in parts}
    pending = {part.pk: part.superseded_by_id for part in parts if part.superseded_by_id}
    known: dict[int, Part] = {}
    depth = 0
    while pending and depth < MAX_CHAIN:
        depth += 1
        missing = set(pending.values()) - set(known)
        if missing:
            known.update({p.pk: p for p in Part.objects.filter(pk__in=missing)})
        next_pending = {}
        for origin, target_id in pending.items():
            target = known[target_id]
            current[origin] = target
            if target.superseded_by_id and target.superseded_by_id != origin:
                next_pending[origin] = target.superseded_by_id
        pending = next_pending
    return current


def transfer_exists(*, pk: int) -> bool:
    return TransferOrder.objects.filter(pk=pk).exists()


def reopened_periods() -> list[date]:
    """Months a manager reopened that are not closed again, oldest first (the close reruns when they are)."""
    locked = ClosedPeriod.objects.values("month")
    return sorted(
        set(
            PeriodEvent.objects.filter(action=PeriodAction.REOPEN)
            .exclude(month__in=locked)
            .values_list("month", flat=True)
        )
    )


def freeze_list(
    *, warehouse_ids: set[int] | None = None, state: str = "open", part: Part | None = None
) -> QuerySet[StockFreeze]:
    """Freezes of stock on the shelf, newest first; ``state`` is open, closed or all."""
    freezes = StockFreeze.objects.select_related("part", "warehouse", "frozen_by")
    if state == "open":
        freezes = freezes.filter(closed_at__isnull=True)
    elif state == "closed":
        freezes = freezes.filter(closed_at__isnull=False)
    if warehouse_ids is not None:
        freezes = freezes.filter(warehouse_id__in=warehouse_ids)
    if part is not None:
        freezes = freezes.filter(part=part)
    return freezes


def freeze_detail(*, pk: int) -> StockFreeze | None:
    """One freeze with what was decided on it."""
    return (
        StockFreeze.objects.select_related("part", "warehouse", "frozen_by")
        .prefetch_related("settlements__settled_by", "settlements__movement")
        .filter(pk=pk)
        .first()
    )


def freeze_open_count(*, warehouse_ids: set[int] | None = None) -> int:
    """Open freezes waiting for a decision (a home-page count)."""
    return freeze_list(warehouse_ids=warehouse_ids).count()


def part_categories() -> list[str]:
    """The catalogue's categories, for filters."""
    return list(Part.objects.exclude(category="").order_by("category").values_list("category", flat=True).distinct())


@dataclass(frozen=True)
class PartChange:
    at: object
    user: str
    kind: str
    fields: list[str]


def part_changes(*, part: Part, limit: int = 20) -> list[PartChange]:
    """The part's latest changes, newest first: when, who, and which fields changed."""
    records = list(part.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    changes = []
    for index, record in enumerate(records[:limit]):
        before = records[index + 1] if index + 1 < len(records) else None
        fields = [] if before is None else sorted(change.field for change in record.diff_against(before).changes)
        changes.append(
            PartChange(
                at=record.history_date,
                user=record.history_user.username if record.history_user else "",
                kind=record.get_history_type_display(),
                fields=fields,
            )
        )
    return changes


def limit_changes(*, source: str | None = None, since=None, until=None) -> QuerySet[LimitChange]:
    """Changes of min/max, newest first; by source and time (what one planning run changed)."""
    changes = LimitChange.objects.select_related("part", "warehouse")
    if source:
        changes = changes.filter(source=source)
    if since is not None:
        changes = changes.filter(changed_at__gte=since)
    if until is not None:
        changes = changes.filter(changed_at__lte=until)
    return changes.order_by("-changed_at", "-id")
