"""Each document's content: the selectors' rows turned into a translated ``TableDocument``, then PDF bytes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from inventory.scan_codes import part_code, transfer_code
from suppliers.models import Supplier

from . import selectors
from .pdf import Column, TableDocument, render_table_document

KINDS = ("po", "picklist", "receipt", "transfer", "count", "return", "supplier-return", "sale", "issue")


def company_lines() -> list[str]:
    return list(settings.DOCUMENT_COMPANY_HEADER)


def _qty(value: Decimal | None) -> str:
    return "" if value is None else number_format(value.normalize() if value == value.to_integral() else value)


def _money(value: Decimal) -> str:
    return number_format(value.quantize(Decimal("0.01")), decimal_pos=2, force_grouping=True)


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
        return date_format(value, "SHORT_DATETIME_FORMAT")
    return date_format(value, "SHORT_DATE_FORMAT")


def purchase_order(*, number: str, supplier: Supplier | None = None) -> TableDocument:
    order = selectors.purchase_order_for_document(number=number, supplier=supplier)
    lines = list(order.lines.all())
    total = sum((line.value for line in lines), start=Decimal(0))
    return TableDocument(
        title=_("Purchase order"),
        number=order.number,
        company=company_lines(),
        barcode=order.number,
        parties=[
            (_("Supplier"), [order.supplier.name, order.supplier.code, order.supplier.email, order.supplier.phone]),
            (_("Deliver to"), [order.warehouse.name, order.warehouse.code]),
        ],
        fields=[
            (_("Order date"), _date(order.sent_at or order.created_at)),
            (_("Expected"), _date(order.expected_date)),
            (_("Type"), order.get_order_type_display()),
            (_("Reference"), order.reference),
            (_("Payment terms"), order.supplier.payment_terms),
        ],
        columns=[
            Column(_("Line"), 11, "RIGHT"),
            Column(_("Our part"), 28),
            Column(_("Your part"), 26),
            Column(_("Description"), 40, kind="wrap"),
            Column(_("Quantity"), 16, "RIGHT"),
            # the supplier's unit (a box of 10 PCS): quantity and price are per that unit
            Column(_("Unit"), 22, kind="wrap"),
            Column(_("Price per unit"), 18, "RIGHT"),
            Column(_("Value"), 20, "RIGHT"),
            Column(_("Promised"), 18),
        ],
        rows=[
            [
                str(line.line_no),
                line.part.number,
                line.supplier_part_number,
                line.part.description,
                _qty(line.purchase_quantity),
                line.order_unit_label,
                _money(line.price),
                _money(line.value),
                _date(line.promised_date),
            ]
            for line in lines
        ],
        totals=[(_("Lines"), str(len(lines))), (_("Total"), _money(total))],
        page_label=_("Page"),
    )


def _pick_document(title: str, number: str, warehouse: str, rows, fields) -> TableDocument:
    return TableDocument(
        title=title,
        number=number,
        company=company_lines(),
        parties=[(_("Warehouse"), [warehouse])],
        fields=fields,
        columns=[
            Column(_("Bin"), 18),
            Column(_("Part"), 44, kind="barcode"),
            Column(_("Part number"), 26),
            Column(_("Description"), 50, kind="wrap"),
            Column(_("Quantity"), 14, "RIGHT"),
            Column(_("Picked"), 9, "CENTER", kind="tick"),
        ],
        rows=[
            [
                row.bin_code,
                part_code(row.part_number),
                row.part_number,
                row.description,
                f"{_qty(row.quantity)} {row.unit}",
                "",
            ]
            for row in rows
        ],
        totals=[(_("Lines"), str(len(rows)))],
        page_label=_("Page"),
    )


def pick_list(*, number: str) -> TableDocument:
    """``WR-000042`` for one request, or ``WAREHOUSE:YYYY-MM-DD`` for a warehouse's day."""
    warehouse_code, sep, day = number.partition(":")
    if sep:
        try:
            when = date.fromisoformat(day.strip())
        except ValueError:
            raise selectors.DocumentNotFound(number) from None
        rows = selectors.pick_list_for_day(warehouse_code=warehouse_code.strip(), day=when)
        return _pick_document(_("Pick list"), number, warehouse_code, rows, [(_("Day"), _date(when))])
    request, rows = selectors.pick_list_for_request(number=number)
    return _pick_document(
        _("Pick list"),
        request.number,
        f"{request.warehouse.code} {request.warehouse.name}",
        rows,
        [(_("Repair order"), request.repair_order.number), (_("Requested"), _date(request.created_at))],
    )


