"""What waits at the counter and in the workshop, for the start page (core.home)."""

from __future__ import annotations

from django.db.models import Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.home import Waiting
from core.roles import DEMAND_NETWORK_ROLES, FREEZE_ANYWHERE_ROLES, FREEZE_ROLES, Access, Role

from .demand import selectors as demand
from .models import Backorder, BackorderState, TransferOrder, TransferState
from .selectors import freeze_open_count


def _scope(access: Access) -> list[int] | None:
    scope = access.warehouse_scope(DEMAND_NETWORK_ROLES)
    return None if scope is None else sorted(scope)


def waiting(*, user, access: Access) -> list[Waiting]:
    items: list[Waiting] = []
    scope = _scope(access)
    if access.has_any({Role.CLERK, Role.MANAGER}):
        transfers = TransferOrder.objects.all()
        to_send = transfers.filter(state=TransferState.REQUESTED)
        to_receive = transfers.filter(state__in=[TransferState.SENT, TransferState.PARTIAL])
        if scope is not None:
            to_send, to_receive = (
                to_send.filter(from_warehouse_id__in=scope),
                to_receive.filter(to_warehouse_id__in=scope),
            )
        picks = demand.pick_list(warehouse_ids=scope).count()
        transfers_url = reverse("inventory:transfers")
        items += [
            Waiting(_("Workshop requests to pick"), picks, reverse("inventory:pick-list")),
            Waiting(_("Transfers to send"), to_send.count(), f"{transfers_url}?state={TransferState.REQUESTED}"),
            Waiting(_("Transfers to receive"), to_receive.count(), f"{transfers_url}?state={TransferState.SENT}"),
        ]
    if access.has_any({Role.WORKSHOP, Role.CLERK, Role.PURCHASER, Role.MANAGER}):
        backorders = Backorder.objects.filter(state=BackorderState.OPEN)
        if access.roles == {Role.WORKSHOP} and not access.is_superuser:
            backorders = backorders.filter(Q(line__request__requested_by=user) | Q(warehouse_id__in=scope or []))
        elif scope is not None:
            backorders = backorders.filter(warehouse_id__in=scope)
        summary = backorders.aggregate(oldest=Min("requested_at"))
        count = backorders.count()
        detail = _("oldest from %(date)s") % {"date": f"{summary['oldest']:%Y-%m-%d}"} if count else ""
        items.append(Waiting(_("Open backorders"), count, reverse("inventory:backorders"), detail=detail))
    if access.has_any(FREEZE_ROLES):
        # A recall is everybody's business in purchasing and planning; a clerk decides in own warehouses.
        freeze_scope = access.warehouse_scope(frozenset(FREEZE_ANYWHERE_ROLES))
        frozen = freeze_open_count(warehouse_ids=None if freeze_scope is None else set(freeze_scope))
        items.append(Waiting(_("Frozen stock waiting for a decision"), frozen, reverse("inventory:freezes")))
    return items
