"""API shapes. Input serializers validate; output serializers list their fields."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.fastpath.fields import FieldsBuiltOnce, IdField, ModelIdField, ReadsIdsTogether
from inventory.models import (
    Bin,
    BinMove,
    MovementKind,
    Part,
    StockLevel,
    StockMovement,
    Unit,
    Warehouse,
    WarehouseNeighbour,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

QTY: dict[str, Any] = {"max_digits": 14, "decimal_places": 3}
COST: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}


class PartBriefSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = ["id", "number", "description"]


class PartSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    superseded_by = PartBriefSerializer(read_only=True, allow_null=True)
    current = serializers.SerializerMethodField(
        help_text=gettext_lazy("The part that serves a request for this one (end of the supersession chain).")
    )

    class Meta:
        model = Part
        fields = [
            "id",
            "number",
            "number_normalized",
            "description",
            "unit",
            "category",
            "list_price",
            "is_critical",
            "is_active",
            "superseded_by",
            "current",
        ]

    def get_current(self, part: Part) -> dict:
        current_map = self.context.get("current_parts") or {}
        current = current_map.get(part.pk, part)
        return PartBriefSerializer(current).data


class PartWriteSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    description = serializers.CharField(max_length=200)
    unit = serializers.ChoiceField(choices=Unit.choices, default=Unit.PIECE)
    category = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    is_critical = serializers.BooleanField(required=False, default=False)


class PartUpdateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40, required=False)
    description = serializers.CharField(max_length=200, required=False)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False)
    category = serializers.CharField(max_length=60, required=False, allow_blank=True)
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False)
    is_critical = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)


class SupersedeSerializer(serializers.Serializer):
    superseded_by = IdField(queryset=Part.objects.all(), allow_null=True)


class BinQuantitySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("The bin's code; empty for stock that lies in no bin."))
    quantity = serializers.DecimalField(**QTY)


class WarehouseAvailabilitySerializer(serializers.Serializer):
    warehouse = serializers.CharField(source="warehouse.code")
    warehouse_name = serializers.CharField(source="warehouse.name")
    echelon = serializers.CharField(source="warehouse.echelon")
    on_hand = serializers.DecimalField(**QTY)
    reserved = serializers.DecimalField(**QTY)
    quarantined = serializers.DecimalField(**QTY)
    in_transit = serializers.DecimalField(**QTY)
    available = serializers.DecimalField(**QTY)
    min_qty = serializers.DecimalField(**QTY)
    max_qty = serializers.DecimalField(**QTY)
    bin = serializers.CharField(help_text=gettext_lazy("The default bin."))
    bins = BinQuantitySerializer(
        many=True, help_text=gettext_lazy("Where the stock on hand lies, along the pick route.")
    )


class StockLookupSerializer(serializers.Serializer):
    requested = PartBriefSerializer()
    serving = PartBriefSerializer()
    chain = PartBriefSerializer(many=True)
    total_available = serializers.DecimalField(**QTY)
    rows = WarehouseAvailabilitySerializer(many=True)


class NeighbourSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="neighbour.code")

    class Meta:
        model = WarehouseNeighbour
        fields = ["code", "transfer_lead_time_days"]


class WarehouseSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    # DRF's metaclass moves declared fields off the class, so this API field does not replace Field.parent.
    parent: "serializers.SlugRelatedField[Warehouse]" = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )
    neighbours = NeighbourSerializer(source="neighbour_links", many=True, read_only=True)

    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "echelon", "parent", "is_active", "neighbours"]


class BinSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    warehouse: "serializers.SlugRelatedField[Warehouse]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Bin
        fields = ["id", "warehouse", "code", "is_active"]


class StockLevelSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    part = PartBriefSerializer(read_only=True)
    warehouse: "serializers.SlugRelatedField[Warehouse]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    default_bin: "serializers.SlugRelatedField[Bin]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    available = serializers.DecimalField(**QTY, read_only=True)

    class Meta:
        model = StockLevel
        fields = [
            "id",
            "part",
            "warehouse",
            "default_bin",
            "on_hand",
            "reserved",
            "quarantined",
            "available",
            "in_transit",
            "value",
            "average_cost",
            "min_qty",
            "max_qty",
            "first_stocked_at",
            "last_movement_at",
        ]


class StockLimitsSerializer(serializers.Serializer):
    part = IdField(queryset=Part.objects.all())
    warehouse = IdField(queryset=Warehouse.objects.all())
    min_qty = serializers.DecimalField(**QTY, min_value=Decimal("0"))
    max_qty = serializers.DecimalField(**QTY, min_value=Decimal("0"))


class MovementSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    part = PartBriefSerializer(read_only=True)
    warehouse: "serializers.SlugRelatedField[Warehouse]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    other_warehouse: "serializers.SlugRelatedField[Warehouse]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    bin: "serializers.SlugRelatedField[Bin]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    user: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "kind",
            "part",
            "warehouse",
            "other_warehouse",
            "bin",
            "quantity",
            "unit_cost",
            "value",
            "user",
            "posted_at",
            "document_type",
            "document_ref",
            "reason",
            "reverses",
        ]


class _PostingSerializer(FieldsBuiltOnce, ReadsIdsTogether, serializers.Serializer):
    part = ModelIdField(Part)
    quantity = serializers.DecimalField(**QTY, min_value=Decimal("0.001"))
    document_ref = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


def _check_bin(attrs: dict, warehouse_field: str) -> dict:
    bin = attrs.get("bin")
    if bin is not None and bin.warehouse_id != attrs[warehouse_field].pk:
        raise serializers.ValidationError({"bin": [_("Bin %(bin)s is not in that warehouse.") % {"bin": bin.code}]})
    return attrs


class ReceiptSerializer(_PostingSerializer):
    warehouse = ModelIdField(Warehouse)
    unit_cost = serializers.DecimalField(**COST, min_value=Decimal("0"))
    bin = ModelIdField(Bin, required=False, allow_null=True)

    def validate(self, attrs):
        return _check_bin(attrs, "warehouse")


class IssueSerializer(_PostingSerializer):
    warehouse = ModelIdField(Warehouse)
    bin = ModelIdField(Bin, required=False, allow_null=True)

    def validate(self, attrs):
        return _check_bin(attrs, "warehouse")


class TransferSerializer(_PostingSerializer):
    from_warehouse = ModelIdField(Warehouse)
    to_warehouse = ModelIdField(Warehouse)
    bin = ModelIdField(Bin, required=False, allow_null=True, help_text=gettext_lazy("Bin at the destination."))

    def validate(self, attrs):
        if attrs["from_warehouse"].pk == attrs["to_warehouse"].pk:
            raise serializers.ValidationError({"to_warehouse": [_("Choose a different warehouse to send to.")]})
        return _check_bin(attrs, "to_warehouse")


class AdjustmentSerializer(FieldsBuiltOnce, ReadsIdsTogether, serializers.Serializer):
    part = ModelIdField(Part)
    warehouse = ModelIdField(Warehouse)
    quantity = serializers.DecimalField(**QTY, help_text=gettext_lazy("Signed: negative reduces stock."))
    unit_cost = serializers.DecimalField(**COST, min_value=Decimal("0"), required=False, allow_null=True)
    reason = serializers.CharField(max_length=200)
    document_ref = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")

    def validate_quantity(self, value):
        if value == 0:
            raise serializers.ValidationError(_("Enter a non-zero quantity (negative to reduce stock)."))
        return value


class ScrapSerializer(_PostingSerializer):
    warehouse = ModelIdField(Warehouse)
    reason = serializers.CharField(
        max_length=200, help_text=gettext_lazy("Why the stock is written off (damaged, obsolete, ...).")
    )
    from_quarantine = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy("Scrap held stock (a rejected quality hold or a freeze) instead of available stock."),
    )


class BinMoveSerializer(FieldsBuiltOnce, ReadsIdsTogether, serializers.Serializer):
    part = ModelIdField(Part)
    warehouse = ModelIdField(Warehouse)
    from_bin = ModelIdField(
        Bin, allow_null=True, help_text=gettext_lazy("The bin the stock leaves; null for stock in no bin.")
    )
    to_bin = ModelIdField(
        Bin, help_text=gettext_lazy("The bin the stock goes into (an open bin of the same warehouse).")
    )
    quantity = serializers.DecimalField(**QTY, min_value=Decimal("0.001"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        errors = {
            field: [_("Bin %(bin)s is not in that warehouse.") % {"bin": attrs[field].code}]
            for field in ("from_bin", "to_bin")
            if attrs[field] is not None and attrs[field].warehouse_id != attrs["warehouse"].pk
        }
        if not errors and attrs["from_bin"] is not None and attrs["from_bin"].pk == attrs["to_bin"].pk:
            errors["to_bin"] = [_("Choose a different bin to move to.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class BinMoveResultSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    part = PartBriefSerializer(read_only=True)
    warehouse: "serializers.SlugRelatedField[Warehouse]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    from_bin: "serializers.SlugRelatedField[Bin]" = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    to_bin: "serializers.SlugRelatedField[Bin]" = serializers.SlugRelatedField(slug_field="code", read_only=True)
    moved_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = BinMove
        fields = ["id", "number", "part", "warehouse", "from_bin", "to_bin", "quantity", "note", "moved_by", "moved_at"]


class ReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class TransferResultSerializer(serializers.Serializer):
    transfer_out = MovementSerializer()
    transfer_in = MovementSerializer()


MOVEMENT_KINDS = [choice for choice, _ in MovementKind.choices]
