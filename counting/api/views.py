"""REST endpoints of counting: one view per step of the count state machine."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import roles_permission
from core.roles import Role
from counting import selectors, services
from counting.models import CountLine, CountList
from inventory import selectors as inventory_selectors
from inventory.models import Bin, Warehouse

from . import serializers as s

COUNTERS = roles_permission(Role.CLERK, Role.MANAGER, read=(Role.CLERK, Role.MANAGER, Role.PLANNER))
MANAGERS = roles_permission(Role.MANAGER)


def _count_list(request, pk: int) -> CountList:
    count_list = get_object_or_404(CountList.objects.select_related("warehouse"), pk=pk)
    scope = selectors.count_scope(request.user)
    if scope is not None and count_list.warehouse_id not in scope:
        raise NotFound(_("No such count in your warehouses."))
    return count_list


def _line(request, pk: int) -> CountLine:
    line = get_object_or_404(CountLine.objects.select_related("count_list__warehouse", "part"), pk=pk)
    scope = selectors.count_scope(request.user)
    if scope is not None and line.count_list.warehouse_id not in scope:
        raise NotFound(_("No such count line in your warehouses."))
    return line


class CountListListCreate(generics.ListAPIView):
    """Count lists with progress (open first); POST asks for an ad-hoc count of a bin, a part or a warehouse."""

    permission_classes = [COUNTERS]
    serializer_class = s.CountListSerializer
    filterset_fields: list[str] = []

    def get_queryset(self):
        return selectors.count_list_list(
            warehouse_ids=selectors.count_scope(self.request.user),
            status=self.request.query_params.get("status") or None,
        )

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=["open", "closed"])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.AdhocCountSerializer, responses={201: s.CountListSerializer})
    def post(self, request):
        data = s.AdhocCountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        warehouse = get_object_or_404(Warehouse, pk=values["warehouse"])
        bin = get_object_or_404(Bin, pk=values["bin"]) if values["bin"] else None
        part = None
        if values["part_number"]:
            part = inventory_selectors.part_by_number(values["part_number"])
            if part is None:
                raise ValidationError(
                    {"part_number": [_("No part %(part_number)s.") % {"part_number": values["part_number"]}]}
                )
        count_list = services.count_list_create_adhoc(
            warehouse=warehouse, user=request.user, bin=bin, part=part, note=values["note"]
        )
        row = selectors.count_list_list().get(pk=count_list.pk)
        return Response(s.CountListSerializer(row).data, status=status.HTTP_201_CREATED)


class CountListLines(generics.ListAPIView):
    """The lines of a count in route order, blind: no system quantity."""

    permission_classes = [COUNTERS]
    serializer_class = s.BlindCountLineSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CountLine.objects.none()
        count_list = _count_list(self.request, self.kwargs["pk"])
        return count_list.lines.select_related("part", "bin").order_by("sequence", "id")


class CountListStart(APIView):
    """Start counting a bin: the system quantity of its lines is taken now."""

    permission_classes = [roles_permission(Role.CLERK, Role.MANAGER)]

    @extend_schema(request=s.StartSerializer, responses={200: s.BlindCountLineSerializer(many=True)})
    def post(self, request, pk: int):
        count_list = _count_list(request, pk)
        data = s.StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bin_id = data.validated_data["bin"]
        bin = get_object_or_404(Bin, pk=bin_id, warehouse=count_list.warehouse_id) if bin_id else None
        services.count_lines_start(
            count_list=count_list, user=request.user, bin=bin, all_bins=data.validated_data["all_bins"]
        )
        lines = count_list.lines.select_related("part", "bin").order_by("sequence", "id")
        if not data.validated_data["all_bins"]:
            lines = lines.filter(bin=bin)
        return Response(s.BlindCountLineSerializer(lines, many=True).data)


class CountLineEnter(APIView):
    """Enter the counted quantity of a line (or the recount, by another user)."""

    permission_classes = [roles_permission(Role.CLERK, Role.MANAGER)]

    @extend_schema(request=s.CountEntrySerializer, responses={200: s.BlindCountLineSerializer})
    def post(self, request, pk: int):
        line = _line(request, pk)
        data = s.CountEntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.count_line_enter(line=line, user=request.user, **data.validated_data)
        return Response(s.BlindCountLineSerializer(line).data)


class VarianceList(generics.ListAPIView):
    """Variances waiting for a manager, with the expected quantity and value."""

    permission_classes = [MANAGERS]
    serializer_class = s.VarianceLineSerializer

    def get_queryset(self):
        return selectors.variance_lines(warehouse_ids=selectors.count_scope(self.request.user))


class CountLineApprove(APIView):
    """Approve a variance: the count correction is posted with the reason."""

    permission_classes = [MANAGERS]

    @extend_schema(request=s.DecisionSerializer, responses={200: s.DecidedLineSerializer})
    def post(self, request, pk: int):
        data = s.DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.count_line_approve(line=_line(request, pk), user=request.user, **data.validated_data)
        return Response(s.DecidedLineSerializer(line).data)


class CountLineReject(APIView):
    """Reject a variance: nothing is posted; the reason is kept."""

    permission_classes = [MANAGERS]

    @extend_schema(request=s.DecisionSerializer, responses={200: s.DecidedLineSerializer})
    def post(self, request, pk: int):
        data = s.DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.count_line_reject(line=_line(request, pk), user=request.user, **data.validated_data)
        return Response(s.DecidedLineSerializer(line).data)


class CountAccuracy(APIView):
    """Inventory record accuracy for a month: one warehouse, or the network without ``warehouse``."""

    permission_classes = [roles_permission(Role.MANAGER, Role.PLANNER, read=(Role.CLERK, Role.MANAGER, Role.PLANNER))]

    @extend_schema(
        parameters=[
            OpenApiParameter("warehouse", int, required=False),
            OpenApiParameter("year", int, required=False),
            OpenApiParameter("month", int, required=False),
        ],
        responses={200: s.AccuracySerializer},
    )
    def get(self, request):
        today = timezone.localdate()
        params = request.query_params
        try:
            year = int(params.get("year", today.year))
            month = int(params.get("month", today.month))
            warehouse = int(params["warehouse"]) if params.get("warehouse") else None
        except ValueError as error:
            raise ValidationError({"detail": _("year, month and warehouse are whole numbers.")}) from error
        if not 1 <= month <= 12:
            raise ValidationError({"month": [_("A month is 1 to 12.")]})
        if not 1900 <= year <= 2999:
            raise ValidationError({"year": [_("A year is 1900 to 2999.")]})
        result = selectors.accuracy_for_month(warehouse, year, month)
        body = {**result.__dict__, "accuracy": result.accuracy}
        return Response(s.AccuracySerializer(body).data)
