"""Serializers of the planning API: they validate input and render output; services do the work."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.fastpath.fields import line_list
from core.limits import request_max_items

from ..models import (
    OVERRIDABLE,
    Forecast,
    ForecastError,
    ReplenishmentProposal,
    ReplenishmentRun,
    StockingParameter,
    VmiProposal,
)

QTY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}


class ReplenishmentProposalSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="part.number", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    from_warehouse_code = serializers.CharField(
        source="from_warehouse.code", read_only=True, default=None, allow_null=True
    )
    supplier_code = serializers.CharField(source="supplier.code", read_only=True, default=None, allow_null=True)

    state = serializers.CharField(read_only=True, help_text=_("open, approved, rejected or superseded"))

    class Meta:
        model = ReplenishmentProposal
        fields = [
            "id", "run", "origin", "part", "part_number", "warehouse", "warehouse_code", "source", "from_warehouse",
            "from_warehouse_code", "supplier", "supplier_code", "unit_price", "suggested_quantity", "quantity",
            "state", "class_code", "forecast_per_month", "method", "pattern", "safety_stock", "reorder_point", "eoq",
            "min_qty", "max_qty", "on_hand", "on_order", "in_transit", "reserved", "backordered", "projected",
            "reason", "created_at", "decided_at", "transfer_order", "purchase_order",
        ]  # fmt: skip


class ProposalApproveItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY, required=False, allow_null=True, min_value=0)


class ProposalApproveSerializer(serializers.Serializer):
    items = line_list(ProposalApproveItemSerializer, allow_empty=False, max_length=request_max_items())


class ApprovalResultSerializer(serializers.Serializer):
    transfer_orders = serializers.ListField(child=serializers.CharField())
    purchase_orders = serializers.ListField(child=serializers.CharField())


class ProposalRejectSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False, max_length=request_max_items())


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class RunSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text=_("queued, running, done or failed"))

    class Meta:
        model = ReplenishmentRun
        fields = ["id", "state", "step", "created_at", "started_at", "finished_at", "series", "proposals", "error"]


class ForecastSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="part.number", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)

    class Meta:
        model = Forecast
        fields = [
            "part", "part_number", "warehouse", "warehouse_code", "first_month", "per_month", "std_per_month",
            "method", "pattern", "adi", "cv2", "holdout_mae", "holdout_mape", "holdout_bias", "history_months",
            "computed_at",
        ]  # fmt: skip


class ForecastErrorSerializer(serializers.ModelSerializer):
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)

    class Meta:
        model = ForecastError
        fields = [
            "warehouse", "warehouse_code", "month", "series", "series_with_demand", "forecast_total",
            "actual_total", "mape", "bias", "computed_at",
        ]  # fmt: skip


class ParameterSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="part.number", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    override_active = serializers.SerializerMethodField()
    effective_min_qty = serializers.SerializerMethodField()
    effective_max_qty = serializers.SerializerMethodField()

    class Meta:
        model = StockingParameter
        fields = [
            "id", "part", "part_number", "warehouse", "warehouse_code", "class_code", "service_level",
            "lead_time_days", "forecast_per_month", "safety_stock", "reorder_point", "eoq", "min_qty", "max_qty",
            "order_on_demand", "is_vmi", "override_safety_stock", "override_reorder_point", "override_eoq",
            "override_min_qty", "override_max_qty", "override_reason", "override_expires_on", "override_active",
            "effective_min_qty", "effective_max_qty", "computed_at",
        ]  # fmt: skip

    def get_override_active(self, obj) -> bool:
        return obj.override_active()

    def get_effective_min_qty(self, obj) -> str:
        return str(obj.effective("min_qty"))

    def get_effective_max_qty(self, obj) -> str:
        return str(obj.effective("max_qty"))


class OverrideSerializer(serializers.Serializer):
    part = serializers.IntegerField()
    warehouse = serializers.IntegerField()
    reason = serializers.CharField(max_length=200)
    expires_on = serializers.DateField(required=False, allow_null=True)
    safety_stock = serializers.DecimalField(**QTY, required=False, allow_null=True)
    reorder_point = serializers.DecimalField(**QTY, required=False, allow_null=True)
    eoq = serializers.DecimalField(**QTY, required=False, allow_null=True)
    min_qty = serializers.DecimalField(**QTY, required=False, allow_null=True)
    max_qty = serializers.DecimalField(**QTY, required=False, allow_null=True)

    def override_values(self) -> dict:
        return {name: self.validated_data[name] for name in OVERRIDABLE if name in self.validated_data}


class KnownDemandSerializer(serializers.Serializer):
    part = serializers.IntegerField()
    warehouse = serializers.IntegerField()
    month = serializers.DateField(help_text=_("Any day of the month; stored as the first."))
    quantity = serializers.DecimalField(**QTY)
    reason = serializers.CharField(max_length=200)


class KnownDemandOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    part = serializers.IntegerField(source="part_id")
    warehouse = serializers.IntegerField(source="warehouse_id")
    month = serializers.DateField()
    quantity = serializers.DecimalField(**QTY)
    reason = serializers.CharField()


class SupplierForecastRowSerializer(serializers.Serializer):
    part = serializers.CharField(source="part.number")
    supplier_part_number = serializers.CharField()
    description = serializers.CharField(source="part.description")
    months = serializers.ListField(child=serializers.DecimalField(max_digits=16, decimal_places=2))
    total = serializers.DecimalField(max_digits=16, decimal_places=2)


class SupplierForecastSerializer(serializers.Serializer):
    months = serializers.ListField(child=serializers.DateField())
    rows = SupplierForecastRowSerializer(many=True)


class VmiProposalSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="part.number", read_only=True)
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)
    supplier_code = serializers.CharField(source="supplier.code", read_only=True)
    purchase_order_number = serializers.CharField(
        source="purchase_order.number", read_only=True, default=None, allow_null=True
    )
    state = serializers.CharField(read_only=True, help_text=_("proposed, accepted or rejected"))

    class Meta:
        model = VmiProposal
        fields = [
            "id", "supplier", "supplier_code", "part", "part_number", "warehouse", "warehouse_code", "quantity",
            "note", "proposed_at", "state", "accepted_quantity", "decided_at", "purchase_order",
            "purchase_order_number",
        ]  # fmt: skip


class VmiProposeSerializer(serializers.Serializer):
    part = serializers.IntegerField()
    warehouse = serializers.IntegerField()
    quantity = serializers.DecimalField(**QTY)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class VmiDecideSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(**QTY, required=False, allow_null=True)
