"""Reads of the purchasing app: querysets and small dataclasses, with their own joins."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from inventory.models import Part, StockLevel

from .models import (
    GoodsReceipt,
    GoodsReceiptLine,
    HoldState,
    LineConfirmation,
    NoticeState,
    OrderState,
    PurchaseOrder,
    PurchaseOrderLine,
    ShipmentNotice,
    ShipmentNoticeLine,
    Supplier,
    SupplierPart,
    SupplierRating,
    SupplierUser,
)

ZERO = Decimal("0")
_QTY = DecimalField(max_digits=14, decimal_places=3)
_VALUE = DecimalField(max_digits=20, decimal_places=4)


def supplier_part_preferred(part: Part) -> SupplierPart | None:
    """The supplier part to order from: preferred first, then the cheapest, then the quickest.

    Only active suppliers count. None when nobody sells the part.
    """
    return (
        SupplierPart.objects.filter(part=part, supplier__is_active=True)
        .select_related("supplier", "part")
        .order_by("-is_preferred", stock_unit_price(), "lead_time_days", "pk")
        .first()
    )


def stock_unit_price():
    """A supplier part's price per stock unit, for ranking suppliers that sell in different purchase units."""
    return ExpressionWrapper(F("price") / F("purchase_factor"), output_field=_VALUE)


def supplier_for_user(user) -> Supplier | None:
    """The supplier a portal user belongs to (None for internal users)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_parts_supplier"):
        cached: Supplier | None = user._parts_supplier
        return cached
    link = SupplierUser.objects.select_related("supplier").filter(user_id=user.pk).first()
    supplier = link.supplier if link else None
    user._parts_supplier = supplier
    return supplier


def supplier_list(*, query: str = "", active_only: bool = False) -> QuerySet[Supplier]:
    suppliers = Supplier.objects.annotate(
        part_count=Count("supplier_parts", distinct=True),
        open_orders=Count("purchase_orders", filter=Q(purchase_orders__state__in=OrderState.on_order()), distinct=True),
        latest_grade=Subquery(
            SupplierRating.objects.filter(supplier=OuterRef("pk")).order_by("-month").values("grade")[:1]
        ),
    ).order_by("code")
    if query:
        suppliers = suppliers.filter(Q(code__icontains=query) | Q(name__icontains=query))
    if active_only:
        suppliers = suppliers.filter(is_active=True)
    return suppliers


def line_value(prefix: str = ""):
    """An order line's value in SQL: stock quantity × price per purchase unit ÷ factor (= purchase quantity × price).

    The one definition of ``PurchaseOrderLine.value`` for querysets; ``prefix``
    reaches the line through a relation (``"lines__"``).
    """
    return ExpressionWrapper(
        F(f"{prefix}quantity") * F(f"{prefix}price") / F(f"{prefix}purchase_factor"), output_field=_VALUE
    )


def _order_value():
    return Coalesce(
        Sum(line_value("lines__")),
        Value(ZERO),
        output_field=_VALUE,
    )


def purchase_order_list(
    *,
    supplier_id: int | None = None,
    warehouse_id: int | None = None,
    state: str | None = None,
    order_type: str | None = None,
    overdue: bool = False,
    awaiting_approval: bool = False,
    short: bool = False,
    query: str = "",
    today=None,
) -> QuerySet[PurchaseOrder]:
    """Orders with their value and line count.

    ``overdue``: open with a due date in the past; ``awaiting_approval``: drafts above the approval
    threshold that no manager approved yet; ``short``: open with a line confirmed below its quantity.
    """
    today = today or timezone.localdate()
    orders = (
        PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by")
        .annotate(value=_order_value(), line_count=Count("lines"))
        .order_by("-created_at", "-id")
    )
    if supplier_id:
        orders = orders.filter(supplier_id=supplier_id)
    if warehouse_id:
        orders = orders.filter(warehouse_id=warehouse_id)
    if state:
        orders = orders.filter(state=state)
    if order_type:
        orders = orders.filter(order_type=order_type)
    if query:
        orders = orders.filter(Q(number__icontains=query) | Q(reference__icontains=query))
    if overdue:
        late_line = PurchaseOrderLine.objects.filter(order=OuterRef("pk"), quantity_received__lt=F("quantity")).filter(
            Q(promised_date__lt=today) | Q(promised_date__isnull=True, order__expected_date__lt=today)
        )
        orders = orders.filter(state__in=OrderState.on_order()).filter(Exists(late_line))
    if awaiting_approval:
        from .services.orders import approval_threshold

        orders = orders.filter(state=OrderState.DRAFT, approved_at__isnull=True, value__gt=approval_threshold())
    if short:
        short_line = PurchaseOrderLine.objects.filter(order=OuterRef("pk"), confirmed_quantity__lt=F("quantity"))
        orders = orders.filter(state__in=OrderState.on_order()).filter(Exists(short_line))
    return orders


def purchase_order_detail(pk: int, *, supplier: Supplier | None = None) -> PurchaseOrder:
    """One order with lines and parts; with ``supplier`` only that supplier's order (else DoesNotExist)."""
    orders = PurchaseOrder.objects.select_related(
        "supplier", "warehouse", "created_by", "approved_by", "sent_by", "confirmed_by", "cancelled_by", "closed_by"
    ).prefetch_related(_lines_prefetch())
    if supplier is not None:
        orders = orders.filter(supplier=supplier)
    return orders.annotate(value=_order_value()).get(pk=pk)


