"""A clerk issues three lines to a repair order by keyboard alone; one is short and waits on a backorder."""

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import Backorder, StockLevel, WorkshopRequest
from inventory.selectors import ledger_differences

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_clerk_issues_three_lines_to_a_repair_order_by_keyboard_with_one_shortage(sized_page, login, axe, size):
    store = WarehouseFactory(code="ST-TPE", name="Taipei store")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=store)
    pads = PartFactory(number="BP-4471", description="Brake pads")
    disc = PartFactory(number="BD-200", description="Brake disc")
    fluid = PartFactory(number="BF-DOT4", description="Brake fluid")
    for part, quantity in ((pads, 4), (disc, 1), (fluid, 3)):
        services.stock_receive(part=part, warehouse=store, quantity=Decimal(quantity), unit_cost=Decimal(5), user=clerk)
    StockLevel.objects.filter(part=pads, warehouse=store).update(default_bin=BinFactory(warehouse=store, code="B-02"))
    page = sized_page(size)
    login(page, clerk)

    # the store is preselected and the repair order field has the focus
    page.goto("/inventory/issue/")
    page.wait_for_selector("#id_repair_order:focus")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe(page)
    # order, Enter, part, Enter, quantity, Enter, … then Ctrl+Enter issues
    page.keyboard.type("RO-2024-77")
    page.keyboard.press("Enter")
    for number, quantity in (("bp4471", "2"), ("BD-200", "2"), ("BF-DOT4", "")):
        page.keyboard.type(number)
        page.keyboard.press("Enter")
        page.keyboard.type(quantity)
        page.keyboard.press("Enter")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#issue-result")

    issued = WorkshopRequest.objects.get()
    assert f"{issued.number} issued to repair order RO-2024-77." in page.inner_text(".msg.success")
    rows = page.locator("#issue-result tbody tr")
    assert [rows.nth(i).inner_text().split("\t") for i in range(3)] == [
        ["BP-4471", "Brake pads", "B-02", "2", "2", "0"],
        ["BD-200", "Brake disc", "", "2", "1", "1"],
        ["BF-DOT4", "Brake fluid", "", "1", "1", "0"],
    ]
    assert page.inner_text("[data-testid=backordered]") == "Back-ordered, issued first when stock arrives: BD-200 × 1."
    assert page.locator("[data-testid=print-slip]").get_attribute("href") == f"/documents/issue/{issued.number}.pdf"
    backorder = Backorder.objects.get()
    assert (backorder.part, backorder.quantity) == (disc, Decimal(1))
    assert StockLevel.objects.get(part=pads, warehouse=store).on_hand == Decimal(2)
    assert ledger_differences() == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe(page)
