"""The demo history written set-based: the same simulation, its rows kept in memory and copied in.

``HistoryBuilder`` posts every document through the services, about twenty
statements a document. Here the same simulation takes the same decisions, but
each posting is applied in memory by the ledger's own rules and the rows are
written at the end, table by table, with COPY (``core.fastpath.rows.copy_insert``):

- a stock change runs through ``inventory.services.stock._apply`` (moving
  average, the last unit out takes the remaining value) on the level held in
  memory and is linked into the level's hash chain by ``movement_hash``, as
  ``chain`` does; movement ids follow posting order, the order the chains are
  proved in; its bin legs are the ones ``_bin_legs`` would give it (stock put
  into the bin named or the level's default bin, taken out in the order of
  ``inventory.bin_order``), from the bin quantities held in memory, and go into
  the bins' ledger with the bin stocks the history leaves;
- purchase orders with their history records (created, approved, sent,
  received), goods receipts with quality holds released or rejected (the
  reject and its supplier return), transfer orders sent and received, scrapped
  stock, repair orders, workshop requests with their backorders filled on
  arrival, counter sales, demand hits and the notifications the services leave
  are the rows the services write, numbered from the same counters (an id that
  a number and so a hashed movement carries is taken from the sequence at once);
- supersessions still go through ``part_supersede`` (a handful of parts).

Nothing is dated in a closed month (the months are closed after the load), so
every posting keeps the time it asks for, as ``posting_moment`` would.
``tests/demo/test_history_sets.py`` finds the same rows in every table both ways.
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from core import events
from core.fastpath.rows import copy_insert, take_ids, update_rows
from core.messages import message_english, message_params
from core.models import Notification
from core.roles import Role
from core.services.notifications import users_with_role
from inventory.bin_order import Shelf, bins_to_take
from inventory.demand.services.requests import _first_pick, _state_of
from inventory.ledger_hash import GENESIS, movement_hash
from inventory.models import (
    Backorder,
    BackorderState,
    Bin,
    BinMovement,
    BinStock,
    CounterSale,
    CounterSaleLine,
    DemandHit,
    DemandSource,
    MovementKind,
    RepairOrder,
    RequestState,
    StockLevel,
    StockMovement,
    TransferOrder,
    TransferOrderLine,
    TransferState,
    WorkshopRequest,
    WorkshopRequestLine,
)
from inventory.quantities import money
from inventory.services.periods import open_from
from inventory.services.stock import _apply, _Line
from suppliers.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    HoldState,
    NumberSequence,
    OrderState,
    OrderType,
    PurchaseOrder,
    PurchaseOrderLine,
    QualityReject,
    SupplierPart,
    SupplierReturn,
    SupplierReturnLine,
    SupplierReturnReason,
)
from suppliers.quantities import receipt_value, to_stock_units
from suppliers.services.orders import _line_fields

from ..logins import WORKSHOP_OF
from ..profiles import COUNTER
from .history import (
    QUALITY_REJECT_REASON,
    QUALITY_RELEASE_NOTE,
    SCRAP_REASON,
    ZERO,
    Delivery,
    HistoryBuilder,
    Stats,
    delivery_note,
)
from .hits import HitDraft

CENTS = Decimal("0.01")
# What a posting may change on a level (the posted fields and the held buckets).
LEVEL_FIELDS = (
    "on_hand",
    "value",
    "average_cost",
    "quarantined",
    "in_transit",
    "backordered",
    "first_stocked_at",
    "last_movement_at",
    "last_hash",
)
# Parents before the rows that point at them: ids are taken table by table in this order.
WRITE_ORDER: tuple[type[Model], ...] = (
    PurchaseOrder,
    PurchaseOrderLine,
    RepairOrder,
    WorkshopRequest,
    CounterSale,
    DemandHit,
    WorkshopRequestLine,
    CounterSaleLine,
    Backorder,
    TransferOrder,
    StockMovement,
    TransferOrderLine,
    GoodsReceipt,
    GoodsReceiptLine,
    QualityReject,
    SupplierReturn,
    SupplierReturnLine,
)


class Row:
    """A row of a busy table (movements, hits) as plain values: a model instance costs more than the posting.

    ``pk`` is set when the row is written; ``row.name`` reads a value.
    """

    __slots__ = ("pk", "values")

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.pk: int | None = None

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


class Place:
    """What one bin (None: no bin) holds of a level, as ``BinStock`` keeps it; ``pk`` None until written.

    ``slot``: a new place's id is the one the services' upsert of its first stock took from the
    sequence (every stock put in takes one, a new place or not): the ``slot``-th of the history's.
    """

    __slots__ = ("changed", "pk", "quantity", "slot")

    def __init__(self, quantity: Decimal = ZERO, *, pk: int | None = None, slot: int | None = None) -> None:
        self.quantity, self.pk, self.slot, self.changed = quantity, pk, slot, False


def bin_legs(
    level: StockLevel,
    quantity: Decimal,
    bin: Bin | None,
    *,
    held: dict[int | None, Place],
    routes: dict[int, tuple[int, str]],
) -> list[tuple[int | None, Decimal]]:
    """The bins a posting puts stock into or takes it from, as ``inventory.services.stock._bin_legs`` decides.

    Inbound into the bin named, else the level's default bin (else no bin); outbound from what the
    level's places ``held`` hold, in the order of ``inventory.bin_order`` (only from the bin named,
    when one is). ``routes``: each bin's (route, code).
    """
    if quantity > 0:
        return [(bin.pk if bin is not None else level.default_bin_id, quantity)]
    shelves = [
        Shelf(bin_id, place.quantity, *(routes[bin_id] if bin_id is not None else (0, "")))
        for bin_id, place in held.items()
        if place.quantity > 0 and (bin is None or bin_id == bin.pk)
    ]
    taken, left = bins_to_take(shelves, -quantity, default_bin_id=level.default_bin_id)
    if left > 0:
        raise RuntimeError(
            f"The bins of {level.part.number} in {level.warehouse.code} hold {-quantity - left} of {-quantity}."
        )
    return [(bin_id, -taken_quantity) for bin_id, taken_quantity in taken]


def copy_rows(model: type[Model], rows: list[Row]) -> None:
    """Write ``rows`` with one COPY (``core.fastpath.rows.copy_insert``); each gets its id, in order."""
    if rows:
        for row, ident in zip(rows, copy_insert(model, [row.values for row in rows]), strict=True):
            row.pk = ident


def _column_value(obj: Model, field) -> Any:
    """The value to write for ``field``: a relation's id (the related row got its id earlier in the write)."""
    refs = obj.__dict__.get("demo_refs")
    if refs and field.attname in refs:
        return refs[field.attname].pk
    if field.is_relation:
        value = getattr(obj, field.attname)
        if value is None and field.is_cached(obj):
            related = field.get_cached_value(obj)
            value = None if related is None else related.pk
            setattr(obj, field.attname, value)
        return value
    value = field.pre_save(obj, add=True)
    if field.get_internal_type() == "JSONField":
        return field.get_db_prep_save(value, connection)  # COPY takes JSON only adapted
    return value