def _lines_prefetch():
    from django.db.models import Prefetch

    return Prefetch("lines", queryset=PurchaseOrderLine.objects.select_related("part").order_by("line_no"))


def purchase_order_value(order: PurchaseOrder) -> Decimal:
    total = order.lines.aggregate(total=Coalesce(Sum(line_value()), Value(ZERO)))["total"]
    return Decimal(total)


def open_purchase_orders_for_receiving(*, query: str = "", warehouse_ids=None) -> QuerySet[PurchaseOrder]:
    """Orders that can be received, found by order number, supplier code/name or a part number on them."""
    from inventory.models import normalize_part_number

    orders = (
        PurchaseOrder.objects.filter(state__in=OrderState.open_for_receipt())
        .select_related("supplier", "warehouse")
        .annotate(
            open_lines=Count("lines", filter=Q(lines__quantity_received__lt=F("lines__quantity"))),
        )
        .order_by("expected_date", "number")
    )
    if warehouse_ids is not None:
        orders = orders.filter(warehouse_id__in=warehouse_ids)
    query = query.strip()
    if query:
        normalized = normalize_part_number(query)
        on_order = PurchaseOrderLine.objects.filter(order=OuterRef("pk"), part__number_normalized=normalized)
        orders = orders.filter(
            Q(number__iexact=query)
            | Q(number__icontains=query)
            | Q(supplier__code__iexact=query)
            | Q(supplier__name__icontains=query)
            | Exists(on_order)
        )
    return orders


def on_order_quantity(*, part: Part, warehouse_id: int | None = None) -> Decimal:
    """Outstanding quantity on sent / confirmed / partially received orders."""
    lines = PurchaseOrderLine.objects.filter(part=part, order__state__in=OrderState.on_order())
    if warehouse_id:
        lines = lines.filter(order__warehouse_id=warehouse_id)
    total = lines.aggregate(
        total=Coalesce(
            Sum(Greatest(F("quantity") - F("quantity_received"), Value(ZERO), output_field=_QTY)),
            Value(ZERO),
            output_field=_QTY,
        )
    )["total"]
    return Decimal(total)


@dataclass(frozen=True)
class PartPurchasingInfo:
    part: Part
    on_hand: Decimal
    available: Decimal
    on_order: Decimal
    supplier_part: SupplierPart | None


def part_purchasing_info(*, part: Part, warehouse_id: int, supplier: Supplier | None = None) -> PartPurchasingInfo:
    """What the draft editor shows while a number is typed: stock and on order here, the supplier's price."""
    level = StockLevel.objects.filter(part=part, warehouse_id=warehouse_id).first()
    supplier_part = None
    if supplier is not None:
        supplier_part = SupplierPart.objects.filter(part=part, supplier=supplier).first()
    return PartPurchasingInfo(
        part=part,
        on_hand=level.on_hand if level else ZERO,
        available=level.available if level else ZERO,
        on_order=on_order_quantity(part=part, warehouse_id=warehouse_id),
        supplier_part=supplier_part,
    )


