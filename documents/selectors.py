"""Reads for documents and labels: each returns one document's rows with everything it prints prefetched.

Read-only access to the other apps' tables, one query set per document, so
rendering a 200-line document is a handful of queries however long it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from counting.models import CountLine, CountList
from inventory.demand.selectors import issue_bins
from inventory.models import (
    Bin,
    CounterSale,
    Part,
    RequestState,
    TransferOrder,
    WorkshopRequest,
    WorkshopRequestLine,
)
from inventory.scan_codes import transfer_pk
from inventory.selectors import default_bin_codes, part_by_number
from suppliers.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    QualityReject,
    Supplier,
    SupplierReturn,
)


class DocumentNotFound(LookupError):
    pass


@dataclass(frozen=True)
class PickLine:
    request_number: str
    repair_order: str
    bin_code: str
    part_number: str
    description: str
    unit: str
    quantity: object


def purchase_order_for_document(*, number: str, supplier: Supplier | None = None) -> PurchaseOrder:
    """The order by number; with ``supplier`` only that supplier's own (else not found: the portal's isolation)."""
    orders = PurchaseOrder.objects.select_related("supplier", "warehouse").prefetch_related(
        Prefetch("lines", queryset=PurchaseOrderLine.objects.select_related("part").order_by("line_no"))
    )
    if supplier is not None:
        orders = orders.filter(supplier=supplier)
    order = orders.filter(number=number.strip()).first()
    if order is None:
        raise DocumentNotFound(number)
    return order


def _pick_lines(lines: Sequence[WorkshopRequestLine]) -> list[PickLine]:
    bins = default_bin_codes((line.part_id, line.request.warehouse_id) for line in lines)
    rows = [
        PickLine(
            request_number=line.request.number,
            repair_order=line.request.repair_order.number,
            bin_code=bins.get((line.part_id, line.request.warehouse_id), ""),
            part_number=line.part.number,
            description=line.part.description,
            unit=line.part.unit,
            quantity=line.quantity_to_pick,
        )
        for line in lines
        if line.quantity_to_pick > 0
    ]
    # Bin route: walk the bins in code order; parts with no bin come last.
    rows.sort(key=lambda row: (row.bin_code == "", row.bin_code, row.part_number))
    return rows


def _pick_queryset() -> QuerySet[WorkshopRequestLine]:
    return WorkshopRequestLine.objects.select_related("part", "request__repair_order", "request__warehouse")


def pick_list_for_request(*, number: str) -> tuple[WorkshopRequest, list[PickLine]]:
    """One workshop request's lines with stock issued and not yet handed over."""
    digits = number.strip().upper().removeprefix("WR-")
    request = (
        WorkshopRequest.objects.select_related("warehouse", "repair_order").filter(pk=int(digits)).first()
        if digits.isdigit()
        else None
    )
    if request is None:
        raise DocumentNotFound(number)
    return request, _pick_lines(list(_pick_queryset().filter(request=request).order_by("pk")))


