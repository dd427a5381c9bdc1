"""REST endpoints for workshop demand, backorders and transfer orders: one view per state transition."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.idempotency import IDEMPOTENCY_HEADER, idempotency_key
from core.permissions import require_warehouse, roles_permission
from core.roles import Role, user_access
from inventory.demand import selectors as sel
from inventory.demand import services
from inventory.demand.views import BACKORDER_ROLES, REQUEST_ROLES, STOCK_ROLES, warehouse_scope
from inventory.models import Backorder, BackorderState, TransferState, Warehouse, WorkshopRequest

from . import serializers as s

COUNTER_ROLES = (Role.CLERK, Role.MANAGER)


def _own_only(user) -> bool:
    return not user_access(user).has_any({Role.CLERK, Role.MANAGER, Role.PURCHASER})


# --- workshop requests --------------------------------------------------------------------------


class WorkshopRequestListCreate(generics.ListAPIView):
    """List requests (own store; the workshop sees its own) or raise and serve one at once."""

    permission_classes = [roles_permission(*REQUEST_ROLES, read=BACKORDER_ROLES)]
    serializer_class = s.WorkshopRequestSerializer

    @extend_schema(parameters=[OpenApiParameter("state", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WorkshopRequest.objects.none()
        user = self.request.user
        return sel.workshop_request_list(
            warehouse_ids=warehouse_scope(user),
            state=self.request.query_params.get("state") or None,
            requested_by=user if _own_only(user) else None,
        )

    @extend_schema(
        request=s.WorkshopRequestInSerializer,
        responses={201: s.WorkshopRequestSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request):
        data = s.WorkshopRequestInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        key = idempotency_key(request)
        require_warehouse(request.user, values["warehouse"])
        created = services.repair_order_issue(
            number=values["repair_order"],
            warehouse=values["warehouse"],
            lines=[services.DemandLine(**line) for line in values["lines"]],
            user=request.user,
            vehicle_ref=values["vehicle_ref"],
            customer_ref=values["customer_ref"],
            idempotency_key=key,
        )
        return Response(
            s.WorkshopRequestSerializer(sel.workshop_request_get(pk=created.pk)).data, status=status.HTTP_201_CREATED
        )


def _request_visible(request, pk: int):
    found = sel.workshop_request_get(pk=pk)
    if found is None:
        raise NotFound(_("No such workshop request."))
    scope = warehouse_scope(request.user)
    if (scope is not None and found.warehouse_id not in scope) or (
        _own_only(request.user) and found.requested_by_id != request.user.pk
    ):
        raise NotFound(_("No such workshop request."))
    return found


class WorkshopRequestDetail(APIView):
    permission_classes = [roles_permission(*BACKORDER_ROLES)]

    @extend_schema(responses={200: s.WorkshopRequestSerializer})
    def get(self, request, pk: int):
        return Response(s.WorkshopRequestSerializer(_request_visible(request, pk)).data)


class WorkshopRequestPick(APIView):
    """The clerk hands over everything issued and not yet handed over."""

    permission_classes = [roles_permission(*STOCK_ROLES)]

    @extend_schema(request=None, responses={200: s.WorkshopRequestSerializer})
    def post(self, request, pk: int):
        found = _request_visible(request, pk)
        require_warehouse(request.user, found.warehouse)
        services.workshop_request_pick(request=found, user=request.user)
        return Response(s.WorkshopRequestSerializer(sel.workshop_request_get(pk=pk)).data)


class PickList(generics.ListAPIView):
    """Requests waiting to be picked, oldest first."""

    permission_classes = [roles_permission(*STOCK_ROLES)]
    serializer_class = s.WorkshopRequestSerializer

    def get_queryset(self):
        return sel.pick_list(warehouse_ids=warehouse_scope(self.request.user))


class RequestAvailability(APIView):
    """Availability of a typed part number in a store and its neighbours (supersession resolved)."""

    permission_classes = [roles_permission(*REQUEST_ROLES)]

    @extend_schema(
        parameters=[OpenApiParameter("number", str, required=True), OpenApiParameter("warehouse", int, required=True)],
        responses={200: s.RequestAvailabilitySerializer},
    )
    def get(self, request):
        warehouse_id = request.query_params.get("warehouse", "")
        warehouse = Warehouse.objects.filter(pk=warehouse_id).first() if warehouse_id.isdigit() else None
        if warehouse is None:
            raise NotFound(_("No such warehouse."))
        number = request.query_params.get("number", "")
        availability = sel.request_availability(number=number, warehouse=warehouse)
        if availability is None:
            raise NotFound(_("No part numbered %(number)s.") % {"number": repr(number)})
        return Response(s.RequestAvailabilitySerializer(availability).data)


class CounterSaleCreate(APIView):
    """Sell over the counter: issued at once, the shortage is lost demand."""

    permission_classes = [roles_permission(*COUNTER_ROLES)]

    @extend_schema(
        request=s.CounterSaleInSerializer, responses={201: s.CounterSaleSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request):
        data = s.CounterSaleInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        require_warehouse(request.user, values["warehouse"])
        sale = services.counter_sale_post(
            warehouse=values["warehouse"],
            lines=[services.DemandLine(**line) for line in values["lines"]],
            user=request.user,
            customer_ref=values["customer_ref"],
            idempotency_key=idempotency_key(request),
        )
        return Response(s.CounterSaleSerializer(sale).data, status=status.HTTP_201_CREATED)


# --- backorders ---------------------------------------------------------------------------------


class BackorderList(generics.ListAPIView):
    """Backorders oldest first (the filling order); open ones by default."""

    permission_classes = [roles_permission(*BACKORDER_ROLES)]
    serializer_class = s.BackorderSerializer

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=[*BackorderState.values, "all"])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Backorder.objects.none()
        user = self.request.user
        state = self.request.query_params.get("state", BackorderState.OPEN)
        return sel.backorder_list(
            warehouse_ids=warehouse_scope(user),
            state=None if state == "all" else state,
            requested_by=user if _own_only(user) else None,
        )


def _backorder_visible(request, pk: int) -> Backorder:
    scope = warehouse_scope(request.user)
    found = sel.backorder_list(warehouse_ids=scope, state=None).filter(pk=pk).first()
    if found is None or (_own_only(request.user) and found.line.request.requested_by_id != request.user.pk):
        raise NotFound(_("No such backorder."))
    return found


class BackorderProposals(APIView):
    """Transfer proposals for a backorder: neighbours with surplus (nearest first), then the parent."""

    permission_classes = [roles_permission(*BACKORDER_ROLES)]

    @extend_schema(responses={200: s.ProposalSerializer(many=True)})
    def get(self, request, pk: int):
        backorder = _backorder_visible(request, pk)
        return Response(s.ProposalSerializer(sel.transfer_proposals(backorder), many=True).data)


class BackorderAcceptTransfer(APIView):
    """Accept a transfer proposal: a transfer order to the backorder's store."""

    permission_classes = [roles_permission(*STOCK_ROLES)]

    @extend_schema(request=s.AcceptTransferSerializer, responses={201: s.TransferOrderSerializer})
    def post(self, request, pk: int):
        backorder = _backorder_visible(request, pk)
        data = s.AcceptTransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        require_warehouse(request.user, backorder.warehouse)
        transfer = services.backorder_source_by_transfer(backorder=backorder, user=request.user, **data.validated_data)
        return Response(
            s.TransferOrderSerializer(sel.transfer_get(pk=transfer.pk)).data, status=status.HTTP_201_CREATED
        )


