"""The delivery note that leaves with a shipped exchange request (PDF)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from documents.documents import _date, _money, _qty, company_lines
from documents.pdf import Column, TableDocument, render_table_document
from inventory.scan_codes import part_code

from .models import ExchangeRequest


def delivery_note_pdf(exchange_request: ExchangeRequest) -> bytes:
    lines = list(exchange_request.lines.select_related("part").order_by("pk"))
    total = sum((line.value for line in lines), start=Decimal(0))
    document = TableDocument(
        title=_("Delivery note"),
        number=exchange_request.number,
        company=company_lines(),
        barcode=part_code(exchange_request.number),
        parties=[
            (_("From"), [exchange_request.warehouse.name, exchange_request.warehouse.code]),
            (_("To"), [exchange_request.dealer.name, exchange_request.dealer.code]),
        ],
        fields=[
            (_("Shipped"), _date(exchange_request.decided_at)),
            (_("Your order number"), exchange_request.reference or "–"),
        ],
        columns=[
            Column(_("Part number"), 36),
            Column(_("Description"), 64, kind="wrap"),
            Column(_("Quantity"), 22, "RIGHT"),
            Column(_("Price"), 22, "RIGHT"),
            Column(_("Value"), 26, "RIGHT"),
        ],
        rows=[
            [
                line.part.number,
                line.part.description,
                f"{_qty(line.quantity)} {line.part.unit}",
                _money(line.unit_price),
                _money(line.value),
            ]
            for line in lines
        ],
        totals=[(_("Lines"), str(len(lines))), (_("Total"), _money(total))],
        notes=[_("Sold through the dealer exchange: surplus stock, as it is.")],
        page_label=_("Page"),
    )
    return render_table_document(document)
