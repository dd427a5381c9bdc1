"""REST endpoints. Catalogue reads are generic views; every stock posting is its own view."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.idempotency import IDEMPOTENCY_HEADER, idempotency_key
from core.api.pagination import LargeTablePagination
from core.permissions import IsInternal, require_warehouse, roles_permission
from core.roles import CATALOGUE_EDITORS, POSTING_ROLES, Role
from inventory import selectors, services
from inventory.models import (
    Bin,
    MovementKind,
    Part,
    StockMovement,
    Warehouse,
    WarehouseNeighbour,
    normalize_part_number,
)

from . import serializers as s

# --- catalogue ------------------------------------------------------------------


class PartFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category", lookup_expr="iexact")
    is_critical = django_filters.BooleanFilter()

    class Meta:
        model = Part
        fields = ["category", "is_critical", "unit"]


class PartListCreate(generics.ListCreateAPIView):
    """Search parts by number (as typed or scanned) or description text."""

    permission_classes = [roles_permission(*CATALOGUE_EDITORS, read=Role.INTERNAL)]
    serializer_class = s.PartSerializer
    filterset_class = PartFilter
    ordering_fields = ["number_normalized", "description", "list_price", "category"]
    search_fields: list[str] = []  # search is the selector's, by normalised number or text

    def get_queryset(self):
        return selectors.part_search(
            query=self.request.query_params.get("q", ""),
            include_inactive=self.request.query_params.get("include_inactive") == "true",
        )

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description=gettext_lazy("Part number prefix or description text"))]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        context = self.get_serializer_context() | {"current_parts": selectors.parts_current_bulk(page)}
        return self.get_paginated_response(s.PartSerializer(page, many=True, context=context).data)

    @extend_schema(request=s.PartWriteSerializer, responses={201: s.PartSerializer})
    def post(self, request, *args, **kwargs):
        data = s.PartWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        part = services.part_create(**data.validated_data)
        return Response(s.PartSerializer(part).data, status=status.HTTP_201_CREATED)


class PartDetail(generics.RetrieveAPIView):
    permission_classes = [roles_permission(*CATALOGUE_EDITORS, read=Role.INTERNAL)]
    serializer_class = s.PartSerializer
    queryset = Part.objects.select_related("superseded_by")

    def retrieve(self, request, *args, **kwargs):
        part = self.get_object()
        context = self.get_serializer_context() | {"current_parts": {part.pk: selectors.part_current(part)}}
        return Response(s.PartSerializer(part, context=context).data)

    @extend_schema(request=s.PartUpdateSerializer, responses={200: s.PartSerializer})
    def patch(self, request, *args, **kwargs):
        part = self.get_object()
        data = s.PartUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        part = services.part_update(part=part, **data.validated_data)
        return Response(s.PartSerializer(part).data)


class PartSupersede(APIView):
    """Point a part to the newer part replacing it (null clears it). Cycles are refused."""

    permission_classes = [roles_permission(*CATALOGUE_EDITORS)]

    @extend_schema(request=s.SupersedeSerializer, responses={200: s.PartSerializer})
    def post(self, request, pk: int):
        part = Part.objects.filter(pk=pk).first()
        if part is None:
            raise NotFound(_("No such part."))
        data = s.SupersedeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        part = services.part_supersede(part=part, new_part=data.validated_data["superseded_by"])
        context = {"current_parts": {part.pk: selectors.part_current(part)}}
        return Response(s.PartSerializer(part, context=context).data)


class PartLookup(APIView):
    """Availability in every warehouse for a part number as typed or scanned, supersession resolved."""

    permission_classes = [IsInternal]

    @extend_schema(
        parameters=[OpenApiParameter("number", str, required=True)],
        responses={200: s.StockLookupSerializer},
    )
    def get(self, request):
        number = request.query_params.get("number", "")
        if not normalize_part_number(number):
            raise ValidationError({"number": [_("Give a part number to look up.")]})
        part = selectors.part_by_number(number)
        if part is None:
            raise NotFound(
                _("No part with number %(number)s. Check the number or search by description.")
                % {"number": repr(number)}
            )
        return Response(s.StockLookupSerializer(selectors.stock_lookup(part=part)).data)


class WarehouseList(generics.ListAPIView):
    permission_classes = [IsInternal]
    serializer_class = s.WarehouseSerializer
    queryset = Warehouse.objects.select_related("parent").prefetch_related(
        Prefetch("neighbour_links", queryset=WarehouseNeighbour.objects.select_related("neighbour"))
    )
    filterset_fields = ["echelon", "is_active"]
    ordering_fields = ["code", "name"]


class WarehouseDetail(generics.RetrieveAPIView):
    permission_classes = [IsInternal]
    serializer_class = s.WarehouseSerializer
    queryset = WarehouseList.queryset


class BinList(generics.ListAPIView):
    permission_classes = [IsInternal]
    serializer_class = s.BinSerializer
    queryset = Bin.objects.select_related("warehouse").order_by("warehouse__code", "code")
    filterset_fields = ["warehouse", "is_active"]
    search_fields = ["code"]


# --- stock --------------------------------------------------------------------------


class StockLevelList(generics.ListAPIView):
    """Stock per part and warehouse: filter by warehouse, part, below minimum, above maximum."""

    permission_classes = [IsInternal]
    serializer_class = s.StockLevelSerializer
    pagination_class = LargeTablePagination
    ordering_fields = ["on_hand", "value", "part__number_normalized", "warehouse__code"]

    @extend_schema(
        parameters=[
            OpenApiParameter("warehouse", int),
            OpenApiParameter("part", int),
            OpenApiParameter("below_min", bool),
            OpenApiParameter("above_max", bool),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return selectors.stock_level_list(
            warehouse_id=_int_param(params, "warehouse"),
            part_id=_int_param(params, "part"),
            below_min=params.get("below_min") == "true",
            above_max=params.get("above_max") == "true",
        )


def _int_param(params, name: str) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({name: [_("Give a whole-number id.")]}) from None


class StockLimits(APIView):
    """Set a level's minimum and maximum (planners and managers)."""

    permission_classes = [roles_permission(Role.PLANNER, Role.MANAGER)]

    @extend_schema(request=s.StockLimitsSerializer, responses={200: s.StockLevelSerializer})
    def post(self, request):
        data = s.StockLimitsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        level = services.stock_level_set_limits(**data.validated_data, user=request.user)
        return Response(s.StockLevelSerializer(selectors.stock_level_list().get(pk=level.pk)).data)


