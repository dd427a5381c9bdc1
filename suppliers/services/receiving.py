"""Goods receipts against purchase orders, and quality holds.

A receipt is one document whose lines all go through
``inventory.services.stock_receive`` inside the same transaction that adds
to the order lines' received quantities and moves the order's state: stock,
moving average cost, received quantities and state change together or not
at all. The order row is locked first, so two clerks posting against one
order queue, and the over-receipt check sees the other's quantities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import events
from core import services as core_services
from core.permissions import require_warehouse
from core.roles import Role, user_access
from core.services.events import event_publish
from inventory import services as stock
from inventory.bounds import check_line_count
from inventory.models import Bin, Part

from ..exceptions import IdempotencyConflict, NotPermitted, OverReceipt, PartNotOnOrder, PurchasingError
from ..locks import lock_order_lines, lock_purchase_order, next_number
from ..models import (
    GoodsReceipt,
    GoodsReceiptLine,
    HoldState,
    OrderState,
    PurchaseOrder,
    PurchaseOrderLine,
    QualityReject,
    ShipmentNotice,
    SupplierPart,
)
from ..quantities import receipt_value, to_stock_units
from .orders import _order_quantity, _price, _quantity, _Unit, check_allowed
from .returns import supplier_return_from_reject

QUALITY_ROLES = (Role.PURCHASER, Role.MANAGER)
UNPLANNED_ROLES = (Role.MANAGER,)


@dataclass(frozen=True)
class ReceiptLineInput:
    """One line to receive: an order line, or (managers only) a part that is not on the order.

    ``quantity`` is counted in the unit the order line was ordered in (its
    purchase unit: 2 boxes, not 20 pieces); an unplanned part in its stock unit.
    """

    quantity: Decimal
    po_line: PurchaseOrderLine | None = None
    part: Part | None = None
    bin: Bin | None = None
    hold: bool = False
    unit_cost: Decimal | None = None


def over_receipt_tolerance() -> Decimal:
    return Decimal(str(getattr(settings, "INVENTORY_OVER_RECEIPT_TOLERANCE", 0) or 0))


def _as_input(line) -> ReceiptLineInput:
    if isinstance(line, ReceiptLineInput):
        return line
    po_line, quantity, bin, hold = line
    return ReceiptLineInput(quantity=quantity, po_line=po_line, bin=bin, hold=bool(hold))


@dataclass(frozen=True)
class _Request:
    """What a receipt request asks for, to tell a replay from another receipt sent with the same key."""

    order: PurchaseOrder
    lines: list[ReceiptLineInput]
    delivery_note: str
    arrived_at: datetime | None
    posted_at: datetime | None


def _existing(key: str | None, request: _Request) -> GoodsReceipt | None:
    if not key:
        return None
    receipt = GoodsReceipt.objects.filter(idempotency_key=key).first()
    if receipt is None:
        return None
    if receipt.purchase_order_id != request.order.pk:
        raise IdempotencyConflict(_("This receipt key was already used for another order; reload the page."))
    if not _replays(receipt, request):
        raise IdempotencyConflict(_("This receipt key was already used for a different receipt; send a new key."))
    return receipt


def _replays(receipt: GoodsReceipt, request: _Request) -> bool:
    """Whether ``request`` asks for exactly ``receipt``: the same header and the same lines, in any order."""
    if receipt.delivery_note != request.delivery_note[:60]:
        return False
    if request.posted_at is not None and receipt.posted_at != request.posted_at:
        return False
    if request.arrived_at is not None and receipt.arrived_at != request.arrived_at:
        return False
    stored = list(receipt.lines.select_related("po_line"))
    if len(stored) != len(request.lines):
        return False
    for item in request.lines:
        try:
            quantity = Decimal(str(item.quantity))
            cost = None if item.unit_cost is None else Decimal(str(item.unit_cost))
        except (InvalidOperation, ValueError):
            return False
        hold = HoldState.HELD if item.hold else HoldState.NONE
        match = next(
            (
                line
                for line in stored
                if (line.po_line_id == item.po_line.pk if item.po_line is not None else line.part_id == _pk(item.part))
                and line.quantity == quantity * (line.po_line.purchase_factor if line.po_line else 1)
                and line.bin_id == _pk(item.bin)
                and line.hold_state == hold
                and (cost is None or item.po_line is not None or line.unit_cost == cost)
            ),
            None,
        )
        if match is None:
            return False
        stored.remove(match)
    return True


def _pk(row) -> int | None:
    return row.pk if row is not None else None


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def goods_receipt_post(
    *,
    order: PurchaseOrder,
    lines: Sequence[ReceiptLineInput | tuple],
    user,
    arrived_at: datetime | None = None,
    posted_at: datetime | None = None,
    idempotency_key: str | None = None,
    delivery_note: str = "",
    shipment_notice: ShipmentNotice | None = None,
) -> GoodsReceipt:
    """Post one goods receipt against an order; a repeat with the same key returns the first receipt.

    ``lines`` are ``ReceiptLineInput`` or (order line, quantity, bin, hold)
    tuples. A line on hold enters stock quarantined and purchasing is told at
    once. More than ordered × (1 + ``INVENTORY_OVER_RECEIPT_TOLERANCE``) on a
    line is refused naming the line; a part not on the order is refused
    unless a manager receives it as unplanned. ``arrived_at`` (default: the
    posting time) records when the goods came, so the posting delay shows.
    With ``shipment_notice`` the notice is closed with what arrived per line
    next to what was announced.
    """
    check_line_count(lines)
    idempotency_key = (idempotency_key or "").strip()[:100] or None
    request = _Request(
        order=order,
        lines=[_as_input(line) for line in lines],
        delivery_note=delivery_note,
        arrived_at=arrived_at,
        posted_at=posted_at,
    )
    existing = _existing(idempotency_key, request)
    if existing is not None:
        return existing
    try:
        return _post(
            request=request,
            lines=request.lines,
            order=order,
            user=user,
            arrived_at=arrived_at,
            posted_at=posted_at,
            idempotency_key=idempotency_key,
            delivery_note=delivery_note,
            shipment_notice=shipment_notice,
        )
    except IntegrityError as error:
        # The same key raced in on another order; the first posting stands.
        if idempotency_key and "idempotency" in str(error):
            existing = _existing(idempotency_key, request)
            if existing is not None:
                return existing
        raise


@transaction.atomic
def _post(
    *,
    request: _Request,
    order: PurchaseOrder,
    lines: list[ReceiptLineInput],
    user,
    arrived_at: datetime | None,
    posted_at: datetime | None,
    idempotency_key: str | None,
    delivery_note: str,
    shipment_notice: ShipmentNotice | None = None,
) -> GoodsReceipt:
    from .notices import lock_notice_for_receipt, notice_record_receipt

    order = lock_purchase_order(order.pk)
    check_allowed(order, "receive", user)
    require_warehouse(user, order.warehouse)
    existing = _existing(idempotency_key, request)  # a retry that waited for our lock
    if existing is not None:
        return existing
    if not lines:
        raise PurchasingError(_("Enter a quantity on at least one line."), field="lines")
    if shipment_notice is not None:
        shipment_notice = lock_notice_for_receipt(notice=shipment_notice, order=order)
    posted_at = posted_at or timezone.now()
    arrived_at = arrived_at or posted_at
    if arrived_at > posted_at:
        raise PurchasingError(_("The goods cannot arrive after the receipt is posted."), field="arrived_at")

    order_lines = lock_order_lines(order.pk)
    by_part = {line.part_id: line for line in order_lines.values()}
    planned: list[tuple[ReceiptLineInput, PurchaseOrderLine | None, Part, Decimal, Decimal, Decimal | None]] = []
    adding: dict[int, Decimal] = defaultdict(Decimal)
    access = user_access(user)
    for item in lines:
        po_line: PurchaseOrderLine | None
        if item.po_line is not None:
            po_line = order_lines.get(item.po_line.pk)
            if po_line is None:
                raise PartNotOnOrder(
                    _("Line %(po_line)s is not a line of %(order)s.")
                    % {"po_line": item.po_line.pk, "order": order.number},
                    field="lines",
                )
            part = po_line.part
        elif item.part is not None:
            po_line = by_part.get(item.part.pk)
            part = po_line.part if po_line is not None else item.part
        else:
            raise PurchasingError(_("Each receipt line needs an order line or a part."), field="lines")
        value: Decimal | None = None
        if po_line is None:
            quantity = _quantity(part, item.quantity)
            if not access.has_any(UNPLANNED_ROLES):
                raise PartNotOnOrder(
                    _("%(part)s is not on %(order)s; only a manager can receive it as an unplanned receipt.")
                    % {"part": part.number, "order": order.number}
                )
            supplier_part = SupplierPart.objects.filter(supplier=order.supplier, part=part).first()
            unit_cost = _price(part, item.unit_cost, supplier_part, order.supplier)
        else:
            # Counted in the order unit (boxes); the ledger gets stock units and the exact value of the boxes.
            purchase_quantity = _order_quantity(part, item.quantity, _Unit.of(po_line))
            quantity = to_stock_units(purchase_quantity, po_line.purchase_factor)
            unit_cost = po_line.stock_unit_cost
            if po_line.has_purchase_unit:
                value = receipt_value(purchase_quantity, po_line.price)
            adding[po_line.pk] += quantity
        planned.append((item, po_line, part, quantity, unit_cost, value))

    tolerance = over_receipt_tolerance()
    for line_id, quantity in adding.items():
        line = order_lines[line_id]
        total = line.quantity_received + quantity
        limit = line.quantity * (1 + tolerance)
        if total > limit:
            factor = line.purchase_factor
            unit = f" {line.purchase_unit}" if line.purchase_unit else ""
            raise OverReceipt(
                _(
                    "Line %(line_no)s (%(part)s): %(total)s would be received against %(quantity)s ordered "
                    "(%(quantity_received)s already received); the most allowed is %(limit)s."
                )
                % {
                    "line_no": line.line_no,
                    "part": line.part.number,
                    "total": f"{_fmt(total / factor)}{unit}",
                    "quantity": f"{_fmt(line.purchase_quantity)}{unit}",
                    "quantity_received": f"{_fmt(line.purchase_received)}{unit}",
                    "limit": f"{_fmt(limit / factor)}{unit}",
                }
            )

    year = timezone.localtime(posted_at).year
    receipt = GoodsReceipt.objects.create(
        number=f"GR-{year}-{next_number(f'GR-{year}'):06d}",
        purchase_order=order,
        warehouse=order.warehouse,
        delivery_note=delivery_note[:60],
        arrived_at=arrived_at,
        posted_at=posted_at,
        posted_by=user,
        idempotency_key=idempotency_key,
    )
    receipt_lines = []
    for item, po_line, part, quantity, unit_cost, value in planned:
        movement = stock.stock_receive(
            part=part,
            warehouse=order.warehouse,
            quantity=quantity,
            unit_cost=unit_cost,
            value=value,
            user=user,
            bin=item.bin,
            document_type="goods_receipt",
            document_ref=receipt.number,
            quarantine=item.hold,
            posted_at=posted_at,
        )
        receipt_lines.append(
            GoodsReceiptLine(
                receipt=receipt,
                po_line=po_line,
                part=part,
                quantity=quantity,
                unit_cost=unit_cost,
                bin=item.bin,
                hold_state=HoldState.HELD if item.hold else HoldState.NONE,
                movement=movement,
            )
        )
    GoodsReceiptLine.objects.bulk_create(receipt_lines)
    for line_id, quantity in adding.items():
        order_lines[line_id].quantity_received += quantity
    PurchaseOrderLine.objects.bulk_update([order_lines[i] for i in adding], ["quantity_received"])

    if all(line.quantity_received >= line.quantity for line in order_lines.values()):
        order.state = OrderState.RECEIVED
        order.received_at = arrived_at
    elif any(line.quantity_received > 0 for line in order_lines.values()):
        order.state = OrderState.PARTIALLY_RECEIVED
    order.save(update_fields=["state", "received_at"])
    if shipment_notice is not None:
        notice_record_receipt(notice=shipment_notice, receipt=receipt, received=dict(adding))

    event_publish(
        kind=events.GOODS_RECEIPT_POSTED,
        supplier_id=order.supplier_id,
        data=lambda: {
            "receipt": receipt.number,
            "receipt_id": receipt.pk,
            "order": order.number,
            "supplier": order.supplier.code,
            "warehouse": order.warehouse.code,
            "delivery_note": receipt.delivery_note,
            "lines": [
                {
                    "part": line.part.number,
                    "quantity": str(line.quantity),
                    "held": line.hold_state == HoldState.HELD,
                    "movement_id": line.movement_id,
                }
                for line in receipt_lines
            ],
        },
    )
    held = [line for line in receipt_lines if line.hold_state == HoldState.HELD]
    if held:
        parts = ", ".join(f"{line.part.number} × {_fmt(line.quantity)}" for line in held)
        core_services.notify(
            users=core_services.users_with_role(Role.PURCHASER),
            message=gettext_noop("Quality hold on %(receipt)s (%(order)s, %(supplier)s): %(parts)s."),
            params={"receipt": receipt.number, "order": order.number, "supplier": order.supplier.code, "parts": parts},
            link=reverse("suppliers:receipt-detail", args=[receipt.pk]),
            email_subject=gettext_noop("Quality hold on %(receipt)s from %(supplier)s"),
            subject_params={"receipt": receipt.number, "supplier": order.supplier.code},
            kind=events.QUALITY_HOLD,
        )
    return receipt


def _locked_held_line(line: GoodsReceiptLine, user) -> GoodsReceiptLine:
    if not user_access(user).has_any(QUALITY_ROLES):
        raise NotPermitted(_("Only purchasing or a manager decides on a quality hold."))
    line = (
        GoodsReceiptLine.objects.select_for_update()
        .select_related("part", "receipt__warehouse", "receipt__purchase_order__supplier")
        .get(pk=line.pk)
    )
    if line.hold_state != HoldState.HELD:
        raise PurchasingError(
            _("%(part)s on %(receipt)s is %(hold_state)s, not on hold.")
            % {"part": line.part.number, "receipt": line.receipt.number, "hold_state": line.get_hold_state_display()}
        )
    return line


@transaction.atomic
def goods_receipt_line_release(
    *, line: GoodsReceiptLine, user, note: str = "", released_at: datetime | None = None
) -> GoodsReceiptLine:
    """The held goods passed inspection: the quarantined quantity becomes available."""
    line = _locked_held_line(line, user)
    stock.stock_quarantine_release(part=line.part, warehouse=line.receipt.warehouse, quantity=line.quantity)
    line.hold_state = HoldState.RELEASED
    line.hold_decided_at = released_at or timezone.now()
    line.hold_decided_by = user
    line.hold_note = note[:200]
    line.save(update_fields=["hold_state", "hold_decided_at", "hold_decided_by", "hold_note"])
    return line


@transaction.atomic
def goods_receipt_line_reject(
    *, line: GoodsReceiptLine, user, reason: str, rejected_at: datetime | None = None, rma_number: str = ""
) -> QualityReject:
    """The held goods failed: return them to the supplier from quarantine and record the reject against it.

    The goods leave on a supplier return (``SupplierReturn``, under the
    supplier's RMA number when given), and purchasing is asked whether to order a replacement.

    The order line keeps its received quantity (the supplier did deliver);
    ``quantity_rejected`` records the reject and the rating counts it.
    """
    if not (reason or "").strip():
        raise PurchasingError(_("Say why the goods are rejected."), field="reason")
    line = _locked_held_line(line, user)
    rejected_at = rejected_at or timezone.now()
    receipt = line.receipt
    movement = stock.stock_return_to_supplier(
        part=line.part,
        warehouse=receipt.warehouse,
        quantity=line.quantity,
        user=user,
        document_ref=receipt.number,
        reason=reason.strip(),
        from_quarantine=True,
        posted_at=max(rejected_at, receipt.posted_at),
    )
    if line.po_line_id:
        PurchaseOrderLine.objects.filter(pk=line.po_line_id).update(
            quantity_rejected=F("quantity_rejected") + line.quantity
        )
    line.hold_state = HoldState.REJECTED
    line.hold_decided_at = rejected_at
    line.hold_decided_by = user
    line.hold_note = reason.strip()[:200]
    line.save(update_fields=["hold_state", "hold_decided_at", "hold_decided_by", "hold_note"])
    reject = QualityReject.objects.create(
        supplier=receipt.purchase_order.supplier,
        receipt_line=line,
        part=line.part,
        quantity=line.quantity,
        reason=reason.strip()[:200],
        rejected_at=rejected_at,
        rejected_by=user,
        movement=movement,
    )
    supplier_return_from_reject(reject=reject, rma_number=rma_number)
    return reject
