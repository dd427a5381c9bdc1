"""API shapes for workshop demand, backorders and transfer orders. Inputs validate; outputs list fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.fastpath.fields import IdField, line_list
from inventory import selectors
from inventory.api.serializers import PartBriefSerializer
from inventory.models import (
    Backorder,
    CounterSale,
    CounterSaleLine,
    TransferOrder,
    TransferOrderLine,
    Warehouse,
    WorkshopRequest,
    WorkshopRequestLine,
)

POSITIVE_QTY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3, "min_value": Decimal("0.001")}
QTY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3, "min_value": Decimal("0")}


class PartNumberField(serializers.CharField):
    """A part number as typed or scanned; resolves to the Part."""

    def to_internal_value(self, data):
        number = super().to_internal_value(data)
        if len(number) > 40:
            raise serializers.ValidationError(_("A part number has at most 40 characters."))
        part = selectors.part_by_number(number)
        if part is None:
            raise serializers.ValidationError(_("No part numbered %(number)s.") % {"number": repr(number)})
        return part


class DemandLineInSerializer(serializers.Serializer):
    part = PartNumberField(help_text=gettext_lazy("Part number as typed; supersession is resolved."))
    quantity = serializers.DecimalField(**POSITIVE_QTY)
    unit_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Overrides the list price (counter staff and managers only)."),
    )
    cancel_shortage = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy("Record what the shelf cannot give as lost demand instead of back-ordering it."),
    )


class WorkshopRequestInSerializer(serializers.Serializer):
    warehouse = IdField(queryset=Warehouse.objects.filter(is_active=True))
    repair_order = serializers.CharField(max_length=40, help_text=gettext_lazy("Repair order number; opened when new."))
    vehicle_ref = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    customer_ref = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    lines = line_list(DemandLineInSerializer, allow_empty=False)


class CounterSaleInSerializer(serializers.Serializer):
    warehouse = IdField(queryset=Warehouse.objects.filter(is_active=True))
    customer_ref = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    lines = line_list(DemandLineInSerializer, allow_empty=False)


class WorkshopRequestLineSerializer(serializers.ModelSerializer):
    requested_part = PartBriefSerializer(read_only=True)
    part = PartBriefSerializer(
        read_only=True, help_text=gettext_lazy("The part that served the line (after supersession).")
    )
    backorder_id = serializers.SerializerMethodField()

    class Meta:
        model = WorkshopRequestLine
        fields = [
            "id",
            "requested_part",
            "part",
            "quantity_requested",
            "quantity_supplied",
            "quantity_reserved",
            "quantity_backordered",
            "quantity_filled",
            "quantity_lost",
            "quantity_picked",
            "quantity_returned",
            "unit_price",
            "sales_value",
            "cost_value",
            "backorder_id",
        ]

    def get_backorder_id(self, line: WorkshopRequestLine) -> int | None:
        backorder = getattr(line, "backorder", None)  # a missing reverse one-to-one raises AttributeError
        return backorder.pk if backorder is not None else None


class WorkshopRequestSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    repair_order = serializers.CharField(source="repair_order.number", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    lines = WorkshopRequestLineSerializer(many=True, read_only=True)

    class Meta:
        model = WorkshopRequest
        fields = [
            "id",
            "number",
            "repair_order",
            "warehouse",
            "requested_by",
            "state",
            "created_at",
            "booked_for",
            "expires_at",
            "picked_at",
            "lines",
        ]


class CounterSaleLineSerializer(serializers.ModelSerializer):
    requested_part = PartBriefSerializer(read_only=True)
    part = PartBriefSerializer(read_only=True)

    class Meta:
        model = CounterSaleLine
        fields = [
            "id",
            "requested_part",
            "part",
            "quantity_requested",
            "quantity_supplied",
            "quantity_returned",
            "unit_price",
            "sales_value",
            "cost_value",
        ]


class CounterSaleSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    lines = CounterSaleLineSerializer(many=True, read_only=True)

    class Meta:
        model = CounterSale
        fields = ["id", "number", "warehouse", "customer_ref", "occurred_at", "lines"]


class BackorderSerializer(serializers.ModelSerializer):
    part = PartBriefSerializer(read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    request = serializers.CharField(source="line.request.number", read_only=True)
    request_id = serializers.IntegerField(source="line.request_id", read_only=True)
    repair_order = serializers.CharField(source="line.request.repair_order.number", read_only=True)
    requested_by = serializers.CharField(source="line.request.requested_by.username", read_only=True)
    open_quantity = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)

    class Meta:
        model = Backorder
        fields = [
            "id",
            "part",
            "warehouse",
            "request",
            "request_id",
            "repair_order",
            "requested_by",
            "requested_at",
            "quantity",
            "quantity_filled",
            "quantity_cancelled",
            "open_quantity",
            "state",
            "sourcing_note",
        ]


class ProposalSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    kind = serializers.CharField(
        help_text=gettext_lazy("neighbour, parent or emergency_order (the order to take them in).")
    )
    # DRF's metaclass moves declared fields off the class, so this API field does not replace Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    warehouse = serializers.CharField(source="warehouse.code", allow_null=True, default=None)
    warehouse_id = serializers.IntegerField(source="warehouse.pk", allow_null=True, default=None)
    available = serializers.DecimalField(max_digits=14, decimal_places=3)
    lead_time_days = serializers.IntegerField(allow_null=True)


class AcceptTransferSerializer(serializers.Serializer):
    from_warehouse = IdField(queryset=Warehouse.objects.filter(is_active=True))
    quantity = serializers.DecimalField(**POSITIVE_QTY)


class TransferLineInSerializer(serializers.Serializer):
    part = PartNumberField(help_text=gettext_lazy("Part number as typed."))
    quantity = serializers.DecimalField(**POSITIVE_QTY)


class TransferCreateSerializer(serializers.Serializer):
    from_warehouse = IdField(queryset=Warehouse.objects.filter(is_active=True))
    to_warehouse = IdField(queryset=Warehouse.objects.filter(is_active=True))
    lines = line_list(TransferLineInSerializer, allow_empty=False)


class SendLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY)


class TransferSendSerializer(serializers.Serializer):
    lines = line_list(
        SendLineSerializer, required=False, help_text=gettext_lazy("Quantities picked; default: as requested.")
    )


class ReceiveLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    received = serializers.DecimalField(**QTY)
    lost = serializers.DecimalField(**QTY, default=Decimal("0"))


class TransferReceiveSerializer(serializers.Serializer):
    lines = line_list(
        ReceiveLineSerializer, required=False, help_text=gettext_lazy("Default: everything outstanding arrived.")
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TransferLineSerializer(serializers.ModelSerializer):
    part = PartBriefSerializer(read_only=True)
    quantity_outstanding = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)

    class Meta:
        model = TransferOrderLine
        fields = [
            "id",
            "part",
            "quantity_requested",
            "quantity_sent",
            "quantity_received",
            "quantity_lost",
            "quantity_outstanding",
            "unit_cost",
        ]


class TransferOrderSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    from_warehouse = serializers.CharField(source="from_warehouse.code", read_only=True)
    to_warehouse = serializers.CharField(source="to_warehouse.code", read_only=True)
    lines = TransferLineSerializer(many=True, read_only=True)

    class Meta:
        model = TransferOrder
        fields = [
            "id",
            "number",
            "from_warehouse",
            "to_warehouse",
            "state",
            "backorder",
            "created_at",
            "sent_at",
            "received_at",
            "discrepancy_note",
            "lines",
        ]


class AvailabilityPlaceSerializer(serializers.Serializer):
    warehouse = serializers.CharField(source="warehouse.code")
    available = serializers.DecimalField(max_digits=14, decimal_places=3)
    lead_time_days = serializers.IntegerField(allow_null=True)


class RequestAvailabilitySerializer(serializers.Serializer):
    requested = PartBriefSerializer()
    serving = PartBriefSerializer()
    list_price = serializers.DecimalField(source="serving.list_price", max_digits=12, decimal_places=2)
    here = AvailabilityPlaceSerializer()
    neighbours = AvailabilityPlaceSerializer(many=True)
