"""REST endpoints for returns to the supplier: post (``Idempotency-Key`` honoured), list, read, replacement."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.idempotency import IDEMPOTENCY_HEADER, idempotency_key
from core.fastpath.fields import IdField, line_list
from core.permissions import require_warehouse, roles_permission
from inventory.api.freezes import FreezeSettlementSerializer, freeze_or_404
from inventory.api.serializers import PartBriefSerializer
from inventory.demand.api.serializers import POSITIVE_QTY, PartNumberField
from inventory.demand.views import warehouse_scope
from inventory.models import Warehouse

from .. import services
from ..models import (
    RETURN_REASON_CHOICES,
    PurchaseOrder,
    Supplier,
    SupplierReturn,
    SupplierReturnLine,
)
from ..services.returns import REPLACEMENT_ROLES, RETURN_ROLES

VIEW_ROLES = RETURN_ROLES


class SupplierReturnLineInSerializer(serializers.Serializer):
    part = PartNumberField()
    quantity = serializers.DecimalField(**POSITIVE_QTY)


class SupplierReturnInSerializer(serializers.Serializer):
    supplier = IdField(queryset=Supplier.objects.filter(is_active=True))
    warehouse = IdField(queryset=Warehouse.objects.filter(is_active=True))
    reason = serializers.ChoiceField(choices=RETURN_REASON_CHOICES)
    rma_number = serializers.CharField(max_length=40, help_text=gettext_lazy("The supplier's return authorisation."))
    expected_credit = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True, default=None
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lines = line_list(SupplierReturnLineInSerializer, allow_empty=False)


class SupplierReturnLineSerializer(serializers.ModelSerializer):
    part = PartBriefSerializer(read_only=True)

    class Meta:
        model = SupplierReturnLine
        fields = ["id", "part", "quantity", "value", "movement"]


class SupplierReturnSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    supplier = serializers.CharField(source="supplier.code", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    replacement_order = serializers.CharField(source="replacement_order.number", read_only=True, allow_null=True)
    lines = SupplierReturnLineSerializer(many=True, read_only=True)

    class Meta:
        model = SupplierReturn
        fields = [
            "id",
            "number",
            "supplier",
            "warehouse",
            "reason",
            "rma_number",
            "expected_credit",
            "note",
            "quality_reject",
            "replacement_order",
            "replacement_decided_at",
            "created_at",
            "lines",
        ]


class PurchaseOrderRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PurchaseOrder
        fields = ["id", "number", "order_type", "state"]


def _returns(user):
    scope = warehouse_scope(user)
    returns = SupplierReturn.objects.select_related("supplier", "warehouse", "replacement_order").prefetch_related(
        Prefetch("lines", queryset=SupplierReturnLine.objects.select_related("part"))
    )
    return returns if scope is None else returns.filter(warehouse_id__in=scope)


class SupplierReturnListCreate(generics.ListAPIView):
    """Returns to suppliers, newest first; post one (every line leaves at average cost, all or nothing)."""

    permission_classes = [roles_permission(*RETURN_ROLES)]
    serializer_class = SupplierReturnSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SupplierReturn.objects.none()
        return _returns(self.request.user)

    @extend_schema(
        request=SupplierReturnInSerializer, responses={201: SupplierReturnSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request):
        data = SupplierReturnInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        require_warehouse(request.user, values["warehouse"])
        document = services.supplier_return_post(
            supplier=values["supplier"],
            warehouse=values["warehouse"],
            lines=[(line["part"], line["quantity"]) for line in values["lines"]],
            reason=values["reason"],
            rma_number=values["rma_number"],
            expected_credit=values["expected_credit"],
            note=values["note"],
            user=request.user,
            idempotency_key=idempotency_key(request),
        )
        return Response(
            SupplierReturnSerializer(_returns(request.user).get(pk=document.pk)).data, status=status.HTTP_201_CREATED
        )


class SupplierReturnDetail(APIView):
    permission_classes = [roles_permission(*RETURN_ROLES)]

    @extend_schema(responses={200: SupplierReturnSerializer})
    def get(self, request, pk: int):
        found = _returns(request.user).filter(pk=pk).first()
        if found is None:
            raise NotFound(_("No such return."))
        return Response(SupplierReturnSerializer(found).data)


class SupplierReturnReplacement(APIView):
    """Order a replacement for rejected goods: an emergency order when a backorder waits, else a draft."""

    permission_classes = [roles_permission(*REPLACEMENT_ROLES)]

    @extend_schema(request=None, responses={201: PurchaseOrderRefSerializer})
    def post(self, request, pk: int):
        found = _returns(request.user).filter(pk=pk).first()
        if found is None:
            raise NotFound(_("No such return."))
        order = services.supplier_return_order_replacement(supplier_return=found, user=request.user)
        return Response(PurchaseOrderRefSerializer(order).data, status=status.HTTP_201_CREATED)


class FreezeReturnInSerializer(serializers.Serializer):
    supplier = IdField(queryset=Supplier.objects.filter(is_active=True))
    reason = serializers.ChoiceField(choices=RETURN_REASON_CHOICES)
    rma_number = serializers.CharField(max_length=40, help_text=gettext_lazy("The supplier's return authorisation."))
    quantity = serializers.DecimalField(
        **POSITIVE_QTY, allow_null=True, default=None, help_text=gettext_lazy("Leave out for all still frozen.")
    )
    note = serializers.CharField(max_length=200, allow_blank=True, default="")


class FreezeReturn(APIView):
    """Send frozen stock back to its supplier from quarantine: a return document that settles the freeze."""

    permission_classes = [roles_permission(*RETURN_ROLES)]

    @extend_schema(
        request=FreezeReturnInSerializer, responses={201: FreezeSettlementSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request, pk: int):
        data = FreezeReturnInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settlement = services.supplier_return_from_freeze(
            freeze=freeze_or_404(pk), user=request.user, idempotency_key=idempotency_key(request), **data.validated_data
        )
        return Response(FreezeSettlementSerializer(settlement).data, status=status.HTTP_201_CREATED)