def goods_receipt_list(*, purchase_order_id: int | None = None, warehouse_ids=None) -> QuerySet[GoodsReceipt]:
    receipts = (
        GoodsReceipt.objects.select_related("purchase_order", "purchase_order__supplier", "warehouse", "posted_by")
        .prefetch_related("lines__part", "lines__bin")
        .order_by("-posted_at", "-id")
    )
    if purchase_order_id:
        receipts = receipts.filter(purchase_order_id=purchase_order_id)
    if warehouse_ids is not None:
        receipts = receipts.filter(warehouse_id__in=warehouse_ids)
    return receipts


def quality_hold_list() -> QuerySet[GoodsReceiptLine]:
    """Receipt lines still on quality hold, oldest first."""
    return (
        GoodsReceiptLine.objects.filter(hold_state=HoldState.HELD)
        .select_related("part", "receipt", "receipt__purchase_order__supplier", "receipt__warehouse")
        .order_by("receipt__posted_at", "pk")
    )


def supplier_rating_list(*, supplier_id: int | None = None, month=None) -> QuerySet[SupplierRating]:
    ratings = SupplierRating.objects.select_related("supplier").order_by("-month", "supplier__code")
    if supplier_id:
        ratings = ratings.filter(supplier_id=supplier_id)
    if month:
        ratings = ratings.filter(month=month)
    return ratings


def shipment_notice_list(
    *, supplier_id: int | None = None, order_id: int | None = None, warehouse_ids=None
) -> QuerySet[ShipmentNotice]:
    """Notices, newest first, with their order and lines (parts included)."""
    notices = ShipmentNotice.objects.select_related(
        "purchase_order__warehouse", "supplier", "receipt"
    ).prefetch_related(
        Prefetch(
            "lines", queryset=ShipmentNoticeLine.objects.select_related("po_line__part").order_by("po_line__line_no")
        )
    )
    if supplier_id is not None:
        notices = notices.filter(supplier_id=supplier_id)
    if order_id is not None:
        notices = notices.filter(purchase_order_id=order_id)
    if warehouse_ids is not None:
        notices = notices.filter(purchase_order__warehouse_id__in=warehouse_ids)
    return notices


def notice_for_receiving(*, query: str, warehouse_ids=None) -> ShipmentNotice | None:
    """The announced notice a scanned number names: its own number, else the supplier's delivery note number.

    Only notices not yet received whose order can still be received count; a
    delivery note number two suppliers share finds nothing (the clerk then
    scans the notice number).
    """
    query = query.strip()
    if not query:
        return None
    notices = ShipmentNotice.objects.filter(
        state=NoticeState.ANNOUNCED, purchase_order__state__in=OrderState.open_for_receipt()
    ).select_related("purchase_order")
    if warehouse_ids is not None:
        notices = notices.filter(purchase_order__warehouse_id__in=warehouse_ids)
    found = list(notices.filter(number__iexact=query)[:1]) or list(notices.filter(delivery_note__iexact=query)[:2])
    return found[0] if len(found) == 1 else None


def notice_open_quantities(*, order: PurchaseOrder) -> dict[int, Decimal]:
    """Per order line: outstanding minus what announced notices not yet received already cover (never below 0)."""
    pending = dict(
        ShipmentNoticeLine.objects.filter(po_line__order=order, notice__state=NoticeState.ANNOUNCED)
        .values("po_line_id")
        .annotate(total=Sum("quantity_announced"))
        .values_list("po_line_id", "total")
    )
    return {line.pk: max(line.outstanding - pending.get(line.pk, ZERO), ZERO) for line in order.lines.all()}


def line_confirmation_history(*, order: PurchaseOrder) -> dict[int, list[LineConfirmation]]:
    """Each order line's confirmations, oldest first."""
    history: dict[int, list[LineConfirmation]] = {}
    for entry in LineConfirmation.objects.filter(po_line__order=order).select_related("confirmed_by"):
        history.setdefault(entry.po_line_id, []).append(entry)
    return history
