"""Reads of the webhooks app."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import DeliveryState, WebhookDelivery, WebhookSubscription


def subscription_list() -> QuerySet[WebhookSubscription]:
    """Subscriptions with their supplier and delivery counts by state (one query)."""
    return WebhookSubscription.objects.select_related("supplier").annotate(
        pending_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.PENDING)),
        failed_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.FAILED)),
        delivered_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.DELIVERED)),
    )


def delivery_list(*, subscription: WebhookSubscription, state: str | None = None) -> QuerySet[WebhookDelivery]:
    """A subscription's delivery log, newest first."""
    deliveries = WebhookDelivery.objects.filter(subscription=subscription).order_by("-id")
    if state:
        deliveries = deliveries.filter(state=state)
    return deliveries
