from __future__ import annotations

from rest_framework import serializers

from core.events import kind_choices
from suppliers.models import Supplier

from ..models import DeliveryState, WebhookDelivery, WebhookSubscription


class SubscriptionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    target_url = serializers.CharField(max_length=500)
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=kind_choices(webhook=True)), allow_empty=False)
    secret = serializers.CharField(max_length=128, required=False, allow_blank=True, write_only=True)
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.all(), required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False, default=True)


class SubscriptionSerializer(serializers.ModelSerializer):
    supplier_code = serializers.CharField(source="supplier.code", default=None, read_only=True)

    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "target_url", "kinds", "supplier", "supplier_code", "is_active", "created_at"]


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    """The answer to a create: the only time the API shows the secret (give it to the partner)."""

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=DeliveryState.choices)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "kind",
            "state",
            "attempts",
            "last_status_code",
            "last_error",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
        ]
