"""Goods receipts: partial, over-receipt, unknown part, idempotent repost, quality holds, moving average."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core import mail

import inventory.tasks  # noqa: F401 - registers the mail task, as the worker's autodiscovery does
from core.models import Notification
from core.roles import Role
from inventory.exceptions import WarehouseNotPermitted
from inventory.models import BinStock, StockLevel, StockMovement
from suppliers import services
from suppliers.exceptions import InvalidTransition, NotPermitted, OverReceipt, PartNotOnOrder, PurchasingError
from suppliers.models import GoodsReceipt, GoodsReceiptLine, HoldState, QualityReject

from ..factories import BinFactory, PartFactory
from .factories import SupplierPartFactory

pytestmark = pytest.mark.usefixtures("postgres")


def _level(part, warehouse):
    return StockLevel.objects.filter(part=part, warehouse=warehouse).first()


def _state(order):
    order.refresh_from_db()
    return order.state, list(order.lines.order_by("line_no").values_list("quantity_received", flat=True))


def test_partial_receipts_move_stock_lines_and_state_together(make_order, clerk, warehouse):
    # given a sent order of 10 and 4
    order = make_order(state="sent", lines=[(10, "5.00"), (4, "2.50")])
    first, second = order.lines.order_by("line_no")
    bin = BinFactory(warehouse=warehouse, code="A-01")

    # when 6 of the first line arrive
    receipt = services.goods_receipt_post(order=order, lines=[(first, Decimal(6), bin, False)], user=clerk)

    # then stock, received quantity and state moved together
    assert _state(order) == ("partially_received", [Decimal("6.000"), Decimal("0.000")])
    level = _level(first.part, warehouse)
    assert (level.on_hand, level.value, level.average_cost) == (Decimal("6.000"), Decimal("30.0000"), Decimal("5.0000"))
    movement = StockMovement.objects.get(document_ref=receipt.number)
    assert (movement.kind, movement.bin, movement.document_type) == ("receipt", bin, "goods_receipt")
    # and the stock was put away into the bin named
    assert list(BinStock.objects.filter(part=first.part).values_list("bin", "quantity")) == [(bin.pk, Decimal(6))]
    assert receipt.number.startswith("GR-")
    assert receipt.posted_by == clerk

    # when the rest arrives
    services.goods_receipt_post(
        order=order, lines=[(first, Decimal(4), None, False), (second, Decimal(4), None, False)], user=clerk
    )

    # then the order is received
    assert _state(order) == ("received", [Decimal("10.000"), Decimal("4.000")])
    assert order.received_at is not None
    assert _level(second.part, warehouse).on_hand == Decimal("4.000")


def test_over_receipt_is_refused_naming_the_line_and_nothing_changes(make_order, clerk, warehouse):
    order = make_order(state="confirmed", lines=[(10, "5.00"), (4, "2.50")])
    first, second = order.lines.order_by("line_no")
    with pytest.raises(OverReceipt) as error:
        services.goods_receipt_post(
            order=order, lines=[(first, Decimal(3), None, False), (second, Decimal(5), None, False)], user=clerk
        )
    assert error.value.message == (
        f"Line 2 ({second.part.number}): 5 would be received against 4 ordered (0 already received); "
        "the most allowed is 4."
    )
    assert _state(order) == ("confirmed", [Decimal("0.000"), Decimal("0.000")])
    assert GoodsReceipt.objects.count() == 0
    assert StockMovement.objects.count() == 0
    assert _level(first.part, warehouse) is None or _level(first.part, warehouse).on_hand == 0


def test_over_receipt_within_tolerance_is_accepted(settings, make_order, clerk):
    # given a tolerance of 10 %
    settings.INVENTORY_OVER_RECEIPT_TOLERANCE = 0.1
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()

    # when 12 arrive, then that is refused; 11 are accepted
    with pytest.raises(OverReceipt, match="the most allowed is 11"):
        services.goods_receipt_post(order=order, lines=[(line, Decimal(12), None, False)], user=clerk)
    services.goods_receipt_post(order=order, lines=[(line, Decimal(11), None, False)], user=clerk)
    assert _state(order) == ("received", [Decimal("11.000")])


def test_part_not_on_order_is_refused_unless_manager_receives_it_unplanned(make_order, clerk, manager, warehouse):
    order = make_order(state="sent", lines=[(10, "5.00")])
    stranger = PartFactory(number="NOT-ON-PO")
    SupplierPartFactory(supplier=order.supplier, part=stranger, price=Decimal("7.00"))

    with pytest.raises(PartNotOnOrder, match=f"NOT-ON-PO is not on {order.number}; only a manager"):
        services.goods_receipt_post(
            order=order, lines=[services.ReceiptLineInput(part=stranger, quantity=Decimal(2))], user=clerk
        )
    assert GoodsReceipt.objects.count() == 0
    assert _level(stranger, warehouse) is None

    receipt = services.goods_receipt_post(
        order=order, lines=[services.ReceiptLineInput(part=stranger, quantity=Decimal(2))], user=manager
    )
    line = receipt.lines.get()
    assert (line.po_line, line.part, line.unit_cost, line.is_unplanned) == (None, stranger, Decimal("7.0000"), True)
    assert _level(stranger, warehouse).on_hand == Decimal("2.000")
    assert _state(order) == ("sent", [Decimal("0.000")])


def test_repost_with_same_key_posts_once(make_order, clerk, warehouse):
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()
    first = services.goods_receipt_post(
        order=order, lines=[(line, Decimal(3), None, False)], user=clerk, idempotency_key="k-1"
    )
    again = services.goods_receipt_post(
        order=order, lines=[(line, Decimal(3), None, False)], user=clerk, idempotency_key="k-1"
    )
    assert again.pk == first.pk
    assert GoodsReceipt.objects.count() == 1
    assert _state(order) == ("partially_received", [Decimal("3.000")])
    assert _level(line.part, warehouse).on_hand == Decimal("3.000")


def test_clerk_receives_only_in_own_warehouse_and_only_open_orders(make_order, make_user):
    order = make_order(state="sent", lines=[(10, "5.00")])
    outsider = make_user(Role.CLERK)
    purchaser = make_user(Role.PURCHASER)
    line = order.lines.get()
    with pytest.raises(WarehouseNotPermitted, match="not one of them"):
        services.goods_receipt_post(order=order, lines=[(line, Decimal(1), None, False)], user=outsider)
    with pytest.raises(NotPermitted, match="may not receive against"):
        services.goods_receipt_post(order=order, lines=[(line, Decimal(1), None, False)], user=purchaser)
    draft = make_order(lines=[(5, "1.00")])
    manager = make_user(Role.MANAGER)
    with pytest.raises(
        InvalidTransition, match="is draft; only a sent, confirmed or partially received order can be received"
    ):
        services.goods_receipt_post(order=draft, lines=[(draft.lines.get(), Decimal(1), None, False)], user=manager)
    assert GoodsReceipt.objects.count() == 0


def test_arrival_and_posting_times_are_recorded(make_order, clerk):
    order = make_order(state="sent", lines=[(10, "5.00")])
    arrived, posted = datetime(2026, 3, 2, 8, 0, tzinfo=UTC), datetime(2026, 3, 2, 11, 30, tzinfo=UTC)
    receipt = services.goods_receipt_post(
        order=order,
        lines=[(order.lines.get(), Decimal(10), None, False)],
        user=clerk,
        arrived_at=arrived,
        posted_at=posted,
    )
    assert (receipt.arrived_at, receipt.posted_at, str(receipt.posting_delay)) == (arrived, posted, "3:30:00")
    assert StockMovement.objects.get(document_ref=receipt.number).posted_at == posted
    other = make_order(state="sent")
    with pytest.raises(PurchasingError, match="cannot arrive after"):
        services.goods_receipt_post(
            order=other, lines=[(other.lines.get(), 1, None, False)], user=clerk, arrived_at=posted, posted_at=arrived
        )


def test_quality_hold_quarantines_and_notifies_purchasing(
    make_order, clerk, warehouse, purchaser, django_capture_on_commit_callbacks
):
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        receipt = services.goods_receipt_post(order=order, lines=[(line, Decimal(4), None, True)], user=clerk)

    level = _level(line.part, warehouse)
    assert (level.on_hand, level.quarantined, level.available) == (Decimal("4.000"), Decimal("4.000"), Decimal("0.000"))
    assert receipt.lines.get().hold_state == HoldState.HELD
    note = Notification.objects.get(user=purchaser)
    assert note.message == (
        f"Quality hold on {receipt.number} ({order.number}, {order.supplier.code}): {line.part.number} × 4."
    )
    assert note.link == f"/suppliers/receipts/{receipt.pk}/"
    assert [m.subject for m in mail.outbox] == [f"Quality hold on {receipt.number} from {order.supplier.code}"]


def test_release_puts_held_goods_in_stock(make_order, clerk, warehouse, purchaser):
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()
    receipt = services.goods_receipt_post(order=order, lines=[(line, Decimal(4), None, True)], user=clerk)
    held = receipt.lines.get()

    services.goods_receipt_line_release(line=held, user=purchaser)

    level = _level(line.part, warehouse)
    assert (level.on_hand, level.quarantined, level.available) == (Decimal("4.000"), Decimal("0.000"), Decimal("4.000"))
    held.refresh_from_db()
    assert (held.hold_state, held.hold_decided_by) == (HoldState.RELEASED, purchaser)
    with pytest.raises(PurchasingError, match="released to stock, not on hold"):
        services.goods_receipt_line_release(line=held, user=purchaser)


def test_reject_returns_to_supplier_and_records_the_reject(make_order, clerk, warehouse, purchaser):
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()
    services.goods_receipt_post(order=order, lines=[(line, Decimal(6), None, False)], user=clerk)
    receipt = services.goods_receipt_post(order=order, lines=[(line, Decimal(4), None, True)], user=clerk)
    held = receipt.lines.get()

    # a clerk may not decide; nothing changes
    with pytest.raises(NotPermitted):
        services.goods_receipt_line_reject(line=held, user=clerk, reason="Damaged")
    assert _level(line.part, warehouse).quarantined == Decimal("4.000")

    reject = services.goods_receipt_line_reject(line=held, user=purchaser, reason="Wrong thread")

    level = _level(line.part, warehouse)
    assert (level.on_hand, level.quarantined, level.value) == (Decimal("6.000"), Decimal("0.000"), Decimal("30.0000"))
    assert (reject.supplier, reject.quantity, reject.reason) == (order.supplier, Decimal("4.000"), "Wrong thread")
    assert reject.movement.kind == "return_to_supplier"
    assert reject.movement.quantity == Decimal("-4.000")
    line.refresh_from_db()
    assert (line.quantity_received, line.quantity_rejected) == (Decimal("10.000"), Decimal("4.000"))
    assert GoodsReceiptLine.objects.get(pk=held.pk).hold_state == HoldState.REJECTED
    assert QualityReject.objects.filter(supplier=order.supplier).count() == 1


def test_moving_average_after_receipts_at_different_prices(clerk, purchaser, warehouse):
    # given the same part ordered three times at 10, 13 and 7.50
    sp = SupplierPartFactory()
    for price, qty in [("10.00", 10), ("13.00", 5), ("7.50", 20)]:
        order = services.purchase_order_create(
            supplier=sp.supplier,
            warehouse=warehouse,
            order_type="stock",
            lines=[(sp.part, qty, Decimal(price))],
            user=purchaser,
        )
        services.purchase_order_send(order=order, user=purchaser)
        # when each order is received in full
        services.goods_receipt_post(order=order, lines=[(order.lines.get(), Decimal(qty), None, False)], user=clerk)

    # then the moving average is (100 + 65 + 150) / 35 = 9
    level = _level(sp.part, warehouse)
    assert (level.on_hand, level.value, level.average_cost) == (
        Decimal("35.000"),
        Decimal("315.0000"),
        Decimal("9.0000"),
    )
