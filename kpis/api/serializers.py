"""Input and output shapes of the kpis API. Output serializers list their fields."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from inventory.classification import AbcClass
from inventory.models import Warehouse

from ..models import Kpi, MonthClose, PartClass, Snapshot, Target


class SnapshotSerializer(serializers.ModelSerializer):
    warehouse: serializers.SlugRelatedField[Warehouse] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("Empty: the network.")
    )
    month = serializers.DateField(format="%Y-%m")
    class_key = serializers.CharField(read_only=True, help_text=_("A, B, C, C0, NA, NB, NC; empty: all classes."))

    class Meta:
        model = Snapshot
        fields = ["month", "warehouse", "kpi", "class_key", "value", "target_lower", "target_upper", "status"]


class PartClassSerializer(serializers.ModelSerializer):
    part = serializers.CharField(source="part.number", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    month = serializers.DateField(format="%Y-%m")
    abc_class = serializers.CharField(read_only=True, help_text=_("A, B, C, C0, NA, NB or NC."))
    previous_class = serializers.CharField(read_only=True, help_text=_("Last month's class; empty if none."))

    class Meta:
        model = PartClass
        fields = [
            "month",
            "part",
            "warehouse",
            "abc_class",
            "previous_class",
            "xyz_class",
            "value_class",
            "problems",
            "hits_12m",
            "months_stocked",
            "scaled_hits",
            "demand_cv",
            "quantity_12m",
            "issued_12m",
            "cost_of_sales_12m",
            "on_hand",
            "stock_value",
            "average_value_12m",
            "available",
            "min_qty",
            "max_qty",
            "excess_value",
            "fill_rate",
        ]


class TargetSerializer(serializers.ModelSerializer):
    warehouse: serializers.SlugRelatedField[Warehouse] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("Empty: every warehouse.")
    )
    class_key = serializers.CharField(read_only=True, help_text=_("Empty: the KPI over all classes."))

    class Meta:
        model = Target
        fields = ["id", "kpi", "class_key", "warehouse", "lower", "upper", "near_band"]


class TargetWriteSerializer(serializers.Serializer):
    kpi = serializers.ChoiceField(choices=Kpi.choices)
    class_key = serializers.ChoiceField(choices=AbcClass.CHOICES, allow_blank=True, required=False, default="")
    warehouse: serializers.SlugRelatedField[Warehouse] = serializers.SlugRelatedField(
        slug_field="code", queryset=Warehouse.objects.all(), required=False, allow_null=True, default=None
    )
    lower = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True, required=False, default=None)
    upper = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True, required=False, default=None)
    near_band = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, default=Decimal(0))


class MonthCloseSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m")
    requested_by = serializers.CharField(source="requested_by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = MonthClose
        fields = [
            "id",
            "month",
            "state",
            "step",
            "progress",
            "is_published",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        ]


class MonthCloseRequestSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text=_("The month to close, YYYY-MM."))


class MatrixCellSerializer(serializers.Serializer):
    abc = serializers.CharField(help_text=_("The ABC class of the basis (by hits: A … NC; by value: A, B, C)."))
    xyz = serializers.CharField(help_text=_("X, Y, Z; empty: no demand in 12 months."))
    items = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=18, decimal_places=4, help_text=_("Month-end stock value."))
    cost_12m = serializers.DecimalField(max_digits=18, decimal_places=4, help_text=_("12-month cost of sales."))


class MatrixSerializer(serializers.Serializer):
    month = serializers.DateField(format="%Y-%m")
    basis = serializers.ChoiceField(choices=["hits", "value"])
    cells = MatrixCellSerializer(many=True)


class ProblemPartSerializer(serializers.ModelSerializer):
    part = serializers.CharField(source="part.number", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    month = serializers.DateField(format="%Y-%m")
    abc_class = serializers.CharField(read_only=True, help_text=_("A, B, C, C0, NA, NB or NC."))
    problems = serializers.SerializerMethodField(help_text=_("The problems' codes: negative_stock, no_cost, ..."))

    class Meta:
        model = PartClass
        fields = ["month", "part", "warehouse", "abc_class", "problems", "on_hand", "stock_value", "min_qty", "max_qty"]

    def get_problems(self, row: PartClass) -> list[str]:
        return row.problems.split()
