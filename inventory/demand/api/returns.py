"""REST endpoints for workshop and customer returns: one view per posting, ``Idempotency-Key`` honoured."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.idempotency import IDEMPOTENCY_HEADER, idempotency_key
from core.fastpath.fields import IdField
from core.permissions import require_warehouse, roles_permission
from core.roles import Role
from inventory.api.serializers import PartBriefSerializer
from inventory.demand import services
from inventory.models import (
    CounterSaleLine,
    CustomerReturn,
    ReturnCondition,
    WorkshopRequestLine,
    WorkshopReturn,
    WorkshopReturnReason,
)

from .serializers import POSITIVE_QTY

RETURN_ROLES = (Role.CLERK, Role.MANAGER)


class WorkshopReturnInSerializer(serializers.Serializer):
    line = IdField(
        queryset=WorkshopRequestLine.objects.select_related("request__warehouse", "part"),
        help_text=_("The workshop request line the parts were issued on."),
    )
    quantity = serializers.DecimalField(**POSITIVE_QTY)
    reason = serializers.ChoiceField(choices=WorkshopReturnReason.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class _ReturnSerializer(serializers.ModelSerializer):
    """What a return document answers with, whichever line it came back on."""

    number = serializers.CharField(read_only=True)
    part = PartBriefSerializer(read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    movement_id: Any = serializers.IntegerField(read_only=True)


class WorkshopReturnSerializer(_ReturnSerializer):
    class Meta:
        model = WorkshopReturn
        fields = [
            "id",
            "number",
            "line",
            "part",
            "warehouse",
            "quantity",
            "value",
            "reason",
            "note",
            "hit_withdrawn",
            "movement_id",
            "returned_at",
        ]


class CustomerReturnInSerializer(serializers.Serializer):
    line = IdField(
        queryset=CounterSaleLine.objects.select_related("sale__warehouse", "part"),
        help_text=_("The counter sale line the parts were sold on."),
    )
    quantity = serializers.DecimalField(**POSITIVE_QTY)
    condition = serializers.ChoiceField(choices=ReturnCondition.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CustomerReturnSerializer(_ReturnSerializer):
    scrap_movement_id: Any = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = CustomerReturn
        fields = [
            "id",
            "number",
            "line",
            "part",
            "warehouse",
            "quantity",
            "value",
            "refund",
            "condition",
            "note",
            "hit_withdrawn",
            "movement_id",
            "scrap_movement_id",
            "returned_at",
        ]


class WorkshopReturnCreate(APIView):
    """Unused parts back from a repair order, at the cost they left with; the demand hit is corrected."""

    permission_classes = [roles_permission(*RETURN_ROLES)]

    @extend_schema(
        request=WorkshopReturnInSerializer, responses={201: WorkshopReturnSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request):
        data = WorkshopReturnInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        require_warehouse(request.user, values["line"].request.warehouse)
        returned = services.workshop_return_post(user=request.user, idempotency_key=idempotency_key(request), **values)
        return Response(WorkshopReturnSerializer(returned).data, status=status.HTTP_201_CREATED)


class CustomerReturnCreate(APIView):
    """A counter customer brings parts back within the return window; the refund is in the answer."""

    permission_classes = [roles_permission(*RETURN_ROLES)]

    @extend_schema(
        request=CustomerReturnInSerializer, responses={201: CustomerReturnSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request):
        data = CustomerReturnInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        require_warehouse(request.user, values["line"].sale.warehouse)
        returned = services.customer_return_post(user=request.user, idempotency_key=idempotency_key(request), **values)
        return Response(CustomerReturnSerializer(returned).data, status=status.HTTP_201_CREATED)
