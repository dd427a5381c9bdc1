"""A clerk freezes a suspect batch by keyboard alone and releases what passed; purchasing returns the rest."""

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import StockFreeze, StockLevel
from suppliers.models import SupplierReturn

from ..factories import PartFactory, UserFactory, WarehouseFactory
from ..suppliers.factories import SupplierFactory, SupplierPartFactory


@pytest.mark.parametrize("size", ["desktop", "tablet", "phone"])
def test_clerk_freezes_by_keyboard_releases_part_and_purchasing_returns_the_rest(sized_page, login, size):
    # given twelve pieces of a part in the clerk's only warehouse, and its supplier
    store = WarehouseFactory(code="ST-TPE", name="Taipei store")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=store)
    purchaser = UserFactory(roles=[Role.PURCHASER])
    part = PartFactory(number="BRK-330")
    supplier = SupplierFactory(code="SUP-BRK")
    SupplierPartFactory(supplier=supplier, part=part)  # its own supplier is proposed for the return
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(12), unit_cost=Decimal(3), user=clerk)
    page = sized_page(size)
    login(page, clerk)

    # when the clerk opens the freeze screen: the warehouse is preselected and the part has the focus
    page.goto("/inventory/freezes/new/")
    page.wait_for_selector("#id_part_number:focus")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # and scans the part, types the quantity, the reason and the recall number, and freezes by keyboard
    page.keyboard.type("brk330")
    page.keyboard.press("Enter")
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.keyboard.type("suspect batch 2611")
    page.keyboard.press("Enter")
    page.keyboard.type("R-2611")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")

    # then the freeze's page says what happened, and the stock is on hand but not available
    freeze = StockFreeze.objects.get()
    assert f"5 in ST-TPE ({freeze.number})" in page.inner_text(".msg.success")
    level = StockLevel.objects.get(part=part, warehouse=store)
    assert (level.on_hand, level.quarantined) == (Decimal(12), Decimal(5))

    # when the clerk releases two pieces that passed inspection, by keyboard
    page.focus("#release-form input[name=quantity]")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.keyboard.type("sample passed")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")
    assert "3 still frozen" in page.inner_text(".msg.success")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # and purchasing sends the rest back to the supplier under its RMA number
    page = sized_page(size)
    login(page, purchaser)
    page.goto(f"/inventory/freezes/{freeze.pk}/")
    page.click("[data-testid=freeze-return]")
    page.wait_for_selector("#id_rma_number:focus")
    page.keyboard.type("RMA-88")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")

    # then the freeze is settled, a return document left from quarantine, and the released two are available
    document = SupplierReturn.objects.get()
    assert (document.supplier, document.rma_number) == (supplier, "RMA-88")
    assert "Nothing of it is frozen any more" in page.content() or "0 still frozen" in page.inner_text(".msg.success")
    level.refresh_from_db()
    assert (level.on_hand, level.quarantined, level.available) == (Decimal(9), Decimal(0), Decimal(9))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
