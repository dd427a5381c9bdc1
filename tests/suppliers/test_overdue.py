"""Buyers are told, the morning after, about order lines whose date passed with goods missing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from core.models import Notification
from suppliers.models import PurchaseOrder, PurchaseOrderLine
from suppliers.services import purchase_orders_overdue_notify

TODAY = date(2026, 12, 3)
YESTERDAY = TODAY - timedelta(days=1)


def test_orders_due_yesterday_with_goods_missing_are_told_once(make_order, purchaser):
    late = make_order(state="sent", lines=((Decimal(5), Decimal(2)), (Decimal(1), Decimal(2))))
    PurchaseOrderLine.objects.filter(order=late, line_no=1).update(promised_date=YESTERDAY)
    by_order_date = make_order(state="confirmed")
    PurchaseOrder.objects.filter(pk=by_order_date.pk).update(expected_date=YESTERDAY)
    received = make_order(state="sent")
    PurchaseOrderLine.objects.filter(order=received).update(promised_date=YESTERDAY, quantity_received=Decimal(10))
    older = make_order(state="sent")
    PurchaseOrderLine.objects.filter(order=older).update(promised_date=YESTERDAY - timedelta(days=1))
    draft = make_order(state="draft")
    PurchaseOrderLine.objects.filter(order=draft).update(promised_date=YESTERDAY)

    assert purchase_orders_overdue_notify(today=TODAY) == 2

    notes = Notification.objects.filter(user=purchaser, kind="purchase_order.overdue").order_by("id")
    line = late.lines.get(line_no=1)
    assert [note.message for note in notes] == [
        f"{late.number} ({late.supplier.code}) was due 2026-12-02 and is missing {line.part.number} × 5; "
        "chase the supplier.",
        f"{by_order_date.number} ({by_order_date.supplier.code}) was due 2026-12-02 and is missing "
        f"{by_order_date.lines.get().part.number} × 10; chase the supplier.",
    ]
    # The next morning the same dates are no longer yesterday's.
    assert purchase_orders_overdue_notify(today=TODAY + timedelta(days=1)) == 0


def test_a_send_refused_for_approval_asks_the_managers_once(make_order, purchaser, make_user, settings):
    import pytest

    from suppliers.exceptions import ApprovalRequired
    from suppliers.services import purchase_order_send

    manager = make_user("manager")
    settings.PURCHASE_APPROVAL_THRESHOLD = "10"
    order = make_order(state="draft")  # 10 × 5.00 = 50.00, above 10

    for _ in range(2):
        with pytest.raises(ApprovalRequired):
            purchase_order_send(order=order, user=purchaser)

    note = Notification.objects.get(kind="purchase_order.approval_needed")
    assert note.user == manager
    assert (
        note.message
        == f"{order.number} ({order.supplier.code}) waits for your approval before {purchaser} can send it."
    )
    order.refresh_from_db()
    assert order.state == "draft"
