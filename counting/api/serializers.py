"""API shapes of counting. Count lines sent to counters carry no system quantity (blind counting)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from counting.models import CountLine, CountList

QTY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}


class CountListSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    kind = serializers.CharField(read_only=True, help_text=_("cycle, bin, part or warehouse"))
    status = serializers.CharField(read_only=True, help_text=_("open or closed"))
    line_total = serializers.IntegerField(read_only=True)
    line_done = serializers.IntegerField(read_only=True)
    line_recount = serializers.IntegerField(read_only=True)
    line_to_approve = serializers.IntegerField(read_only=True)

    class Meta:
        model = CountList
        fields = [
            "id",
            "warehouse",
            "kind",
            "status",
            "scheduled_for",
            "note",
            "created_at",
            "closed_at",
            "line_total",
            "line_done",
            "line_recount",
            "line_to_approve",
        ]


class BlindCountLineSerializer(serializers.ModelSerializer):
    """What a counter sees: the part and where it is, never the system quantity."""

    part_number = serializers.CharField(source="part.number", read_only=True)
    description = serializers.CharField(source="part.description", read_only=True)
    unit = serializers.CharField(source="part.unit", read_only=True)
    bin = serializers.CharField(source="bin.code", read_only=True, default=None, allow_null=True)
    status = serializers.CharField(
        read_only=True, help_text=_("pending, started, recount, to_approve, matched, approved or rejected")
    )

    class Meta:
        model = CountLine
        fields = ["id", "sequence", "part_number", "description", "unit", "bin", "status", "counted_qty"]


class VarianceLineSerializer(serializers.ModelSerializer):
    """What a manager reviews: expected (snapshot + movements during the count), counted, variance."""

    count_list = serializers.IntegerField(source="count_list_id", read_only=True)
    warehouse = serializers.CharField(source="count_list.warehouse.code", read_only=True)
    part_number = serializers.CharField(source="part.number", read_only=True)
    bin = serializers.CharField(source="bin.code", read_only=True, default=None, allow_null=True)
    expected_qty = serializers.DecimalField(**QTY, read_only=True)
    counted_by = serializers.CharField(source="counted_by.username", read_only=True)
    first_counted_by = serializers.CharField(
        source="first_counted_by.username", read_only=True, default=None, allow_null=True
    )
    status = serializers.CharField(
        read_only=True, help_text=_("pending, started, recount, to_approve, matched, approved or rejected")
    )

    class Meta:
        model = CountLine
        fields = [
            "id",
            "count_list",
            "warehouse",
            "bin",
            "part_number",
            "status",
            "snapshot_qty",
            "movements_qty",
            "expected_qty",
            "counted_qty",
            "variance_qty",
            "unit_cost",
            "variance_value",
            "counted_by",
            "first_counted_qty",
            "first_counted_by",
        ]


class DecidedLineSerializer(serializers.ModelSerializer):
    movement = serializers.IntegerField(source="movement_id", read_only=True, allow_null=True)
    status = serializers.CharField(
        read_only=True, help_text=_("pending, started, recount, to_approve, matched, approved or rejected")
    )

    class Meta:
        model = CountLine
        fields = ["id", "status", "variance_qty", "variance_value", "reason", "movement"]


class AdhocCountSerializer(serializers.Serializer):
    warehouse = serializers.IntegerField()
    bin = serializers.IntegerField(required=False, allow_null=True, default=None)
    part_number = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class StartSerializer(serializers.Serializer):
    bin = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("Bin id; null: lines without a bin.")
    )
    all_bins = serializers.BooleanField(required=False, default=False)


class CountEntrySerializer(serializers.Serializer):
    quantity = serializers.DecimalField(**QTY, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class AccuracySerializer(serializers.Serializer):
    warehouse_id = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    lines_counted = serializers.IntegerField()
    lines_without_variance = serializers.IntegerField()
    accuracy = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True)
    variance_value = serializers.DecimalField(max_digits=18, decimal_places=4)
    variance_value_abs = serializers.DecimalField(max_digits=18, decimal_places=4)
    posted_value = serializers.DecimalField(max_digits=18, decimal_places=4)
