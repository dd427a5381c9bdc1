"""Demand documents: repair orders, workshop requests, counter sales and backorders.

A submission serves every line at once in one transaction: supersession is
resolved, what the shelf has is issued (the first pick), the rest becomes a
backorder (or lost demand when the requester cancels it), and every line
writes one ``DemandHit`` for the month-end. ``StockLevel.backordered`` is kept
equal to the open backorder quantity of the level, always under the level's
row lock. Back-dated timestamps (``occurred_at`` / ``now``) let history be
loaded through the same code as live demand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.roles import Role, user_access
from core.services.notifications import notify
from inventory.bounds import check_line_count
from inventory.exceptions import IdempotencyConflict, InvalidQuantity, InvalidTransition, InventoryError
from inventory.locks import lock_stock_levels
from inventory.models import (
    Backorder,
    BackorderState,
    CounterSale,
    CounterSaleLine,
    DemandHit,
    DemandSource,
    Part,
    RepairOrder,
    RequestState,
    StockLevel,
    Warehouse,
    WorkshopRequest,
    WorkshopRequestLine,
)
from inventory.quantities import LIST_PRICE_PLACES, money
from inventory.selectors import part_current
from inventory.services.stock import _check_quantity, stock_issue

ZERO = Decimal("0")

# Who may sell below or above list price (counter staff and managers); the workshop may not.
PRICE_OVERRIDE_ROLES = frozenset({Role.CLERK, Role.MANAGER})


class PriceOverrideNotPermitted(InventoryError):
    code = "price_override_not_permitted"
    status_code = 403
    field = "unit_price"


@dataclass(frozen=True)
class DemandLine:
    """One line of a submission: the part as asked for and how many.

    ``unit_price`` overrides the list price (permitted users only);
    ``cancel_shortage`` records what the shelf cannot give as lost demand
    instead of back-ordering it.
    """

    part: Part
    quantity: Decimal
    unit_price: Decimal | None = None
    cancel_shortage: bool = False


def _as_line(raw: DemandLine | Sequence) -> DemandLine:
    if isinstance(raw, DemandLine):
        return raw
    return DemandLine(*raw)


def _prepare(lines: Iterable[DemandLine | Sequence], user) -> list[tuple[DemandLine, Part, Decimal, Decimal]]:
    """Validate lines; return (line, serving part, quantity, unit price) for each."""
    lines = list(lines)
    check_line_count(lines)
    prepared = []
    overriding = False
    for index, raw in enumerate(lines):
        line = _as_line(raw)
        quantity = _check_quantity(line.part, line.quantity, field=f"lines[{index}].quantity")
        serving = part_current(line.part)
        if line.unit_price is None:
            price = serving.list_price
        else:
            price = Decimal(line.unit_price)
            if not price.is_finite() or price < 0 or price != price.quantize(LIST_PRICE_PLACES):
                raise InventoryError(
                    gettext("A selling price is zero or more, with at most two decimals."),
                    field=f"lines[{index}].unit_price",
                )
            overriding = overriding or price != serving.list_price
        prepared.append((line, serving, quantity, price))
    if not prepared:
        raise InvalidQuantity(gettext("Add at least one line."), field="lines")
    if overriding and not user_access(user).has_any(PRICE_OVERRIDE_ROLES):
        raise PriceOverrideNotPermitted(gettext("Only counter staff and managers may change the selling price."))
    return prepared


def _first_pick(serving: Part, quantity: Decimal, available: Decimal) -> Decimal:
    """What the shelf gives at once: all of it, or what is there (whole units for pieces)."""
    supplied = min(quantity, max(available, ZERO))
    if serving.is_whole_unit:
        supplied = supplied.to_integral_value(rounding=ROUND_DOWN)
    return supplied


def _serve(
    prepared: list[tuple[DemandLine, Part, Decimal, Decimal]],
    *,
    warehouse: Warehouse,
    available: dict[tuple[int, int], Decimal],
    user,
    now: datetime,
    document_type: str,
    document_ref: str,
) -> list[tuple[DemandLine, Part, Decimal, Decimal, Decimal, Decimal]]:
    """Issue the first pick of every line from the locked levels (``available`` is kept current).

    Returns (line, serving part, quantity, unit price, supplied, cost of what was issued) per line;
    workshop requests and counter sales differ only in what the shortage becomes.
    """
    served = []
    for line, serving, quantity, price in prepared:
        pair = (serving.pk, warehouse.pk)
        supplied = _first_pick(serving, quantity, available[pair])
        cost = ZERO
        if supplied:
            movement = stock_issue(
                part=serving,
                warehouse=warehouse,
                quantity=supplied,
                user=user,
                document_type=document_type,
                document_ref=document_ref,
                posted_at=now,
            )
            available[pair] -= supplied
            cost = -movement.value
        served.append((line, serving, quantity, price, supplied, cost))
    return served


def _save_lines_with_hits(*, model, rows: list, hits: list[DemandHit]) -> None:
    """Write a document's demand hits, then its lines, each line linked to the hit it made."""
    DemandHit.objects.bulk_create(hits)
    for row, hit in zip(rows, hits, strict=True):
        row.hit = hit
    model.objects.bulk_create(rows)


