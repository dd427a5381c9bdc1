"""Orders that became overdue: the buyer is told the morning after a line's date passed with goods missing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from core import events
from core.services.notifications import notify

from ..models import OrderState, PurchaseOrderLine


def purchase_orders_overdue_notify(*, today: date | None = None) -> int:
    """Tell each buyer about their orders with lines due yesterday (promised date, else the order's
    expected date) and not fully received; returns how many orders.

    Only yesterday's dates count, so an order is told once per missed date without a marker; a day the
    task did not run is not caught up.
    """
    today = today or timezone.localdate()
    yesterday = today - timedelta(days=1)
    lines = (
        PurchaseOrderLine.objects.annotate(due=Coalesce("promised_date", "order__expected_date"))
        .filter(due=yesterday, order__state__in=OrderState.on_order(), quantity_received__lt=F("quantity"))
        .select_related("order__supplier", "order__created_by", "part")
        .order_by("order_id", "line_no")
    )
    by_order = defaultdict(list)
    for line in lines:
        by_order[line.order].append(line)
    for order, missing in by_order.items():
        parts = ", ".join(f"{line.part.number} × {line.outstanding.normalize():f}" for line in missing)
        notify(
            users=[order.created_by],
            kind=events.PURCHASE_ORDER_OVERDUE,
            message=gettext_noop(
                "%(order)s (%(supplier)s) was due %(day)s and is missing %(parts)s; chase the supplier."
            ),
            params={
                "order": order.number,
                "supplier": order.supplier.code,
                "day": f"{yesterday:%Y-%m-%d}",
                "parts": parts,
            },
            link=reverse("suppliers:po-detail", args=[order.pk]),
            email_subject=gettext_noop("%(order)s is overdue"),
            subject_params={"order": order.number},
        )
    return len(by_order)
