"""API for the purchasing side of backorder sourcing: all proposals, and the emergency order."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import require_warehouse, roles_permission
from core.roles import Role, user_access
from inventory.demand.api.serializers import ProposalSerializer
from inventory.demand.selectors import backorder_list
from inventory.demand.views import warehouse_scope
from suppliers.services import sourcing


class SourcingProposalSerializer(ProposalSerializer):
    supplier = serializers.CharField(source="supplier.code", allow_null=True, default=None)
    price = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)


class EmergencyOrderInSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Default: what no transfer on its way covers."),
    )


class EmergencyOrderOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    supplier = serializers.CharField(source="supplier.code")
    order_type = serializers.CharField()
    state = serializers.CharField()


def _backorder(request, pk: int):
    found = backorder_list(warehouse_ids=warehouse_scope(request.user), state=None).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such backorder."))
    return found


class BackorderSourcing(APIView):
    """Every proposal for a backorder in the order to take them: neighbours, parent, emergency order."""

    permission_classes = [roles_permission(Role.CLERK, Role.PURCHASER, Role.MANAGER)]

    @extend_schema(responses={200: SourcingProposalSerializer(many=True)})
    def get(self, request, pk: int):
        proposals = sourcing.sourcing_proposals(_backorder(request, pk))
        return Response(SourcingProposalSerializer(proposals, many=True).data)


class BackorderEmergencyOrder(APIView):
    """Accept the emergency-order proposal: a draft emergency purchase order to the preferred supplier."""

    permission_classes = [roles_permission(Role.PURCHASER, Role.CLERK, Role.MANAGER)]

    @extend_schema(request=EmergencyOrderInSerializer, responses={201: EmergencyOrderOutSerializer})
    def post(self, request, pk: int):
        backorder = _backorder(request, pk)
        data = EmergencyOrderInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not user_access(request.user).has_any({Role.PURCHASER, Role.MANAGER}):
            require_warehouse(request.user, backorder.warehouse)
        order = sourcing.backorder_order_emergency(
            backorder=backorder, user=request.user, quantity=data.validated_data["quantity"]
        )
        return Response(EmergencyOrderOutSerializer(order).data, status=status.HTTP_201_CREATED)
