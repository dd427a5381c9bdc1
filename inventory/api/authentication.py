"""Token authentication that reads the user's roles and warehouses in the same query.

Every endpoint checks roles and most check the warehouse scope, so reading
them with the token saves a query on every API request (a posting must stay
within eight SQL statements). Other databases fall back to DRF's behaviour.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from inventory.models import WarehouseMembership
from inventory.roles import user_access_prime


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        if connection.vendor != "postgresql":
            return super().authenticate_credentials(key)
        from django.contrib.postgres.expressions import ArraySubquery

        token = (
            self.get_model()
            .objects.select_related("user")
            .annotate(
                role_names=ArraySubquery(Group.objects.filter(user=OuterRef("user_id")).values("name")),
                warehouse_ids=ArraySubquery(
                    WarehouseMembership.objects.filter(user=OuterRef("user_id")).values("warehouse_id")
                ),
            )
            .filter(key=key)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user_access_prime(token.user, roles=token.role_names, warehouse_ids=token.warehouse_ids)
        return (token.user, token)
