# ruff: noqa: S311 -- seeded pseudo-random numbers for demo data, not for secrets
"""Twenty-four months of a dealer's stock history, posted day by day through the services.

A small simulation decides what happens; the services post it, back-dated:

- demand documents from ``demo.profiles.generate_demand`` become workshop
  requests for repair orders and counter sales (``inventory.demand.services``):
  the first pick, backorders, lost demand and one hit per line;
- each warehouse reviews its stock on fixed weekdays and orders up to its
  maximum, one stock purchase order per supplier (``suppliers.services``);
  goods receipts record arrival and posting time (mostly within two hours)
  and fill open backorders, oldest request first;
- a workshop shortfall is sourced by a transfer order from a neighbour with
  surplus, else from the parent warehouse, else by an emergency order to the
  preferred supplier; slow movers a store does not stock are ordered this way;
- a few receipt lines go on quality hold and are released or rejected; some
  stock of superseded numbers is scrapped.

The simulation keeps a mirror of available stock and open backorders to
decide quantities, but every change of stock goes through the services, so
the ledger and the levels stay the single truth (``verify_ledger`` proves it).
One transaction per week.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from inventory import services
from inventory.demand.services import requests as demand_services
from inventory.demand.services import transfers as transfer_services
from inventory.models import Backorder, BackorderState, Bin, LimitSource, Part, RepairOrder, TransferOrder, Warehouse
from inventory.quantities import money
from inventory.services.bulk import stock_level_set_parameters_bulk, stock_opening_balances_bulk
from suppliers import services as purchasing
from suppliers.models import GoodsReceiptLine, HoldState, OrderType, PurchaseOrder, Supplier
from suppliers.services.orders import approval_threshold

from ..logins import CLERK_OF, WORKSHOP_OF
from ..profiles import (
    COUNTER,
    DEAD,
    FAST,
    MEDIUM,
    NEIGHBOURS,
    NETWORK,
    NEW,
    SUPPLIERS,
    WAREHOUSE_BY_CODE,
    Catalogue,
    DemandDocument,
    Family,
    StockPolicy,
    add_months,
    stock_policy,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
from .hits import HitDraft, demand_hits_record

ZERO = Decimal("0")
QUARANTINE_CATEGORIES = {"Body", "Lighting", "Electrics", "Suspension", "Air conditioning", "Exhaust"}
SUPPLIER_BY_CODE = {s.code: s for s in SUPPLIERS}
PRICE_DRIFT_PER_YEAR = 0.03  # purchase prices rose over the two years
# The dealer has run its workshop on this system for the last three months; older demand
# was imported from the previous dealer system as issues and hits (no request documents).
DOCUMENT_MONTHS = 3
QUALITY_RELEASE_NOTE = "Inspected: fine."
QUALITY_REJECT_REASON = "Damaged in transit."
SCRAP_REASON = "Superseded number, obsolete stock written off."


def delivery_note(order: PurchaseOrder) -> str:
    """The supplier's delivery note number of a delivery against ``order`` (from the order's number)."""
    return "DN" + order.number.removeprefix("PO-").replace("-", "")


@dataclass
class Delivery:
    """Goods on their way to a warehouse: some lines of a purchase order, or a transfer order."""

    kind: str  # stock, emergency, transfer
    warehouse: str
    lines: list[tuple[int, Decimal]]  # part index, quantity
    order: PurchaseOrder | None = None
    transfer: TransferOrder | None = None
    from_warehouse: str = ""
    arrived: int = 0  # minute the goods arrived (receipts are posted a little later)


@dataclass
class Stats:
    counts: Counter = field(default_factory=Counter)
    requested: Decimal = ZERO
    supplied: Decimal = ZERO
    first_pick_sum: float = 0.0
    workshop_lines: int = 0

    def first_pick(self) -> float | None:
        return self.first_pick_sum / self.workshop_lines if self.workshop_lines else None


def _at_any_time(action: Callable[[], object]) -> Callable[[datetime], None]:
    """A scheduled task that does not need the moment it runs at."""

    def run(when: datetime) -> None:
        action()

    return run


class HistoryBuilder:
    def __init__(
        self,
        *,
        catalogue: Catalogue,
        documents: list[DemandDocument],
        parts: list[Part],
        warehouses: dict[str, Warehouse],
        bins: dict[str, list[Bin]],
        users: dict[str, User],
        suppliers: dict[str, Supplier],
        seed: int,
        write: Callable[[str], None],
    ) -> None:
        self.catalogue = catalogue
        self.parts = parts
        self.warehouses = warehouses
        self.bins = bins
        self.users = users
        self.suppliers = suppliers
        self.write = write
        self.rng = random.Random(f"{seed}-history")
        self.family_of = {p.index: catalogue.families[p.family] for p in catalogue.parts}
        self.documents_by_day: dict[date, list[DemandDocument]] = defaultdict(list)
        for document in documents:
            self.documents_by_day[document.day].append(document)
        self.threshold = approval_threshold()
        self.zone = timezone.get_current_timezone()
        self.index_of = {part.pk: index for index, part in enumerate(parts)}

        # The mirror: what the services hold, kept in step to decide quantities without reading back.
        self.stock: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        self.frozen: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        self.on_order: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        self.waiting: dict[tuple[int, str], Decimal] = defaultdict(Decimal)  # open backorders
        self.policy: dict[tuple[int, str], StockPolicy] = {}
        self.stocked: dict[str, set[int]] = {w.code: set() for w in NETWORK}
        self.arrivals: dict[date, list[tuple[int, Delivery]]] = defaultdict(list)
        self.tasks: dict[date, list[tuple[int, Callable[[datetime], None]]]] = defaultdict(list)
        self.neighbours: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for first, second, days in NEIGHBOURS:
            self.neighbours[first].append((second, days))
            self.neighbours[second].append((first, days))
        self.repair_orders: list[RepairOrder] = []
        self.emergencies: dict[tuple[str, str], list[tuple[int, Decimal]]] = defaultdict(list)
        self.documents_from = add_months(catalogue.today.replace(day=1), -(DOCUMENT_MONTHS - 1))
        # Imported (pre-system) backorders are the loader's own: filled by plain issues on arrival.
        self.imported_waiting: dict[tuple[int, str], list[list]] = defaultdict(list)
        self.hits: list[HitDraft] = []
        self.month = Stats()
        self.total = Stats()

    # --- helpers --------------------------------------------------------------------------

    def at(self, day: date, minute: int) -> datetime:
        minute = max(0, min(minute, 23 * 60 + 59))
        # ``timezone.make_aware`` in the current zone, without looking the zone up on every call.
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)

    def clerk(self, code: str):
        return self.users[CLERK_OF[code]]

    def bin_for(self, part_index: int, code: str) -> Bin:
        rows = self.bins[code]
        return rows[(part_index * 7919) % len(rows)]

    def unit_cost(self, part_index: int, day: date) -> Decimal:
        """The preferred supplier's price, a little lower in the past (prices rose)."""
        price = self.catalogue.parts[part_index].preferred_offer.price
        years_before = (self.catalogue.today - day).days / 365
        factor = Decimal(str(round(1 - PRICE_DRIFT_PER_YEAR * years_before, 4)))
        return money(price * factor)

    def lead_time(self, part_index: int) -> int:
        return self.catalogue.parts[part_index].preferred_offer.lead_time_days

    def available(self, key: tuple[int, str]) -> Decimal:
        return self.stock[key] - self.frozen[key]

    def in_order_unit(self, part_index: int, quantity: Decimal) -> Decimal:
        """A quantity in stock units (a whole number of packs) in the preferred supplier's purchase unit."""
        return quantity / self.catalogue.parts[part_index].preferred_offer.purchase_factor

    def round_to_pack(self, part_index: int, quantity: Decimal, *, moq: bool) -> Decimal:
        offer = self.catalogue.parts[part_index].preferred_offer
        packs = (quantity / offer.pack_size).to_integral_value(rounding=ROUND_CEILING)
        quantity = max(packs, Decimal(1)) * offer.pack_size
        if moq:
            quantity = max(quantity, offer.min_order_quantity)
        return quantity

    def start_stocking(self, part_index: int, code: str) -> StockPolicy:
        policy = stock_policy(
            family=self.family_of[part_index],
            warehouse=code,
            lead_time_days=self.lead_time(part_index),
            review_days=7 / len(WAREHOUSE_BY_CODE[code].review_weekdays),
            pack_size=self.catalogue.parts[part_index].preferred_offer.pack_size,
        )
        self.policy[(part_index, code)] = policy
        if policy.max_qty > 0:
            self.stocked[code].add(part_index)
        return policy

    def count(self, what: str, n: int = 1) -> None:
        self.month.counts[what] += n
        self.total.counts[what] += n

    def inbound(self, key: tuple[int, str], quantity: Decimal, at: datetime, *, held: bool = False) -> None:
        """Stock came in: the services give it to open backorders first (oldest first), then imported ones."""
        self.stock[key] += quantity
        if held:
            self.frozen[key] += quantity
        whole = self.catalogue.parts[key[0]].unit != "L"
        if self.waiting[key] > 0 and self.available(key) > 0:
            filled = min(self.waiting[key], self.available(key))
            if whole:
                filled = filled.to_integral_value(rounding="ROUND_DOWN")
            self.stock[key] -= filled
            self.waiting[key] -= filled
            self.count("backorder fills")
        queue = self.imported_waiting.get(key)
        while queue and self.available(key) > 0:
            ref, open_quantity = queue[0]
            take = min(open_quantity, self.available(key))
            self.issue(key, take, document_type="workshop_backorder", ref=ref, at=at + timedelta(minutes=5))
            self.count("backorder fills")
            queue[0][1] -= take
            if queue[0][1] <= 0:
                queue.pop(0)

    def issue(self, key: tuple[int, str], quantity: Decimal, *, document_type: str, ref: str, at: datetime) -> Decimal:
        part_index, code = key
        movement = services.stock_issue(
            part=self.parts[part_index],
            warehouse=self.warehouses[code],
            quantity=quantity,
            user=self.clerk(code),
            document_type=document_type,
            document_ref=ref,
            posted_at=at,
        )
        self.stock[key] -= quantity
        return -movement.value

    def open_backorders(self, key: tuple[int, str]) -> Decimal:
        return self.waiting[key] + sum((entry[1] for entry in self.imported_waiting.get(key, ())), ZERO)

    # --- purchasing ---------------------------------------------------------------------------

    def purchase(
        self,
        code: str,
        supplier: str,
        lines: list[tuple[int, Decimal]],
        *,
        kind: str,
        day: date,
        minute: int,
        reserved: bool = False,
    ) -> None:
        """Create, (approve,) send a purchase order, and schedule its delivery.

        ``reserved``: the quantities already count as on order (emergencies collected during the day).
        """
        profile = SUPPLIER_BY_CODE[supplier]
        express = kind == "emergency" and all(self.family_of[p].demand_class in (FAST, MEDIUM, NEW) for p, _ in lines)
        lead = 1 + (self.rng.random() < 0.4) if express else max(self.lead_time(p) for p, _ in lines)
        value = sum((q * self.catalogue.parts[p].preferred_offer.price for p, q in lines), ZERO)
        approve = value > self.threshold
        order = self.post_order(
            code,
            supplier,
            lines,
            kind=kind,
            created=self.at(day, minute),
            expected=day + timedelta(days=lead),
            approve=approve,
        )
        if approve:
            self.count("approvals")
        self.count(f"{kind} orders")
        self.count(f"{kind} order lines", len(lines))
        if not reserved:
            for part_index, quantity in lines:
                self.on_order[(part_index, code)] += quantity
        if not express and self.rng.random() > profile.on_time:
            lead += self.rng.randint(1, 6)  # late delivery: the rating will show it
        arrives = day + timedelta(days=lead)
        # One delivery in twenty comes in two parts: the last line a few days after the rest.
        if len(lines) > 1 and self.rng.random() < 0.05:
            self.deliver(Delivery(kind, code, lines[:-1], order=order), arrives)
            self.deliver(
                Delivery(kind, code, lines[-1:], order=order), arrives + timedelta(days=self.rng.randint(2, 5))
            )
        else:
            self.deliver(Delivery(kind, code, lines, order=order), arrives)

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
        """Create the order, approve it when it is above the limit, and send it: 30 minutes in all."""
        purchaser = self.users["purchaser"]
        order = purchasing.purchase_order_create(
            supplier=self.suppliers[supplier],
            warehouse=self.warehouses[code],
            order_type=OrderType.EMERGENCY if kind == "emergency" else OrderType.STOCK,
            lines=[(self.parts[p], self.in_order_unit(p, q), None) for p, q in lines],
            user=purchaser,
            expected_date=expected,
            created_at=created,
        )
        if approve:
            purchasing.purchase_order_approve(
                order=order, user=self.users["manager"], approved_at=created + timedelta(minutes=20)
            )
        purchasing.purchase_order_send(order=order, user=purchaser, sent_at=created + timedelta(minutes=30))
        return order

    def deliver(self, delivery: Delivery, arrives: date) -> None:
        if arrives >= self.catalogue.today:
            return  # still on order today: the receiving screen has something to do
        delivery.arrived = self.rng.randint(7 * 60, 10 * 60)
        late = self.rng.random() >= 0.88
        delay = self.rng.randint(130, 420) if late else self.rng.randint(10, 115)
        self.arrivals[arrives].append((delivery.arrived + delay, delivery))

    def receive_goods(self, delivery: Delivery, day: date, minute: int) -> None:
        code = delivery.warehouse
        lines = []
        for part_index, quantity in delivery.lines:
            hold = self.catalogue.parts[part_index].category in QUARANTINE_CATEGORIES and self.rng.random() < 0.015
            lines.append((part_index, quantity, hold))
        held_lines = self.post_receipt(
            delivery, lines, arrived_at=self.at(day, delivery.arrived), at=self.at(day, minute)
        )
        self.count("goods receipts")
        self.count("receipt lines", len(lines))
        for part_index, quantity, hold in lines:
            key = (part_index, code)
            self.on_order[key] -= quantity
            self.inbound(key, quantity, self.at(day, minute), held=hold)
        if held_lines:
            self.count("quality holds", len(held_lines))
            decide = day + timedelta(days=self.rng.randint(1, 4))
            for line in held_lines:
                release = self.rng.random() < 0.6
                self.tasks[decide].append((11 * 60, partial(self.quality_decision, line, release)))

    def post_receipt(
        self, delivery: Delivery, lines: list[tuple[int, Decimal, bool]], *, arrived_at: datetime, at: datetime
    ) -> list[GoodsReceiptLine]:
        """Post the goods receipt of (part index, quantity, on hold) lines; return its lines on hold."""
        order = delivery.order
        code = delivery.warehouse
        if order is None:
            raise RuntimeError(f"A {delivery.kind} delivery to {code} has no purchase order to receive against.")
        po_lines = {line.part_id: line for line in order.lines.all()}
        receipt = purchasing.goods_receipt_post(
            order=order,
            lines=[
                purchasing.ReceiptLineInput(
                    quantity=self.in_order_unit(part_index, quantity),
                    po_line=po_lines[self.parts[part_index].pk],
                    bin=self.bin_for(part_index, code),
                    hold=hold,
                )
                for part_index, quantity, hold in lines
            ],
            user=self.clerk(code),
            arrived_at=arrived_at,
            posted_at=at,
            delivery_note=delivery_note(order),
        )
        if not any(hold for *_, hold in lines):
            return []
        return list(GoodsReceiptLine.objects.filter(receipt=receipt, hold_state=HoldState.HELD).order_by("pk"))

    def quality_decision(self, line: GoodsReceiptLine, release: bool, when: datetime) -> None:
        part_index = self.index_of[line.part_id]
        key = (part_index, line.receipt.warehouse.code)
        self.post_quality_decision(line, release, when)
        if release:
            self.count("quality releases")
        else:
            self.stock[key] -= line.quantity
            self.count("quality rejects")
        self.frozen[key] -= line.quantity

    def post_quality_decision(self, line: GoodsReceiptLine, release: bool, when: datetime) -> None:
        if release:
            purchasing.goods_receipt_line_release(
                line=line, user=self.users["purchaser"], note=QUALITY_RELEASE_NOTE, released_at=when
            )
        else:
            purchasing.goods_receipt_line_reject(
                line=line, user=self.users["purchaser"], reason=QUALITY_REJECT_REASON, rejected_at=when
            )

    # --- transfers ----------------------------------------------------------------------------

    def transfer_for(
        self, request, key: tuple[int, str], source: str, quantity: Decimal, lead: int, at: datetime
    ) -> None:
        """A transfer order for a shortage, sent at once; the transfer-in fills the backorder."""
        part_index, code = key
        transfer = self.post_transfer(request, key, source, quantity, at)
        self.stock[(part_index, source)] -= quantity
        self.on_order[key] += quantity
        self.count("transfers")
        delivery = Delivery("transfer", code, [(part_index, quantity)], transfer=transfer, from_warehouse=source)
        arrives = at.date() + timedelta(days=lead)
        if arrives < self.catalogue.today:
            self.arrivals[arrives].append((self.rng.randint(8 * 60, 11 * 60), delivery))

    def post_transfer(
        self, request, key: tuple[int, str], source: str, quantity: Decimal, at: datetime
    ) -> TransferOrder:
        """Create the transfer order (for the request's backorder when there is one) and send it 50 minutes later."""
        part_index, code = key
        backorder = None
        if request is not None:
            backorder = Backorder.objects.filter(
                line__request=request, part=self.parts[part_index], state=BackorderState.OPEN
            ).first()
        if backorder is not None and backorder.open_quantity >= quantity:
            transfer = transfer_services.backorder_source_by_transfer(
                backorder=backorder,
                from_warehouse=self.warehouses[source],
                quantity=quantity,
                user=self.clerk(code),
                now=at,
            )
        else:
            transfer = transfer_services.transfer_order_create(
                from_warehouse=self.warehouses[source],
                to_warehouse=self.warehouses[code],
                lines=[(self.parts[part_index], quantity)],
                user=self.clerk(code),
                now=at,
            )
        transfer_services.transfer_order_send(
            transfer=transfer, user=self.clerk(source), now=at + timedelta(minutes=50)
        )
        return transfer

    def receive_transfer(self, delivery: Delivery, day: date, minute: int) -> None:
        if delivery.transfer is None:
            raise RuntimeError(f"A transfer delivery to {delivery.warehouse} has no transfer order to receive.")
        self.post_transfer_receipt(delivery, self.at(day, minute))
        for part_index, quantity in delivery.lines:
            key = (part_index, delivery.warehouse)
            self.on_order[key] -= quantity
            self.inbound(key, quantity, self.at(day, minute))

    def post_transfer_receipt(self, delivery: Delivery, at: datetime) -> None:
        if delivery.transfer is None:
            raise RuntimeError(f"A transfer delivery to {delivery.warehouse} has no transfer order to receive.")
        transfer_services.transfer_order_receive(
            transfer=delivery.transfer, user=self.clerk(delivery.warehouse), now=at
        )

    def arrive(self, delivery: Delivery, day: date, minute: int) -> None:
        if delivery.kind == "transfer":
            self.receive_transfer(delivery, day, minute)
        else:
            self.receive_goods(delivery, day, minute)

    # --- demand -------------------------------------------------------------------------------

    def demand(self, document: DemandDocument) -> None:
        if document.day >= self.documents_from:
            self.demand_documents(document)
        else:
            self.demand_imported(document)
        self.count("demand hits", len(document.lines))
        if document.source == COUNTER:
            self.count("counter sales")
        else:
            self.count("workshop requests")

    def first_pick(self, document: DemandDocument, line, key: tuple[int, str]) -> tuple[Decimal, Decimal, bool]:
        """What the shelf gives at once, what is short, and whether the shortage is cancelled (lost)."""
        supplied = min(line.quantity, max(self.available(key), ZERO))
        if self.catalogue.parts[line.served].unit != "L":
            supplied = supplied.to_integral_value(rounding="ROUND_DOWN")
        short = line.quantity - supplied
        cancel = document.source == COUNTER or (short > 0 and self.rng.random() < 0.08)
        for stats in (self.month, self.total):
            stats.requested += line.quantity
            stats.supplied += supplied
            if document.source != COUNTER:
                stats.workshop_lines += 1
                stats.first_pick_sum += float(min(Decimal(1), supplied / line.quantity))
        return supplied, short, cancel

    def demand_documents(self, document: DemandDocument) -> None:
        """A workshop request for a repair order, or a counter sale, through the demand services."""
        at = self.at(document.day, document.minute)
        code = document.warehouse
        warehouse = self.warehouses[code]
        lines, shortages = [], []
        for line in document.lines:
            key = (line.served, code)
            supplied, short, cancel = self.first_pick(document, line, key)
            lines.append(
                demand_services.DemandLine(
                    part=self.parts[line.requested], quantity=line.quantity, cancel_shortage=cancel
                )
            )
            self.stock[key] -= supplied
            if short > 0 and not cancel:
                self.waiting[key] += short
                shortages.append(key)
        if document.source == COUNTER:
            demand_services.counter_sale_post(warehouse=warehouse, lines=lines, user=self.clerk(code), occurred_at=at)
            return
        repair_order = demand_services.repair_order_open(
            number=document.repair_order_ref, warehouse=warehouse, opened_at=at
        )
        self.repair_orders.append(repair_order)
        request = demand_services.workshop_request_submit(
            repair_order=repair_order,
            warehouse=warehouse,
            lines=lines,
            user=self.users[WORKSHOP_OF[code]],
            occurred_at=at,
        )
        for key in dict.fromkeys(shortages):
            self.source_shortage(request, key, at)

    def demand_imported(self, document: DemandDocument) -> None:
        """Older history: the same first pick as plain issues, and the hit the services would write."""
        at = self.at(document.day, document.minute)
        code = document.warehouse
        shortages = []
        for line in document.lines:
            key = (line.served, code)
            supplied, short, cancel = self.first_pick(document, line, key)
            cost = ZERO
            if supplied > 0:
                document_type = "counter_sale" if document.source == COUNTER else "workshop_request"
                cost = self.issue(key, supplied, document_type=document_type, ref=document.document_ref, at=at)
            lost = short if cancel else ZERO
            if short > 0 and not cancel:
                self.imported_waiting[key].append([document.document_ref, short])
                shortages.append(key)
            self.hits.append(
                HitDraft(
                    occurred_at=at,
                    warehouse=self.warehouses[code],
                    part=self.parts[line.served],
                    requested_part=self.parts[line.requested],
                    source=document.source,
                    document_ref=document.document_ref,
                    repair_order_ref=document.repair_order_ref,
                    quantity_requested=line.quantity,
                    quantity_supplied=supplied,
                    quantity_lost=lost,
                    cost_value=cost,
                )
            )
        for key in dict.fromkeys(shortages):
            self.source_shortage(None, key, at)

    def source_shortage(self, request, key: tuple[int, str], at: datetime) -> None:
        """Transfer from a neighbour with surplus, else from the parent, else an emergency order."""
        part_index, code = key
        need = self.open_backorders(key) - self.on_order[key]
        if need <= 0:
            return
        if self.family_of[part_index].demand_class in (FAST, MEDIUM, NEW):
            candidates = list(self.neighbours[code])
            parent = WAREHOUSE_BY_CODE[code].parent
            if parent:
                candidates.append((parent, 1 if WAREHOUSE_BY_CODE[code].echelon == "store" else 2))
            for source, lead in candidates:
                source_key = (part_index, source)
                reserve = self.policy.get(source_key, StockPolicy(ZERO, ZERO)).min_qty
                if self.available(source_key) - reserve >= need:
                    self.transfer_for(request, key, source, need, lead, at)
                    return
        # The day's emergency order to the preferred supplier (one per warehouse and supplier, sent at 15:00).
        quantity = self.round_to_pack(part_index, need, moq=False)
        supplier = self.catalogue.parts[part_index].preferred_offer.supplier
        self.on_order[key] += quantity
        self.emergencies[(code, supplier)].append((part_index, quantity))

    def send_emergency_orders(self, day: date) -> None:
        for (code, supplier), lines in sorted(self.emergencies.items()):
            self.purchase(code, supplier, lines, kind="emergency", day=day, minute=15 * 60, reserved=True)
        self.emergencies.clear()

    def close_repair_orders(self, day: date) -> None:
        closed_at = self.at(day, 18 * 60)
        for repair_order in self.repair_orders:
            demand_services.repair_order_close(
                repair_order=repair_order, closed_at=max(closed_at, repair_order.opened_at)
            )
        self.repair_orders = []

    # --- replenishment --------------------------------------------------------------------------

    def review(self, code: str, day: date) -> None:
        """Order up to max for every stocked part whose position fell to its min: one PO per supplier."""
        by_supplier: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
        # Every stocked part at every review: the hottest loop of the simulation, so its lookups are local.
        stock, on_order, waiting, imported, policies = (
            self.stock,
            self.on_order,
            self.waiting,
            self.imported_waiting,
            self.policy,
        )
        for part_index in sorted(self.stocked[code]):
            key = (part_index, code)
            policy = policies[key]
            position = stock[key] + on_order[key] - waiting[key]
            queue = imported.get(key)
            if queue:
                position -= sum((entry[1] for entry in queue), ZERO)
            if position > policy.min_qty:
                continue
            quantity = self.round_to_pack(part_index, policy.max_qty - position, moq=True)
            by_supplier[self.catalogue.parts[part_index].preferred_offer.supplier].append((part_index, quantity))
        for supplier, lines in sorted(by_supplier.items()):
            self.purchase(code, supplier, lines, kind="stock", day=day, minute=16 * 60)

    def list_part(self, part_index: int, code: str) -> None:
        """A part enters a warehouse's range: the next review orders its first stock."""
        self.start_stocking(part_index, code)

    def list_ahead(self, part_index: int, codes: tuple[str, ...], day: date) -> None:
        """Range a part early enough that its first delivery is on the shelf by ``day``."""
        ahead = day - timedelta(days=self.lead_time(part_index) + 8)
        for code in codes:
            if ahead <= self.catalogue.start:
                self.list_part(part_index, code)
            else:
                self.tasks[ahead].append((6 * 60, _at_any_time(partial(self.list_part, part_index, code))))

    def switch(self, family: Family, position: int, day: date) -> None:
        """A newer number takes over (its first stock came in days ago); the old one is no longer ordered."""
        old, new = family.members[position], family.members[position + 1]
        services.part_supersede(part=self.parts[old], new_part=self.parts[new])
        self.count("supersessions")
        for code in family.warehouses:
            self.stocked[code].discard(old)
            old_key = (old, code)
            if self.available(old_key) > 0 and self.rng.random() < 0.35:
                scrap_day = day + timedelta(days=self.rng.randint(60, 150))
                if scrap_day < self.catalogue.today:
                    self.tasks[scrap_day].append((15 * 60, partial(self.scrap_obsolete, old_key)))

    def scrap_obsolete(self, key: tuple[int, str], when: datetime) -> None:
        quantity = self.available(key)
        if quantity <= 0:
            return
        self.post_scrap(key, quantity, when)
        self.stock[key] -= quantity
        self.count("scraps")

    def post_scrap(self, key: tuple[int, str], quantity: Decimal, when: datetime) -> None:
        services.stock_scrap(
            part=self.parts[key[0]],
            warehouse=self.warehouses[key[1]],
            quantity=quantity,
            user=self.clerk(key[1]),
            reason=SCRAP_REASON,
            posted_at=when,
        )

    # --- the run --------------------------------------------------------------------------

    def opening_stock(self) -> None:
        """What the shelves held on the first day of history (an opening balance, not a purchase)."""
        start = self.catalogue.start
        opening: dict[str, list[tuple[Part, Warehouse, Decimal, Decimal, Bin]]] = defaultdict(list)
        for family in self.catalogue.families:
            if family.demand_class == NEW and family.starts_on and family.starts_on > start + timedelta(days=6):
                self.list_ahead(family.members[0], family.warehouses, family.starts_on)
                continue
            part_index = family.serving(start)
            for code in family.warehouses:
                policy = self.start_stocking(part_index, code)
                if family.demand_class == DEAD and family.ends_on is None:
                    self.stocked[code].discard(part_index)  # bought once for a campaign, never again
                    quantity = max(family.quantities) * self.rng.randint(1, 2)
                elif policy.max_qty > 0:
                    low = int(policy.min_qty) + 1
                    quantity = Decimal(self.rng.randint(min(low, int(policy.max_qty)), int(policy.max_qty)))
                else:
                    continue
                if family.demand_class == DEAD and family.ends_on is not None:
                    self.tasks[family.ends_on].append(
                        (23 * 60, _at_any_time(partial(self.stocked[code].discard, part_index)))
                    )
                opening[code].append(
                    (
                        self.parts[part_index],
                        self.warehouses[code],
                        quantity,
                        self.unit_cost(part_index, start),
                        self.bin_for(part_index, code),
                    )
                )
                self.stock[(part_index, code)] += quantity
                self.count("opening balances")
            for position, switch_day in enumerate(family.switch_days):
                self.list_ahead(family.members[position + 1], family.warehouses, switch_day)
                self.tasks[switch_day].append((5 * 60, partial(self._switch_at, family, position)))
        # One set-based posting per warehouse: the same ledger rules as a receipt per level.
        for code, balances in opening.items():
            stock_opening_balances_bulk(
                balances=balances,
                user=self.clerk(code),
                document_ref=f"OB-{start:%Y%m%d}",
                posted_at=self.at(start, 6 * 60),
            )

    def _switch_at(self, family: Family, position: int, when: datetime) -> None:
        self.switch(family, position, when.date())

    def run_day(self, day: date) -> None:
        events: list[tuple[int, int, Callable[[], None]]] = []
        for minute, task in self.tasks.pop(day, []):
            events.append((minute, 0, partial(task, self.at(day, minute))))
        for minute, delivery in self.arrivals.pop(day, []):
            events.append((minute, 1, partial(self.arrive, delivery, day, minute)))
        for document in self.documents_by_day.pop(day, []):
            events.append((document.minute, 2, partial(self.demand, document)))
        events.sort(key=lambda event: (event[0], event[1]))
        for _, _, run in events:
            run()
        self.close_repair_orders(day)
        self.send_emergency_orders(day)
        if self.hits:
            self.post_hits(self.hits)
            self.hits = []
        for profile in NETWORK:
            if day.weekday() in profile.review_weekdays:
                self.review(profile.code, day)

    def post_hits(self, hits: list[HitDraft]) -> None:
        demand_hits_record(hits)

    def run(self) -> Stats:
        """Post the history; one transaction per week (a month-end also ends one)."""
        start, today = self.catalogue.start, self.catalogue.today
        with transaction.atomic():
            self.opening_stock()
        day = start
        while day < today:
            with transaction.atomic():
                while day < today:
                    self.run_day(day)
                    tomorrow = day + timedelta(days=1)
                    if tomorrow.month != day.month or tomorrow == today:
                        self.report_month(day)
                    day = tomorrow
                    if day.weekday() == 0 or day.day == 1:
                        break
        return self.total

    def report_month(self, day: date) -> None:
        counts, first_pick = self.month.counts, self.month.first_pick()
        self.write(
            f"  {day:%Y-%m}: {counts['demand hits']:>6,} hits, first pick "
            f"{'-' if first_pick is None else f'{first_pick:.1%}'}, "
            f"{counts['goods receipts']:>5,} receipts, {counts['stock order lines']:>5,} stock / "
            f"{counts['emergency order lines']:>4,} emergency order lines, {counts['transfers']:>3,} transfers"
        )
        self.month = Stats()

    def finish(self) -> int:
        """Set the current min/max and default bin of every stocked part, as the planner left them."""
        parameters = [
            (
                self.parts[part_index],
                self.warehouses[code],
                self.policy[(part_index, code)].min_qty,
                self.policy[(part_index, code)].max_qty,
                self.bin_for(part_index, code),
            )
            for code, indices in self.stocked.items()
            for part_index in sorted(indices)
        ]
        stock_level_set_parameters_bulk(parameters=parameters, source=LimitSource.PLANNING_RUN)
        return len(parameters)