class BackorderCancel(APIView):
    """The requester no longer needs it: the open quantity becomes lost demand."""

    permission_classes = [roles_permission(Role.WORKSHOP, Role.CLERK, Role.MANAGER)]

    @extend_schema(request=None, responses={200: s.BackorderSerializer})
    def post(self, request, pk: int):
        backorder = _backorder_visible(request, pk)
        require_warehouse(request.user, backorder.warehouse)
        services.backorder_cancel(backorder=backorder, user=request.user)
        return Response(s.BackorderSerializer(_backorder_visible(request, pk)).data)


# --- transfer orders ---------------------------------------------------------------------------


class TransferOrderListCreate(generics.ListAPIView):
    """Transfer orders in and out of the user's warehouses (``state=open`` for those under way)."""

    permission_classes = [roles_permission(*STOCK_ROLES)]
    serializer_class = s.TransferOrderSerializer

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=["open", *TransferState.values])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return sel.transfer_list(
            warehouse_ids=warehouse_scope(self.request.user), state=self.request.query_params.get("state") or None
        )

    @extend_schema(request=s.TransferCreateSerializer, responses={201: s.TransferOrderSerializer})
    def post(self, request):
        data = s.TransferCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        require_warehouse(request.user, values["to_warehouse"])
        transfer = services.transfer_order_create(
            from_warehouse=values["from_warehouse"],
            to_warehouse=values["to_warehouse"],
            lines=[(line["part"], line["quantity"]) for line in values["lines"]],
            user=request.user,
        )
        return Response(
            s.TransferOrderSerializer(sel.transfer_get(pk=transfer.pk)).data, status=status.HTTP_201_CREATED
        )