def pick_list_for_day(*, warehouse_code: str, day: date) -> list[PickLine]:
    """A warehouse's day: every line of a request raised that day with stock still to hand over, in one walk."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day, time.max))
    lines = _pick_queryset().filter(
        request__warehouse__code=warehouse_code,
        request__state__in=(RequestState.TO_PICK, RequestState.WAITING),
        request__created_at__range=(start, end),
    )
    return _pick_lines(list(lines.order_by("pk")))


def goods_receipt_for_document(*, number: str) -> GoodsReceipt:
    receipt = (
        GoodsReceipt.objects.select_related("purchase_order__supplier", "warehouse", "posted_by")
        .prefetch_related(
            Prefetch("lines", queryset=GoodsReceiptLine.objects.select_related("part", "bin", "po_line").order_by("pk"))
        )
        .filter(number=number.strip())
        .first()
    )
    if receipt is None:
        raise DocumentNotFound(number)
    return receipt


def transfer_for_document(*, number: str) -> TransferOrder:
    pk = transfer_pk(number)
    transfer = (
        TransferOrder.objects.select_related("from_warehouse", "to_warehouse")
        .prefetch_related("lines__part")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if transfer is None:
        raise DocumentNotFound(number)
    return transfer


def count_list_for_document(*, number: str) -> CountList:
    """A count list with its lines on the walking route (the sheet never shows quantities)."""
    digits = number.strip()
    count_list = (
        CountList.objects.select_related("warehouse")
        .prefetch_related(
            Prefetch("lines", queryset=CountLine.objects.select_related("part", "bin").order_by("sequence", "pk"))
        )
        .filter(pk=int(digits))
        .first()
        if digits.isdigit()
        else None
    )
    if count_list is None:
        raise DocumentNotFound(number)
    return count_list


def rma_number(reject: QualityReject) -> str:
    return f"RMA-{reject.pk:06d}"


def quality_reject_for_document(*, number: str) -> QualityReject:
    """A quality reject by its RMA number: the goods that go back to the supplier."""
    digits = number.strip().upper().removeprefix("RMA-")
    reject = (
        QualityReject.objects.select_related(
            "supplier", "part", "receipt_line__receipt__purchase_order", "receipt_line__receipt__warehouse"
        )
        .filter(pk=int(digits))
        .first()
        if digits.isdigit()
        else None
    )
    if reject is None:
        raise DocumentNotFound(number)
    return reject


def _by_number(queryset, number: str, prefix: str):
    """The row of a document number printed as PREFIX-000001, or ``DocumentNotFound``."""
    digits = number.strip().upper().removeprefix(prefix)
    found = queryset.filter(pk=int(digits)).first() if digits.isdigit() and len(digits) < 10 else None
    if found is None:
        raise DocumentNotFound(number)
    return found


def supplier_return_for_document(*, number: str) -> SupplierReturn:
    """A return to the supplier by its number (SR-000001), with its lines and parts."""
    returns = SupplierReturn.objects.select_related("supplier", "warehouse").prefetch_related("lines__part")
    return _by_number(returns, number, "SR-")


def parts_for_labels(*, numbers: Sequence[str], warehouse_id: int | None = None) -> list[tuple[Part, str]]:
    """Each part by number as typed or scanned, with its default bin in the warehouse (blank without one)."""
    parts: list[Part] = []
    for number in numbers:
        part = part_by_number(number)
        if part is None:
            raise DocumentNotFound(number)
        parts.append(part)
    bins = default_bin_codes((part.pk, warehouse_id) for part in parts) if warehouse_id else {}
    return [(part, bins.get((part.pk, warehouse_id or 0), "")) for part in parts]


def bins_for_labels(*, pairs: Sequence[tuple[str, str]]) -> list[Bin]:
    """Bins by (warehouse code, bin code), in the order asked."""
    found = {
        (b.warehouse.code, b.code): b
        for b in Bin.objects.select_related("warehouse").filter(
            warehouse__code__in={w for w, _ in pairs}, code__in={c for _, c in pairs}
        )
    }
    missing = [f"{w}:{c}" for w, c in pairs if (w, c) not in found]
    if missing:
        raise DocumentNotFound(", ".join(missing))
    return [found[pair] for pair in pairs]


def bin_codes_of_warehouse(*, warehouse_code: str) -> QuerySet[Bin, str]:
    """Every active bin of a warehouse, in route (code) order: the sheet for labelling a whole store."""
    return (
        Bin.objects.filter(warehouse__code=warehouse_code, is_active=True)
        .order_by("code")
        .values_list("code", flat=True)
    )


def counter_sale_for_document(*, number: str) -> CounterSale:
    """A counter sale by its number (CS-000001), with its lines and parts."""
    sales = CounterSale.objects.select_related("warehouse", "sold_by").prefetch_related(
        "lines__part", "lines__requested_part"
    )
    return _by_number(sales, number, "CS-")


def issue_for_document(*, number: str, requested_by=None) -> tuple[WorkshopRequest, dict[int, str]]:
    """An issue to a repair order by its request number (WR-000001), with its lines and each part's bin.

    With ``requested_by`` only that user's own requests (the workshop prints its own slips; another's is
    not found).
    """
    requests = WorkshopRequest.objects.select_related("warehouse", "repair_order", "requested_by").prefetch_related(
        Prefetch(
            "lines",
            queryset=WorkshopRequestLine.objects.select_related("part", "requested_part").order_by("pk"),
        )
    )
    if requested_by is not None:
        requests = requests.filter(requested_by=requested_by)
    request = _by_number(requests, number, "WR-")
    return request, issue_bins(request=request)
