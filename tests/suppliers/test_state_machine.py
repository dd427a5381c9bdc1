"""Every transition of a purchase order, from every state, allowed or refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from core.roles import Role
from inventory.exceptions import InvalidQuantity
from suppliers import services
from suppliers.exceptions import ApprovalRequired, InvalidTransition, NotPermitted, PurchasingError
from suppliers.models import OrderState, PurchaseOrder

from .factories import SupplierUserFactory

pytestmark = pytest.mark.usefixtures("postgres")

ALL_STATES = [s.value for s in OrderState]
ALLOWED_FROM = {
    "send": {"draft"},
    "approve": {"draft"},
    "confirm": {"sent"},
    "cancel": {"draft", "sent", "confirmed"},
    "close": {"partially_received", "received"},
}
RESULT = {"send": "sent", "confirm": "confirmed", "cancel": "cancelled", "close": "closed"}


def _run(action, order, user):
    if action == "send":
        return services.purchase_order_send(order=order, user=user)
    if action == "approve":
        return services.purchase_order_approve(order=order, user=user)
    if action == "confirm":
        return services.purchase_order_confirm(order=order, user=user)
    if action == "cancel":
        return services.purchase_order_cancel(order=order, user=user, reason="Not needed any more")
    return services.purchase_order_close(order=order, user=user)


def _snapshot(order):
    return PurchaseOrder.objects.filter(pk=order.pk).values().get()


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", sorted(ALLOWED_FROM))
def test_transition_from_every_state(make_order, make_user, action, state):
    # given an order in the state, and a manager (who may take every step)
    order = make_order(state=state)
    manager = make_user(Role.MANAGER)
    before = _snapshot(order)

    if state in ALLOWED_FROM[action]:
        # when the step is allowed, then it moves the state and records who and when
        result = _run(action, order, manager)
        result.refresh_from_db()
        if action == "approve":
            assert (result.state, result.approved_by) == (state, manager)
            assert result.approved_at is not None
        else:
            assert result.state == RESULT[action]
            who = {"send": "sent_by", "confirm": "confirmed_by", "cancel": "cancelled_by", "close": "closed_by"}[action]
            assert getattr(result, who) == manager
            assert getattr(result, who.replace("_by", "_at")) is not None
    else:
        # when it is not, then it is refused naming the state and nothing changes
        with pytest.raises(InvalidTransition, match=f"{order.number} is {OrderState(state).label}"):
            _run(action, order, manager)
        assert _snapshot(order) == before


ROLE_ALLOWED = {
    "send": {Role.PURCHASER, Role.MANAGER},
    "approve": {Role.MANAGER},
    "confirm": {Role.PURCHASER, Role.MANAGER},
    "cancel": {Role.PURCHASER, Role.MANAGER},
    "close": {Role.PURCHASER, Role.MANAGER},
}
START = {"send": "draft", "approve": "draft", "confirm": "sent", "cancel": "sent", "close": "received"}


@pytest.mark.parametrize("role", [Role.CLERK, Role.WORKSHOP, Role.PURCHASER, Role.PLANNER, Role.MANAGER])
@pytest.mark.parametrize("action", sorted(ROLE_ALLOWED))
def test_transition_role_checks(make_order, make_user, action, role):
    order = make_order(state=START[action])
    user = make_user(role)
    before = _snapshot(order)
    if role in ROLE_ALLOWED[action]:
        _run(action, order, user)
        assert _snapshot(order) != before
    else:
        with pytest.raises(NotPermitted, match="Your role may not"):
            _run(action, order, user)
        assert _snapshot(order) == before


def test_supplier_user_confirms_own_order_with_dates_and_quantities(make_order):
    order = make_order(state="sent", lines=[(10, "5.00"), (4, "2.00")])
    portal_user = SupplierUserFactory(supplier=order.supplier).user
    first, second = order.lines.order_by("line_no")

    services.purchase_order_confirm(
        order=order,
        user=portal_user,
        lines=[(first, date(2026, 5, 4), Decimal(8)), (second, date(2026, 5, 6), None)],
    )

    order.refresh_from_db()
    assert (order.state, order.confirmed_by) == ("confirmed", portal_user)
    assert list(order.lines.order_by("line_no").values_list("promised_date", "confirmed_quantity")) == [
        (date(2026, 5, 4), Decimal("8.000")),
        (date(2026, 5, 6), None),
    ]


def test_supplier_user_cannot_confirm_another_suppliers_order(make_order):
    order = make_order(state="sent")
    stranger = SupplierUserFactory().user
    before = _snapshot(order)
    with pytest.raises(NotPermitted, match="belongs to another supplier"):
        services.purchase_order_confirm(order=order, user=stranger)
    assert _snapshot(order) == before


def test_confirm_more_than_ordered_is_refused(make_order, purchaser):
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()
    with pytest.raises(InvalidQuantity, match="confirm between 0 and the ordered 10"):
        services.purchase_order_confirm(order=order, user=purchaser, lines=[(line, None, Decimal(11))])
    order.refresh_from_db()
    line.refresh_from_db()
    assert (order.state, line.confirmed_quantity) == ("sent", None)


def test_send_above_threshold_needs_approval_and_mails_after_commit(
    settings, make_order, purchaser, make_user, django_capture_on_commit_callbacks
):
    # given an order worth 600 and a threshold of 500
    settings.PURCHASE_APPROVAL_THRESHOLD = "500"
    order = make_order(lines=[(100, "6.00")])

    # when it is sent without approval, then it is refused and stays a draft
    with pytest.raises(ApprovalRequired, match=r"worth 600\.00, above the approval limit of 500\.00"):
        services.purchase_order_send(order=order, user=purchaser)
    order.refresh_from_db()
    assert (order.state, order.sent_at) == ("draft", None)

    # when a manager approves it, then it can be sent, and the supplier gets the PO by mail
    services.purchase_order_approve(order=order, user=make_user(Role.MANAGER))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_order_send(order=order, user=purchaser)
    order.refresh_from_db()
    assert order.state == "sent"
    assert [m.subject for m in mail.outbox] == [f"Purchase order {order.number}"]
    assert mail.outbox[0].to == [order.supplier.email]
    assert "Total: 600.00" in mail.outbox[0].body
    assert order.emailed_at is not None


def test_changing_a_line_withdraws_the_approval(settings, make_order, purchaser, make_user):
    settings.PURCHASE_APPROVAL_THRESHOLD = "500"
    order = make_order(lines=[(100, "6.00")])
    services.purchase_order_approve(order=order, user=make_user(Role.MANAGER))
    services.purchase_order_line_update(line=order.lines.get(), user=purchaser, quantity=Decimal(120))
    order.refresh_from_db()
    assert (order.approved_at, order.approved_by) == (None, None)
    with pytest.raises(ApprovalRequired):
        services.purchase_order_send(order=order, user=purchaser)


def test_lines_change_only_in_draft(make_order, purchaser):
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()
    with pytest.raises(InvalidTransition, match="only a draft order can be edited"):
        services.purchase_order_line_update(line=line, user=purchaser, quantity=Decimal(20))
    with pytest.raises(InvalidTransition):
        services.purchase_order_line_remove(line=line, user=purchaser)
    line.refresh_from_db()
    assert (line.quantity, order.lines.count()) == (Decimal("10.000"), 1)


def test_cancel_needs_a_reason_and_no_receipts(make_order, purchaser):
    order = make_order(state="sent")
    with pytest.raises(PurchasingError, match="Say why"):
        services.purchase_order_cancel(order=order, user=purchaser, reason="  ")
    order.refresh_from_db()
    assert order.state == "sent"
    services.purchase_order_cancel(order=order, user=purchaser, reason="Supplier out of business")
    order.refresh_from_db()
    assert (order.state, order.cancel_reason) == ("cancelled", "Supplier out of business")


def test_send_without_lines_is_refused(make_order, purchaser):
    order = make_order()
    services.purchase_order_line_remove(line=order.lines.get(), user=purchaser)
    with pytest.raises(PurchasingError, match="has no lines"):
        services.purchase_order_send(order=order, user=purchaser)
    order.refresh_from_db()
    assert order.state == "draft"
