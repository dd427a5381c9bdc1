"""A clerk sells two parts over the counter by scanner and keyboard alone and sees what was sold and charged."""

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import CounterSale, StockLevel

from ..factories import PartFactory, UserFactory, WarehouseFactory


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_clerk_sells_two_lines_by_keyboard_and_reads_the_receipt(sized_page, login, size):
    store = WarehouseFactory(code="ST-KHH", name="Kaohsiung store")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=store)
    wiper = PartFactory(number="WB-600", list_price=Decimal("12.00"))
    bulb = PartFactory(number="LB-H7", list_price=Decimal("4.50"))
    for part in (wiper, bulb):
        services.stock_receive(part=part, warehouse=store, quantity=Decimal(10), unit_cost=Decimal(2), user=clerk)
    page = sized_page(size)
    login(page, clerk)

    # the warehouse is preselected and the first part field has the focus
    page.goto("/inventory/counter/")
    page.wait_for_selector("#id_part-0:focus")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # scan, Enter, quantity, Enter, (no price) Enter, next scan … then Ctrl+Enter sells
    page.keyboard.type("wb600")
    page.keyboard.press("Enter")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("LB-H7")
    page.keyboard.press("Enter")
    page.keyboard.type("4")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#sale-result")

    sale = CounterSale.objects.get()
    assert f"{sale.number} sold." in page.inner_text(".msg.success")
    assert page.inner_text("[data-testid=sale-total]") == "42.00"
    assert page.locator("[data-testid=print-receipt]").get_attribute("href") == f"/documents/sale/{sale.number}.pdf"
    assert StockLevel.objects.get(part=bulb, warehouse=store).on_hand == Decimal(6)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