def goods_receipt(*, number: str) -> TableDocument:
    receipt = selectors.goods_receipt_for_document(number=number)
    lines = list(receipt.lines.all())
    return TableDocument(
        title=_("Goods receipt"),
        number=receipt.number,
        company=company_lines(),
        barcode=receipt.number,
        parties=[
            (_("Supplier"), [receipt.purchase_order.supplier.name, receipt.purchase_order.supplier.code]),
            (_("Warehouse"), [receipt.warehouse.name, receipt.warehouse.code]),
        ],
        fields=[
            (_("Purchase order"), receipt.purchase_order.number),
            (_("Delivery note"), receipt.delivery_note),
            (_("Arrived"), _date(receipt.arrived_at)),
            (_("Posted"), _date(receipt.posted_at)),
        ],
        columns=[
            Column(_("Part number"), 28),
            Column(_("Description"), 50, kind="wrap"),
            Column(_("Received"), 16, "RIGHT"),
            Column(_("Held"), 14, "RIGHT"),
            Column(_("Put away in"), 22),
            Column(_("Status"), 28),
        ],
        rows=[
            [
                line.part.number,
                line.part.description,
                f"{_qty(line.quantity)} {line.part.unit}",
                _qty(line.quantity) if line.hold_state == "held" else "",
                line.bin.code if line.bin else "",
                line.get_hold_state_display(),
            ]
            for line in lines
        ],
        totals=[(_("Lines"), str(len(lines)))],
        page_label=_("Page"),
    )


def transfer_note(*, number: str) -> TableDocument:
    transfer = selectors.transfer_for_document(number=number)
    lines = list(transfer.lines.all())
    return TableDocument(
        title=_("Delivery note"),
        number=transfer.number,
        company=company_lines(),
        barcode=transfer_code(transfer.number),
        parties=[
            (_("From"), [transfer.from_warehouse.name, transfer.from_warehouse.code]),
            (_("To"), [transfer.to_warehouse.name, transfer.to_warehouse.code]),
        ],
        fields=[(_("Sent"), _date(transfer.sent_at)), (_("State"), transfer.get_state_display())],
        columns=[
            Column(_("Part"), 44, kind="barcode"),
            Column(_("Part number"), 28),
            Column(_("Description"), 52, kind="wrap"),
            Column(_("Sent"), 16, "RIGHT"),
            Column(_("Received"), 10, "CENTER", kind="tick"),
        ],
        rows=[
            [
                line.part.number,
                line.part.number,
                line.part.description,
                f"{_qty(line.quantity_sent)} {line.part.unit}",
                "",
            ]
            for line in lines
        ],
        totals=[(_("Lines"), str(len(lines)))],
        notes=[_("Scan the barcode at the top on the receiving screen to open this transfer.")],
        page_label=_("Page"),
    )


