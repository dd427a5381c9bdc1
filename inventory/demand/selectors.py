"""Reads for workshop demand, backorders, transfers and transfer-first sourcing.

Every list selector does its own joins so that a page costs a fixed number of
queries whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, F, Prefetch, Q, QuerySet, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory import quantities
from inventory.bin_order import Shelf, bins_to_take
from inventory.models import (
    Backorder,
    BackorderState,
    BinMovement,
    BinStock,
    MovementKind,
    Part,
    RequestState,
    StockLevel,
    TransferOrder,
    TransferOrderLine,
    TransferState,
    Warehouse,
    WarehouseNeighbour,
    WorkshopRequest,
    WorkshopRequestLine,
)
from inventory.selectors import default_bin_codes, part_by_number, part_chain

ZERO = Decimal("0")
OPEN_TRANSFER_STATES = (TransferState.REQUESTED, TransferState.SENT, TransferState.PARTIAL)


# --- availability while typing ------------------------------------------------------------


@dataclass(frozen=True)
class PlaceAvailability:
    warehouse: Warehouse
    available: Decimal
    lead_time_days: int | None  # None for the store itself


@dataclass(frozen=True)
class RequestAvailability:
    """What the request screen shows for a typed number: the serving part here and next door."""

    requested: Part
    serving: Part
    chain: list[Part]
    here: PlaceAvailability
    neighbours: list[PlaceAvailability]


def request_availability(*, number: str, warehouse: Warehouse) -> RequestAvailability | None:
    """Availability of the part serving ``number`` in ``warehouse`` and its neighbours (None: unknown number)."""
    part = part_by_number(number)
    if part is None:
        return None
    chain = part_chain(part)
    serving = chain[-1]
    links = list(WarehouseNeighbour.objects.filter(warehouse=warehouse).select_related("neighbour"))
    levels = {
        level.warehouse_id: level.available
        for level in StockLevel.objects.filter(
            part=serving, warehouse_id__in=[warehouse.pk, *(link.neighbour_id for link in links)]
        )
    }
    return RequestAvailability(
        requested=part,
        serving=serving,
        chain=chain,
        here=PlaceAvailability(warehouse, levels.get(warehouse.pk, ZERO), None),
        neighbours=[
            PlaceAvailability(link.neighbour, levels.get(link.neighbour_id, ZERO), link.transfer_lead_time_days)
            for link in links
        ],
    )


# --- requests, pick list, backorders -----------------------------------------------------------


def _lines_prefetch() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=WorkshopRequestLine.objects.select_related("part", "requested_part", "backorder").order_by("pk"),
    )


def workshop_request_list(
    *,
    warehouse_ids: Iterable[int] | None = None,
    state: str | None = None,
    requested_by=None,
    repair_order: str = "",
) -> QuerySet[WorkshopRequest]:
    """Requests newest first; ``repair_order`` finds the requests of one repair order by its number."""
    requests = WorkshopRequest.objects.select_related("repair_order", "warehouse", "requested_by").prefetch_related(
        _lines_prefetch()
    )
    if warehouse_ids is not None:
        requests = requests.filter(warehouse_id__in=list(warehouse_ids))
    if state:
        requests = requests.filter(state=state)
    if requested_by is not None:
        requests = requests.filter(requested_by=requested_by)
    if repair_order:
        requests = requests.filter(repair_order__number__iexact=repair_order)
    return requests.order_by("-created_at", "-id")


def workshop_request_get(*, pk: int) -> WorkshopRequest | None:
    return (
        WorkshopRequest.objects.select_related("repair_order", "warehouse", "requested_by", "picked_by")
        .prefetch_related(_lines_prefetch())
        .filter(pk=pk)
        .first()
    )


def issue_bins(*, request: WorkshopRequest) -> dict[int, str]:
    """Each issued part → the bins it was taken from in the request's store ("A-01" or "A-01 × 2, B-03 × 1").

    Read from the bins' ledger of the request's issues; stock that lay in no bin, and a part not
    issued yet, show the part's default bin, where the picker looks first.
    """
    defaults = {
        part_id: code
        for (part_id, _), code in default_bin_codes(
            (line.part_id, request.warehouse_id) for line in request.lines.all()
        ).items()
    }
    legs = (
        BinMovement.objects.filter(
            movement__document_type="workshop_request",
            movement__document_ref=request.number,
            warehouse_id=request.warehouse_id,
            quantity__lt=0,
        )
        .order_by("id")
        .values_list("part_id", "bin__code", "quantity")
    )
    taken: dict[int, dict[str, Decimal]] = {}
    for part_id, code, quantity in legs:
        place = code or defaults.get(part_id, "")
        shelves = taken.setdefault(part_id, {})
        shelves[place] = shelves.get(place, Decimal(0)) - quantity
    bins = dict(defaults)
    for part_id, shelves in taken.items():
        if len(shelves) == 1:
            bins[part_id] = next(iter(shelves))
        else:
            bins[part_id] = ", ".join(f"{code or '–'} × {quantity.normalize():f}" for code, quantity in shelves.items())
    return bins


def pick_list(*, warehouse_ids: Iterable[int] | None = None, day: date | None = None) -> QuerySet[WorkshopRequest]:
    """Requests with stock issued and not yet handed over, oldest first (the clerk's queue).

    Reservations appear from the day their repair order is booked for (``day``: today by default).
    """
    day = day or timezone.localdate()
    return (
        workshop_request_list(warehouse_ids=warehouse_ids, state=RequestState.TO_PICK)
        .filter(Q(booked_for__isnull=True) | Q(booked_for__lte=day))
        .order_by("created_at", "id")
    )


# Stock in no bin has no place on the route: it comes after every bin.
NO_BIN_ROUTE = 2**31


@dataclass(frozen=True)
class PickBin:
    """Where to take a quantity of a line from: the bin's code (empty: stock in no bin) and place on the route."""

    code: str
    quantity: Decimal
    route: int = NO_BIN_ROUTE


@dataclass(frozen=True)
class PickLine:
    line: WorkshopRequestLine
    bins: list[PickBin]


def pick_lines(requests: Iterable[WorkshopRequest]) -> dict[int, list[PickLine]]:
    """Each request's lines still to pick, along the pick route, with the bins to take each from.

    Stock already issued to a request lies where its issues took it (their bin
    entries); a reservation is taken at the pick in the order of
    ``inventory.bin_order``, which this shows ahead. Three queries for a page
    of requests, whatever their number.
    """
    requests = list(requests)
    lines = [(r, line) for r in requests for line in r.lines.all() if line.quantity_to_pick > 0]
    if not lines:
        return {r.pk: [] for r in requests}
    reserved_pairs = {(line.part_id, r.warehouse_id) for r, line in lines if line.quantity_reserved > 0}
    shelves: dict[tuple[int, int], list[Shelf]] = {}
    defaults: dict[tuple[int, int], int | None] = {}
    if reserved_pairs:
        stocks = BinStock.objects.filter(
            part_id__in={p for p, _ in reserved_pairs}, warehouse_id__in={w for _, w in reserved_pairs}, quantity__gt=0
        ).values_list("part_id", "warehouse_id", "bin_id", "quantity", "bin__route", "bin__code")
        for part_id, warehouse_id, bin_id, quantity, route, code in stocks:
            shelves.setdefault((part_id, warehouse_id), []).append(Shelf(bin_id, quantity, route or 0, code or ""))
        levels = StockLevel.objects.filter(
            part_id__in={p for p, _ in reserved_pairs}, warehouse_id__in={w for _, w in reserved_pairs}
        ).values_list("part_id", "warehouse_id", "default_bin_id")
        defaults = {(p, w): b for p, w, b in levels}
    issued: dict[tuple[str, int], list[Shelf]] = {}
    entries = (
        BinMovement.objects.filter(
            movement__document_ref__in={r.number for r in requests}, movement__kind=MovementKind.ISSUE
        )
        .values_list("movement__document_ref", "part_id", "bin_id", "bin__route", "bin__code")
        .annotate(taken=Sum("quantity"))
    )
    for ref, part_id, bin_id, route, code, taken in entries:
        issued.setdefault((ref, part_id), []).append(Shelf(bin_id, -taken, route or 0, code or ""))
    result: dict[int, list[PickLine]] = {r.pk: [] for r in requests}
    for r, line in lines:
        pair = (line.part_id, r.warehouse_id)
        # Issued stock first (it is off the shelf's books already), along the route; then the reservation.
        from_issues, _left = bins_to_take(
            issued.get((r.number, line.part_id), []),
            line.quantity_to_pick - line.quantity_reserved,
            default_bin_id=None,
        )
        from_reservation, left = bins_to_take(
            shelves.get(pair, []), line.quantity_reserved, default_bin_id=defaults.get(pair)
        )
        places = {shelf.bin_id: (shelf.route, shelf.code) for shelf in shelves.get(pair, [])}
        places |= {shelf.bin_id: (shelf.route, shelf.code) for shelf in issued.get((r.number, line.part_id), [])}
        picks: dict[int | None, Decimal] = {}
        for place, quantity in [*from_issues, *from_reservation]:
            picks[place] = picks.get(place, ZERO) + quantity
        if left > 0:
            picks[None] = picks.get(None, ZERO) + left
        bins = []
        for place, quantity in picks.items():
            route, code = places.get(place, (NO_BIN_ROUTE, "")) if place is not None else (NO_BIN_ROUTE, "")
            bins.append(PickBin(code, quantity, route))
        result[r.pk].append(PickLine(line, bins))
    for picked in result.values():
        # Along the route: a line goes where its first bin is; stock in no bin last.
        picked.sort(
            key=lambda pick: (*min(((b.route, b.code) for b in pick.bins), default=(NO_BIN_ROUTE, "")), pick.line.pk)
        )
    return result


def backorder_list(
    *,
    warehouse_ids: Iterable[int] | None = None,
    state: str | None = BackorderState.OPEN,
    requested_by=None,
    part: Part | None = None,
) -> QuerySet[Backorder]:
    """Backorders, oldest request first (the order they are filled in); ``part`` as served or as asked for."""
    backorders = Backorder.objects.select_related(
        "part",
        "warehouse__parent",
        "line__request__repair_order",
        "line__request__requested_by",
        "line__requested_part",
    )
    if warehouse_ids is not None:
        backorders = backorders.filter(warehouse_id__in=list(warehouse_ids))
    if state:
        backorders = backorders.filter(state=state)
    if requested_by is not None:
        backorders = backorders.filter(line__request__requested_by=requested_by)
    if part is not None:
        backorders = backorders.filter(Q(part=part) | Q(line__requested_part=part))
    return backorders.order_by("requested_at", "id")


def transfer_list(*, warehouse_ids: Iterable[int] | None = None, state: str | None = None) -> QuerySet[TransferOrder]:
    """Transfer orders touching the warehouses, outgoing or incoming: visible at both ends."""
    transfers = TransferOrder.objects.select_related(
        "from_warehouse", "to_warehouse", "created_by", "backorder"
    ).prefetch_related(Prefetch("lines", queryset=TransferOrderLine.objects.select_related("part").order_by("pk")))
    if warehouse_ids is not None:
        ids = list(warehouse_ids)
        transfers = transfers.filter(Q(from_warehouse_id__in=ids) | Q(to_warehouse_id__in=ids))
    if state == "open":
        transfers = transfers.filter(state__in=OPEN_TRANSFER_STATES)
    elif state:
        transfers = transfers.filter(state=state)
    return transfers.order_by("-created_at", "-id")


def transfer_get(*, pk: int) -> TransferOrder | None:
    return transfer_list().filter(pk=pk).first()


# --- transfer-first sourcing ------------------------------------------------------------


@dataclass(frozen=True)
class SourcingProposal:
    """One way to cover a backorder. ``rank`` orders them: neighbours, then the parent, then a supplier."""

    rank: int
    kind: str  # "neighbour" | "parent" | "emergency_order"
    quantity: Decimal
    warehouse: Warehouse | None = None
    available: Decimal = ZERO
    surplus: Decimal = ZERO
    lead_time_days: int | None = None
    supplier: object | None = None  # filled in by the purchasing side (suppliers.services.sourcing)
    price: Decimal | None = None

    @property
    def label(self) -> str:
        if self.kind in ("neighbour", "parent"):
            if self.warehouse is None:
                raise ValueError(f"A {self.kind} sourcing proposal needs the warehouse to transfer from.")
            if self.kind == "neighbour":
                return _("Transfer from neighbour %(warehouse)s") % {"warehouse": self.warehouse.code}
            return _("Transfer from parent %(warehouse)s") % {"warehouse": self.warehouse.code}
        return _("Emergency order to %(supplier)s") % {"supplier": self.supplier}


def backorder_uncovered(backorders: list[Backorder]) -> dict[int, Decimal]:
    """Open quantity of each backorder not yet covered by a transfer order on its way.

    A requested transfer covers what it asks for; a sent one what is still in transit
    (what arrived has already filled the backorder).
    """
    covered = dict(
        TransferOrderLine.objects.filter(
            transfer__backorder_id__in=[b.pk for b in backorders], transfer__state__in=OPEN_TRANSFER_STATES
        )
        .values_list("transfer__backorder_id")
        .annotate(
            total=Sum(
                Case(
                    When(transfer__state=TransferState.REQUESTED, then=F("quantity_requested")),
                    default=F("quantity_sent") - F("quantity_received") - F("quantity_lost"),
                )
            )
        )
    )
    return {b.pk: max(b.open_quantity - covered.get(b.pk, ZERO), ZERO) for b in backorders}


def transfer_proposals_bulk(backorders: list[Backorder]) -> dict[int, list[SourcingProposal]]:
    """Transfer proposals for many backorders in three queries.

    A neighbour qualifies with its surplus and the parent with its spare stock
    (``inventory.quantities``: the same rules as the replenishment run);
    neighbours come nearest first. What is already covered by a transfer on its way is not
    proposed again.
    """
    if not backorders:
        return {}
    uncovered = backorder_uncovered(backorders)
    warehouse_ids = {b.warehouse_id for b in backorders}
    links: dict[int, list[WarehouseNeighbour]] = {}
    for link in WarehouseNeighbour.objects.filter(warehouse_id__in=warehouse_ids).select_related("neighbour"):
        links.setdefault(link.warehouse_id, []).append(link)
    for group in links.values():
        group.sort(key=lambda link: (link.transfer_lead_time_days, link.neighbour.code))
    parents = {b.warehouse_id: b.warehouse.parent for b in backorders}
    sources = {link.neighbour_id for group in links.values() for link in group} | {
        parent.pk for parent in parents.values() if parent is not None
    }
    levels = {
        (level.part_id, level.warehouse_id): level
        for level in StockLevel.objects.filter(part_id__in={b.part_id for b in backorders}, warehouse_id__in=sources)
    }
    proposals: dict[int, list[SourcingProposal]] = {}
    for backorder in backorders:
        wanted = uncovered[backorder.pk]
        found: list[SourcingProposal] = []
        if wanted > 0:
            for link in links.get(backorder.warehouse_id, []):
                level = levels.get((backorder.part_id, link.neighbour_id))
                if level is None:
                    continue
                surplus = _surplus(level)
                quantity = _whole(backorder.part, min(wanted, surplus))
                if quantity > 0:
                    found.append(
                        SourcingProposal(
                            rank=len(found) + 1,
                            kind="neighbour",
                            quantity=quantity,
                            warehouse=link.neighbour,
                            available=level.available,
                            surplus=surplus,
                            lead_time_days=link.transfer_lead_time_days,
                        )
                    )
            parent = parents[backorder.warehouse_id]
            level = levels.get((backorder.part_id, parent.pk)) if parent is not None else None
            if level is not None:
                spare = _spare_at_parent(level)
                quantity = _whole(backorder.part, min(wanted, spare))
                if quantity > 0:
                    found.append(
                        SourcingProposal(
                            rank=len(found) + 1,
                            kind="parent",
                            quantity=quantity,
                            warehouse=parent,
                            available=level.available,
                            surplus=spare,
                        )
                    )
        proposals[backorder.pk] = found
    return proposals


def transfer_proposals(backorder: Backorder) -> list[SourcingProposal]:
    return transfer_proposals_bulk([backorder])[backorder.pk]


def _free(level: StockLevel) -> Decimal:
    return quantities.free_stock(
        on_hand=level.on_hand, reserved=level.reserved, quarantined=level.quarantined, backordered=level.backordered
    )


def _surplus(level: StockLevel) -> Decimal:
    return quantities.surplus(free=_free(level), min_qty=level.min_qty, max_qty=level.max_qty)


def _spare_at_parent(level: StockLevel) -> Decimal:
    return quantities.spare_at_parent(free=_free(level), min_qty=level.min_qty)


def _whole(part: Part, quantity: Decimal) -> Decimal:
    return quantities.whole_units(quantity, is_whole_unit=part.is_whole_unit)
