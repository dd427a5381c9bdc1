"""The exchange's API shapes. What a partner reads has a price and a quantity, never a cost."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import ExchangeRequest, ExchangeRequestLine, PriceRule


class ExchangeOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    part_number = serializers.CharField(source="part.number", read_only=True)
    description = serializers.CharField(source="part.description", read_only=True)
    warehouse = serializers.CharField(source="warehouse.name", read_only=True)
    quantity = serializers.DecimalField(source="left", max_digits=14, decimal_places=3, read_only=True)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    valid_until = serializers.DateField(read_only=True)


class ExchangeOfferCreateSerializer(serializers.Serializer):
    part = serializers.CharField(max_length=40, help_text=_("Part number."))
    warehouse = serializers.CharField(max_length=20, help_text=_("Warehouse code."))
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    price_rule = serializers.ChoiceField(choices=PriceRule.choices)
    rule_value = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0)
    valid_until = serializers.DateField(required=False, allow_null=True)


class ExchangeRequestLineSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="part.number", read_only=True)

    class Meta:
        model = ExchangeRequestLine
        fields = ["offer", "part_number", "quantity", "unit_price"]
        read_only_fields = ["unit_price"]


class ExchangeRequestSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    dealer = serializers.CharField(source="dealer.code", read_only=True)
    warehouse = serializers.CharField(source="warehouse.name", read_only=True)
    lines = ExchangeRequestLineSerializer(many=True, read_only=True)

    class Meta:
        model = ExchangeRequest
        fields = ["id", "number", "dealer", "warehouse", "state", "reference", "requested_at", "decided_at",
                  "reject_reason", "lines"]  # fmt: skip
        read_only_fields = fields


class ExchangeRequestLineInSerializer(serializers.Serializer):
    offer = serializers.IntegerField(min_value=1)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)


class ExchangeRequestCreateSerializer(serializers.Serializer):
    lines = ExchangeRequestLineInSerializer(many=True, allow_empty=False, max_length=100)  # type: ignore[call-arg]
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ExchangeRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
