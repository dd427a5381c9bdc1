"""Purchase units: a box of 10 is ten pieces in the ledger, at the exact value of the boxes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.roles import Role
from inventory.exceptions import InvalidQuantity
from inventory.models import StockLevel, StockMovement, Unit
from suppliers import services
from suppliers.exceptions import OverReceipt, PurchasingError
from suppliers.models import GoodsReceipt, PurchaseOrder, PurchaseOrderLine, SupplierPart

from ..factories import PartFactory
from .factories import SupplierFactory, SupplierPartFactory

pytestmark = pytest.mark.usefixtures("postgres")

D = Decimal


@pytest.fixture
def purchaser(make_user):
    return make_user(Role.PURCHASER)


def _box_part(*, factor="10", price="12.5000", unit="box", part_unit=Unit.PIECE, **terms):
    part = PartFactory(unit=part_unit)
    supplier_part = SupplierPartFactory(
        part=part, purchase_unit=unit, purchase_factor=D(factor), price=D(price), **terms
    )
    return part, supplier_part


def _sent_order(purchaser, warehouse, supplier_part, quantity, price=None):
    order = services.purchase_order_create(
        supplier=supplier_part.supplier,
        warehouse=warehouse,
        order_type="stock",
        lines=[(supplier_part.part, D(quantity), price)],
        user=purchaser,
    )
    services.purchase_order_send(order=order, user=purchaser)
    order.refresh_from_db()
    return order


def _level(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse)


def _verify_ledger() -> str:
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    return out.getvalue().strip()


def test_an_order_in_boxes_keeps_the_unit_and_counts_stock_units_exactly(purchaser, warehouse):
    # given a supplier selling the part in boxes of 10 at 12.50 a box
    _part, box = _box_part()

    # when 2 boxes are ordered
    order = _sent_order(purchaser, warehouse, box, 2)

    # then the line is 2 boxes at 12.50 a box, 20 pieces on order, worth exactly 25.00
    line = order.lines.get()
    assert (line.purchase_unit, line.purchase_factor) == ("box", D("10.000"))
    assert (line.purchase_quantity, line.quantity, line.price) == (D(2), D("20.000"), D("12.5000"))
    assert line.value == D("25.0000")
    assert line.order_unit_label == "box = 10 PCS"
    assert line.stock_unit_cost == D("1.2500")


def test_a_receipt_in_boxes_enters_pieces_at_the_exact_value_of_the_boxes(purchaser, clerk, warehouse):
    # given 3 boxes of 3 pieces at 10.00 a box (3.3333… a piece) on order
    part, box = _box_part(factor="3", price="10.0000")
    order = _sent_order(purchaser, warehouse, box, 3)
    line = order.lines.get()

    # when 2 boxes arrive
    receipt = services.goods_receipt_post(order=order, lines=[(line, D(2), None, False)], user=clerk)

    # then 6 pieces enter stock worth exactly 20.00 (not 6 × 3.3333 = 19.9998)
    movement = StockMovement.objects.get(document_ref=receipt.number)
    assert (movement.quantity, movement.value, movement.unit_cost) == (D("6.000"), D("20.0000"), D("3.3333"))
    level = _level(part, warehouse)
    assert (level.on_hand, level.value, level.average_cost) == (D("6.000"), D("20.0000"), D("3.3333"))
    receipt_line = receipt.lines.get()
    assert (receipt_line.quantity, receipt_line.unit_cost) == (D("6.000"), D("3.3333"))
    line.refresh_from_db()
    assert (line.quantity_received, line.purchase_received, line.purchase_outstanding) == (D("6.000"), D(2), D(1))
    assert order.__class__.objects.get(pk=order.pk).state == "partially_received"

    # and when the last box arrives the level holds exactly the 30.00 paid, and the ledger verifies
    services.goods_receipt_post(order=order, lines=[(line, D(1), None, False)], user=clerk)
    level = _level(part, warehouse)
    assert (level.on_hand, level.value, level.average_cost) == (D("9.000"), D("30.0000"), D("3.3333"))
    assert _verify_ledger() == (
        "Ledger verified: every stock level equals its movements and its bins, every bin its entries, "
        "and every hash chain holds."
    )


def test_the_cost_per_piece_moves_the_average_with_stock_already_held(purchaser, clerk, warehouse):
    # given 4 pieces at 2.00 held, and a box of 10 at 12.50 (1.25 a piece) on order
    from inventory import services as stock

    part, box = _box_part()
    stock.stock_receive(part=part, warehouse=warehouse, quantity=D(4), unit_cost=D("2.0000"), user=clerk)
    order = _sent_order(purchaser, warehouse, box, 1)

    # when the box arrives
    services.goods_receipt_post(order=order, lines=[(order.lines.get(), D(1), None, False)], user=clerk)

    # then the average is (8.00 + 12.50) / 14 pieces
    level = _level(part, warehouse)
    assert (level.on_hand, level.value, level.average_cost) == (D("14.000"), D("20.5000"), D("1.4643"))


def test_a_drum_of_208_litres(purchaser, clerk, warehouse):
    part, drum = _box_part(factor="208", price="520.0000", unit="drum", part_unit=Unit.LITRE)
    order = _sent_order(purchaser, warehouse, drum, 1)

    services.goods_receipt_post(order=order, lines=[(order.lines.get(), D(1), None, False)], user=clerk)

    level = _level(part, warehouse)
    assert (level.on_hand, level.value, level.average_cost) == (D("208.000"), D("520.0000"), D("2.5000"))


def test_a_fraction_of_a_box_is_refused_on_the_order_and_on_the_receipt(purchaser, clerk, warehouse):
    # given a part sold in boxes
    part, box = _box_part()

    # when 1.5 boxes are ordered, then it is refused and no order is made
    with pytest.raises(InvalidQuantity) as error:
        services.purchase_order_create(
            supplier=box.supplier,
            warehouse=warehouse,
            order_type="stock",
            lines=[(part, D("1.5"), None)],
            user=purchaser,
        )
    assert error.value.message == f"{part.number} is ordered in whole box; enter a whole number."
    assert PurchaseOrder.objects.count() == 0

    # and when 1.5 boxes are received against an order of 2, it is refused and nothing changes
    order = _sent_order(purchaser, warehouse, box, 2)
    with pytest.raises(InvalidQuantity):
        services.goods_receipt_post(order=order, lines=[(order.lines.get(), D("1.5"), None, False)], user=clerk)
    assert GoodsReceipt.objects.count() == 0
    assert not StockMovement.objects.exists()
    assert order.lines.get().quantity_received == 0


def test_a_measured_purchase_unit_may_be_ordered_in_fractions(purchaser, clerk, warehouse):
    # screws sold by the kilogram, 250 pieces a kilogram
    part, kilo = _box_part(factor="250", price="8.0000", unit="KG")
    order = _sent_order(purchaser, warehouse, kilo, "1.5")

    services.goods_receipt_post(order=order, lines=[(order.lines.get(), D("0.5"), None, False)], user=clerk)

    assert order.lines.get().quantity == D("375.000")
    level = _level(part, warehouse)
    assert (level.on_hand, level.value) == (D("125.000"), D("4.0000"))


def test_over_receipt_is_refused_in_boxes(purchaser, clerk, warehouse):
    part, box = _box_part()
    order = _sent_order(purchaser, warehouse, box, 2)
    line = order.lines.get()

    with pytest.raises(OverReceipt) as error:
        services.goods_receipt_post(order=order, lines=[(line, D(3), None, False)], user=clerk)

    assert error.value.message == (
        f"Line 1 ({part.number}): 3 box would be received against 2 box ordered (0 box already received); "
        "the most allowed is 2 box."
    )
    assert not StockMovement.objects.exists()


def test_a_repeated_receipt_in_boxes_posts_once(purchaser, clerk, warehouse):
    part, box = _box_part()
    order = _sent_order(purchaser, warehouse, box, 2)
    line = order.lines.get()

    first = services.goods_receipt_post(
        order=order, lines=[(line, D(2), None, False)], user=clerk, idempotency_key="k1"
    )
    again = services.goods_receipt_post(
        order=order, lines=[(line, D(2), None, False)], user=clerk, idempotency_key="k1"
    )

    assert again.pk == first.pk
    assert _level(part, warehouse).on_hand == D("20.000")


def test_confirmation_and_shipping_notice_are_in_boxes(purchaser, warehouse):
    _part, box = _box_part()
    order = _sent_order(purchaser, warehouse, box, 3)
    line = order.lines.get()

    with pytest.raises(InvalidQuantity):
        services.purchase_order_confirm(order=order, user=purchaser, lines=[(line, None, D("2.5"))])
    services.purchase_order_confirm(order=order, user=purchaser, lines=[(line, None, D(2))])
    notice = services.shipment_notice_announce(
        order=order,
        user=purchaser,
        delivery_note="DN-1",
        expected_arrival=timezone.localdate() + timedelta(days=2),
        lines=[(line, D(2))],
    )

    line.refresh_from_db()
    assert (line.confirmed_quantity, line.purchase_confirmed) == (D("20.000"), D(2))
    notice_line = notice.lines.get()
    assert (notice_line.quantity_announced, notice_line.purchase_announced) == (D("20.000"), D(2))


def test_a_need_in_pieces_orders_whole_boxes():
    _part, box = _box_part()
    box.min_order_qty, box.pack_size = D(1), D(1)

    assert services.order_quantity_for_need(need=D(13), part_is_whole=True, supplier_part=box) == D(2)
    assert services.order_quantity_for_need(need=D(20), part_is_whole=True, supplier_part=box) == D(2)
    assert services.order_quantity_for_need(need=D(1), part_is_whole=True, supplier_part=box) == D(1)
    box.min_order_qty = D(3)
    assert services.order_quantity_for_need(need=D(13), part_is_whole=True, supplier_part=box) == D(3)


def test_an_emergency_order_for_a_backorder_rounds_up_to_whole_boxes(purchaser, warehouse):
    # the sourcing service gets a need in pieces; the order is in the supplier's boxes
    from suppliers.services.orders import order_quantity_for_need

    part, box = _box_part()
    order = services.purchase_order_create(
        supplier=box.supplier,
        warehouse=warehouse,
        order_type="emergency",
        lines=[(part, order_quantity_for_need(need=D(3), part_is_whole=True, supplier_part=box), None)],
        user=purchaser,
    )
    line = order.lines.get()
    assert (line.purchase_quantity, line.quantity) == (D(1), D("10.000"))


def test_supplier_part_unit_and_factor_are_checked_and_a_refusal_changes_nothing(purchaser):
    supplier, part = SupplierFactory(), PartFactory(unit=Unit.PIECE)

    saved = services.supplier_part_save(
        user=purchaser, supplier=supplier, part=part, price=D("12.50"), purchase_unit="box", purchase_factor=D(10)
    )
    assert (saved.purchase_unit, saved.purchase_factor, saved.order_unit_label) == ("box", D(10), "box = 10 PCS")

    for unit, factor, field, message in [
        ("box", D(0), "purchase_factor", "The factor is more than zero."),
        ("box", D(-5), "purchase_factor", "The factor is more than zero."),
        ("box", D("2.5"), "purchase_factor", "a purchase unit holds a whole number of them"),
        ("", D(10), "purchase_unit", "Name the purchase unit (box, drum, set) that holds 10 PCS."),
        ("box", D("0.0001"), "purchase_factor", "at most three decimal places"),
    ]:
        with pytest.raises(PurchasingError) as error:
            services.supplier_part_save(
                user=purchaser,
                supplier=supplier,
                part=part,
                supplier_part=saved,
                price=D("99"),
                purchase_unit=unit,
                purchase_factor=factor,
            )
        assert error.value.field == field
        assert message in error.value.message
    saved.refresh_from_db()
    assert (saved.price, saved.purchase_unit, saved.purchase_factor) == (D("12.5000"), "box", D("10.000"))


def test_a_draft_line_edited_keeps_its_unit(purchaser, warehouse):
    part, box = _box_part()
    order = services.purchase_order_create(
        supplier=box.supplier, warehouse=warehouse, order_type="stock", lines=[(part, D(2), None)], user=purchaser
    )
    line = order.lines.get()

    services.purchase_order_line_update(line=line, user=purchaser, quantity=D(5))
    services.purchase_order_line_add(order=order, part=part, quantity=D(1), user=purchaser)

    line.refresh_from_db()
    assert (line.purchase_quantity, line.quantity, line.value) == (D(6), D("60.000"), D("75.0000"))
    assert PurchaseOrderLine.objects.count() == 1


def test_the_cheapest_supplier_is_cheapest_per_piece():
    from suppliers.selectors import supplier_part_preferred

    part = PartFactory()
    SupplierPartFactory(part=part, price=D("1.5000"))  # 1.50 a piece
    boxes = SupplierPartFactory(part=part, price=D("12.5000"), purchase_unit="box", purchase_factor=D(10))

    assert supplier_part_preferred(part) == boxes
    assert SupplierPart.objects.count() == 2
