"""Advance shipping notices: the supplier announces a shipment; goods-in receives against it.

A notice names one order, the supplier's delivery note number, the expected
arrival and a quantity per order line. Announcing never touches stock. The
receipt posted against a notice (``goods_receipt_post(shipment_notice=...)``)
records, line by line, what actually arrived next to what was announced;
the supplier rating counts the notice lines that matched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import events
from core import services as core_services
from core.roles import Role
from core.services.events import event_publish
from inventory.bounds import check_line_count
from inventory.models import normalize_part_number

from ..exceptions import OverReceipt, PurchasingError
from ..locks import lock_order_lines, lock_purchase_order, next_number
from ..models import (
    GoodsReceipt,
    NoticeSource,
    NoticeState,
    PurchaseOrder,
    PurchaseOrderLine,
    ShipmentNotice,
    ShipmentNoticeLine,
)
from ..quantities import to_stock_units
from .orders import _order_quantity, _Unit, check_allowed
from .receiving import over_receipt_tolerance

# How far ahead an arrival may be announced; a typo in the year should not pass.
MAX_DAYS_AHEAD = 366


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def order_purchaser(order: PurchaseOrder) -> list:
    """Whom to tell about an order: who sent it (else who created it) while active, else every purchaser."""
    for user in (order.sent_by, order.created_by):
        if user is not None and user.is_active:
            return [user]
    return list(core_services.users_with_role(Role.PURCHASER))


@transaction.atomic
def shipment_notice_announce(
    *,
    order: PurchaseOrder,
    user,
    delivery_note: str,
    expected_arrival: date,
    lines: Sequence[tuple[PurchaseOrderLine, Decimal]],
    source: str = NoticeSource.PORTAL,
    announced_at: datetime | None = None,
) -> ShipmentNotice:
    """Record that the supplier has shipped ``lines`` (order line, quantity) against ``order``.

    Only the order's own supplier (or purchasing for it) may announce, only
    while the order can still be received. A line may announce at most what
    is still open on it (ordered × tolerance − received − announced on other
    notices not yet received); the delivery note number is unique per
    supplier, so a resent form or API call is refused, not doubled.
    """
    check_line_count(lines)
    delivery_note = (delivery_note or "").strip()
    if not delivery_note:
        raise PurchasingError(_("Enter the delivery note number printed on your paperwork."), field="delivery_note")
    if len(delivery_note) > 60:
        raise PurchasingError(_("The delivery note number has at most 60 characters."), field="delivery_note")
    if source not in NoticeSource.values:
        raise PurchasingError(_("Unknown source of the notice."), field="source")
    announced_at = announced_at or timezone.now()
    if expected_arrival is None:
        raise PurchasingError(_("Enter the expected arrival date."), field="expected_arrival")
    if (expected_arrival - timezone.localdate(announced_at)).days > MAX_DAYS_AHEAD:
        raise PurchasingError(
            _("The expected arrival is more than a year ahead; check the date."), field="expected_arrival"
        )
    order = lock_purchase_order(order.pk)
    check_allowed(order, "announce", user)
    if ShipmentNotice.objects.filter(supplier_id=order.supplier_id, delivery_note=delivery_note).exists():
        raise PurchasingError(
            _("Delivery note %(note)s was already announced; each shipment has its own delivery note.")
            % {"note": delivery_note},
            field="delivery_note",
        )
    locked = lock_order_lines(order.pk)
    pending = dict(
        ShipmentNoticeLine.objects.filter(po_line__order=order, notice__state=NoticeState.ANNOUNCED)
        .values("po_line_id")
        .annotate(total=Sum("quantity_announced"))
        .values_list("po_line_id", "total")
    )
    tolerance = over_receipt_tolerance()
    wanted: dict[int, Decimal] = {}
    for line, quantity in lines:
        target = locked.get(line.pk)
        if target is None:
            raise PurchasingError(
                _("Line %(line)s is not on %(order)s.") % {"line": line.pk, "order": order.number}, field="lines"
            )
        if quantity is None or Decimal(quantity) == 0:
            continue
        # announced in the order unit (boxes), kept in stock units like the line's other quantities
        quantity = to_stock_units(_order_quantity(target.part, quantity, _Unit.of(target)), target.purchase_factor)
        wanted[target.pk] = wanted.get(target.pk, Decimal(0)) + quantity
    if not wanted:
        raise PurchasingError(_("Enter the shipped quantity on at least one line."), field="lines")
    for line_id, quantity in wanted.items():
        target = locked[line_id]
        room = target.quantity * (1 + tolerance) - target.quantity_received - pending.get(line_id, Decimal(0))
        if quantity > room:
            raise OverReceipt(
                _(
                    "Line %(no)s (%(part)s): %(qty)s announced, but only %(room)s is still open "
                    "(ordered %(ordered)s, received %(received)s, on other notices %(pending)s)."
                )
                % {
                    "no": target.line_no,
                    "part": target.part.number,
                    "qty": _fmt(quantity / target.purchase_factor),
                    "room": _fmt(max(room, Decimal(0)) / target.purchase_factor),
                    "ordered": _fmt(target.purchase_quantity),
                    "received": _fmt(target.purchase_received),
                    "pending": _fmt(pending.get(line_id, Decimal(0)) / target.purchase_factor),
                },
                field="quantity",
            )
    year = timezone.localtime(announced_at).year
    notice = ShipmentNotice.objects.create(
        number=f"ASN-{year}-{next_number(f'ASN-{year}'):06d}",
        purchase_order=order,
        supplier_id=order.supplier_id,
        delivery_note=delivery_note,
        expected_arrival=expected_arrival,
        source=source,
        announced_at=announced_at,
        announced_by=user,
    )
    ShipmentNoticeLine.objects.bulk_create(
        [
            ShipmentNoticeLine(notice=notice, po_line_id=line_id, quantity_announced=quantity)
            for line_id, quantity in sorted(wanted.items())
        ]
    )
    core_services.notify(
        users=order_purchaser(order),
        kind=events.SHIPMENT_ANNOUNCED,
        message=gettext_noop(
            "%(supplier)s announced shipment %(notice)s (delivery note %(note)s) for %(order)s, arriving %(day)s."
        ),
        params={
            "supplier": order.supplier.code,
            "notice": notice.number,
            "note": delivery_note,
            "order": order.number,
            "day": expected_arrival.isoformat(),
        },
        link=reverse("suppliers:po-detail", args=[order.pk]),
    )
    _emit_announced(notice)
    return notice


def _emit_announced(notice: ShipmentNotice) -> None:
    """The ``shipment.announced`` partner event, published with the notice (the supplier's own subscriptions get it)."""
    order = notice.purchase_order
    event_publish(
        kind=events.SHIPMENT_ANNOUNCED,
        data=lambda: {
            "notice": notice.number,
            "order": order.number,
            "supplier": order.supplier.code,
            "delivery_note": notice.delivery_note,
            "expected_arrival": notice.expected_arrival.isoformat(),
            "lines": [
                {
                    "line": line.po_line.line_no,
                    "part": line.po_line.part.number,
                    "quantity": str(line.quantity_announced),
                }
                for line in notice.lines.select_related("po_line__part").order_by("po_line__line_no")
            ],
        },
        supplier_id=order.supplier_id,
    )


def notice_lines_from_csv(*, order: PurchaseOrder, content: bytes) -> list[tuple[PurchaseOrderLine, Decimal]]:
    """Read ``part_number,quantity`` rows (a header row is optional) into (order line, quantity) pairs.

    Part numbers match as typed or printed (case, spaces and dashes do not
    matter); the supplier's own part number matches too. A bad row is refused
    naming its row number.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PurchasingError(_("The file is not UTF-8 text; save it as CSV (UTF-8)."), field="file") from None
    lines = list(PurchaseOrderLine.objects.filter(order=order).select_related("part"))
    by_number: dict[str, PurchaseOrderLine] = {}
    for order_line in lines:
        by_number[order_line.part.number_normalized] = order_line
        if order_line.supplier_part_number:
            by_number.setdefault(normalize_part_number(order_line.supplier_part_number), order_line)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    result: list[tuple[PurchaseOrderLine, Decimal]] = []
    for row_no, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len(cells) < 2:
            raise PurchasingError(_("Row %(row)s: give a part number and a quantity.") % {"row": row_no}, field="file")
        number, raw = cells[0], cells[1].replace(",", ".")
        line = by_number.get(normalize_part_number(number))
        try:
            quantity = Decimal(raw)
        except ArithmeticError:
            if row_no == 1:
                continue  # a header row
            raise PurchasingError(
                _("Row %(row)s: %(value)s is not a quantity.") % {"row": row_no, "value": cells[1][:20]}, field="file"
            ) from None
        if line is None:
            raise PurchasingError(
                _("Row %(row)s: %(part)s is not on %(order)s.")
                % {"row": row_no, "part": number[:40], "order": order.number},
                field="file",
            )
        result.append((line, quantity))
    if not result:
        raise PurchasingError(_("The file has no rows; one row per part: part number, quantity."), field="file")
    return result


def notice_record_receipt(*, notice: ShipmentNotice, receipt: GoodsReceipt, received: dict[int, Decimal]) -> None:
    """Inside the receipt's transaction: close the notice with what arrived per order line.

    Order lines that arrived without being announced get a notice line with
    nothing announced, so every difference is on record.
    """
    announced = {line.po_line_id: line for line in notice.lines.all()}
    for po_line_id, line in announced.items():
        line.quantity_received = received.get(po_line_id, Decimal(0))
    ShipmentNoticeLine.objects.bulk_update(list(announced.values()), ["quantity_received"])
    ShipmentNoticeLine.objects.bulk_create(
        [
            ShipmentNoticeLine(notice=notice, po_line_id=po_line_id, quantity_announced=0, quantity_received=quantity)
            for po_line_id, quantity in sorted(received.items())
            if po_line_id not in announced
        ]
    )
    notice.state = NoticeState.RECEIVED
    notice.receipt = receipt
    notice.save(update_fields=["state", "receipt"])


def lock_notice_for_receipt(*, notice: ShipmentNotice, order: PurchaseOrder) -> ShipmentNotice:
    """Lock the notice row (after the order's lock) and refuse one that is not this order's or already in."""
    notice = ShipmentNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.purchase_order_id != order.pk:
        raise PurchasingError(
            _("Notice %(notice)s belongs to another order.") % {"notice": notice.number}, field="notice"
        )
    if notice.state != NoticeState.ANNOUNCED:
        raise PurchasingError(
            _("Notice %(notice)s was already received; scan the order number for a further receipt.")
            % {"notice": notice.number},
            field="notice",
        )
    return notice
