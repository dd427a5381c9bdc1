"""The last close's KPIs that missed their target, for the start page (core.home)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.home import Waiting
from core.roles import Access, Role

from . import selectors
from .models import Snapshot, Status


def waiting(*, user, access: Access) -> list[Waiting]:
    if not access.has_any({Role.PLANNER, Role.MANAGER}):
        return []
    months = selectors.closed_months()
    if not months:
        return []
    month = max(months)
    red = Snapshot.objects.filter(
        month=month, warehouse__isnull=True, class_key="", status=Status.MISSED, **selectors.PUBLISHED
    ).count()
    return [
        Waiting(
            _("KPIs that missed their target in %(month)s") % {"month": f"{month:%Y-%m}"},
            red,
            f"{reverse('kpis:dashboard')}?month={month:%Y-%m}",
        )
    ]
