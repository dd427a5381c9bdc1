"""Planning REST endpoints: reads for the review and forecasts; one view per state-changing operation."""

from __future__ import annotations

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import IsInternal, roles_permission
from core.roles import Role
from inventory.models import Part, Warehouse
from suppliers.selectors import supplier_for_user

from .. import selectors, services
from ..models import Forecast, ForecastError, ReplenishmentProposal, ReplenishmentRun, StockingParameter, VmiProposal
from . import serializers as s

Reviewers = roles_permission(Role.PURCHASER, Role.PLANNER, Role.MANAGER)
Planners = roles_permission(Role.PLANNER, Role.MANAGER, read=Role.INTERNAL)
Deciders = roles_permission(Role.PURCHASER, Role.MANAGER)
Suppliers = roles_permission(Role.SUPPLIER)


class ProposalFilter(django_filters.FilterSet):
    class_code = django_filters.CharFilter()
    state = django_filters.CharFilter()

    class Meta:
        model = ReplenishmentProposal
        fields = ["supplier", "warehouse", "class_code", "state", "source", "origin", "run"]


class ProposalList(generics.ListAPIView):
    """Replenishment proposals with the figures that made them (filter by supplier, warehouse, class, state)."""

    permission_classes = [Reviewers]
    serializer_class = s.ReplenishmentProposalSerializer
    filterset_class = ProposalFilter

    def get_queryset(self):
        return selectors.proposal_list(state="")


class ProposalApprove(APIView):
    """Approve proposals in bulk (quantities may be edited): transfer orders and draft purchase orders."""

    permission_classes = [Reviewers]

    @extend_schema(request=s.ProposalApproveSerializer, responses={201: s.ApprovalResultSerializer})
    def post(self, request):
        data = s.ProposalApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.proposals_approve(
            items=[(item["id"], item.get("quantity")) for item in data.validated_data["items"]], user=request.user
        )
        return Response(
            {
                "transfer_orders": [t.number for t in result.transfer_orders],
                "purchase_orders": [o.number for o in result.purchase_orders],
            },
            status=status.HTTP_201_CREATED,
        )


class ProposalReject(APIView):
    permission_classes = [Reviewers]

    @extend_schema(request=s.ProposalRejectSerializer, responses={200: s.CountSerializer})
    def post(self, request):
        data = s.ProposalRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"count": services.proposals_reject(ids=data.validated_data["ids"], user=request.user)})