def _hit(
    row: WorkshopRequestLine | CounterSaleLine,
    *,
    lost: Decimal,
    warehouse: Warehouse,
    now: datetime,
    source: str,
    document_ref: str,
    repair_order_ref: str = "",
    supplied: Decimal | None = None,
) -> DemandHit:
    """The demand hit of one document line: what was asked, what the shelf gave, what was lost.

    The figures are the line's; ``supplied`` says what the shelf gave when the line does not (a
    reservation holds the stock, and issues it only at the pick).
    """
    return DemandHit(
        occurred_at=now,
        warehouse=warehouse,
        part=row.part,
        requested_part=row.requested_part,
        source=source,
        document_ref=document_ref,
        repair_order_ref=repair_order_ref,
        quantity_requested=row.quantity_requested,
        quantity_supplied=row.quantity_supplied if supplied is None else supplied,
        quantity_lost=lost,
        unit_price=row.unit_price,
        sales_value=row.sales_value,
        cost_value=row.cost_value,
    )


def _request_line(
    request: WorkshopRequest,
    line: DemandLine,
    serving: Part,
    *,
    quantity: Decimal,
    price: Decimal,
    served: Decimal,
    backordered: dict[tuple[int, int], Decimal],
    **figures: Any,
) -> WorkshopRequestLine:
    """A request line for what the shelf served at once (issued, or held for a reservation).

    Of the rest, what the workshop gives up (``cancel_shortage``) is lost demand and what it waits
    for is back-ordered, and added to ``backordered`` by (part, warehouse).
    """
    shortage = quantity - served
    lost = shortage if line.cancel_shortage else ZERO
    waiting = shortage - lost
    if waiting:
        pair = (serving.pk, request.warehouse_id)
        backordered[pair] = backordered.get(pair, ZERO) + waiting
    return WorkshopRequestLine(
        request=request,
        requested_part=line.part,
        part=serving,
        quantity_requested=quantity,
        quantity_backordered=waiting,
        quantity_lost=lost,
        unit_price=price,
        **figures,
    )


def _request_hit(row: WorkshopRequestLine, *, supplied: Decimal, now: datetime) -> DemandHit:
    request = row.request
    return _hit(
        row,
        supplied=supplied,
        lost=row.quantity_lost,
        warehouse=request.warehouse,
        now=now,
        source=DemandSource.WORKSHOP,
        document_ref=request.number,
        repair_order_ref=request.repair_order.number,
    )


def _backorder_shortages(rows: list[WorkshopRequestLine], *, warehouse: Warehouse, now: datetime) -> None:
    """A backorder for each line the shelf could not serve and the workshop waits for."""
    Backorder.objects.bulk_create(
        [
            Backorder(line=row, warehouse=warehouse, part=row.part, requested_at=now, quantity=row.quantity_backordered)
            for row in rows
            if row.quantity_backordered
        ]
    )