def _transfer_visible(request, pk: int):
    transfer = sel.transfer_get(pk=pk)
    access = user_access(request.user)
    if transfer is None or not (
        access.may_post_in(transfer.from_warehouse_id) or access.may_post_in(transfer.to_warehouse_id)
    ):
        raise NotFound(_("No such transfer order."))
    return transfer


class TransferOrderDetail(APIView):
    permission_classes = [roles_permission(*STOCK_ROLES)]

    @extend_schema(responses={200: s.TransferOrderSerializer})
    def get(self, request, pk: int):
        return Response(s.TransferOrderSerializer(_transfer_visible(request, pk)).data)


class TransferOrderSend(APIView):
    """Picked and sent (source warehouse): transfer out, in transit at the destination."""

    permission_classes = [roles_permission(*STOCK_ROLES)]

    @extend_schema(request=s.TransferSendSerializer, responses={200: s.TransferOrderSerializer})
    def post(self, request, pk: int):
        transfer = _transfer_visible(request, pk)
        data = s.TransferSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        require_warehouse(request.user, transfer.from_warehouse)
        quantities = {line["line"]: line["quantity"] for line in data.validated_data.get("lines", [])}
        services.transfer_order_send(transfer=transfer, user=request.user, quantities=quantities)
        return Response(s.TransferOrderSerializer(sel.transfer_get(pk=pk)).data)


class TransferOrderReceive(APIView):
    """Received (destination): transfer in at the sending cost; partial arrival and lost quantity with a note."""

    permission_classes = [roles_permission(*STOCK_ROLES)]

    @extend_schema(request=s.TransferReceiveSerializer, responses={200: s.TransferOrderSerializer})
    def post(self, request, pk: int):
        transfer = _transfer_visible(request, pk)
        data = s.TransferReceiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        require_warehouse(request.user, transfer.to_warehouse)
        quantities = {line["line"]: (line["received"], line["lost"]) for line in data.validated_data.get("lines", [])}
        services.transfer_order_receive(
            transfer=transfer, user=request.user, quantities=quantities, note=data.validated_data["note"]
        )
        return Response(s.TransferOrderSerializer(sel.transfer_get(pk=pk)).data)


class TransferOrderCancel(APIView):
    """Withdraw a transfer request before it is sent."""

    permission_classes = [roles_permission(*STOCK_ROLES)]

    @extend_schema(request=None, responses={200: s.TransferOrderSerializer})
    def post(self, request, pk: int):
        transfer = _transfer_visible(request, pk)
        services.transfer_order_cancel(transfer=transfer, user=request.user)
        return Response(s.TransferOrderSerializer(sel.transfer_get(pk=pk)).data)
