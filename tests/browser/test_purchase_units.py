"""Receiving a line ordered in boxes: the clerk counts boxes, the ledger gets pieces at the price of the boxes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory.models import StockLevel
from suppliers import services

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory
from ..suppliers.factories import SupplierFactory, SupplierPartFactory


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_clerk_receives_boxes_and_stock_counts_pieces(sized_page, login, size):
    # given a sent order of 3 boxes of 10 pieces (12.50 a box) and a loose part, for the clerk's warehouse
    central = WarehouseFactory(code="CEN", name="Central")
    BinFactory(warehouse=central, code="A-01")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=central)
    purchaser = UserFactory(roles=[Role.PURCHASER])
    supplier = SupplierFactory(code="ACME")
    boxed, loose = PartFactory(number="OR-100"), PartFactory(number="BP-200")
    SupplierPartFactory(
        supplier=supplier, part=boxed, price=Decimal("12.5000"), purchase_unit="box", purchase_factor=Decimal(10)
    )
    SupplierPartFactory(supplier=supplier, part=loose, price=Decimal("4.0000"))
    order = services.purchase_order_create(
        supplier=supplier,
        warehouse=central,
        order_type="stock",
        lines=[(boxed, Decimal(3), None), (loose, Decimal(5), None)],
        user=purchaser,
    )
    services.purchase_order_send(order=order, user=purchaser)
    boxed_line = order.lines.get(part=boxed)
    page = sized_page(size)
    login(page, clerk)

    # when the clerk opens the order, the boxed line reads in boxes
    page.goto("/suppliers/receiving/")
    page.keyboard.type(order.number)
    page.keyboard.press("Enter")
    page.wait_for_selector("#scan:focus")
    row = f"tr[data-line='{boxed_line.pk}']"
    assert page.inner_text(f"{row} td.unit") == "box of 10 PCS"
    assert page.inner_text(f"{row} td.outstanding") == "3"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # and scans the part and types 2 (boxes), then a fraction of a box by mistake on a second try
    page.keyboard.type("OR100")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == f"qty-{boxed_line.pk}"
    page.keyboard.type("1.5")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.error")
    assert "OR-100 is ordered in whole box; enter a whole number." in page.inner_text(".msg.error")
    assert not StockLevel.objects.filter(part=boxed).exists()

    page.fill(f"#qty-{boxed_line.pk}", "2")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")

    # then 2 boxes are received and one is still open; stock holds 20 pieces worth the 25.00 paid
    assert page.inner_text(f"{row} td.received") == "2"
    assert page.inner_text(f"{row} td.outstanding") == "1"
    level = StockLevel.objects.get(part=boxed, warehouse=central)
    assert (level.on_hand, level.value, level.average_cost) == (
        Decimal("20.000"),
        Decimal("25.0000"),
        Decimal("1.2500"),
    )

    # and the purchase order screen shows the line in boxes at the price of a box
    purchaser_page = sized_page(size)
    login(purchaser_page, purchaser)
    purchaser_page.goto(f"/suppliers/orders/{order.pk}/")
    line_row = purchaser_page.locator("tr[data-part='OR-100']")
    assert line_row.locator("[data-testid=order-unit]").inner_text() == "box = 10 PCS"
    assert "12.5000" in line_row.inner_text()
    assert purchaser_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
