"""The draft purchase order's line editor: keyboard only, part lookup under the content security policy."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from suppliers import services
from suppliers.models import PurchaseOrder
from tests.factories import PartFactory, UserFactory, WarehouseFactory
from tests.suppliers.factories import SupplierFactory, SupplierPartFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_a_purchaser_adds_and_edits_lines_by_keyboard(sized_page, login, size):
    purchaser = UserFactory(roles=[Role.PURCHASER])
    supplier = SupplierFactory()
    first, second = PartFactory(), PartFactory()
    for part in (first, second):
        SupplierPartFactory(supplier=supplier, part=part, price=Decimal("4.0000"), min_order_qty=Decimal(1))
    order = services.purchase_order_create(
        supplier=supplier, warehouse=WarehouseFactory(), order_type="stock", lines=[(first, Decimal(2), None)],
        user=purchaser,
    )  # fmt: skip
    page = sized_page(size)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    login(page, purchaser)
    page.goto(f"/suppliers/orders/{order.pk}/")

    page.locator("#id_number").fill(second.number)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_quantity"
    page.locator("#part-info").get_by_text(second.number).wait_for()
    page.keyboard.type("5")
    page.keyboard.press("Control+Enter")
    page.locator(f"tr[data-part='{second.number}']").wait_for()

    # The inputs of an editable line stand under their own headers.
    headers = page.locator("table.grid thead th")
    quantity_header = headers.filter(has_text="Quantity").bounding_box()
    quantity_input = page.locator(f"tr[data-part='{first.number}'] input[name=quantity]").bounding_box()
    assert abs(quantity_input["x"] - quantity_header["x"]) < quantity_header["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    page.locator(f"tr[data-part='{first.number}'] input[name=quantity]").fill("7")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    quantities = {line.part_id: line.quantity for line in PurchaseOrder.objects.get(pk=order.pk).lines.all()}
    assert quantities == {first.pk: Decimal(7), second.pk: Decimal(5)}
    assert [text for text in problems if "evalDisallowed" in text or "Content Security Policy" in text] == []
