"""Returns to the supplier: RMA, expected credit, the document, and the replacement a rejection asks for."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import Notification
from core.roles import Role
from inventory import services as stock
from inventory.demand import services as demand_services
from inventory.models import MovementKind, StockLevel, StockMovement
from inventory.selectors import ledger_broken_links, ledger_differences
from suppliers import services
from suppliers.exceptions import NotPermitted, PurchasingError
from suppliers.models import OrderType, SupplierPart, SupplierReturn, SupplierReturnReason

from ..factories import PartFactory
from .factories import SupplierFactory

pytestmark = pytest.mark.usefixtures("postgres")


def _level(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse)


@pytest.fixture
def stocked(warehouse, manager):
    """Two parts on the shelf: 10 × A at 4.00 and 3 × B at 2.50."""
    a, b = PartFactory(number="RT-A"), PartFactory(number="RT-B")
    stock.stock_receive(part=a, warehouse=warehouse, quantity=Decimal(10), unit_cost=Decimal("4.00"), user=manager)
    stock.stock_receive(part=b, warehouse=warehouse, quantity=Decimal(3), unit_cost=Decimal("2.50"), user=manager)
    return a, b


def test_a_return_posts_every_line_at_average_cost_under_the_rma_number(stocked, warehouse, clerk):
    a, b = stocked
    supplier = SupplierFactory(code="SUP1")

    document = services.supplier_return_post(
        supplier=supplier,
        warehouse=warehouse,
        lines=[(a, Decimal(4)), (b, Decimal(3))],
        reason=SupplierReturnReason.OVERSTOCK,
        rma_number="RMA-778",
        user=clerk,
    )

    assert document.number == f"SR-{document.pk:06d}"
    assert document.expected_credit == Decimal("23.50")
    lines = list(document.lines.order_by("id"))
    assert [(line.part, line.quantity, line.value) for line in lines] == [
        (a, Decimal(4), Decimal("16.0000")),
        (b, Decimal(3), Decimal("7.5000")),
    ]
    moved = StockMovement.objects.filter(kind=MovementKind.RETURN_TO_SUPPLIER).order_by("id")
    assert [(m.quantity, m.document_ref) for m in moved] == [(-4, document.number), (-3, document.number)]
    assert "RMA-778" in moved[0].reason
    assert (_level(a, warehouse).on_hand, _level(b, warehouse).on_hand) == (6, 0)
    assert _level(b, warehouse).value == 0
    assert ledger_differences() == []
    assert ledger_broken_links() == []


def test_an_expected_credit_given_is_kept(stocked, warehouse, clerk):
    a, _b = stocked
    document = services.supplier_return_post(
        supplier=SupplierFactory(), warehouse=warehouse, lines=[(a, Decimal(1))],
        reason=SupplierReturnReason.WARRANTY, rma_number="W-1", expected_credit=Decimal("9.99"), user=clerk,
    )  # fmt: skip
    assert document.expected_credit == Decimal("9.99")


def test_a_return_without_rma_or_stock_is_refused_and_changes_nothing(stocked, warehouse, clerk):
    a, b = stocked
    supplier = SupplierFactory()
    with pytest.raises(PurchasingError) as refused:
        services.supplier_return_post(
            supplier=supplier, warehouse=warehouse, lines=[(a, Decimal(1))],
            reason=SupplierReturnReason.OVERSTOCK, rma_number=" ", user=clerk,
        )  # fmt: skip
    assert refused.value.field == "rma_number"

    # the second line asks for more than is there: the first line is not posted either
    with pytest.raises(Exception, match="Only 3 of RT-B"):
        services.supplier_return_post(
            supplier=supplier, warehouse=warehouse, lines=[(a, Decimal(1)), (b, Decimal(4))],
            reason=SupplierReturnReason.WRONG_DELIVERY, rma_number="X", user=clerk,
        )  # fmt: skip

    assert not SupplierReturn.objects.exists()
    assert not StockMovement.objects.filter(kind=MovementKind.RETURN_TO_SUPPLIER).exists()
    assert _level(a, warehouse).on_hand == 10


def test_the_workshop_may_not_return_to_a_supplier(stocked, warehouse, make_user):
    a, _b = stocked
    with pytest.raises(NotPermitted):
        services.supplier_return_post(
            supplier=SupplierFactory(), warehouse=warehouse, lines=[(a, Decimal(1))],
            reason=SupplierReturnReason.OVERSTOCK, rma_number="X",
            user=make_user(Role.WORKSHOP, warehouses=[warehouse]),
        )  # fmt: skip


def test_a_retry_with_the_same_key_posts_once(stocked, warehouse, clerk):
    a, _b = stocked
    kwargs = {
        "supplier": SupplierFactory(),
        "warehouse": warehouse,
        "lines": [(a, Decimal(2))],
        "reason": SupplierReturnReason.OVERSTOCK,
        "rma_number": "R-1",
        "user": clerk,
        "idempotency_key": "sr-1",
    }
    first = services.supplier_return_post(**kwargs)
    again = services.supplier_return_post(**kwargs)

    assert again.pk == first.pk
    assert StockMovement.objects.filter(kind=MovementKind.RETURN_TO_SUPPLIER).count() == 1
    assert _level(a, warehouse).on_hand == 8


# --- from a rejected quality hold ------------------------------------------------------------


@pytest.fixture
def rejected(make_order, clerk, purchaser, warehouse):
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()
    receipt = services.goods_receipt_post(order=order, lines=[(line, Decimal(4), None, True)], user=clerk)
    reject = services.goods_receipt_line_reject(
        line=receipt.lines.get(), user=purchaser, reason="Wrong thread", rma_number="SUP-RMA-9"
    )
    return order, reject


def test_a_rejection_writes_a_return_and_asks_purchasing_about_a_replacement(rejected, purchaser):
    _order, reject = rejected

    document = SupplierReturn.objects.get()
    assert (document.reason, document.quality_reject, document.rma_number) == (
        SupplierReturnReason.QUALITY,
        reject,
        "SUP-RMA-9",
    )
    assert document.expected_credit == Decimal("20.00")
    assert document.lines.get().movement == reject.movement
    note = Notification.objects.filter(user=purchaser, link=reverse("suppliers:return-detail", args=[document.pk]))
    assert note.count() == 1
    assert "Order a replacement?" in note.get().message


def test_the_replacement_is_a_draft_stock_order_when_no_backorder_waits(rejected, purchaser):
    order, _reject = rejected
    document = SupplierReturn.objects.get()

    replacement = services.supplier_return_order_replacement(supplier_return=document, user=purchaser)

    assert (replacement.order_type, replacement.state, replacement.supplier) == (
        OrderType.STOCK,
        "draft",
        order.supplier,
    )
    assert replacement.lines.get().quantity == Decimal(4)
    document.refresh_from_db()
    assert document.replacement_order == replacement
    with pytest.raises(Exception, match="already been decided"):
        services.supplier_return_order_replacement(supplier_return=document, user=purchaser)


def test_the_replacement_is_an_emergency_order_when_a_backorder_waits(make_user, rejected, purchaser, warehouse):
    order, reject = rejected
    SupplierPart.objects.filter(supplier=order.supplier, part=reject.part).update(is_preferred=True)
    repair_order = demand_services.repair_order_open(number="RO-9", warehouse=warehouse)
    demand_services.workshop_request_submit(
        repair_order=repair_order,
        warehouse=warehouse,
        lines=[(reject.part, Decimal(2))],
        user=make_user(Role.WORKSHOP, warehouses=[warehouse]),
    )
    document = SupplierReturn.objects.get()

    replacement = services.supplier_return_order_replacement(supplier_return=document, user=purchaser)

    assert replacement.order_type == OrderType.EMERGENCY
    assert replacement.lines.get().quantity == Decimal(2)


def test_declining_answers_the_question_once(rejected, purchaser):
    document = SupplierReturn.objects.get()
    services.supplier_return_decline_replacement(supplier_return=document, user=purchaser)

    document.refresh_from_db()
    assert document.replacement_decided_at is not None
    assert document.replacement_order is None
