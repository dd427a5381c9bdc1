"""What waits in purchasing and at the quality bench, for the start page (core.home)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.home import Waiting
from core.roles import Access, Role

from . import selectors


def waiting(*, user, access: Access) -> list[Waiting]:
    items: list[Waiting] = []
    orders = reverse("suppliers:po-list")
    if access.has_any({Role.MANAGER}):
        count = selectors.purchase_order_list(awaiting_approval=True).count()
        items.append(Waiting(_("Purchase orders awaiting your approval"), count, f"{orders}?awaiting_approval=on"))
    if access.has_any({Role.PURCHASER}):
        overdue = selectors.purchase_order_list(overdue=True).count()
        short = selectors.purchase_order_list(short=True).count()
        items += [
            Waiting(_("Overdue purchase orders"), overdue, f"{orders}?overdue=on"),
            Waiting(_("Orders confirmed short"), short, f"{orders}?short=on"),
        ]
    if access.has_any({Role.PURCHASER, Role.CLERK, Role.MANAGER}):
        holds = selectors.quality_hold_list().count()
        items.append(Waiting(_("Receipt lines on quality hold"), holds, reverse("suppliers:holds")))
    return items
