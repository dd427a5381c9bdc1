from django.apps import AppConfig


class InventoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inventory"

    def ready(self) -> None:
        from rest_framework import serializers

        from core.fastpath.fields import IdField

        # Every model serializer's foreign keys, in every app, read ids strictly (1.5 is not an id of 1).
        serializers.ModelSerializer.serializer_related_field = IdField
