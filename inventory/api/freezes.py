"""REST endpoints for freezes of stock on the shelf: list, freeze, and release or scrap what is frozen.

Returning frozen stock to its supplier is ``suppliers.api`` (``stock/freezes/<id>/return/``).
Every post honours the ``Idempotency-Key`` header; refusals answer 400/403/409 with what to do next.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.idempotency import IDEMPOTENCY_HEADER, idempotency_key
from core.fastpath.fields import IdField
from core.permissions import IsInternal, roles_permission
from core.roles import FREEZE_ROLES, POSTING_ROLES
from inventory import selectors, services
from inventory.models import Part, StockFreeze, StockFreezeSettlement, Warehouse

from .serializers import QTY, PartBriefSerializer

POSITIVE = {**QTY, "min_value": Decimal("0.001")}


class FreezeSettlementSerializer(serializers.ModelSerializer):
    settled_by = serializers.CharField(source="settled_by.username", read_only=True)
    movement_id: Any = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = StockFreezeSettlement
        fields = ["id", "action", "quantity", "note", "movement_id", "document_ref", "settled_by", "settled_at"]


class FreezeSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    part = PartBriefSerializer(read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    frozen_by = serializers.CharField(source="frozen_by.username", read_only=True)

    class Meta:
        model = StockFreeze
        fields = [
            "id",
            "number",
            "part",
            "warehouse",
            "quantity",
            "open_quantity",
            "reason",
            "reference",
            "frozen_by",
            "frozen_at",
            "closed_at",
        ]


class FreezeDetailSerializer(FreezeSerializer):
    settlements = FreezeSettlementSerializer(many=True, read_only=True)

    class Meta(FreezeSerializer.Meta):
        fields = [*FreezeSerializer.Meta.fields, "settlements"]


class FreezeInSerializer(serializers.Serializer):
    part = IdField(queryset=Part.objects.all())
    warehouse = IdField(
        queryset=Warehouse.objects.all(),
        allow_null=True,
        default=None,
        help_text=gettext_lazy(
            "Leave out to freeze the part in every warehouse holding it (planners, purchasing, managers)."
        ),
    )
    quantity = serializers.DecimalField(
        **POSITIVE, allow_null=True, default=None, help_text=gettext_lazy("Leave out to freeze all available.")
    )
    reason = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=60, allow_blank=True, default="")


class FreezeReleaseSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(
        **POSITIVE, allow_null=True, default=None, help_text=gettext_lazy("Leave out for all still frozen.")
    )
    note = serializers.CharField(max_length=200, allow_blank=True, default="")


class FreezeScrapSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(
        **POSITIVE, allow_null=True, default=None, help_text=gettext_lazy("Leave out for all still frozen.")
    )
    reason = serializers.CharField(max_length=200)


def freeze_or_404(pk: int) -> StockFreeze:
    freeze = selectors.freeze_detail(pk=pk)
    if freeze is None:
        raise NotFound(_("No such freeze."))
    return freeze


class FreezeListCreate(generics.ListAPIView):
    """Freezes, newest first (``state`` open, closed or all; ``warehouse``; ``part``); post to freeze stock."""

    serializer_class = FreezeSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [roles_permission(*FREEZE_ROLES)()]
        return [IsInternal()]

    def get_queryset(self):
        params = self.request.query_params
        state = params.get("state") if params.get("state") in ("open", "closed", "all") else "open"
        warehouse, part = params.get("warehouse", ""), params.get("part", "")
        return selectors.freeze_list(
            state=state,
            warehouse_ids={int(warehouse)} if warehouse.isdigit() else None,
            part=Part(pk=int(part)) if part.isdigit() else None,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=["open", "closed", "all"]),
            OpenApiParameter("warehouse", int),
            OpenApiParameter("part", int),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=FreezeInSerializer, responses={201: FreezeSerializer(many=True)}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request):
        data = FreezeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        freezes = services.stock_freeze(
            user=request.user, idempotency_key=idempotency_key(request), **data.validated_data
        )
        return Response(FreezeSerializer(freezes, many=True).data, status=status.HTTP_201_CREATED)


class FreezeDetail(APIView):
    """One freeze with every decision taken on it."""

    permission_classes = [IsInternal]

    @extend_schema(responses={200: FreezeDetailSerializer})
    def get(self, request, pk: int):
        return Response(FreezeDetailSerializer(freeze_or_404(pk)).data)


class FreezeRelease(APIView):
    """The frozen stock passed inspection: a quantity (or all) goes back to available."""

    permission_classes = [roles_permission(*FREEZE_ROLES)]

    @extend_schema(
        request=FreezeReleaseSerializer, responses={201: FreezeSettlementSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request, pk: int):
        data = FreezeReleaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settlement = services.stock_freeze_release(
            freeze=freeze_or_404(pk), user=request.user, idempotency_key=idempotency_key(request), **data.validated_data
        )
        return Response(FreezeSettlementSerializer(settlement).data, status=status.HTTP_201_CREATED)


class FreezeScrap(APIView):
    """Scrap frozen stock from quarantine at average cost; the freeze's number is the ledger's document."""

    permission_classes = [roles_permission(*POSTING_ROLES["scrap"])]

    @extend_schema(
        request=FreezeScrapSerializer, responses={201: FreezeSettlementSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request, pk: int):
        data = FreezeScrapSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settlement = services.stock_freeze_scrap(
            freeze=freeze_or_404(pk), user=request.user, idempotency_key=idempotency_key(request), **data.validated_data
        )
        return Response(FreezeSettlementSerializer(settlement).data, status=status.HTTP_201_CREATED)
