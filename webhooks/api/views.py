"""REST endpoints of webhook subscriptions and their delivery logs: managers only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import roles_permission
from core.roles import Role

from .. import selectors, services
from ..models import WebhookDelivery, WebhookSubscription
from . import serializers as s

Managers = roles_permission(Role.MANAGER)


class SubscriptionList(generics.ListAPIView):
    """Webhook subscriptions; POST creates one (the secret is shown in the answer, and only there)."""

    permission_classes = [Managers]
    serializer_class = s.SubscriptionSerializer

    def get_queryset(self):
        return WebhookSubscription.objects.select_related("supplier").order_by("name", "id")

    @extend_schema(request=s.SubscriptionInputSerializer, responses={201: s.SubscriptionCreatedSerializer})
    def post(self, request):
        data = s.SubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_subscription_create(user=request.user, **data.validated_data)
        return Response(s.SubscriptionCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)


class SubscriptionDetail(APIView):
    """One subscription: read, change (PATCH; an empty secret keeps the current one), delete."""

    permission_classes = [Managers]

    def _get(self, pk: int) -> WebhookSubscription:
        return get_object_or_404(WebhookSubscription.objects.select_related("supplier"), pk=pk)

    @extend_schema(responses=s.SubscriptionSerializer)
    def get(self, request, pk: int):
        return Response(s.SubscriptionSerializer(self._get(pk)).data)

    @extend_schema(request=s.SubscriptionInputSerializer, responses=s.SubscriptionSerializer)
    def patch(self, request, pk: int):
        data = s.SubscriptionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        subscription = services.webhook_subscription_update(
            subscription=self._get(pk), user=request.user, **data.validated_data
        )
        return Response(s.SubscriptionSerializer(subscription).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.webhook_subscription_delete(subscription=self._get(pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryList(generics.ListAPIView):
    """A subscription's delivery log, newest first; ``?state=failed`` (or pending, delivered) filters."""

    permission_classes = [Managers]
    serializer_class = s.DeliverySerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        subscription = get_object_or_404(WebhookSubscription, pk=self.kwargs["pk"])
        return selectors.delivery_list(subscription=subscription, state=self.request.query_params.get("state"))


class DeliveryRedeliver(APIView):
    """Send a delivery again: same event id, same body, a fresh day of retries."""

    permission_classes = [Managers]

    @extend_schema(request=None, responses={202: s.DeliverySerializer})
    def post(self, request, pk: int, delivery_pk: int):
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_pk, subscription_id=pk)
        delivery = services.webhook_delivery_redeliver(delivery=delivery, user=request.user)
        delivery.refresh_from_db()
        return Response(s.DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
