"""Which warehouses a document belongs to: the staff download serves only documents of the user's own.

One small query per document, read only for users whose scope is some warehouses (clerks); the
numbers are read as the document's selector reads them, so a number the scope does not find the
builder does not find either.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, QuerySet

from counting.models import CountList
from inventory.models import CounterSale, TransferOrder, Warehouse, WorkshopRequest
from inventory.scan_codes import transfer_pk
from suppliers.models import GoodsReceipt, PurchaseOrder, QualityReject, SupplierReturn

from .selectors import DocumentNotFound, _by_number


def _first(queryset: QuerySet, number: str, *fields: str) -> frozenset[int]:
    row = queryset.values_list(*fields).first()
    if row is None:
        raise DocumentNotFound(number)
    return frozenset(row)


def _numbered(model: type[Model], number: str, prefix: str, *fields: str) -> frozenset[int]:
    """A document printed as PREFIX-000001, read as its selector reads the number."""
    return frozenset(_by_number(model._default_manager.values_list(*fields), number, prefix))


def warehouse_of_code(code: str) -> frozenset[int]:
    """The warehouse a bin sheet is printed for, by its code (``DocumentNotFound`` if there is none)."""
    return _first(Warehouse.objects.filter(code=code.strip()), code, "pk")


def _purchase_order(number: str) -> frozenset[int]:
    return _first(PurchaseOrder.objects.filter(number=number.strip()), number, "warehouse_id")


def _workshop_request(number: str) -> frozenset[int]:
    return _numbered(WorkshopRequest, number, "WR-", "warehouse_id")


def _pick_list(number: str) -> frozenset[int]:
    """One request (WR-000042) or a warehouse's day (CEN:2026-05-04)."""
    warehouse_code, sep, _day = number.partition(":")
    if sep:
        return _first(Warehouse.objects.filter(code=warehouse_code.strip()), number, "pk")
    return _workshop_request(number)


def _goods_receipt(number: str) -> frozenset[int]:
    return _first(GoodsReceipt.objects.filter(number=number.strip()), number, "warehouse_id")


def _transfer(number: str) -> frozenset[int]:
    pk = transfer_pk(number)
    if pk is None:
        raise DocumentNotFound(number)
    # Both ends hold the note: the sender prints it, the receiver checks the goods against it.
    return _first(TransferOrder.objects.filter(pk=pk), number, "from_warehouse_id", "to_warehouse_id")


WAREHOUSES_OF: dict[str, Callable[[str], frozenset[int]]] = {
    "po": _purchase_order,
    "picklist": _pick_list,
    "receipt": _goods_receipt,
    "transfer": _transfer,
    "count": lambda number: _numbered(CountList, number, "", "warehouse_id"),
    # The quality reject is the receipt's: its return note belongs to the warehouse that received the goods.
    "return": lambda number: _numbered(QualityReject, number, "RMA-", "receipt_line__receipt__warehouse_id"),
    "supplier-return": lambda number: _numbered(SupplierReturn, number, "SR-", "warehouse_id"),
    "sale": lambda number: _numbered(CounterSale, number, "CS-", "warehouse_id"),
    "issue": _workshop_request,
}


def document_warehouses(*, kind: str, number: str) -> frozenset[int]:
    """The warehouses the document of ``kind`` and ``number`` belongs to; ``DocumentNotFound`` without one."""
    return WAREHOUSES_OF[kind](number)
