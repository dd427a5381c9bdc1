"""Vendor-managed inventory: a supplier proposes replenishment for its VMI parts; purchasing decides."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import events
from core.permissions import has_role
from core.roles import Role
from core.services.notifications import notify, users_with_role
from inventory.models import Part, Warehouse
from inventory.quantities import quantity_checked
from suppliers import services as supplier_services
from suppliers.models import OrderType, SupplierPart
from suppliers.selectors import supplier_for_user

from ..exceptions import NotPermitted, PlanningError, ProposalNotOpen
from ..models import StockingParameter, VmiProposal, VmiState

DECIDERS = (Role.PURCHASER, Role.MANAGER)


@transaction.atomic
def vmi_propose(*, part: Part, warehouse: Warehouse, quantity: Decimal, user, note: str = "") -> VmiProposal:
    """A supplier user proposes a quantity for one of its own VMI parts in a warehouse."""
    supplier = supplier_for_user(user)
    if supplier is None or not has_role(user, Role.SUPPLIER):
        raise NotPermitted(_("Only a supplier's portal users propose VMI replenishment."))
    if not SupplierPart.objects.filter(supplier=supplier, part=part).exists():
        raise NotPermitted(_("%(part)s is not one of your parts.") % {"part": part.number})
    if not StockingParameter.objects.filter(part=part, warehouse=warehouse, is_vmi=True).exists():
        raise PlanningError(
            _("%(part)s is not vendor-managed in %(warehouse)s.") % {"part": part.number, "warehouse": warehouse.code},
            field="part",
        )
    quantity = quantity_checked(part, quantity)
    proposal = VmiProposal.objects.create(
        supplier=supplier, part=part, warehouse=warehouse, quantity=quantity, note=note.strip()[:200], proposed_by=user
    )
    notify(
        users=users_with_role(Role.PURCHASER),
        kind=events.VMI_PROPOSAL_WAITING,
        message=gettext_noop(
            "%(supplier)s proposes %(quantity)s × %(part)s for %(warehouse)s; accept or reject it on the VMI screen."
        ),
        params={
            "supplier": supplier.code,
            "quantity": f"{quantity.normalize():f}",
            "part": part.number,
            "warehouse": warehouse.code,
        },
        link=reverse("planning:vmi-review"),
        email_subject=gettext_noop("VMI proposal from %(supplier)s"),
        subject_params={"supplier": supplier.code},
    )
    return proposal


def _locked(proposal: VmiProposal) -> VmiProposal:
    locked = VmiProposal.objects.select_for_update().select_related("supplier", "part", "warehouse").get(pk=proposal.pk)
    if locked.state != VmiState.PROPOSED:
        raise ProposalNotOpen(_("This VMI proposal is already %(state)s.") % {"state": locked.get_state_display()})
    return locked


@transaction.atomic
def vmi_accept(*, proposal: VmiProposal, user, quantity: Decimal | None = None) -> VmiProposal:
    """Accept the supplier's quantity, or a changed one: a draft purchase order to the supplier."""
    if not has_role(user, *DECIDERS):
        raise NotPermitted(_("Only purchasing and managers accept VMI proposals."))
    proposal = _locked(proposal)
    quantity = quantity_checked(proposal.part, proposal.quantity if quantity is None else quantity)
    order = supplier_services.purchase_order_create(
        supplier=proposal.supplier,
        warehouse=proposal.warehouse,
        order_type=OrderType.STOCK,
        lines=[(proposal.part, quantity, None)],
        user=user,
        reference=f"VMI proposal #{proposal.pk}",
    )
    proposal.state, proposal.accepted_quantity, proposal.purchase_order = VmiState.ACCEPTED, quantity, order
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.save()
    return proposal


@transaction.atomic
def vmi_reject(*, proposal: VmiProposal, user) -> VmiProposal:
    if not has_role(user, *DECIDERS):
        raise NotPermitted(_("Only purchasing and managers reject VMI proposals."))
    proposal = _locked(proposal)
    proposal.state, proposal.decided_by, proposal.decided_at = VmiState.REJECTED, user, timezone.now()
    proposal.save()
    return proposal