class MovementFilter(django_filters.FilterSet):
    posted_after = django_filters.IsoDateTimeFilter(field_name="posted_at", lookup_expr="gte")
    posted_before = django_filters.IsoDateTimeFilter(field_name="posted_at", lookup_expr="lt")
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices)
    document_ref = django_filters.CharFilter()

    class Meta:
        model = StockMovement
        fields = ["part", "warehouse", "kind", "document_ref"]


class MovementList(generics.ListAPIView):
    """The ledger, newest first."""

    permission_classes = [IsInternal]
    serializer_class = s.MovementSerializer
    pagination_class = LargeTablePagination
    filterset_class = MovementFilter
    ordering_fields = ["posted_at", "quantity", "value"]

    def get_queryset(self):
        return selectors.movement_list()


class _PostingView(APIView):
    action_name = ""

    def get_permissions(self):
        return [roles_permission(*POSTING_ROLES[self.action_name])()]

    def posted(self, request, *, serializer, service, result):
        """Check the body, the warehouse scope, post once per Idempotency-Key; 201 with ``result``."""
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        require_warehouse(request.user, data.validated_data["warehouse"])
        done = service(user=request.user, idempotency_key=idempotency_key(request), **data.validated_data)
        return Response(result(done).data, status=status.HTTP_201_CREATED)


class ReceiptCreate(_PostingView):
    """Receive stock at a unit cost; the level's moving average cost is updated."""

    action_name = "receipt"

    @extend_schema(request=s.ReceiptSerializer, responses={201: s.MovementSerializer}, parameters=[IDEMPOTENCY_HEADER])
    def post(self, request):
        return self.posted(
            request, serializer=s.ReceiptSerializer, service=services.stock_receive, result=s.MovementSerializer
        )


class IssueCreate(_PostingView):
    """Issue stock at average cost; refused when more is asked than is available."""

    action_name = "issue"

    @extend_schema(request=s.IssueSerializer, responses={201: s.MovementSerializer}, parameters=[IDEMPOTENCY_HEADER])
    def post(self, request):
        return self.posted(
            request, serializer=s.IssueSerializer, service=services.stock_issue, result=s.MovementSerializer
        )


class TransferCreate(_PostingView):
    """Move stock between two warehouses at once; both legs post in one transaction."""

    action_name = "transfer"

    @extend_schema(
        request=s.TransferSerializer, responses={201: s.TransferResultSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request):
        data = s.TransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        require_warehouse(request.user, data.validated_data["from_warehouse"])
        out, incoming = services.stock_transfer(
            user=request.user, idempotency_key=idempotency_key(request), **data.validated_data
        )
        body = s.TransferResultSerializer({"transfer_out": out, "transfer_in": incoming}).data
        return Response(body, status=status.HTTP_201_CREATED)


class AdjustmentCreate(_PostingView):
    """Correct stock up or down with a reason (planners and managers)."""

    action_name = "adjustment"

    @extend_schema(
        request=s.AdjustmentSerializer, responses={201: s.MovementSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request):
        return self.posted(
            request, serializer=s.AdjustmentSerializer, service=services.stock_adjust, result=s.MovementSerializer
        )


class ScrapCreate(_PostingView):
    """Write stock off as scrap at average cost, with a reason (clerks, planners and managers)."""

    action_name = "scrap"

    @extend_schema(request=s.ScrapSerializer, responses={201: s.MovementSerializer}, parameters=[IDEMPOTENCY_HEADER])
    def post(self, request):
        return self.posted(
            request, serializer=s.ScrapSerializer, service=services.stock_scrap, result=s.MovementSerializer
        )


class BinMoveCreate(_PostingView):
    """Move stock from one bin to another of the same warehouse (clerks and managers); level and value stay."""

    action_name = "bin_move"

    @extend_schema(
        request=s.BinMoveSerializer, responses={201: s.BinMoveResultSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request):
        return self.posted(
            request, serializer=s.BinMoveSerializer, service=services.stock_bin_move, result=s.BinMoveResultSerializer
        )


class MovementReverse(_PostingView):
    """Post the exact opposite of a movement (managers). A movement is reversed once."""

    action_name = "reversal"

    @extend_schema(request=s.ReverseSerializer, responses={201: s.MovementSerializer}, parameters=[IDEMPOTENCY_HEADER])
    def post(self, request, pk: int):
        movement = StockMovement.objects.select_related("part", "warehouse").filter(pk=pk).first()
        if movement is None:
            raise NotFound(_("No such movement."))
        data = s.ReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        require_warehouse(request.user, movement.warehouse)
        reversal = services.stock_movement_reverse(
            movement=movement,
            user=request.user,
            reason=data.validated_data["reason"],
            idempotency_key=idempotency_key(request),
        )
        return Response(s.MovementSerializer(reversal).data, status=status.HTTP_201_CREATED)