@transaction.atomic
def repair_order_open(
    *,
    number: str,
    warehouse: Warehouse,
    vehicle_ref: str = "",
    customer_ref: str = "",
    opened_at: datetime | None = None,
) -> RepairOrder:
    """Open a repair order, or return the open one with that number at the same store.

    A number belongs to one store; a closed repair order takes no more requests.
    """
    number = (number or "").strip()
    if not number:
        raise InventoryError(gettext("Enter the repair order number."), field="repair_order")
    order, created = RepairOrder.objects.get_or_create(
        number=number,
        defaults={
            "warehouse": warehouse,
            "vehicle_ref": vehicle_ref,
            "customer_ref": customer_ref,
            "opened_at": opened_at or timezone.now(),
        },
    )
    if not created and order.warehouse_id != warehouse.pk:
        raise InventoryError(
            gettext("Repair order %(number)s belongs to another store; check the number.") % {"number": number},
            field="repair_order",
        )
    if order.closed_at is not None:
        raise InvalidTransition(
            gettext("Repair order %(number)s is closed; open a new one.") % {"number": number}, field="repair_order"
        )
    return order


@transaction.atomic
def repair_order_close(*, repair_order: RepairOrder, closed_at: datetime | None = None) -> RepairOrder:
    """Close a repair order (the job is done). Its open backorders stay open until filled or cancelled."""
    order = RepairOrder.objects.select_for_update().get(pk=repair_order.pk)
    if order.closed_at is not None:
        raise InvalidTransition(gettext("Repair order %(order)s is already closed.") % {"order": order.number})
    order.closed_at = closed_at or timezone.now()
    if order.closed_at < order.opened_at:
        raise InventoryError(gettext("A repair order cannot close before it opened."), field="closed_at")
    order.save(update_fields=["closed_at"])
    return order


