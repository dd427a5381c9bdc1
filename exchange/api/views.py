"""REST endpoints of the dealer exchange.

A partner's login reads the open offers (price and quantity only) and its own dealer's requests;
another dealer's request answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.idempotency import IDEMPOTENCY_HEADER, idempotency_key
from core.api.pagination import StandardPagination
from core.permissions import roles_permission
from core.roles import Role, user_access
from inventory.models import Warehouse
from inventory.selectors import part_by_number

from .. import selectors, services
from ..models import ExchangeRequest
from . import serializers as s

STAFF = (Role.PLANNER, Role.MANAGER, Role.CLERK)


def _requests_for(user):
    requests = selectors.request_inbox(state=None)
    if user_access(user).has_any(set(STAFF)):
        return requests
    dealer = selectors.partner_for_user(user)
    return requests.filter(dealer=dealer) if dealer is not None else requests.none()


class OfferListView(generics.ListAPIView):
    """Open offers: part, quantity still offered, price. Planners and managers add offers with POST."""

    permission_classes = [roles_permission(Role.PLANNER, Role.MANAGER, read=(*STAFF, Role.PARTNER))]
    serializer_class = s.ExchangeOfferSerializer
    pagination_class = StandardPagination

    def get_queryset(self):
        return selectors.open_offers()

    @extend_schema(request=s.ExchangeOfferCreateSerializer, responses={201: s.ExchangeOfferSerializer})
    def post(self, request):
        data = s.ExchangeOfferCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        part = part_by_number(values["part"])
        warehouse = Warehouse.objects.filter(code__iexact=values["warehouse"]).first()
        errors = {}
        if part is None:
            errors["part"] = [_("No part with this number.")]
        if warehouse is None:
            errors["warehouse"] = [_("No warehouse with this code.")]
        if errors:
            raise ValidationError(errors)
        offer = services.offer_create(
            part=part,
            warehouse=warehouse,
            quantity=values["quantity"],
            price_rule=values["price_rule"],
            rule_value=values["rule_value"],
            valid_until=values.get("valid_until"),
            user=request.user,
        )
        offer = selectors.open_offers().get(pk=offer.pk)
        return Response(s.ExchangeOfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class RequestListView(generics.ListAPIView):
    """A partner's own requests (staff: every request); a partner asks for offered parts with POST."""

    permission_classes = [roles_permission(Role.PARTNER, read=(*STAFF, Role.PARTNER))]
    serializer_class = s.ExchangeRequestSerializer
    pagination_class = StandardPagination

    def get_queryset(self):
        return _requests_for(self.request.user)

    @extend_schema(
        request=s.ExchangeRequestCreateSerializer,
        responses={201: s.ExchangeRequestSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request):
        dealer = selectors.partner_for_user(request.user)
        if dealer is None:
            raise NotFound(_("Your login is not linked to an active partner dealer."))
        data = s.ExchangeRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exchange_request = services.request_create(
            dealer=dealer,
            lines=[(line["offer"], line["quantity"]) for line in data.validated_data["lines"]],
            reference=data.validated_data["reference"],
            user=request.user,
            idempotency_key=idempotency_key(request),
        )
        return Response(s.ExchangeRequestSerializer(exchange_request).data, status=status.HTTP_201_CREATED)


class RequestDetailView(generics.RetrieveAPIView):
    permission_classes = [roles_permission(*STAFF, Role.PARTNER)]
    serializer_class = s.ExchangeRequestSerializer

    def get_queryset(self):
        return _requests_for(self.request.user)


class RequestShipView(APIView):
    """Ship a request: the parts leave stock as an exchange sale, in one transaction."""

    permission_classes = [roles_permission(Role.CLERK, Role.MANAGER)]

    @extend_schema(request=None, responses={200: s.ExchangeRequestSerializer})
    def post(self, request, pk: int):
        exchange_request = services.request_ship(request=get_object_or_404(ExchangeRequest, pk=pk), user=request.user)
        return Response(s.ExchangeRequestSerializer(_requests_for(request.user).get(pk=exchange_request.pk)).data)


class RequestRejectView(APIView):
    permission_classes = [roles_permission(*STAFF)]

    @extend_schema(request=s.ExchangeRejectSerializer, responses={200: s.ExchangeRequestSerializer})
    def post(self, request, pk: int):
        data = s.ExchangeRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exchange_request = services.request_reject(
            request=get_object_or_404(ExchangeRequest, pk=pk), user=request.user, reason=data.validated_data["reason"]
        )
        return Response(s.ExchangeRequestSerializer(_requests_for(request.user).get(pk=exchange_request.pk)).data)
