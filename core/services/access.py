"""A manager sets a user's roles and warehouses in the app; every change is kept (``AccessChange``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import DomainError, NotPermitted
from ..models import AccessChange, WarehouseMembership
from ..roles import Role, user_access


@transaction.atomic
def user_access_set(
    *, user_id: int, by, roles: Iterable[str], warehouse_ids: Iterable[int], is_active: bool = True
) -> AccessChange:
    """Replace a user's roles and posting warehouses; refuse what would lock the managers out."""
    if not user_access(by).has_any({Role.MANAGER}):
        raise NotPermitted(_("Only a manager changes roles and warehouses."))
    roles = sorted(set(roles))
    unknown = [role for role in roles if role not in Role.ALL]
    if unknown:
        raise DomainError(_("Unknown role: %(role)s.") % {"role": ", ".join(unknown)}, field="roles")
    if Role.SUPPLIER in roles and len(roles) > 1:
        raise DomainError(_("A supplier's login has the supplier role only."), field="roles")
    if Role.PARTNER in roles and len(roles) > 1:
        raise DomainError(_("A partner dealer's login has the partner role only."), field="roles")
    target = get_user_model().objects.select_for_update().get(pk=user_id)
    if target.pk == by.pk and (Role.MANAGER not in roles or not is_active):
        raise DomainError(_("You cannot take your own manager role away or deactivate yourself."), field="roles")
    # Core sits below inventory: the warehouse model is reached through the membership's key.
    Warehouse: Any = WarehouseMembership._meta.get_field("warehouse").related_model
    warehouses = list(Warehouse.objects.filter(pk__in=set(warehouse_ids)).order_by("code"))
    # A role's group is made when first given, so a role is never dropped for want of its group.
    target.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    WarehouseMembership.objects.filter(user=target).exclude(warehouse__in=warehouses).delete()
    for warehouse in warehouses:
        WarehouseMembership.objects.get_or_create(user=target, warehouse=warehouse)
    if target.is_active != is_active:
        target.is_active = is_active
        target.save(update_fields=["is_active"])
    target.__dict__.pop("_parts_access", None)
    return AccessChange.objects.create(
        user=target,
        changed_by=by,
        roles=" ".join(roles),
        warehouses=" ".join(w.code for w in warehouses),
        is_active=is_active,
    )