def count_sheet(*, number: str) -> TableDocument:
    """Blind: the sheet carries no system quantity, only a box to write the count in."""
    count_list = selectors.count_list_for_document(number=number)
    lines = list(count_list.lines.all())
    return TableDocument(
        title=_("Count sheet"),
        number=str(count_list.pk),
        company=company_lines(),
        parties=[(_("Warehouse"), [count_list.warehouse.name, count_list.warehouse.code])],
        fields=[(_("Scheduled for"), _date(count_list.scheduled_for)), (_("Kind"), count_list.get_kind_display())],
        columns=[
            Column(_("Bin"), 18),
            Column(_("Part"), 44, kind="barcode"),
            Column(_("Part number"), 26),
            Column(_("Description"), 50, kind="wrap"),
            Column(_("Counted"), 22),
        ],
        rows=[
            [line.bin.code if line.bin else "", line.part.number, line.part.number, line.part.description, ""]
            for line in lines
        ],
        totals=[(_("Lines"), str(len(lines)))],
        notes=[_("Count what is on the shelf and write the quantity; the sheet does not show the system stock.")],
        page_label=_("Page"),
    )


def return_note(*, number: str) -> TableDocument:
    """Goods going back to the supplier after a quality reject, under the RMA number."""
    reject = selectors.quality_reject_for_document(number=number)
    receipt = reject.receipt_line.receipt
    rma = selectors.rma_number(reject)
    return TableDocument(
        title=_("Return note"),
        number=rma,
        company=company_lines(),
        barcode=rma,
        parties=[
            (_("Return to"), [reject.supplier.name, reject.supplier.code, reject.supplier.email]),
            (_("From"), [receipt.warehouse.name, receipt.warehouse.code]),
        ],
        fields=[
            (_("RMA number"), rma),
            (_("Purchase order"), receipt.purchase_order.number),
            (_("Goods receipt"), receipt.number),
            (_("Rejected"), _date(reject.rejected_at)),
        ],
        columns=[
            Column(_("Part number"), 28),
            Column(_("Description"), 52, kind="wrap"),
            Column(_("Quantity"), 16, "RIGHT"),
            Column(_("Reason"), 50, kind="wrap"),
        ],
        rows=[
            [reject.part.number, reject.part.description, f"{_qty(reject.quantity)} {reject.part.unit}", reject.reason]
        ],
        page_label=_("Page"),
    )


def supplier_return_note(*, number: str) -> TableDocument:
    """The note that leaves with goods going back to a supplier: RMA number, parts, expected credit."""
    document = selectors.supplier_return_for_document(number=number)
    lines = list(document.lines.all())
    return TableDocument(
        title=_("Return to supplier"),
        number=document.number,
        company=company_lines(),
        barcode=document.number,
        parties=[
            (_("Return to"), [document.supplier.name, document.supplier.code, document.supplier.email]),
            (_("From"), [document.warehouse.name, document.warehouse.code]),
        ],
        fields=[
            (_("RMA number"), document.rma_number),
            (_("Reason"), document.get_reason_display()),
            (_("Expected credit"), _money(document.expected_credit)),
            (_("Posted"), _date(document.created_at)),
        ],
        columns=[
            Column(_("Part number"), 28),
            Column(_("Description"), 60, kind="wrap"),
            Column(_("Quantity"), 18, "RIGHT"),
        ],
        rows=[[line.part.number, line.part.description, f"{_qty(line.quantity)} {line.part.unit}"] for line in lines],
        notes=[document.note] if document.note else [],
        page_label=_("Page"),
    )


def _served_description(line) -> str:
    """The served part's description; a superseded number asked for is named after it."""
    if line.requested_part_id == line.part_id:
        return line.part.description
    asked = _("for %(number)s") % {"number": line.requested_part.number}
    return " ".join(filter(None, [line.part.description, asked]))


