"""Re-confirmation: the supplier moves a confirmed date or quantity with a reason until the line ships."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import Notification
from suppliers import services
from suppliers.exceptions import InvalidTransition, PurchasingError
from suppliers.models import LineConfirmation, RatingWeights

from .factories import SupplierFactory, SupplierUserFactory

pytestmark = pytest.mark.usefixtures("postgres")


def _at(day: int, month: int = 12) -> datetime:
    return datetime(2026, month, day, 9, 0, tzinfo=UTC)


@pytest.fixture
def confirmed(make_order):
    supplier = SupplierFactory(code="ACME")
    order = make_order(state="sent", supplier=supplier, lines=[(10, "5.00")])
    user = SupplierUserFactory(supplier=supplier).user
    line = order.lines.get()
    services.purchase_order_confirm(
        order=order, user=user, lines=[(line, date(2026, 12, 20), Decimal(10))], confirmed_at=_at(1)
    )
    return {"order": order, "line": line, "user": user}


def test_reconfirm_keeps_history_tells_purchaser_and_rates_by_cutoff(confirmed, purchaser):
    order, line, user = confirmed["order"], confirmed["line"], confirmed["user"]

    # a change 10 days before the date it replaces counts (cut-off 7 days) ...
    services.purchase_order_reconfirm(
        order=order, user=user, lines=[(line, date(2026, 12, 28), None)], reason="raw material late", changed_at=_at(10)
    )
    # ... one made 3 days before the date it replaces does not
    services.purchase_order_reconfirm(
        order=order,
        user=user,
        lines=[(line, date(2027, 1, 15), Decimal(8))],
        reason="machine down",
        changed_at=_at(25),
    )

    line.refresh_from_db()
    assert (line.promised_date, line.confirmed_quantity, line.rated_due_date) == (
        date(2027, 1, 15),
        Decimal(8),
        date(2026, 12, 28),
    )
    history = list(
        LineConfirmation.objects.filter(po_line=line).values_list(
            "previous_date", "promised_date", "previous_quantity", "confirmed_quantity", "reason"
        )
    )
    assert history == [
        (None, date(2026, 12, 20), None, Decimal(10), ""),
        (date(2026, 12, 20), date(2026, 12, 28), Decimal(10), Decimal(10), "raw material late"),
        (date(2026, 12, 28), date(2027, 1, 15), Decimal(10), Decimal(8), "machine down"),
    ]
    assert list(
        Notification.objects.filter(user=purchaser, message__contains="changed its confirmation")
        .order_by("id")
        .values_list("message", flat=True)
    ) == [
        f"ACME changed its confirmation of {order.number} (raw material late): "
        f"line 1 {line.part.number}: 2026-12-20 → 2026-12-28, 10 → 10.",
        f"ACME changed its confirmation of {order.number} (machine down): "
        f"line 1 {line.part.number}: 2026-12-28 → 2027-01-15, 10 → 8.",
    ]


def test_cutoff_is_configurable(confirmed):
    RatingWeights.objects.create(reconfirm_cutoff_days=2)
    order, line = confirmed["order"], confirmed["line"]
    services.purchase_order_reconfirm(
        order=order, user=confirmed["user"], lines=[(line, date(2026, 12, 23), None)], reason="x", changed_at=_at(17)
    )
    line.refresh_from_db()
    assert line.rated_due_date == date(2026, 12, 23)


def test_reconfirm_needs_a_reason_and_a_change(confirmed):
    order, line = confirmed["order"], confirmed["line"]
    with pytest.raises(PurchasingError) as no_reason:
        services.purchase_order_reconfirm(
            order=order, user=confirmed["user"], lines=[(line, date(2026, 12, 28), None)], reason=" "
        )
    with pytest.raises(PurchasingError) as no_change:
        services.purchase_order_reconfirm(
            order=order, user=confirmed["user"], lines=[(line, date(2026, 12, 20), Decimal(10))], reason="x"
        )
    assert (no_reason.value.message, no_change.value.message) == (
        "Say why the date or quantity changes.",
        "Nothing changed; change a date or a quantity.",
    )
    assert LineConfirmation.objects.count() == 1


def test_no_change_once_the_line_is_announced(confirmed):
    order, line, user = confirmed["order"], confirmed["line"], confirmed["user"]
    services.shipment_notice_announce(
        order=order, user=user, delivery_note="DN-1", expected_arrival=date(2026, 12, 19), lines=[(line, Decimal(10))]
    )
    with pytest.raises(InvalidTransition) as error:
        services.purchase_order_reconfirm(
            order=order, user=user, lines=[(line, date(2026, 12, 30), None)], reason="late"
        )
    assert error.value.message == f"Line 1 ({line.part.number}) has shipped; its confirmation can no longer change."
    line.refresh_from_db()
    assert line.promised_date == date(2026, 12, 20)


def test_portal_reconfirm_form_and_api(client, api_as, confirmed):
    order, line, user = confirmed["order"], confirmed["line"], confirmed["user"]
    client.force_login(user)
    refused = client.post(reverse("suppliers:portal-order", args=[order.pk]), {f"date-{line.pk}": "2026-12-27"})
    assert [str(m) for m in refused.wsgi_request._messages] == ["Say why the date or quantity changes."]
    client.post(
        reverse("suppliers:portal-order", args=[order.pk]),
        {f"date-{line.pk}": "2026-12-27", f"qty-{line.pk}": "10", "reason": "holiday"},
    )
    line.refresh_from_db()
    assert line.promised_date == date(2026, 12, 27)

    response = api_as(user).post(
        f"/api/v1/purchase-orders/{order.pk}/reconfirm/",
        {"reason": "split", "lines": [{"line": line.pk, "confirmed_quantity": "6"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()[0]["confirmed_quantity"] == "6.000"
    assert LineConfirmation.objects.filter(po_line=line).count() == 3
