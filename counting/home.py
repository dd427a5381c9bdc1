"""What waits in cycle counting, for the start page (core.home)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.home import Waiting
from core.roles import Access, Role

from .models import CountLine, CountLineStatus, CountListStatus


def waiting(*, user, access: Access) -> list[Waiting]:
    if not access.has_any({Role.CLERK, Role.MANAGER, Role.PLANNER}):
        return []
    lines = CountLine.objects.filter(count_list__status=CountListStatus.OPEN)
    if not (access.is_superuser or access.roles & {Role.MANAGER, Role.PLANNER}):
        lines = lines.filter(count_list__warehouse_id__in=access.warehouse_ids)
    counts = lines.aggregate(
        to_count=Count("pk", filter=Q(status__in=[CountLineStatus.PENDING, CountLineStatus.STARTED])),
        recount=Count("pk", filter=Q(status=CountLineStatus.RECOUNT)),
        to_approve=Count("pk", filter=Q(status=CountLineStatus.TO_APPROVE)),
    )
    items = []
    if access.has_any({Role.CLERK, Role.MANAGER}):
        items += [
            Waiting(_("Count lines to count"), counts["to_count"], reverse("counting:list")),
            Waiting(_("Count lines to recount"), counts["recount"], reverse("counting:list")),
        ]
    if access.has_any({Role.MANAGER}):
        items.append(Waiting(_("Count variances to approve"), counts["to_approve"], reverse("counting:variances")))
    return items