class RunCreate(APIView):
    """Queue a replenishment run now; poll it by id."""

    permission_classes = [Reviewers]

    @extend_schema(request=None, responses={202: s.RunSerializer})
    def post(self, request):
        from ..tasks import replenishment_run_task

        run = ReplenishmentRun.objects.create(requested_by=request.user)
        transaction.on_commit(lambda: replenishment_run_task.delay(run.pk))
        return Response(s.RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetail(generics.RetrieveAPIView):
    permission_classes = [Reviewers]
    serializer_class = s.RunSerializer
    queryset = ReplenishmentRun.objects.all()


class ForecastList(generics.ListAPIView):
    """Stored forecasts with method, pattern and holdout error (filter by part and warehouse)."""

    permission_classes = [IsInternal]
    serializer_class = s.ForecastSerializer
    filterset_fields = ["part", "warehouse", "method", "pattern"]
    queryset = Forecast.objects.select_related("part", "warehouse").order_by("warehouse_id", "part_id")


class ForecastErrorList(generics.ListAPIView):
    """Forecast error (MAPE and bias) per warehouse and month: the forecast-error KPI."""

    permission_classes = [IsInternal]
    serializer_class = s.ForecastErrorSerializer
    filterset_fields = ["warehouse", "month"]
    queryset = ForecastError.objects.select_related("warehouse")


class ParameterList(generics.ListAPIView):
    permission_classes = [IsInternal]
    serializer_class = s.ParameterSerializer
    filterset_fields = ["part", "warehouse", "class_code", "order_on_demand", "is_vmi"]
    queryset = StockingParameter.objects.select_related("part", "warehouse").order_by("warehouse_id", "part_id")


class ParameterOverride(APIView):
    """Override stocking parameters with a reason and an optional expiry; min / max reach the level at once."""

    permission_classes = [Planners]

    @extend_schema(request=s.OverrideSerializer, responses={200: s.ParameterSerializer})
    def post(self, request):
        data = s.OverrideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        param = services.parameter_override_set(
            part=get_object_or_404(Part, pk=data.validated_data["part"]),
            warehouse=get_object_or_404(Warehouse, pk=data.validated_data["warehouse"]),
            values=data.override_values(),
            reason=data.validated_data["reason"],
            expires_on=data.validated_data.get("expires_on"),
            user=request.user,
        )
        return Response(s.ParameterSerializer(param).data)


class KnownDemandCreate(APIView):
    permission_classes = [Planners]

    @extend_schema(request=s.KnownDemandSerializer, responses={201: s.KnownDemandOutSerializer})
    def post(self, request):
        data = s.KnownDemandSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        known = services.known_demand_add(
            part=get_object_or_404(Part, pk=data.validated_data["part"]),
            warehouse=get_object_or_404(Warehouse, pk=data.validated_data["warehouse"]),
            month=data.validated_data["month"],
            quantity=data.validated_data["quantity"],
            reason=data.validated_data["reason"],
            user=request.user,
        )
        return Response(s.KnownDemandOutSerializer(known).data, status=status.HTTP_201_CREATED)


# --- VMI ---------------------------------------------------------------------------------------


class VmiProposalList(generics.ListAPIView):
    permission_classes = [Deciders]
    serializer_class = s.VmiProposalSerializer
    filterset_fields = ["supplier", "warehouse", "state"]

    def get_queryset(self):
        return selectors.vmi_proposal_list()


class VmiAccept(APIView):
    """Accept a supplier's VMI proposal, optionally with another quantity: creates the purchase order."""

    permission_classes = [Deciders]

    @extend_schema(request=s.VmiDecideSerializer, responses={200: s.VmiProposalSerializer})
    def post(self, request, pk: int):
        data = s.VmiDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = get_object_or_404(VmiProposal, pk=pk)
        done = services.vmi_accept(proposal=proposal, user=request.user, quantity=data.validated_data.get("quantity"))
        return Response(s.VmiProposalSerializer(done).data)


class VmiReject(APIView):
    permission_classes = [Deciders]

    @extend_schema(request=None, responses={200: s.VmiProposalSerializer})
    def post(self, request, pk: int):
        done = services.vmi_reject(proposal=get_object_or_404(VmiProposal, pk=pk), user=request.user)
        return Response(s.VmiProposalSerializer(done).data)


def _own_supplier(request):
    supplier = supplier_for_user(request.user)
    if supplier is None:
        raise PermissionDenied(_("This login is not linked to a supplier."))
    return supplier


class PortalForecast(APIView):
    """The forecast of the calling supplier's own parts, next 12 months."""

    permission_classes = [Suppliers]

    @extend_schema(responses={200: s.SupplierForecastSerializer})
    def get(self, request):
        months, rows = selectors.supplier_forecast(supplier=_own_supplier(request))
        return Response(s.SupplierForecastSerializer({"months": months, "rows": rows}).data)


class PortalVmiProposals(generics.ListAPIView):
    """The calling supplier's VMI proposals; POST proposes a quantity for one of its VMI parts."""

    permission_classes = [Suppliers]
    serializer_class = s.VmiProposalSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return VmiProposal.objects.none()
        return selectors.vmi_proposal_list(supplier=_own_supplier(self.request))

    @extend_schema(request=s.VmiProposeSerializer, responses={201: s.VmiProposalSerializer})
    def post(self, request):
        _own_supplier(request)
        data = s.VmiProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.vmi_propose(
            part=get_object_or_404(Part, pk=data.validated_data["part"]),
            warehouse=get_object_or_404(Warehouse, pk=data.validated_data["warehouse"]),
            quantity=data.validated_data["quantity"],
            note=data.validated_data["note"],
            user=request.user,
        )
        return Response(s.VmiProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)