def copy_objects(model: type[Model], objects: Sequence[Model]) -> None:
    """Write model instances with one COPY; those without an id get one from the table's sequence, in order."""
    if not objects:
        return
    fresh = [obj for obj in objects if obj.pk is None]
    for obj, ident in zip(fresh, take_ids(model, len(fresh)), strict=True):
        obj.pk = ident
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    copy_insert(
        model,
        [{field.attname: _column_value(obj, field) for field in fields} for obj in objects],
        ids=[obj.pk for obj in objects],
    )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


class SetBasedHistoryBuilder(HistoryBuilder):
    """``HistoryBuilder`` whose imported months are applied in memory and written with COPY."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.batch = False
        self.rows: dict[type[Model], list[Model]] = defaultdict(list)
        self.plain: dict[type[Model], list[Row]] = defaultdict(list)
        self.levels: dict[tuple[int, int], StockLevel] = {}
        self.new_levels: list[StockLevel] = []
        self.numbers: dict[str, int] = {}
        self.po_history: list[tuple[PurchaseOrder, dict[str, Any], str, datetime]] = []
        self.notes: list[tuple[list, str, Any]] = []  # users, kind, (message, link) made once ids exist
        self.supplier_parts: dict[tuple[int, int], SupplierPart] = {}
        self.purchasers: list = []
        self.clerks: dict[str, list] = {}
        self.lap = clock.monotonic()
        self.spare_ids: dict[type[Model], list[int]] = {}
        self.waiting_backorders: dict[tuple[int, int], list[Backorder]] = defaultdict(list)
        # The bins of every level, by (part id, warehouse id) and bin id; each bin's (route, code).
        self.places: dict[tuple[int, int], dict[int | None, Place]] = defaultdict(dict)
        self.bin_route: dict[int, tuple[int, str]] = {}
        self.bin_entries: list[tuple[Row, dict[str, Any]]] = []  # (movement, its bin leg)
        self.stock_puts = 0  # bin stock ids the services' upserts would have taken

    # --- the run ----------------------------------------------------------------------------

    def run(self) -> Stats:
        """The imported months in memory, written in one go; then the last months through the services."""
        start, today = self.catalogue.start, self.catalogue.today
        with transaction.atomic():
            self.opening_stock()
        if open_from() is not None:
            raise RuntimeError("The set-based history loads into a ledger without closed months.")
        self.batch = True
        self.levels = {(level.part_id, level.warehouse_id): level for level in StockLevel.objects.all()}
        parts, warehouses = {part.pk: part for part in self.parts}, {w.pk: w for w in self.warehouses.values()}
        for level in self.levels.values():
            level.part, level.warehouse = parts[level.part_id], warehouses[level.warehouse_id]
        self.supplier_parts = {(sp.supplier_id, sp.part_id): sp for sp in SupplierPart.objects.all()}
        # What each bin holds, in memory, so that a posting takes from bins as the services do (``bin_order``).
        for pk, part_id, warehouse_id, bin_id, quantity in BinStock.objects.values_list(
            "pk", "part_id", "warehouse_id", "bin_id", "quantity"
        ):
            self.places[(part_id, warehouse_id)][bin_id] = Place(quantity, pk=pk)
        self.bin_route = {pk: (route, code) for pk, route, code in Bin.objects.values_list("pk", "route", "code")}
        self.purchasers = list(users_with_role(Role.PURCHASER))
        self.clerks = {
            code: list(users_with_role(Role.CLERK, warehouse=warehouse)) for code, warehouse in self.warehouses.items()
        }
        day = start
        while day < today:
            self.step(day)
            day += timedelta(days=1)
        with transaction.atomic():
            with connection.cursor() as cursor:
                # The commit of a few hundred megabytes need not wait for the log to reach the disk: a crash
                # in that moment loses the demo, which is loaded again; the database stays consistent.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            self.write_rows()
        self.batch = False
        return self.total

    def step(self, day: date) -> None:
        self.run_day(day)
        tomorrow = day + timedelta(days=1)
        if tomorrow.month != day.month or tomorrow == self.catalogue.today:
            self.report_month(day)

    def report_month(self, day: date) -> None:
        super().report_month(day)
        now = clock.monotonic()
        self.write(f"    ({now - self.lap:.1f} s in memory)")
        self.lap = now

    def write_rows(self) -> None:
        """Every row of the months in memory, table by table with COPY; the levels with one UPDATE."""
        began = clock.monotonic()
        created = {id(level) for level in self.new_levels}
        copy_objects(StockLevel, self.new_levels)
        known = [level for level in self.levels.values() if id(level) not in created]
        update_rows(
            StockLevel,
            [level.pk for level in known],
            LEVEL_FIELDS,
            [[getattr(level, name) for level in known] for name in LEVEL_FIELDS],
        )
        self.new_levels = []
        for model in WRITE_ORDER:
            copy_rows(model, self.plain.pop(model, []))
            copy_objects(model, self.rows.pop(model, []))
        self.write_bins()
        if self.po_history:
            copy_insert(
                PurchaseOrder.history.model,
                [
                    {**values, "id": order.pk, "history_date": at, "history_type": change}
                    for order, values, change, at in self.po_history
                ],
            )
        notes = []
        for users, kind, text in self.notes:
            message_id, params, link = text()
            stored = message_params(params)
            english = message_english(message_id, stored)[:300]
            notes += [
                Notification(
                    user=user, kind=kind, message=english, message_id=message_id, params=stored, link=link[:200]
                )
                for user in users
            ]
        copy_objects(Notification, notes)
        for prefix, value in self.numbers.items():
            NumberSequence.objects.update_or_create(prefix=prefix, defaults={"last_value": value})
        rows = len(notes) + len(self.po_history)
        self.po_history, self.notes, self.numbers = [], [], {}
        self.write(f"  written with COPY ({clock.monotonic() - began:.1f} s, {rows:,} other rows)")

    def write_bins(self) -> None:
        """The bins' ledger (each leg with its movement's id) and the bin stocks as the postings left them."""
        copy_insert(BinMovement, [{**leg, "movement_id": movement.pk} for movement, leg in self.bin_entries])
        self.bin_entries = []
        ids = take_ids(BinStock, self.stock_puts)
        fresh, known = [], []
        for (part_id, warehouse_id), held in self.places.items():
            for bin_id, place in held.items():
                if place.pk is None:
                    assert place.slot is not None  # a place is new only by stock put in
                    place.pk = ids[place.slot]
                    fresh.append(
                        (
                            place.pk,
                            {
                                "part_id": part_id,
                                "warehouse_id": warehouse_id,
                                "bin_id": bin_id,
                                "quantity": place.quantity,
                            },
                        )
                    )
                elif place.changed:
                    known.append(place)
                place.changed = False
        fresh.sort(key=lambda row: row[0])
        copy_insert(BinStock, [values for _pk, values in fresh], ids=[pk for pk, _values in fresh])
        update_rows(BinStock, [place.pk for place in known], ["quantity"], [[place.quantity for place in known]])
        self.stock_puts = 0

    def take_id(self, model: type[Model]) -> int:
        """An id of ``model``'s table for a row that needs it before it is written (taken in blocks)."""
        block = self.spare_ids.setdefault(model, [])
        if not block:
            block.extend(reversed(take_ids(model, 200)))
        return block.pop()

    # --- in memory ------------------------------------------------------------------------

    def keep(self, obj: Model) -> Model:
        self.rows[type(obj)].append(obj)
        return obj

    def next_number(self, prefix: str) -> int:
        """The next value of a per-prefix counter (``suppliers.locks.next_number``), counted here until written."""
        if prefix not in self.numbers:
            self.numbers[prefix] = (
                NumberSequence.objects.filter(prefix=prefix).values_list("last_value", flat=True).first() or 0
            )
        self.numbers[prefix] += 1
        return self.numbers[prefix]

    def level(self, part_index: int, code: str) -> StockLevel:
        part, warehouse = self.parts[part_index], self.warehouses[code]
        pair = (part.pk, warehouse.pk)
        level = self.levels.get(pair)
        if level is None:
            level = StockLevel(part=part, warehouse=warehouse, last_hash=GENESIS)
            self.levels[pair] = level
            self.new_levels.append(level)
        return level

    def move(
        self,
        kind: str,
        key: tuple[int, str],
        quantity: Decimal,
        *,
        user,
        at: datetime,
        document_type: str,
        document_ref: str,
        unit_cost: Decimal | None = None,
        bin=None,
        reason: str = "",
        other: str | None = None,
        from_quarantine: bool = False,
        value: Decimal | None = None,
    ) -> Row:
        """One posting on the level in memory, by the single postings' rules (``_bin_legs``, ``_apply``, ``chain``).

        ``value``: a receipt's exact value (``stock_receive(value=...)``).
        """
        level = self.level(*key)
        legs = bin_legs(
            level, quantity, bin, held=self.places[(level.part_id, level.warehouse_id)], routes=self.bin_route
        )
        line = _Line(kind, level, quantity, unit_cost=unit_cost, value=value, from_quarantine=from_quarantine)
        unit, value = _apply(line, now=at)
        values = {
            "part_id": level.part_id,
            "warehouse_id": level.warehouse_id,
            "bin_id": bin.pk if bin is not None else None,
            "kind": kind,
            "quantity": quantity,
            "unit_cost": unit,
            "value": value,
            "user_id": user.pk,
            "posted_at": at,
            "intended_at": None,
            "document_type": document_type,
            "document_ref": document_ref,
            "reason": reason,
            "reverses_id": None,
            "other_warehouse_id": self.warehouses[other].pk if other else None,
            "idempotency_key": None,
        }
        # ``chain``'s link, on plain values: hashed after the level's last movement, which it becomes.
        values["hash"] = level.last_hash = movement_hash(level.last_hash, values)
        movement = self.keep_row(StockMovement, values)
        held = self.places[(level.part_id, level.warehouse_id)]
        for bin_id, leg in legs:
            place = held.get(bin_id)
            if leg > 0:
                # The services add stock to a bin with an upsert, which takes an id whether it inserts or not.
                if place is None:
                    place = held[bin_id] = Place(slot=self.stock_puts)
                self.stock_puts += 1
            assert place is not None  # stock is taken only from places that hold it
            place.quantity += leg
            place.changed = True
            leg_row = {"part_id": level.part_id, "warehouse_id": level.warehouse_id, "bin_id": bin_id, "quantity": leg}
            self.bin_entries.append((movement, leg_row))
        return movement

    def keep_row(self, model: type[Model], values: dict[str, Any]) -> Row:
        row = Row(values)
        self.plain[model].append(row)
        return row

    @staticmethod
    def refer(obj: Model, attname: str, row: Row) -> None:
        """``obj``'s foreign key ``attname`` points at ``row``, whose id comes when it is written."""
        obj.__dict__.setdefault("demo_refs", {})[attname] = row

    def note(self, users: list, kind: str, text: Any) -> None:
        """A notification the services would leave (``core.services.notify``).

        ``text()`` gives (message id, params, link) once the rows have ids.
        """
        self.notes.append((users, kind, text))

    def snapshot(self, order: PurchaseOrder, change: str) -> None:
        """A history record of the order as it is now (the services save it at each step)."""
        fields = [f.attname for f in PurchaseOrder._meta.concrete_fields if not f.primary_key]
        self.po_history.append((order, {name: getattr(order, name) for name in fields}, change, timezone.now()))

    # --- the postings, in memory ------------------------------------------------------------

    def issue(self, key: tuple[int, str], quantity: Decimal, *, document_type: str, ref: str, at: datetime) -> Decimal:
        if not self.batch:
            return super().issue(key, quantity, document_type=document_type, ref=ref, at=at)
        movement = self.move(
            MovementKind.ISSUE,
            key,
            -quantity,
            user=self.clerk(key[1]),
            at=at,
            document_type=document_type,
            document_ref=ref,
        )
        self.stock[key] -= quantity
        return -movement.value

    def post_hits(self, hits: list[HitDraft]) -> None:
        if not self.batch:
            return super().post_hits(hits)
        for draft in hits:
            self.keep_row(DemandHit, draft.values())

    def post_order(
        self,
        code: str,
        supplier: str,
        lines: list[tuple[int, Decimal]],
        *,
        kind: str,
        created: datetime,
        expected: date,
        approve: bool,
    ) -> PurchaseOrder:
        if not self.batch:
            return super().post_order(
                code, supplier, lines, kind=kind, created=created, expected=expected, approve=approve
            )
        purchaser, row = self.users["purchaser"], self.suppliers[supplier]
        year = timezone.localtime(created).year
        order = PurchaseOrder(
            number=f"PO-{year}-{self.next_number(f'PO-{year}'):06d}",
            supplier=row,
            warehouse=self.warehouses[code],
            order_type=OrderType.EMERGENCY if kind == "emergency" else OrderType.STOCK,
            expected_date=expected,
            created_at=created,
            created_by=purchaser,
        )
        self.keep(order)
        self.snapshot(order, "+")
        # The same part twice is one line, as ``purchase_order_create`` merges it (in the order unit).
        merged: dict[int, Decimal] = {}
        for part_index, quantity in lines:
            merged[part_index] = merged.get(part_index, ZERO) + self.in_order_unit(part_index, quantity)
        order.demo_lines = {}  # type: ignore[attr-defined]
        for number, (part_index, quantity) in enumerate(merged.items(), start=1):
            part = self.parts[part_index]
            line = PurchaseOrderLine(
                order=order,
                line_no=number,
                **_line_fields(
                    supplier=row,
                    part=part,
                    quantity=quantity,
                    price=None,
                    supplier_part=self.supplier_parts.get((row.pk, part.pk)),
                ),
            )
            order.demo_lines[part_index] = self.keep(line)  # type: ignore[attr-defined]
        if approve:
            order.approved_at, order.approved_by = created + timedelta(minutes=20), self.users["manager"]
            self.snapshot(order, "~")
        order.state, order.sent_at, order.sent_by = OrderState.SENT, created + timedelta(minutes=30), purchaser
        self.snapshot(order, "~")
        return order

    def post_receipt(
        self, delivery: Delivery, lines: list[tuple[int, Decimal, bool]], *, arrived_at: datetime, at: datetime
    ) -> list[GoodsReceiptLine]:
        if not self.batch:
            return super().post_receipt(delivery, lines, arrived_at=arrived_at, at=at)
        order, code = delivery.order, delivery.warehouse
        assert order is not None
        clerk = self.clerk(code)
        year = timezone.localtime(at).year
        receipt = GoodsReceipt(
            number=f"GR-{year}-{self.next_number(f'GR-{year}'):06d}",
            purchase_order=order,
            warehouse=self.warehouses[code],
            delivery_note=delivery_note(order),
            arrived_at=arrived_at,
            posted_at=at,
            posted_by=clerk,
        )
        self.keep(receipt)
        held = []
        for part_index, planned, hold in lines:
            po_line = order.demo_lines[part_index]  # type: ignore[attr-defined]
            # Counted in the order unit; the ledger gets stock units at the exact value of the purchase units.
            purchase_quantity = self.in_order_unit(part_index, planned)
            quantity = to_stock_units(purchase_quantity, po_line.purchase_factor)
            unit_cost = po_line.stock_unit_cost
            value = receipt_value(purchase_quantity, po_line.price) if po_line.has_purchase_unit else None
            bin = self.bin_for(part_index, code)
            if hold:
                self.level(part_index, code).quarantined += quantity
            movement = self.move(
                MovementKind.RECEIPT,
                (part_index, code),
                quantity,
                user=clerk,
                at=at,
                document_type="goods_receipt",
                document_ref=receipt.number,
                unit_cost=unit_cost,
                bin=bin,
                value=value,
            )
            line = GoodsReceiptLine(
                receipt=receipt,
                po_line=po_line,
                part=self.parts[part_index],
                quantity=quantity,
                unit_cost=unit_cost,
                bin=bin,
                hold_state=HoldState.HELD if hold else HoldState.NONE,
            )
            self.refer(line, "movement_id", movement)
            self.keep(line)
            po_line.quantity_received += quantity
            if hold:
                held.append(line)
            self.fill_backorders((part_index, code), clerk, at)
        order_lines = order.demo_lines.values()  # type: ignore[attr-defined]
        if all(line.quantity_received >= line.quantity for line in order_lines):
            order.state, order.received_at = OrderState.RECEIVED, arrived_at
        else:
            order.state = OrderState.PARTIALLY_RECEIVED
        self.snapshot(order, "~")
        if held:
            parts = ", ".join(f"{line.part.number} × {line.quantity.normalize():f}" for line in held)
            self.note(
                self.purchasers,
                events.QUALITY_HOLD,
                lambda: (
                    gettext_noop("Quality hold on %(receipt)s (%(order)s, %(supplier)s): %(parts)s."),
                    {"receipt": receipt.number, "order": order.number, "supplier": order.supplier.code, "parts": parts},
                    reverse("suppliers:receipt-detail", args=[receipt.pk]),
                ),
            )
        return held

    def post_quality_decision(self, line: GoodsReceiptLine, release: bool, when: datetime) -> None:
        if not self.batch:
            return super().post_quality_decision(line, release, when)
        purchaser = self.users["purchaser"]
        receipt = line.receipt
        key = (self.index_of[line.part_id], receipt.warehouse.code)
        line.hold_decided_at, line.hold_decided_by = when, purchaser
        if release:
            self.level(*key).quarantined -= line.quantity
            line.hold_state, line.hold_note = HoldState.RELEASED, QUALITY_RELEASE_NOTE
            return
        movement = self.move(
            MovementKind.RETURN_TO_SUPPLIER,
            key,
            -line.quantity,
            user=purchaser,
            at=max(when, receipt.posted_at),
            document_type="return_to_supplier",
            document_ref=receipt.number,
            reason=QUALITY_REJECT_REASON,
            from_quarantine=True,
        )
        assert line.po_line is not None  # the demo receives only against order lines
        line.po_line.quantity_rejected += line.quantity
        line.hold_state, line.hold_note = HoldState.REJECTED, QUALITY_REJECT_REASON
        supplier = receipt.purchase_order.supplier
        reject = QualityReject(
            supplier=supplier,
            receipt_line=line,
            part=line.part,
            quantity=line.quantity,
            reason=QUALITY_REJECT_REASON,
            rejected_at=when,
            rejected_by=purchaser,
        )
        self.refer(reject, "movement_id", movement)
        self.keep(reject)
        document = SupplierReturn(
            supplier=supplier,
            warehouse=receipt.warehouse,
            reason=SupplierReturnReason.QUALITY,
            expected_credit=(-movement.value).quantize(CENTS, rounding=ROUND_HALF_UP),
            note=QUALITY_REJECT_REASON,
            quality_reject=reject,
            created_by=purchaser,
            created_at=when,
        )
        self.keep(document)
        returned = SupplierReturnLine(
            supplier_return=document, part=line.part, quantity=line.quantity, value=-movement.value
        )
        self.refer(returned, "movement_id", movement)
        self.keep(returned)
        part, quantity = line.part.number, f"{line.quantity.normalize():f}"
        self.note(
            self.purchasers,
            "",
            lambda: (
                gettext_noop(
                    "%(part)s × %(quantity)s from %(supplier)s was rejected and goes back on %(number)s. "
                    "Order a replacement?"
                ),
                {"part": part, "quantity": quantity, "supplier": supplier.code, "number": document.number},
                reverse("suppliers:return-detail", args=[document.pk]),
            ),
        )

    def post_transfer(
        self, request, key: tuple[int, str], source: str, quantity: Decimal, at: datetime
    ) -> TransferOrder:
        if not self.batch:
            return super().post_transfer(request, key, source, quantity, at)
        part_index, code = key
        clerk, sender = self.clerk(code), self.clerk(source)
        backorder = None
        if request is not None:
            backorder = request.demo_backorders.get(part_index)
            if backorder is not None and (backorder.state != BackorderState.OPEN or backorder.open_quantity < quantity):
                backorder = None
        # The transfer's number is its id, which its movements carry (and hash): taken from the sequence now.
        transfer = TransferOrder(
            pk=self.take_id(TransferOrder),
            from_warehouse=self.warehouses[source],
            to_warehouse=self.warehouses[code],
            created_by=clerk,
            created_at=at,
            backorder=backorder,
        )
        self.keep(transfer)
        if backorder is not None:
            backorder.sourcing_note = f"Transfer {transfer.number} from {source}: {quantity.normalize():f}"[:200]
        self.note(
            self.clerks[source],
            events.TRANSFER_REQUESTED,
            lambda: (
                gettext_noop("%(to)s asks %(from)s for %(count)s part(s) on %(transfer)s; pick and send them."),
                {"to": code, "from": source, "count": 1, "transfer": transfer.number},
                reverse("inventory:transfer-detail", args=[transfer.pk]),
            ),
        )
        sent = at + timedelta(minutes=50)
        movement = self.move(
            MovementKind.TRANSFER_OUT,
            (part_index, source),
            -quantity,
            user=sender,
            at=sent,
            document_type="transfer",
            document_ref=transfer.number,
            other=code,
        )
        self.level(part_index, code).in_transit += quantity
        transfer.demo_line = TransferOrderLine(  # type: ignore[attr-defined]
            transfer=transfer,
            part=self.parts[part_index],
            quantity_requested=quantity,
            quantity_sent=quantity,
            unit_cost=movement.unit_cost,
        )
        self.refer(transfer.demo_line, "out_movement_id", movement)  # type: ignore[attr-defined]
        self.keep(transfer.demo_line)  # type: ignore[attr-defined]
        transfer.state, transfer.sent_at, transfer.sent_by = TransferState.SENT, sent, sender
        self.note(
            self.clerks[code],
            events.TRANSFER_SENT,
            lambda: (
                gettext_noop("%(transfer)s left %(from)s; receive it when it arrives."),
                {"transfer": transfer.number, "from": source},
                reverse("inventory:transfer-detail", args=[transfer.pk]),
            ),
        )
        return transfer

    def post_transfer_receipt(self, delivery: Delivery, at: datetime) -> None:
        transfer = delivery.transfer
        if not self.batch or transfer is None:
            return super().post_transfer_receipt(delivery, at)
        code, source = delivery.warehouse, delivery.from_warehouse
        (part_index, quantity), line = delivery.lines[0], transfer.demo_line  # type: ignore[attr-defined]
        self.level(part_index, code).in_transit -= quantity
        self.move(
            MovementKind.TRANSFER_IN,
            (part_index, code),
            quantity,
            user=self.clerk(code),
            at=at,
            document_type="transfer",
            document_ref=transfer.number,
            unit_cost=line.unit_cost,
            other=source,
        )
        self.fill_backorders((part_index, code), self.clerk(code), at)
        line.quantity_received += quantity
        transfer.state, transfer.received_at = TransferState.RECEIVED, at
        self.note(
            [transfer.created_by],
            events.TRANSFER_RECEIVED,
            lambda: (
                gettext_noop("%(transfer)s from %(from)s arrived at %(to)s."),
                {"transfer": transfer.number, "from": source, "to": code},
                reverse("inventory:transfer-detail", args=[transfer.pk]),
            ),
        )

    def post_scrap(self, key: tuple[int, str], quantity: Decimal, when: datetime) -> None:
        if not self.batch:
            return super().post_scrap(key, quantity, when)
        self.move(
            MovementKind.SCRAP,
            key,
            -quantity,
            user=self.clerk(key[1]),
            at=when,
            document_type="scrap",
            document_ref="",
            reason=SCRAP_REASON,
        )

    # --- demand documents (the last months) ---------------------------------------------------

    def demand_documents(self, document) -> None:
        """A workshop request or counter sale: the rows of ``workshop_request_submit`` / ``counter_sale_post``."""
        if not self.batch:
            return super().demand_documents(document)
        at, code = self.at(document.day, document.minute), document.warehouse
        warehouse, counter = self.warehouses[code], document.source == COUNTER
        if counter:
            user = self.clerk(code)
            sale = CounterSale(pk=self.take_id(CounterSale), warehouse=warehouse, sold_by=user, occurred_at=at)
            self.keep(sale)
            ref, repair_order_ref, document_type = sale.number, "", "counter_sale"
        else:
            user = self.users[WORKSHOP_OF[code]]
            repair_order = RepairOrder(number=document.repair_order_ref, warehouse=warehouse, opened_at=at)
            self.keep(repair_order)
            self.repair_orders.append(repair_order)
            request = WorkshopRequest(
                pk=self.take_id(WorkshopRequest),
                repair_order=repair_order,
                warehouse=warehouse,
                requested_by=user,
                created_at=at,
            )
            request.demo_backorders = {}  # type: ignore[attr-defined]
            self.keep(request)
            ref, repair_order_ref, document_type = request.number, repair_order.number, "workshop_request"
        rows, shortages = [], []
        for line in document.lines:
            key = (line.served, code)
            supplied, short, cancel = self.first_pick(document, line, key)
            self.level(*key)  # the services lock (so create) the level of every line, stock or not
            serving, price = self.parts[line.served], self.parts[line.served].list_price
            cost = ZERO
            if supplied > 0:
                movement = self.move(
                    MovementKind.ISSUE,
                    key,
                    -supplied,
                    user=user,
                    at=at,
                    document_type=document_type,
                    document_ref=ref,
                )
                cost = -movement.value
            self.stock[key] -= supplied
            lost = short if cancel else ZERO
            sales = money(supplied * price)
            requested = self.parts[line.requested]
            hit = self.keep_row(
                DemandHit,
                {
                    "occurred_at": at,
                    "warehouse_id": warehouse.pk,
                    "part_id": serving.pk,
                    "requested_part_id": requested.pk,
                    "source": DemandSource.COUNTER if counter else DemandSource.WORKSHOP,
                    "document_ref": ref,
                    "repair_order_ref": repair_order_ref,
                    "quantity_requested": line.quantity,
                    "quantity_supplied": supplied,
                    "quantity_lost": lost,
                    "unit_price": price,
                    "sales_value": sales,
                    "cost_value": cost,
                },
            )
            if counter:
                sold = CounterSaleLine(
                    sale=sale,
                    requested_part=requested,
                    part=serving,
                    quantity_requested=line.quantity,
                    quantity_supplied=supplied,
                    unit_price=price,
                    sales_value=sales,
                    cost_value=cost,
                )
                self.refer(sold, "hit_id", hit)
                self.keep(sold)
                continue
            row = WorkshopRequestLine(
                request=request,
                requested_part=requested,
                part=serving,
                quantity_requested=line.quantity,
                quantity_supplied=supplied,
                quantity_backordered=short - lost,
                quantity_lost=lost,
                unit_price=price,
                sales_value=sales,
                cost_value=cost,
            )
            self.refer(row, "hit_id", hit)
            self.keep(row)
            rows.append(row)
            if short - lost > 0:
                backorder = Backorder(
                    line=row, warehouse=warehouse, part=serving, requested_at=at, quantity=short - lost
                )
                self.keep(backorder)
                request.demo_backorders[line.served] = backorder  # type: ignore[attr-defined]
                self.waiting_backorders[(serving.pk, warehouse.pk)].append(backorder)
                self.level(*key).backordered += short - lost
                self.waiting[key] += short - lost
                shortages.append(key)
        if counter:
            return
        request.state = _state_of(rows, has_open_backorders=bool(request.demo_backorders))  # type: ignore[attr-defined]
        for key in dict.fromkeys(shortages):
            self.source_shortage(request, key, at)

    def fill_backorders(self, key: tuple[int, str], user, at: datetime) -> None:
        """Stock came in: open backorders of the level take it, oldest request first (``backorders_fill``)."""
        level = self.level(*key)
        if level.backordered <= 0 or level.available <= 0:
            return
        queue = self.waiting_backorders[(level.part_id, level.warehouse_id)]
        available, total = level.available, ZERO
        while queue:
            backorder = queue[0]
            quantity = _first_pick(backorder.part, backorder.open_quantity, available)
            if quantity <= 0:
                break
            line = backorder.line
            request = line.request
            movement = self.move(
                MovementKind.ISSUE,
                key,
                -quantity,
                user=user,
                at=at,
                document_type="workshop_backorder",
                document_ref=request.number,
            )
            available -= quantity
            total += quantity
            backorder.quantity_filled += quantity
            if backorder.open_quantity == 0:
                backorder.state, backorder.closed_at = BackorderState.FILLED, at
                queue.pop(0)
            sales, cost = money(quantity * line.unit_price), -movement.value
            line.quantity_filled += quantity
            line.sales_value += sales
            line.cost_value += cost
            hit = line.__dict__["demo_refs"]["hit_id"].values
            hit["sales_value"] += sales
            hit["cost_value"] += cost
            request.state = RequestState.TO_PICK
            params = {
                "quantity": f"{quantity.normalize():f}",
                "part": backorder.part.number,
                "request": request.number,
                "repair_order": request.repair_order.number,
                "warehouse": key[1],
            }
            self.note(
                [request.requested_by],
                "",
                lambda request=request, params=params: (
                    gettext_noop(
                        "Backorder filled: %(quantity)s × %(part)s for %(request)s (repair order %(repair_order)s) "
                        "is ready at %(warehouse)s."
                    ),
                    params,
                    reverse("inventory:request-detail", args=[request.pk]),
                ),
            )
            if available <= 0:
                break
        level.backordered -= total

    def close_repair_orders(self, day: date) -> None:
        if not self.batch:
            return super().close_repair_orders(day)
        closed_at = self.at(day, 18 * 60)
        for repair_order in self.repair_orders:
            repair_order.closed_at = max(closed_at, repair_order.opened_at)
        self.repair_orders = []