def workshop_request_submit(
    *,
    repair_order: RepairOrder,
    warehouse: Warehouse,
    lines: Iterable[DemandLine | Sequence],
    user,
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> WorkshopRequest:
    """Raise a workshop request and serve it at once, all in one transaction.

    ``lines``: ``DemandLine(part, quantity, unit_price=None, cancel_shortage=False)``
    or plain tuples in that order. For each line the part at the end of the
    supersession chain is issued (``stock_issue``) up to what is available; the
    rest becomes a ``Backorder`` filled later in order of request time, or lost
    demand when ``cancel_shortage`` is set. Every line writes one ``DemandHit``
    (sales value at the selling price, cost value from the issue movement).
    ``occurred_at`` back-dates the request, its movements and its hits (history
    loads). Role and store checks are the caller's (views, API).
    A retry with the same ``idempotency_key`` returns the first request; the
    same key for a different request is ``IdempotencyConflict``.
    """
    now = occurred_at or timezone.now()
    asked = [_as_line(raw) for raw in lines]
    prepared = _prepare(asked, user)
    if repair_order.warehouse_id != warehouse.pk:
        raise InventoryError(
            gettext("Repair order %(repair_order)s belongs to another store.") % {"repair_order": repair_order.number},
            field="repair_order",
        )
    replayed = _request_replayed(idempotency_key, number=repair_order.number, warehouse=warehouse, lines=asked)
    if replayed is not None:
        return replayed
    try:
        return _submit(
            prepared, repair_order=repair_order, warehouse=warehouse, user=user, now=now, key=idempotency_key
        )
    except IntegrityError:
        # The same key raced in from another submission: answer with the one that won.
        replayed = _request_replayed(idempotency_key, number=repair_order.number, warehouse=warehouse, lines=asked)
        if replayed is None:
            raise
        return replayed


def repair_order_issue(
    *,
    number: str,
    warehouse: Warehouse,
    lines: Iterable[DemandLine | Sequence],
    user,
    vehicle_ref: str = "",
    customer_ref: str = "",
    idempotency_key: str | None = None,
) -> WorkshopRequest:
    """Issue parts to a repair order by its number: the open one at this store, or a new one.

    One transaction: a refused issue leaves no repair order behind either. A
    retry with the same key returns the first request before the repair order
    is looked at, so it answers the same even when the order has closed since.
    """
    asked = [_as_line(raw) for raw in lines]
    replayed = _request_replayed(idempotency_key, number=(number or "").strip(), warehouse=warehouse, lines=asked)
    if replayed is not None:
        return replayed
    with transaction.atomic():
        repair_order = repair_order_open(
            number=number, warehouse=warehouse, vehicle_ref=vehicle_ref, customer_ref=customer_ref
        )
        return workshop_request_submit(
            repair_order=repair_order, warehouse=warehouse, lines=asked, user=user, idempotency_key=idempotency_key
        )


def _request_replayed(
    key: str | None, *, number: str, warehouse: Warehouse, lines: Sequence[DemandLine]
) -> WorkshopRequest | None:
    """The request first posted with ``key``, when this is a retry of it; a different posting is a conflict.

    A retry asks the same repair order, store and parts in the same quantities
    (in any order); a reservation's key never replays as an issue.
    """
    if not key:
        return None
    existing = (
        WorkshopRequest.objects.select_related("repair_order").prefetch_related("lines").filter(idempotency_key=key)
    ).first()
    if existing is None:
        return None
    asked = sorted((line.part.pk, Decimal(line.quantity)) for line in lines)
    had = sorted((line.requested_part_id, line.quantity_requested) for line in existing.lines.all())
    if (
        existing.booked_for is not None
        or existing.warehouse_id != warehouse.pk
        or existing.repair_order.number != number
        or asked != had
    ):
        raise IdempotencyConflict(
            gettext("This idempotency key was already used for a different posting; send a new key.")
        )
    return existing


def _submit(prepared, *, repair_order, warehouse, user, now: datetime, key: str | None) -> WorkshopRequest:
    with transaction.atomic():
        # Lock every level the request touches at once, in primary-key order: no deadlocks.
        levels = lock_stock_levels(pairs=[(serving.pk, warehouse.pk) for _, serving, _, _ in prepared])
        available = {pair: level.available for pair, level in levels.items()}
        request = WorkshopRequest.objects.create(
            repair_order=repair_order, warehouse=warehouse, requested_by=user, created_at=now, idempotency_key=key
        )
        served = _serve(
            prepared,
            warehouse=warehouse,
            available=available,
            user=user,
            now=now,
            document_type="workshop_request",
            document_ref=request.number,
        )
        hits, rows = [], []
        backordered: dict[tuple[int, int], Decimal] = {}
        for line, serving, quantity, price, supplied, cost in served:
            row = _request_line(
                request,
                line,
                serving,
                quantity=quantity,
                price=price,
                served=supplied,
                backordered=backordered,
                quantity_supplied=supplied,
                sales_value=money(supplied * price),
                cost_value=cost,
            )
            rows.append(row)
            hits.append(_request_hit(row, supplied=supplied, now=now))
        _save_lines_with_hits(model=WorkshopRequestLine, rows=rows, hits=hits)
        _backorder_shortages(rows, warehouse=warehouse, now=now)
        for pair, quantity in backordered.items():
            StockLevel.objects.filter(pk=levels[pair].pk).update(backordered=F("backordered") + quantity)
        request.state = _state_of(rows, has_open_backorders=bool(backordered))
        if request.state != RequestState.TO_PICK:
            request.save(update_fields=["state"])
    return request


def _state_of(lines: Iterable[WorkshopRequestLine], *, has_open_backorders: bool) -> str:
    if any(line.quantity_to_pick > 0 for line in lines):
        return RequestState.TO_PICK
    return RequestState.WAITING if has_open_backorders else RequestState.DONE


def _refresh_state(request: WorkshopRequest) -> None:
    lines = list(request.lines.all())
    has_open = Backorder.objects.filter(line__request=request, state=BackorderState.OPEN).exists()
    state = _state_of(lines, has_open_backorders=has_open)
    if state != request.state:
        request.state = state
        WorkshopRequest.objects.filter(pk=request.pk).update(state=state)


def workshop_request_pick(*, request: WorkshopRequest, user, now: datetime | None = None) -> WorkshopRequest:
    """The clerk hands over everything issued to the request and not yet handed over.

    Stock left the shelf at submission (or when a backorder was filled); picking
    records the hand-over, so the pick list shows what is waiting at the counter.
    A reservation's reserved quantities are issued at the pick.
    """
    with transaction.atomic():
        request = WorkshopRequest.objects.select_for_update().get(pk=request.pk)
        lines = list(request.lines.select_for_update(of=("self",)).select_related("part"))
        to_pick = [line for line in lines if line.quantity_to_pick > 0]
        if not to_pick:
            raise InvalidTransition(
                gettext("Nothing of %(request)s is waiting to be picked.") % {"request": request.number}
            )
        # A reservation's held quantities become an issue now (imported here: reservations build on requests).
        from .reservations import reserved_lines_issue

        reserved_lines_issue(request=request, lines=to_pick, user=user, now=now or timezone.now())
        for line in to_pick:
            line.quantity_picked = line.quantity_supplied + line.quantity_filled
        WorkshopRequestLine.objects.bulk_update(to_pick, ["quantity_picked"])
        request.picked_at = now or timezone.now()
        request.picked_by = user
        request.save(update_fields=["picked_at", "picked_by"])
        _refresh_state(request)
    return request


def counter_sale_post(
    *,
    warehouse: Warehouse,
    lines: Iterable[DemandLine | Sequence],
    user,
    customer_ref: str = "",
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> CounterSale:
    """Sell over the counter: issue what is on the shelf; what is missing is lost demand.

    ``lines`` as for ``workshop_request_submit`` (``cancel_shortage`` is implied:
    a counter customer does not wait). Every line writes one ``DemandHit`` with
    source ``counter``. ``occurred_at`` back-dates the sale (history loads).
    A retry with the same ``idempotency_key`` returns the first sale.
    """
    now = occurred_at or timezone.now()
    prepared = _prepare(lines, user)
    replayed = _sale_replayed(idempotency_key, warehouse)
    if replayed is not None:
        return replayed
    try:
        return _sell(prepared, warehouse=warehouse, user=user, customer_ref=customer_ref, now=now, key=idempotency_key)
    except IntegrityError:
        replayed = _sale_replayed(idempotency_key, warehouse)
        if replayed is None:
            raise
        return replayed


def _sale_replayed(key: str | None, warehouse: Warehouse) -> CounterSale | None:
    existing = CounterSale.objects.filter(idempotency_key=key).first() if key else None
    if existing is not None and existing.warehouse_id != warehouse.pk:
        raise IdempotencyConflict(
            gettext("This idempotency key was already used for a different posting; send a new key.")
        )
    return existing


def _sell(prepared, *, warehouse: Warehouse, user, customer_ref: str, now: datetime, key: str | None) -> CounterSale:
    with transaction.atomic():
        levels = lock_stock_levels(pairs=[(serving.pk, warehouse.pk) for _, serving, _, _ in prepared])
        available = {pair: level.available for pair, level in levels.items()}
        sale = CounterSale.objects.create(
            warehouse=warehouse, sold_by=user, customer_ref=customer_ref, occurred_at=now, idempotency_key=key
        )
        served = _serve(
            prepared,
            warehouse=warehouse,
            available=available,
            user=user,
            now=now,
            document_type="counter_sale",
            document_ref=sale.number,
        )
        hits, rows = [], []
        for line, serving, quantity, price, supplied, cost in served:
            row = CounterSaleLine(
                sale=sale,
                requested_part=line.part,
                part=serving,
                quantity_requested=quantity,
                quantity_supplied=supplied,
                unit_price=price,
                sales_value=money(supplied * price),
                cost_value=cost,
            )
            rows.append(row)
            hits.append(
                _hit(
                    row,
                    lost=quantity - supplied,
                    warehouse=warehouse,
                    now=now,
                    source=DemandSource.COUNTER,
                    document_ref=sale.number,
                )
            )
        _save_lines_with_hits(model=CounterSaleLine, rows=rows, hits=hits)
    return sale


# --- backorders ----------------------------------------------------------------------------


def backorders_fill(*, level: StockLevel, user, now: datetime | None = None) -> list[Backorder]:
    """Give newly available stock of a level to its open backorders, oldest request first.

    Runs inside the inbound posting's transaction with the level locked (the
    ``stock`` services call it after a receipt, transfer in or positive
    adjustment when ``level.backordered > 0``). Each fill is an issue movement
    for the request; its sales and cost are added to the line and its hit (the
    hit's ``quantity_supplied`` stays the first pick). The requester is told.
    """
    available = level.available
    if available <= 0 or level.backordered <= 0:
        return []
    when = now or timezone.now()
    waiting = (
        Backorder.objects.select_for_update(of=("self",))
        .filter(warehouse_id=level.warehouse_id, part_id=level.part_id, state=BackorderState.OPEN)
        .select_related("part", "line__request__requested_by", "line__request__repair_order", "line__hit")
        .order_by("requested_at", "id")
    )
    filled: list[Backorder] = []
    total = ZERO
    for backorder in waiting:
        quantity = _first_pick(backorder.part, backorder.open_quantity, available)
        if quantity <= 0:
            break
        line = backorder.line
        request = line.request
        movement = stock_issue(
            part=backorder.part,
            warehouse=level.warehouse,
            quantity=quantity,
            user=user,
            document_type="workshop_backorder",
            document_ref=request.number,
            posted_at=when,
        )
        available -= quantity
        total += quantity
        backorder.quantity_filled += quantity
        if backorder.open_quantity == 0:
            backorder.state = BackorderState.FILLED
            backorder.closed_at = when
        backorder.save(update_fields=["quantity_filled", "state", "closed_at"])
        sales, cost = money(quantity * line.unit_price), -movement.value
        WorkshopRequestLine.objects.filter(pk=line.pk).update(
            quantity_filled=F("quantity_filled") + quantity,
            sales_value=F("sales_value") + sales,
            cost_value=F("cost_value") + cost,
        )
        if line.hit_id:
            DemandHit.objects.filter(pk=line.hit_id).update(
                sales_value=F("sales_value") + sales, cost_value=F("cost_value") + cost
            )
        if request.state != RequestState.TO_PICK:
            request.state = RequestState.TO_PICK
            WorkshopRequest.objects.filter(pk=request.pk).update(state=RequestState.TO_PICK)
        notify(
            users=[request.requested_by],
            message=gettext_noop(
                "Backorder filled: %(quantity)s × %(part)s for %(request)s (repair order %(repair_order)s) "
                "is ready at %(warehouse)s."
            ),
            params={
                "quantity": f"{quantity.normalize():f}",
                "part": backorder.part.number,
                "request": request.number,
                "repair_order": request.repair_order.number,
                "warehouse": level.warehouse.code,
            },
            link=reverse("inventory:request-detail", args=[request.pk]),
            # History loads (back-dated postings) leave the in-app note but send no mail.
            email_subject=gettext_noop("Backorder filled") if now is None else None,
        )
        filled.append(backorder)
        if available <= 0:
            break
    if total:
        StockLevel.objects.filter(pk=level.pk).update(backordered=F("backordered") - total)
        level.backordered -= total
    return filled


def backorder_cancel(*, backorder: Backorder, user, now: datetime | None = None) -> Backorder:
    """The requester no longer needs the rest: the open quantity becomes lost demand."""
    with transaction.atomic():
        level = lock_stock_levels(pairs=[(backorder.part_id, backorder.warehouse_id)])[
            (backorder.part_id, backorder.warehouse_id)
        ]
        backorder = Backorder.objects.select_for_update().select_related("line__request").get(pk=backorder.pk)
        if backorder.state != BackorderState.OPEN:
            raise InvalidTransition(
                gettext("This backorder is %(state)s; only open ones are cancelled.")
                % {"state": backorder.get_state_display()}
            )
        quantity = backorder.open_quantity
        backorder.quantity_cancelled += quantity
        backorder.state = BackorderState.CANCELLED
        backorder.closed_at = now or timezone.now()
        backorder.save(update_fields=["quantity_cancelled", "state", "closed_at"])
        line = backorder.line
        WorkshopRequestLine.objects.filter(pk=line.pk).update(
            quantity_backordered=F("quantity_backordered") - quantity, quantity_lost=F("quantity_lost") + quantity
        )
        if line.hit_id:
            DemandHit.objects.filter(pk=line.hit_id).update(quantity_lost=F("quantity_lost") + quantity)
        StockLevel.objects.filter(pk=level.pk).update(backordered=F("backordered") - quantity)
        _refresh_state(line.request)
    return backorder


def backorder_note_sourcing(*, backorder: Backorder, note: str) -> None:
    """Record how the shortage is being covered (shown on the backorder list)."""
    Backorder.objects.filter(pk=backorder.pk).update(sourcing_note=note[:200])
    backorder.sourcing_note = note[:200]
