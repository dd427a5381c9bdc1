"""Role checks shared by the API and the screens."""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from core.exceptions import WarehouseNotPermitted

from .roles import Role, user_access


def has_role(user, *roles: str) -> bool:
    return user_access(user).has_any(set(roles))


def require_warehouse(user, warehouse) -> None:
    """Refuse a posting in a warehouse the user does not work in."""
    if not user_access(user).may_post_in(warehouse.pk):
        raise WarehouseNotPermitted(
            _("You post only in your own warehouses; %(warehouse)s is not one of them.") % {"warehouse": warehouse.code}
        )


class RolePermission(BasePermission):
    """DRF permission: the user needs one of ``roles`` (reads may name their own set)."""

    roles: frozenset[str] = frozenset()
    read_roles: frozenset[str] | None = None
    message = gettext_lazy("Your role does not allow this.")

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        roles = self.roles
        if request.method in ("GET", "HEAD", "OPTIONS") and self.read_roles is not None:
            roles = self.read_roles
        return user_access(request.user).has_any(roles)


def roles_permission(*roles: str, read: tuple[str, ...] | None = None) -> type[RolePermission]:
    """Build a permission class for a set of roles (and optionally wider read roles)."""
    return type(
        "Role_" + "_".join(roles),
        (RolePermission,),
        {"roles": frozenset(roles), "read_roles": frozenset(read) if read is not None else None},
    )


IsInternal = roles_permission(*Role.INTERNAL)


class RoleRequiredMixin(AccessMixin):
    """Screens: log in first, then one of ``required_roles``."""

    required_roles: tuple[str, ...] = Role.INTERNAL

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, *self.required_roles):
            raise PermissionDenied(_("Your role does not give access to this page."))
        return super().dispatch(request, *args, **kwargs)
