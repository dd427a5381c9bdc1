"""The purchasing side of a backorder: all three sourcing proposals, and the emergency order accepted here.

Transfer proposals are accepted on the inventory side (a transfer order);
this screen shows them in their place in the order (neighbour, parent,
supplier) and posts the transfer to ``inventory:backorder-accept-transfer``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import DomainError
from core.permissions import RoleRequiredMixin, require_warehouse
from core.roles import Role, user_access
from inventory.demand.selectors import backorder_list
from inventory.demand.views import warehouse_scope

from .services import sourcing

SOURCING_ROLES = (Role.CLERK, Role.PURCHASER, Role.MANAGER)
EMERGENCY_ROLES = (Role.PURCHASER, Role.CLERK, Role.MANAGER)


def _backorder(user, pk: int):
    found = backorder_list(warehouse_ids=warehouse_scope(user), state=None).filter(pk=pk).first()
    if found is None:
        raise Http404(gettext("No such backorder."))
    return found


class BackorderSourcingView(RoleRequiredMixin, TemplateView):
    template_name = "inventory/backorder_sourcing.html"
    required_roles = SOURCING_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        backorder = _backorder(self.request.user, kwargs["pk"])
        access = user_access(self.request.user)
        context["backorder"] = backorder
        context["proposals"] = sourcing.sourcing_proposals(backorder)
        context["may_transfer"] = access.has_any({Role.CLERK, Role.MANAGER}) and access.may_post_in(
            backorder.warehouse_id
        )
        context["may_order"] = access.has_any(set(EMERGENCY_ROLES))
        return context


class BackorderEmergencyOrderView(RoleRequiredMixin, View):
    """One click: a draft emergency order to the preferred supplier for what no transfer covers."""

    required_roles = EMERGENCY_ROLES

    def post(self, request, pk: int):
        backorder = _backorder(request.user, pk)
        try:
            if not user_access(request.user).has_any({Role.PURCHASER, Role.MANAGER}):
                require_warehouse(request.user, backorder.warehouse)
            order = sourcing.backorder_order_emergency(backorder=backorder, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("suppliers:backorder-sourcing", pk=pk)
        messages.success(
            request, gettext("Emergency order %(number)s drafted; approve and send it.") % {"number": order.number}
        )
        return redirect("suppliers:po-detail", pk=order.pk)
