"""Token authentication that reads the user's roles and warehouses in the same query.

Every endpoint checks roles and most check the warehouse scope, so reading
them with the token saves a query on every API request. The statement is
built once from the models (``core.fastpath.rows``): compiling the equivalent
queryset, with its two array subqueries, took longer than a whole stock
posting (see bench/load.py). That queryset is the ORM path (``switch``).
"""

from __future__ import annotations

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Field, OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from core.fastpath.rows import columns, instance, prepared_cursor, quote
from core.fastpath.switch import fast_path
from core.models import WarehouseMembership
from core.roles import user_access_prime


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        if not fast_path():
            return self._authenticate_credentials_orm(key)
        token_model, user_model = self.get_model(), get_user_model()
        with prepared_cursor() as cursor:
            cursor.execute(_token_sql(token_model), [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = instance(token_model, row)
        user = instance(user_model, row, offset=len(columns(token_model)[1]))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user = user
        role_names, warehouse_ids = row[-2], row[-1]
        user_access_prime(user, roles=role_names, warehouse_ids=warehouse_ids)
        return (user, token)

    def _authenticate_credentials_orm(self, key):
        """The same reads as a queryset (the ORM path): DRF's token and user, the two arrays as subqueries."""
        try:
            token = (
                self.get_model()
                .objects.select_related("user")
                .annotate(
                    role_names=ArraySubquery(Group.objects.filter(user=OuterRef("user_id")).values("name")),
                    warehouse_ids=ArraySubquery(
                        WarehouseMembership.objects.filter(user=OuterRef("user_id")).values("warehouse_id")
                    ),
                )
                .get(key=key)
            )
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user_access_prime(user, roles=token.role_names, warehouse_ids=token.warehouse_ids)
        return (user, token)


@lru_cache(maxsize=4)
def _token_sql(token_model) -> str:
    """The token, its user, the user's group names and membership warehouse ids, by token key."""
    user_model = get_user_model()
    through = user_model._meta.get_field("groups").remote_field.through
    assert through is not None
    user_groups = through._meta
    membership = WarehouseMembership._meta
    token_columns, _attnames, _converters = columns(token_model, alias="t")
    user_columns, _attnames, _converters = columns(user_model, alias="u")
    tables = {
        "token": quote(token_model._meta.db_table),
        "user": quote(user_model._meta.db_table),
        "group": quote(Group._meta.db_table),
        "user_groups": quote(user_groups.db_table),
        "membership": quote(membership.db_table),
    }
    ug_user = _column(user_groups, "user")
    ug_group = _column(user_groups, "group")
    m_user = _column(membership, "user")
    m_warehouse = _column(membership, "warehouse")
    token_user = _column(token_model._meta, "user")
    token_key = _column(token_model._meta, "key")
    user_pk, group_pk = quote(user_model._meta.pk.column), quote(Group._meta.pk.column)
    # Identifiers come from the models' metadata; the key is a parameter.
    return (
        f"SELECT {token_columns}, {user_columns}, "  # noqa: S608
        f"ARRAY(SELECT g.{quote(Group._meta.get_field('name').column)} FROM {tables['group']} g "
        f"JOIN {tables['user_groups']} ug ON ug.{ug_group} = g.{group_pk} WHERE ug.{ug_user} = u.{user_pk}), "
        f"ARRAY(SELECT m.{m_warehouse} FROM {tables['membership']} m WHERE m.{m_user} = u.{user_pk}) "
        f"FROM {tables['token']} t JOIN {tables['user']} u ON u.{user_pk} = t.{token_user} "
        f"WHERE t.{token_key} = %s"
    )


def _column(meta, name: str) -> str:
    field = meta.get_field(name)
    assert isinstance(field, Field)
    return quote(field.column)
