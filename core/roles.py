"""Roles are Django groups (created by a migration); this module answers who may do what.

A user's roles and the warehouses they post in are read with one query and
cached on the user object for the rest of the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db.models import CharField, Value
from django.db.models.functions import Cast


class Role:
    CLERK = "clerk"
    WORKSHOP = "workshop"
    PURCHASER = "purchaser"
    PLANNER = "planner"
    MANAGER = "manager"
    SUPPLIER = "supplier"
    # A dealer outside the group buying through the exchange: its portal only.
    PARTNER = "partner"

    ALL = (CLERK, WORKSHOP, PURCHASER, PLANNER, MANAGER, SUPPLIER, PARTNER)
    INTERNAL = (CLERK, WORKSHOP, PURCHASER, PLANNER, MANAGER)


# Who may post which kind of stock change. Managers may do everything internal.
POSTING_ROLES = {
    "receipt": {Role.CLERK, Role.MANAGER},
    "issue": {Role.CLERK, Role.MANAGER},
    "transfer": {Role.CLERK, Role.MANAGER},
    "adjustment": {Role.MANAGER, Role.PLANNER},
    # A clerk who finds damaged stock writes it off at once; the reason stays in the ledger and the audit.
    "scrap": {Role.CLERK, Role.MANAGER, Role.PLANNER},
    "reversal": {Role.MANAGER},
    # Moving stock between bins of a warehouse changes neither quantity nor value: the counter's own work.
    "bin_move": {Role.CLERK, Role.MANAGER},
}
CATALOGUE_EDITORS = {Role.MANAGER, Role.PLANNER}
# Who freezes stock on the shelf for quality and releases it. Clerks act in their own warehouses;
# a recall is a network matter, so planners, purchasers and managers act anywhere.
FREEZE_ROLES = {Role.CLERK, Role.PURCHASER, Role.PLANNER, Role.MANAGER}
FREEZE_ANYWHERE_ROLES = {Role.PURCHASER, Role.PLANNER, Role.MANAGER}

# Who sees the whole network, per area (``Access.warehouse_scope``); everybody else sees their own warehouses.
# Workshop demand (requests, backorders, transfers, reservations, the start page's counts): managers, and
# purchasers, who buy for every warehouse.
DEMAND_NETWORK_ROLES = frozenset({Role.MANAGER, Role.PURCHASER})
# Count lists: managers, and planners, who plan the counts.
COUNT_NETWORK_ROLES = frozenset({Role.MANAGER, Role.PLANNER})
# Goods in: managers; a clerk receives into their own warehouses.
RECEIVING_NETWORK_ROLES = frozenset({Role.MANAGER})
# Printed documents: the roles that work across the network.
DOCUMENT_NETWORK_ROLES = frozenset({Role.MANAGER, Role.PURCHASER, Role.PLANNER})


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    warehouse_ids: frozenset[int] = field(default_factory=frozenset)
    is_superuser: bool = False

    def has_any(self, roles: set[str] | tuple[str, ...] | frozenset[str]) -> bool:
        return self.is_superuser or bool(self.roles & set(roles))

    @property
    def is_internal(self) -> bool:
        return self.has_any(Role.INTERNAL)

    @property
    def is_supplier_only(self) -> bool:
        return not self.is_superuser and self.roles == {Role.SUPPLIER}

    def warehouse_scope(self, network_roles: frozenset[str]) -> frozenset[int] | None:
        """The warehouses an area shows this user: None (the whole network) for a superuser or one of
        ``network_roles`` (the area's constant above), else their own."""
        if self.has_any(network_roles):
            return None
        return self.warehouse_ids

    def may_post_in(self, warehouse_id: int) -> bool:
        """Managers post anywhere; everybody else only in their own warehouses."""
        if self.is_superuser or Role.MANAGER in self.roles:
            return True
        return warehouse_id in self.warehouse_ids


def user_access_prime(user, *, roles, warehouse_ids) -> Access:
    """Cache access read together with the user elsewhere (token authentication does)."""
    access = Access(
        roles=frozenset(name for name in roles if name),
        warehouse_ids=frozenset(int(ident) for ident in warehouse_ids if ident is not None),
        is_superuser=bool(user.is_superuser),
    )
    user._parts_access = access
    return access


def user_access(user) -> Access:
    """Roles and posting warehouses of a user, one query, cached on the user."""
    cached = getattr(user, "_parts_access", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        access = Access(roles=frozenset())
    else:
        from core.models import WarehouseMembership

        roles = Group.objects.filter(user=user.pk).annotate(kind=Value("r")).values_list("kind", "name")
        warehouses = (
            WarehouseMembership.objects.filter(user=user.pk)
            .annotate(kind=Value("w"), ident=Cast("warehouse_id", CharField()))
            .values_list("kind", "ident")
        )
        rows = list(roles.union(warehouses, all=True))
        access = Access(
            roles=frozenset(name for kind, name in rows if kind == "r"),
            warehouse_ids=frozenset(int(ident) for kind, ident in rows if kind == "w"),
            is_superuser=bool(user.is_superuser),
        )
    user._parts_access = access
    return access
