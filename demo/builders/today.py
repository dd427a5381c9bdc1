"""Today's desk, after the history: ratings, a replenishment run, counts, a PO to approve, VMI proposals.

Each step goes through its app's service, as a user would trigger it, so the
screens open on work waiting: the supplier ratings of every month, the
planner's proposals, a cycle count half entered, a purchase order above the
approval threshold in draft for the manager, and supplier proposals for
vendor-managed parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.db.models import Count, F

from counting.models import CountLine
from counting.services import count_line_enter, count_lines_start, count_plan_build_all
from inventory.demand.services.transfers import transfer_order_create, transfer_order_send
from inventory.models import Part, StockLevel, Warehouse
from inventory.services.freezes import stock_freeze, stock_freeze_release
from planning.services.parameters import parameter_flags_set
from planning.services.replenishment import replenishment_run
from planning.services.vmi import vmi_propose
from suppliers.models import OrderType, Supplier, SupplierPart
from suppliers.services.orders import approval_threshold, purchase_order_create
from suppliers.services.rating import supplier_rating_compute

from ..profiles import add_months
from .exchange import exchange_market

VMI_PARTS = 4  # OEM parts the manufacturer manages in the Hamburg store
COUNTED_SHARE = 2  # every second line of the first count list is entered: the rest waits


@dataclass(frozen=True)
class Desk:
    ratings: int
    proposals: int
    count_lists: int
    count_lines_entered: int
    vmi_proposals: int
    approval_order: str


def suppliers_rate_months(*, first: date, today: date) -> int:
    """Rate the suppliers for every finished month of the history, oldest first."""
    month, last, rated = first.replace(day=1), today.replace(day=1), 0
    while month < last:
        rated += len(supplier_rating_compute(month=month))
        month = add_months(month, 1)
    return rated


def replenishment_today(*, users: dict, today: date) -> int:
    return replenishment_run(user=users["planner"], today=today).proposals


def counts_in_progress(*, users: dict, warehouses: dict[str, Warehouse], today: date) -> tuple[int, int]:
    """Today's cycle count lists; the Hamburg store's is started and half entered, blind as a clerk counts."""
    results = [result for result in count_plan_build_all(day=today) if result.count_list is not None]
    entered = 0
    started = next((r.count_list for r in results if r.warehouse.code == "ST-HAM"), None)
    if started is None and results:
        started = results[0].count_list
    if started is not None:
        clerk = users["clerk"] if started.warehouse.code == "ST-HAM" else users["clerk-central"]
        count_lines_start(count_list=started, user=clerk, all_bins=True)
        lines = list(CountLine.objects.filter(count_list=started).select_related("part").order_by("pk"))
        for index, line in enumerate(lines):
            if index % COUNTED_SHARE:
                continue
            on_hand = StockLevel.objects.filter(part=line.part, warehouse=started.warehouse).values_list(
                "on_hand", flat=True
            )
            quantity = on_hand[0] if on_hand else Decimal(0)
            # one line in five is miscounted by one: variances for the planner to approve
            if index % 5 == 0 and quantity > 0:
                quantity -= 1
            count_line_enter(line=line, quantity=quantity, user=clerk)
            entered += 1
    return len(results), entered


def vmi_proposals(*, users: dict, warehouses: dict[str, Warehouse]) -> int:
    """The manufacturer manages a few fast parts in Hamburg and proposes their replenishment."""
    store = warehouses["ST-HAM"]
    oem = Supplier.objects.get(code="OEM")
    levels = (
        StockLevel.objects.filter(warehouse=store, max_qty__gt=0, part__supplier_parts__supplier=oem)
        .select_related("part")
        .order_by("-max_qty", "part__number")[:VMI_PARTS]
    )
    proposed = 0
    for level in levels:
        parameter_flags_set(part=level.part, warehouse=store, user=users["planner"], is_vmi=True)
        quantity = max(level.max_qty - level.on_hand, Decimal(1))
        vmi_propose(
            part=level.part,
            warehouse=store,
            quantity=quantity,
            user=users["supplier"],
            note="Refill to the agreed maximum.",
        )
        proposed += 1
    return proposed


def order_awaiting_approval(*, users: dict, warehouses: dict[str, Warehouse]) -> str:
    """A stock order for the central warehouse above the approval threshold, left in draft for the manager."""
    threshold = approval_threshold()
    offer = (
        SupplierPart.objects.filter(is_preferred=True, supplier__code="SACHS", price__gt=0)
        .select_related("part", "supplier")
        .order_by("-price", "part__number")
        .first()
    )
    if offer is None:
        offer = SupplierPart.objects.filter(is_preferred=True, price__gt=0).select_related("part", "supplier").first()
    if offer is None:
        return ""
    part: Part = offer.part
    quantity = (threshold / offer.price * Decimal("1.2")).to_integral_value(rounding=ROUND_CEILING)
    packs = (quantity / offer.pack_size).to_integral_value(rounding=ROUND_CEILING)
    quantity = max(packs * offer.pack_size, offer.min_order_qty)
    order = purchase_order_create(
        supplier=offer.supplier,
        warehouse=warehouses["CEN"],
        order_type=OrderType.STOCK,
        lines=[(part, quantity, None)],
        user=users["purchaser"],
    )
    return order.number


def transfers_waiting(*, users: dict, warehouses: dict[str, Warehouse]) -> int:
    """Two requests from the Hamburg store to its regional warehouse: one to pick and send, one in transit."""
    source, store = warehouses["REG-N"], warehouses["ST-HAM"]
    surplus = list(
        StockLevel.objects.filter(warehouse=source, on_hand__gt=F("min_qty") + F("reserved") + F("quarantined") + 1)
        .select_related("part")
        .order_by("-on_hand", "part__number")[:4]
    )
    if len(surplus) < 2:
        return 0
    half = len(surplus) // 2
    waiting = transfer_order_create(
        from_warehouse=source,
        to_warehouse=store,
        lines=[(level.part, Decimal(1)) for level in surplus[:half]],
        user=users["clerk"],
    )
    in_transit = transfer_order_create(
        from_warehouse=source,
        to_warehouse=store,
        lines=[(level.part, Decimal(1)) for level in surplus[half:]],
        user=users["clerk"],
    )
    transfer_order_send(transfer=in_transit, user=users["clerk-north"])
    return len([waiting, in_transit])


def freezes_open(*, users: dict, warehouses: dict[str, Warehouse]) -> int:
    """A supplier recall frozen across the network by the planner; a suspect batch the clerk froze and half released."""
    store = warehouses["ST-HAM"]
    # Parts held in several warehouses make the network freeze show what it does; the largest stock, for a stable pick.
    spread = list(
        StockLevel.objects.filter(on_hand__gt=F("reserved") + F("quarantined") + 2)
        .values("part_id")
        .annotate(places=Count("warehouse_id"))
        .filter(places__gte=2)
        .order_by("-places", "part_id")
        .values_list("part_id", flat=True)[:1]
    )
    frozen = 0
    if spread:
        recall = Part.objects.get(pk=spread[0])
        frozen += len(
            stock_freeze(
                part=recall,
                reason="supplier recall: brake hoses of lot 2611",
                reference="RC-2611",
                user=users["planner"],
            )
        )
    suspect = (
        StockLevel.objects.filter(warehouse=store, on_hand__gt=F("reserved") + F("quarantined") + 4)
        .exclude(part_id__in=spread)
        .select_related("part")
        .order_by("-on_hand", "part__number")
        .first()
    )
    if suspect is not None:
        [freeze] = stock_freeze(
            part=suspect.part,
            warehouse=store,
            quantity=Decimal(4),
            reason="suspect batch: torn packaging",
            user=users["clerk"],
        )
        stock_freeze_release(freeze=freeze, quantity=Decimal(2), note="two checked and fine", user=users["clerk"])
        frozen += 1
    return frozen


def desk_prepare(*, users: dict, warehouses: dict[str, Warehouse], first: date, today: date, write) -> Desk:
    """Run the steps after the history, writing one line per step with its time."""
    import time

    def step(label: str, action):
        started = time.monotonic()
        result = action()
        write(f"  {label}: {result} ({time.monotonic() - started:.1f} s)")
        return result

    ratings = step("supplier ratings", lambda: suppliers_rate_months(first=first, today=today))
    proposals = step("replenishment run, proposals", lambda: replenishment_today(users=users, today=today))
    lists, entered = step(
        "count lists today / lines entered", lambda: counts_in_progress(users=users, warehouses=warehouses, today=today)
    )
    vmi = step("VMI proposals", lambda: vmi_proposals(users=users, warehouses=warehouses))
    step("transfers to send / receive", lambda: transfers_waiting(users=users, warehouses=warehouses))
    step("freezes open", lambda: freezes_open(users=users, warehouses=warehouses))
    order = step("order awaiting approval", lambda: order_awaiting_approval(users=users, warehouses=warehouses))
    step("dealer exchange", lambda: exchange_market(users=users))
    return Desk(ratings, proposals, lists, entered, vmi, order)
