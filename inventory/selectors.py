"""Reads of the catalogue, the network and stock. Each does its own joins."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from .ledger_hash import GENESIS, HASHED, movement_hash
from .models import (
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
class WarehouseAvailability:
    warehouse: Warehouse
    on_hand: Decimal
    reserved: Decimal
    quarantined: Decimal
    in_transit: Decimal
    available: Decimal
    min_qty: Decimal
    max_qty: Decimal
    bin: str


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
            )
        )
    order = {"central": 0, "regional": 1, "store": 2}
    rows.sort(key=lambda row: (order.get(row.warehouse.echelon, 9), row.warehouse.code))
    return StockLookup(requested=part, chain=chain, serving=serving, rows=rows)


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
