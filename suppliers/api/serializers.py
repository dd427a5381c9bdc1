"""API shapes of purchasing. Input serializers validate; output serializers list their fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.fastpath.fields import IdField, line_list
from inventory.api.serializers import PartBriefSerializer
from inventory.models import Bin, Part, Warehouse

from ..models import (
    GoodsReceipt,
    GoodsReceiptLine,
    OrderType,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierPart,
    SupplierRating,
)

QTY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}
COST: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "code", "name", "email", "phone", "contact_name", "payment_terms", "is_active"]


class SupplierPartSerializer(serializers.ModelSerializer):
    supplier_code = serializers.CharField(source="supplier.code", read_only=True)
    part_number = serializers.CharField(source="part.number", read_only=True)
    # The model's check constraints, as validation: a zero MOQ or pack size was a 500 (IntegrityError).
    price = serializers.DecimalField(**COST, min_value=Decimal("0"))
    min_order_qty = serializers.DecimalField(**QTY, min_value=Decimal("0.001"), required=False)
    pack_size = serializers.DecimalField(**QTY, min_value=Decimal("0.001"), required=False)
    purchase_unit = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=_("The supplier's unit (box, drum); empty: stock unit."),
    )
    purchase_factor = serializers.DecimalField(
        **QTY, min_value=Decimal("0.001"), required=False, help_text=_("Stock units in one purchase unit.")
    )

    class Meta:
        model = SupplierPart
        fields = [
            "id",
            "supplier",
            "supplier_code",
            "part",
            "part_number",
            "supplier_part_number",
            "price",
            "lead_time_days",
            "min_order_qty",
            "pack_size",
            "purchase_unit",
            "purchase_factor",
            "is_preferred",
        ]

    def validate(self, attrs: dict) -> dict:
        """The purchase unit and its factor by the screen's rule (a 400 naming the field, never a constraint's 500)."""
        from ..exceptions import PurchasingError
        from ..services import purchase_unit_checked

        current = self.instance
        part = attrs.get("part") or (current.part if current is not None else None)
        unit = attrs.get("purchase_unit", current.purchase_unit if current is not None else "")
        factor = attrs.get("purchase_factor", current.purchase_factor if current is not None else Decimal(1))
        if part is not None:
            try:
                attrs["purchase_unit"], attrs["purchase_factor"] = purchase_unit_checked(
                    part=part, unit=unit, factor=factor
                )
            except PurchasingError as error:
                raise serializers.ValidationError({error.field or "purchase_factor": [error.message]}) from None
        return attrs


class PurchaseOrderLineSerializer(serializers.ModelSerializer):
    """An order line in its order unit (the supplier's purchase unit, else the stock unit), as it is entered.

    Quantities and the price are per ``purchase_unit``; ``stock_*`` give the
    same quantities in the part's stock unit, as the ledger counts them.
    """

    part = PartBriefSerializer(read_only=True)
    quantity = serializers.DecimalField(**QTY, source="purchase_quantity", read_only=True)
    confirmed_quantity = serializers.DecimalField(**QTY, source="purchase_confirmed", read_only=True, allow_null=True)
    quantity_received = serializers.DecimalField(**QTY, source="purchase_received", read_only=True)
    quantity_rejected = serializers.DecimalField(**QTY, source="purchase_rejected", read_only=True)
    outstanding = serializers.DecimalField(**QTY, source="purchase_outstanding", read_only=True)
    order_unit = serializers.CharField(read_only=True, help_text=_("The purchase unit, else the part's stock unit."))
    value = serializers.DecimalField(max_digits=20, decimal_places=4, read_only=True)
    stock_unit = serializers.CharField(source="part.unit", read_only=True)
    stock_quantity = serializers.DecimalField(**QTY, source="quantity", read_only=True)
    stock_quantity_received = serializers.DecimalField(**QTY, source="quantity_received", read_only=True)
    stock_unit_cost = serializers.DecimalField(**COST, read_only=True)

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "id",
            "line_no",
            "part",
            "supplier_part_number",
            "quantity",
            "order_unit",
            "purchase_unit",
            "purchase_factor",
            "price",
            "value",
            "promised_date",
            "confirmed_quantity",
            "quantity_received",
            "quantity_rejected",
            "outstanding",
            "stock_unit",
            "stock_quantity",
            "stock_quantity_received",
            "stock_unit_cost",
            "warning",
        ]


class PurchaseOrderSerializer(serializers.ModelSerializer):
    supplier = SupplierSerializer(read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    value = serializers.DecimalField(max_digits=20, decimal_places=4, read_only=True)
    lines = PurchaseOrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "supplier",
            "warehouse",
            "order_type",
            "state",
            "reference",
            "expected_date",
            "created_at",
            "sent_at",
            "confirmed_at",
            "approved_at",
            "received_at",
            "closed_at",
            "cancelled_at",
            "cancel_reason",
            "value",
            "lines",
        ]


class PurchaseOrderListSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="supplier.code", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    value = serializers.DecimalField(max_digits=20, decimal_places=4, read_only=True)
    line_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "supplier",
            "warehouse",
            "order_type",
            "state",
            "expected_date",
            "created_at",
            "sent_at",
            "value",
            "line_count",
        ]


class OrderLineInputSerializer(serializers.Serializer):
    part = IdField(queryset=Part.objects.all())
    quantity = serializers.DecimalField(
        **QTY, min_value=Decimal("0.001"), help_text=_("In the supplier's purchase unit (boxes), else the stock unit.")
    )
    price = serializers.DecimalField(
        **COST,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Per purchase unit; empty takes the supplier's price."),
    )


class PurchaseOrderCreateSerializer(serializers.Serializer):
    supplier = IdField(queryset=Supplier.objects.all())
    warehouse = IdField(queryset=Warehouse.objects.all())
    order_type = serializers.ChoiceField(choices=OrderType.choices, default=OrderType.STOCK)
    expected_date = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    lines = line_list(OrderLineInputSerializer)


class LineUpdateSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(**QTY, min_value=Decimal("0.001"), required=False)
    price = serializers.DecimalField(**COST, min_value=Decimal("0"), required=False)
    promised_date = serializers.DateField(required=False)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ConfirmLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text=_("Order line id"))
    promised_date = serializers.DateField(required=False, allow_null=True, default=None)
    confirmed_quantity = serializers.DecimalField(**QTY, required=False, allow_null=True, default=None)


class ConfirmSerializer(serializers.Serializer):
    lines = line_list(ConfirmLineSerializer, required=False, default=list)


class ReceiptLineInputSerializer(serializers.Serializer):
    po_line = serializers.IntegerField(required=False, allow_null=True, default=None, help_text=_("Order line id"))
    part = IdField(
        queryset=Part.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("For an unplanned receipt (managers): a part not on the order."),
    )
    quantity = serializers.DecimalField(
        **QTY, help_text=_("In the order line's purchase unit (boxes); an unplanned part in its stock unit.")
    )
    bin = IdField(queryset=Bin.objects.all(), required=False, allow_null=True, default=None)
    hold = serializers.BooleanField(required=False, default=False)
    unit_cost = serializers.DecimalField(**COST, required=False, allow_null=True, default=None)


class GoodsReceiptCreateSerializer(serializers.Serializer):
    purchase_order = serializers.IntegerField()
    arrived_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    delivery_note = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    idempotency_key = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    lines = line_list(ReceiptLineInputSerializer)


class GoodsReceiptLineSerializer(serializers.ModelSerializer):
    part = PartBriefSerializer(read_only=True)
    bin = serializers.CharField(source="bin.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = GoodsReceiptLine
        fields = ["id", "po_line", "part", "quantity", "unit_cost", "bin", "hold_state", "hold_decided_at", "hold_note"]


class GoodsReceiptSerializer(serializers.ModelSerializer):
    purchase_order = serializers.CharField(source="purchase_order.number", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    posted_by = serializers.CharField(source="posted_by.username", read_only=True)
    lines = GoodsReceiptLineSerializer(many=True, read_only=True)

    class Meta:
        model = GoodsReceipt
        fields = [
            "id",
            "number",
            "purchase_order",
            "warehouse",
            "delivery_note",
            "arrived_at",
            "posted_at",
            "posted_by",
            "lines",
        ]


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ReleaseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SupplierRatingSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="supplier.code", read_only=True)

    class Meta:
        model = SupplierRating
        fields = [
            "id",
            "supplier",
            "month",
            "lines_due",
            "lines_on_time",
            "on_time_rate",
            "quantity_ordered",
            "quantity_delivered",
            "fill_rate",
            "quantity_received",
            "quantity_rejected",
            "reject_rate",
            "lead_time_mean_days",
            "lead_time_stddev_days",
            "score",
            "grade",
            "computed_at",
        ]


class ReconfirmSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
    lines = line_list(ConfirmLineSerializer)


class LineConfirmationSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="po_line_id")
    promised_date = serializers.DateField(allow_null=True)
    confirmed_quantity = serializers.DecimalField(**QTY, allow_null=True)
    previous_date = serializers.DateField(allow_null=True)
    previous_quantity = serializers.DecimalField(**QTY, allow_null=True)
    reason = serializers.CharField()
    confirmed_at = serializers.DateTimeField()


class ShipmentNoticeLineInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text=_("Order line id"))
    quantity = serializers.DecimalField(**QTY, help_text=_("In the order line's purchase unit."))


class ShipmentNoticeCreateSerializer(serializers.Serializer):
    purchase_order = serializers.IntegerField()
    delivery_note = serializers.CharField(max_length=60)
    expected_arrival = serializers.DateField()
    lines = line_list(ShipmentNoticeLineInputSerializer)


class ShipmentNoticeLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="po_line_id")
    line_no = serializers.IntegerField(source="po_line.line_no")
    part_number = serializers.CharField(source="po_line.part.number")
    # in the order line's purchase unit, as announced
    quantity_announced = serializers.DecimalField(**QTY, source="purchase_announced")
    quantity_received = serializers.DecimalField(**QTY, source="purchase_received", allow_null=True)
    difference = serializers.DecimalField(**QTY, source="purchase_difference", allow_null=True)


class ShipmentNoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    purchase_order = serializers.IntegerField(source="purchase_order_id")
    purchase_order_number = serializers.CharField(source="purchase_order.number")
    supplier = serializers.CharField(source="supplier.code")
    delivery_note = serializers.CharField()
    expected_arrival = serializers.DateField()
    state = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # the notice's field, not DRF's `source`
    announced_at = serializers.DateTimeField()
    receipt = serializers.CharField(source="receipt.number", allow_null=True, default=None)
    lines = ShipmentNoticeLineSerializer(many=True)
