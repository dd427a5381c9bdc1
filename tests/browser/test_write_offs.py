"""A clerk scraps damaged stock by keyboard alone; a manager reverses it from the movement's page."""

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import MovementKind, StockLevel, StockMovement

from ..factories import PartFactory, UserFactory, WarehouseFactory


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_clerk_scraps_by_keyboard_and_a_manager_reverses_it(sized_page, login, size):
    # given ten pieces of a part in the clerk's only warehouse
    store = WarehouseFactory(code="ST-HAM", name="Hamburg store")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=store)
    manager = UserFactory(roles=[Role.MANAGER])
    part = PartFactory(number="BP-200")
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(10), unit_cost=Decimal(4), user=clerk)
    page = sized_page(size)
    login(page, clerk)

    # when the clerk opens the scrap screen: the warehouse is preselected and the part field has the focus
    page.goto("/inventory/scrap/")
    page.wait_for_selector("#id_part_number:focus")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # and scans the part, types the quantity, picks the reason and posts, all by keyboard
    page.keyboard.type("bp200")
    page.keyboard.press("Enter")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")  # damaged -> obsolete
    page.keyboard.press("Enter")
    page.keyboard.type("water in the box")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")

    # then the screen says exactly what was posted, and the stock is written off at its cost
    movement = StockMovement.objects.get(kind=MovementKind.SCRAP)
    assert f"2 × BP-200 in ST-HAM posted at -8.0000 (movement {movement.pk})." in page.inner_text(".msg.success")
    assert movement.reason == "obsolete: water in the box"
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == Decimal(8)

    # when a manager opens the movement from the latest postings and reverses it with a reason
    page = sized_page(size)  # the manager's own browser
    login(page, manager)
    page.goto(f"/inventory/movements/{movement.pk}/")
    page.fill("#id_reason", "scrapped the wrong box")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")

    # then the reversal is linked from the page, the form is gone and the stock is back
    reversal = StockMovement.objects.get(reverses=movement)
    assert f"reversed by movement {reversal.pk}" in page.inner_text(".msg.success")
    assert page.locator("[data-testid=reverse-movement]").count() == 0
    assert page.locator(f"a[href='/inventory/movements/{reversal.pk}/']").count() == 1
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == Decimal(10)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