def counter_sale_receipt(*, number: str) -> TableDocument:
    """The customer's receipt of a counter sale: what was sold at what price, and the total to pay."""
    sale = selectors.counter_sale_for_document(number=number)
    lines = list(sale.lines.all())
    rows = []
    for line in lines:
        rows.append(
            [
                line.part.number,
                _served_description(line),
                f"{_qty(line.quantity_supplied)} {line.part.unit}",
                _money(line.unit_price),
                _money(line.sales_value),
            ]
        )
    total = sum((line.sales_value for line in lines), start=Decimal(0))
    short = [line for line in lines if line.quantity_supplied < line.quantity_requested]
    return TableDocument(
        title=_("Counter sale"),
        number=sale.number,
        company=company_lines(),
        barcode=sale.number,
        parties=[(_("Sold at"), [sale.warehouse.name, sale.warehouse.code])],
        fields=[
            (_("Customer"), sale.customer_ref or "—"),
            (_("Date"), _date(sale.occurred_at)),
            (_("Served by"), sale.sold_by.get_full_name() or sale.sold_by.username),
        ],
        columns=[
            Column(_("Part number"), 28),
            Column(_("Description"), 56, kind="wrap"),
            Column(_("Quantity"), 18, "RIGHT"),
            Column(_("Price"), 20, "RIGHT"),
            Column(_("Amount"), 22, "RIGHT"),
        ],
        rows=rows,
        totals=[(_("Total"), _money(total))],
        notes=[
            _("Not in stock, not charged: %(parts)s.")
            % {"parts": ", ".join(line.requested_part.number for line in short)}
        ]
        if short
        else [],
        page_label=_("Page"),
    )


def issue_slip(*, number: str, requested_by=None) -> TableDocument:
    """The slip that goes with parts issued to a repair order: what was issued, from which bin, what waits."""
    request, bins = selectors.issue_for_document(number=number, requested_by=requested_by)
    lines = list(request.lines.all())
    rows = []
    for line in lines:
        rows.append(
            [
                line.part.number,
                _served_description(line),
                bins.get(line.part_id, ""),
                f"{_qty(line.quantity_requested)} {line.part.unit}",
                f"{_qty(line.quantity_supplied)} {line.part.unit}",
                f"{_qty(line.quantity_backordered)} {line.part.unit}" if line.quantity_backordered else "",
            ]
        )
    short = [line for line in lines if line.quantity_backordered]
    requester = request.requested_by
    return TableDocument(
        title=_("Issue to a repair order"),
        number=request.number,
        company=company_lines(),
        barcode=request.number,
        parties=[(_("Issued from"), [request.warehouse.name, request.warehouse.code])],
        fields=[
            (_("Repair order"), request.repair_order.number),
            (_("Vehicle"), request.repair_order.vehicle_ref or "—"),
            (_("Date"), _date(request.created_at)),
            (_("Issued by"), requester.get_full_name() or requester.username),
        ],
        columns=[
            Column(_("Part number"), 28),
            Column(_("Description"), 50, kind="wrap"),
            Column(_("Bin"), 18),
            Column(_("Asked"), 16, "RIGHT"),
            Column(_("Issued"), 16, "RIGHT"),
            Column(_("Backordered"), 20, "RIGHT"),
        ],
        rows=rows,
        notes=[
            _("Backordered, issued when stock arrives: %(parts)s.")
            % {"parts": ", ".join(f"{line.part.number} × {_qty(line.quantity_backordered)}" for line in short)}
        ]
        if short
        else [],
        page_label=_("Page"),
    )


BUILDERS: dict[str, Callable[..., TableDocument]] = {
    "po": purchase_order,
    "picklist": pick_list,
    "receipt": goods_receipt,
    "transfer": transfer_note,
    "count": count_sheet,
    "return": return_note,
    "supplier-return": supplier_return_note,
    "sale": counter_sale_receipt,
    "issue": issue_slip,
}


def document_pdf(*, kind: str, number: str) -> bytes:
    """The PDF of one document; ``DocumentNotFound`` for an unknown number."""
    return render_table_document(BUILDERS[kind](number=number))


def purchase_order_pdf(*, number: str, supplier: Supplier | None = None) -> bytes:
    return render_table_document(purchase_order(number=number, supplier=supplier))
