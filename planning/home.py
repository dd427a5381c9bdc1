"""What waits in planning, for the start page (core.home)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.home import Waiting
from core.roles import Access, Role

from .models import ProposalState, ReplenishmentProposal, ReplenishmentRun, VmiProposal, VmiState


def waiting(*, user, access: Access) -> list[Waiting]:
    items: list[Waiting] = []
    if access.has_any({Role.PURCHASER, Role.MANAGER}):
        vmi = VmiProposal.objects.filter(state=VmiState.PROPOSED).count()
        items.append(Waiting(_("VMI proposals from suppliers to decide"), vmi, reverse("planning:vmi-review")))
    if access.has_any({Role.PLANNER, Role.PURCHASER, Role.MANAGER}):
        open_proposals = ReplenishmentProposal.objects.filter(state=ProposalState.OPEN).count()
        last = ReplenishmentRun.objects.order_by("-created_at", "-id").first()
        detail = ""
        if last is not None:
            detail = _("last run %(when)s: %(state)s") % {
                "when": f"{timezone.localtime(last.created_at):%Y-%m-%d %H:%M}",
                "state": last.get_state_display(),
            }
        items.append(
            Waiting(
                _("Replenishment proposals to review"), open_proposals, reverse("planning:proposals"), detail=detail
            )
        )
    return items
