"""Reservations: parts held on the shelf for a repair order booked for a later day.

A reservation is a workshop request with ``booked_for``: what the shelf has is
reserved (available drops, on hand does not), the rest back-orders like any
request. The line's hit is written at once and counts the reserved quantity as
supplied at once: first-pick availability is what the shelf could give at the
moment of reserving. Picking turns the reservation into an issue; what is not
picked by ``expires_at``, or when the repair order has closed, goes back to
available and becomes lost demand (``reservations_expire``, a beat task).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.exceptions import IdempotencyConflict, InvalidTransition, InventoryError
from inventory.locks import lock_stock_levels
from inventory.models import (
    DemandHit,
    RepairOrder,
    StockLevel,
    Warehouse,
    WorkshopRequest,
    WorkshopRequestLine,
)
from inventory.quantities import money
from inventory.services.stock import stock_issue, stock_unreserve

from .requests import (
    DemandLine,
    _backorder_shortages,
    _first_pick,
    _prepare,
    _refresh_state,
    _request_hit,
    _request_line,
    _save_lines_with_hits,
    _state_of,
)

ZERO = Decimal("0")


def reservation_expiry(booked_for: date) -> datetime:
    """The end of the booked day (local time) plus ``RESERVATION_GRACE_HOURS``: the job may run late."""
    end_of_day = timezone.make_aware(datetime.combine(booked_for + timedelta(days=1), time.min))
    return end_of_day + timedelta(hours=settings.RESERVATION_GRACE_HOURS)


def reservation_create(
    *,
    repair_order: RepairOrder,
    warehouse: Warehouse,
    booked_for: date,
    lines: Iterable[DemandLine | Sequence],
    user,
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> WorkshopRequest:
    """Reserve parts for a booked repair order, in one transaction under the levels' locks.

    Each line reserves what is available (whole units for pieces); the rest is
    back-ordered (filled first when stock arrives) or, with ``cancel_shortage``,
    lost demand. A retry with the same key returns the first reservation.
    """
    now = occurred_at or timezone.now()
    if booked_for < timezone.localdate(now):
        raise InventoryError(_("Book the repair order for today or a later day."), field="booked_for")
    if repair_order.warehouse_id != warehouse.pk:
        raise InventoryError(
            _("Repair order %(number)s belongs to another store.") % {"number": repair_order.number},
            field="repair_order",
        )
    prepared = _prepare(lines, user)
    if idempotency_key:
        existing = WorkshopRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.repair_order_id != repair_order.pk or existing.booked_for != booked_for:
                raise IdempotencyConflict(
                    _("This idempotency key was already used for a different posting; send a new key.")
                )
            return existing
    try:
        with transaction.atomic():
            return _reserve(
                prepared,
                repair_order=repair_order,
                warehouse=warehouse,
                booked_for=booked_for,
                user=user,
                now=now,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        existing = WorkshopRequest.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return existing


def _reserve(prepared, *, repair_order, warehouse, booked_for, user, now, idempotency_key) -> WorkshopRequest:
    levels = lock_stock_levels(pairs=[(serving.pk, warehouse.pk) for _, serving, _, _ in prepared])
    available = {pair: level.available for pair, level in levels.items()}
    request = WorkshopRequest.objects.create(
        repair_order=repair_order,
        warehouse=warehouse,
        requested_by=user,
        created_at=now,
        booked_for=booked_for,
        expires_at=reservation_expiry(booked_for),
        idempotency_key=idempotency_key,
    )
    hits, rows = [], []
    reserved: dict[tuple[int, int], Decimal] = {}
    backordered: dict[tuple[int, int], Decimal] = {}
    for line, serving, quantity, price in prepared:
        pair = (serving.pk, warehouse.pk)
        held = _first_pick(serving, quantity, available[pair])
        available[pair] -= held
        if held:
            reserved[pair] = reserved.get(pair, ZERO) + held
        row = _request_line(
            request,
            line,
            serving,
            quantity=quantity,
            price=price,
            served=held,
            backordered=backordered,
            quantity_supplied=ZERO,
            quantity_reserved=held,
        )
        rows.append(row)
        # The hit counts what the shelf held at the moment of reserving; sales and cost come with the pick.
        hits.append(_request_hit(row, supplied=held, now=now))
    _save_lines_with_hits(model=WorkshopRequestLine, rows=rows, hits=hits)
    _backorder_shortages(rows, warehouse=warehouse, now=now)
    for pair, level in levels.items():
        changes = {}
        if reserved.get(pair):
            changes["reserved"] = F("reserved") + reserved[pair]
        if backordered.get(pair):
            changes["backordered"] = F("backordered") + backordered[pair]
        if changes:
            StockLevel.objects.filter(pk=level.pk).update(**changes)
    request.state = _state_of(rows, has_open_backorders=bool(backordered))
    if request.state != WorkshopRequest._meta.get_field("state").default:
        request.save(update_fields=["state"])
    return request


def reserved_lines_issue(*, request: WorkshopRequest, lines: list[WorkshopRequestLine], user, now: datetime) -> None:
    """Picking a reservation: its reserved quantities are given back and issued, in the pick's transaction.

    The caller holds the request's and lines' locks; the levels are locked here
    in primary-key order. Sales and cost join the line and its hit.
    """
    reserved = [line for line in lines if line.quantity_reserved > 0]
    if not reserved:
        return
    lock_stock_levels(pairs=[(line.part_id, request.warehouse_id) for line in reserved])
    for line in reserved:
        quantity = line.quantity_reserved
        stock_unreserve(part=line.part, warehouse=request.warehouse, quantity=quantity)
        movement = stock_issue(
            part=line.part,
            warehouse=request.warehouse,
            quantity=quantity,
            user=user,
            document_type="workshop_reservation",
            document_ref=request.number,
            posted_at=now,
        )
        sales, cost = money(quantity * line.unit_price), -movement.value
        line.quantity_supplied += quantity
        line.quantity_reserved = ZERO
        line.sales_value += sales
        line.cost_value += cost
        WorkshopRequestLine.objects.filter(pk=line.pk).update(
            quantity_supplied=line.quantity_supplied,
            quantity_reserved=ZERO,
            sales_value=line.sales_value,
            cost_value=line.cost_value,
        )
        if line.hit_id:
            DemandHit.objects.filter(pk=line.hit_id).update(
                sales_value=F("sales_value") + sales, cost_value=F("cost_value") + cost
            )


def reservation_release(*, request: WorkshopRequest, now: datetime | None = None) -> Decimal:
    """Give what a reservation still holds back to available; it becomes lost demand. Returns the quantity."""
    with transaction.atomic():
        request = WorkshopRequest.objects.select_for_update().select_related("warehouse").get(pk=request.pk)
        lines = [line for line in request.lines.select_for_update().select_related("part") if line.quantity_reserved]
        if not lines:
            raise InvalidTransition(_("%(number)s holds nothing reserved.") % {"number": request.number})
        lock_stock_levels(pairs=[(line.part_id, request.warehouse_id) for line in lines])
        total = ZERO
        for line in lines:
            quantity = line.quantity_reserved
            stock_unreserve(part=line.part, warehouse=request.warehouse, quantity=quantity)
            WorkshopRequestLine.objects.filter(pk=line.pk).update(
                quantity_reserved=ZERO, quantity_lost=F("quantity_lost") + quantity
            )
            if line.hit_id:
                DemandHit.objects.filter(pk=line.hit_id).update(quantity_lost=F("quantity_lost") + quantity)
            total += quantity
        WorkshopRequest.objects.filter(pk=request.pk).update(expires_at=now or timezone.now())
        _refresh_state(request)
    return total


def reservations_expire(*, now: datetime | None = None) -> int:
    """Release every reservation past its expiry or whose repair order has closed; returns how many.

    Each is released in its own transaction, so one busy level never holds up the rest.
    """
    now = now or timezone.now()
    due = (
        WorkshopRequest.objects.filter(lines__quantity_reserved__gt=0)
        .filter(Q(expires_at__lte=now) | Q(repair_order__closed_at__isnull=False))
        .distinct()
        .order_by("id")
    )
    released = 0
    for request in due:
        try:
            reservation_release(request=request, now=now)
        except InvalidTransition:
            continue  # picked in the meantime
        released += 1
    return released
