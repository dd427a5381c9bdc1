"""REST endpoints of the month-end: snapshots, classes, targets and close runs."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.permissions import roles_permission
from core.roles import Role
from inventory.models import Warehouse

from .. import selectors, services
from ..exceptions import KpiError
from ..models import PartClass, Problem, Snapshot, Target
from . import serializers as s

READ = (Role.PLANNER, Role.MANAGER)
MONTH = OpenApiParameter("month", str, description=gettext_lazy("YYYY-MM"))
WAREHOUSE = OpenApiParameter(
    "warehouse", str, description=gettext_lazy("Warehouse code, or 'network' for the whole network")
)


def _month(request):
    text = request.query_params.get("month")
    if not text:
        return None
    try:
        return services.parse_month(text)
    except KpiError as error:
        raise ValidationError({"month": [error.message]}) from None


class SnapshotList(generics.ListAPIView):
    """KPI snapshots of published closes, with target and status."""

    permission_classes = [roles_permission(*READ)]
    serializer_class = s.SnapshotSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        rows = Snapshot.objects.filter(run__is_published=True).select_related("warehouse")
        month = _month(self.request)
        if month:
            rows = rows.filter(month=month)
        warehouse = params.get("warehouse")
        if warehouse == "network":
            rows = rows.filter(warehouse__isnull=True)
        elif warehouse:
            rows = rows.filter(warehouse__code=warehouse)
        if params.get("kpi"):
            rows = rows.filter(kpi=params["kpi"])
        if "class" in params:
            rows = rows.filter(class_key=params["class"])
        return rows.order_by("-month", F("warehouse__code").asc(nulls_first=True), "kpi", "class_key")

    @extend_schema(
        parameters=[
            MONTH,
            WAREHOUSE,
            OpenApiParameter("kpi", str),
            OpenApiParameter("class", str, description=gettext_lazy("Class key; empty for the KPI over all classes")),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PartClassList(generics.ListAPIView):
    """Classes per part and warehouse and month; ``changed=true`` lists only class changes."""

    permission_classes = [roles_permission(*READ)]
    serializer_class = s.PartClassSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        rows = PartClass.objects.filter(run__is_published=True).select_related("part", "warehouse")
        month = _month(self.request)
        if month:
            rows = rows.filter(month=month)
        if params.get("warehouse"):
            rows = rows.filter(warehouse__code=params["warehouse"])
        if params.get("part"):
            from inventory.models import normalize_part_number

            rows = rows.filter(part__number_normalized=normalize_part_number(params["part"]))
        if params.get("class"):
            rows = rows.filter(abc_class=params["class"])
        if params.get("value_class"):
            rows = rows.filter(value_class=params["value_class"])
        if "xyz" in params:
            rows = rows.filter(xyz_class=params["xyz"])
        if params.get("changed") == "true":
            rows = rows.exclude(previous_class=F("abc_class"))
        return rows.order_by("-month", "warehouse__code", "part__number_normalized")

    @extend_schema(
        parameters=[
            MONTH,
            OpenApiParameter("warehouse", str, description=gettext_lazy("Warehouse code")),
            OpenApiParameter("part", str, description=gettext_lazy("Part number")),
            OpenApiParameter("class", str),
            OpenApiParameter("value_class", str, description=gettext_lazy("ABC by value: A, B or C")),
            OpenApiParameter("xyz", str, description=gettext_lazy("X, Y or Z; empty for parts without demand")),
            OpenApiParameter("changed", bool, description=gettext_lazy("Only parts whose class changed")),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class TargetListSet(generics.ListAPIView):
    """Targets (planners and managers read; managers set). POST creates or replaces one band."""

    permission_classes = [roles_permission(Role.MANAGER, read=READ)]
    serializer_class = s.TargetSerializer
    filter_backends: list = []

    def get_queryset(self):
        return Target.objects.select_related("warehouse").order_by("kpi", "class_key", "warehouse__code")

    @extend_schema(request=s.TargetWriteSerializer, responses={200: s.TargetSerializer})
    def post(self, request):
        data = s.TargetWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = services.target_set(**data.validated_data)
        return Response(s.TargetSerializer(target).data)


class MonthCloseListCreate(generics.ListAPIView):
    """Close runs, newest first. POST (managers) queues the close of a month; poll the run for progress."""

    permission_classes = [roles_permission(Role.MANAGER, read=READ)]
    serializer_class = s.MonthCloseSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.close_runs()

    @extend_schema(request=s.MonthCloseRequestSerializer, responses={202: s.MonthCloseSerializer})
    def post(self, request):
        data = s.MonthCloseRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.month_close_request(month=services.parse_month(data.validated_data["month"]), user=request.user)
        run.refresh_from_db()
        return Response(s.MonthCloseSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class MonthCloseDetail(generics.RetrieveAPIView):
    permission_classes = [roles_permission(Role.MANAGER, read=READ)]
    serializer_class = s.MonthCloseSerializer

    def get_queryset(self):
        return selectors.close_runs()


def _required_month(request):
    month = _month(request)
    if month is None:
        month = next(iter(selectors.closed_months()), None)
    if month is None:
        raise ValidationError({"month": [_("No month has been closed yet.")]})
    return month


def _warehouse_id(request) -> int | None:
    code = request.query_params.get("warehouse")
    if not code:
        return None
    warehouse = Warehouse.objects.filter(code=code).first()
    if warehouse is None:
        raise ValidationError({"warehouse": [_("No warehouse '%(code)s'.") % {"code": code}]})
    return warehouse.pk


class AbcXyzMatrix(generics.GenericAPIView):
    """ABC (by hits or by value) × XYZ of a closed month: items, stock value, cost of sales per cell.

    The parts of a cell: ``/api/v1/kpis/classes/?class=…&xyz=…`` (or ``value_class=…``).
    """

    permission_classes = [roles_permission(*READ)]
    serializer_class = s.MatrixSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[
            MONTH,
            OpenApiParameter("warehouse", str, description=gettext_lazy("Warehouse code; empty for the network")),
            OpenApiParameter(
                "basis", str, enum=["hits", "value"], description=gettext_lazy("ABC by hits (default) or by value")
            ),
        ]
    )
    def get(self, request):
        basis = request.query_params.get("basis") or "hits"
        if basis not in selectors.MATRIX_BASES:
            raise ValidationError({"basis": [_("Choose 'hits' or 'value'.")]})
        month = _required_month(request)
        matrix = selectors.abc_xyz_matrix(month=month, warehouse_id=_warehouse_id(request), basis=basis)
        cells = [cell for row in matrix for cell in row]
        return Response(s.MatrixSerializer({"month": month, "basis": basis, "cells": cells}).data)


class ProblemPartList(generics.ListAPIView):
    """The parts a closed month's close could not classify properly, with their problems."""

    permission_classes = [roles_permission(*READ)]
    serializer_class = s.ProblemPartSerializer
    filter_backends: list = []

    def get_queryset(self):
        problem = self.request.query_params.get("problem", "")
        if problem and problem not in Problem.values:
            raise ValidationError({"problem": [_("Choose one of %(values)s.") % {"values": ", ".join(Problem.values)}]})
        return selectors.problem_parts(
            month=_required_month(self.request), warehouse_id=_warehouse_id(self.request), problem=problem
        )

    @extend_schema(
        parameters=[
            MONTH,
            OpenApiParameter("warehouse", str, description=gettext_lazy("Warehouse code")),
            OpenApiParameter("problem", str, enum=[code for code, _label in Problem.choices]),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
