from decimal import Decimal

from core.roles import Role
from inventory import services

from ..factories import PartFactory, UserFactory, WarehouseFactory


def test_clerk_scans_old_number_and_sees_stock_of_new_part_everywhere(page, login):
    # given two warehouses and a part superseded by a newer one with stock
    central = WarehouseFactory(code="CEN", name="Central")
    store = WarehouseFactory(code="ST1", name="Store one", echelon="store", parent=central)
    old = PartFactory(number="11-22-333")
    new = PartFactory(number="11-22-334")
    services.part_supersede(part=old, new_part=new)
    clerk = UserFactory(roles=[Role.CLERK])
    services.stock_receive(part=new, warehouse=central, quantity=Decimal(7), unit_cost=Decimal(5), user=clerk)
    services.stock_receive(part=new, warehouse=store, quantity=Decimal(2), unit_cost=Decimal(5), user=clerk)
    login(page, clerk)

    # when the clerk scans the old number (a scanner types it and presses Enter)
    page.goto("/inventory/lookup/")
    page.fill("#number", "1122333")
    page.press("#number", "Enter")

    # then the new part's availability shows per warehouse, with the supersession
    page.wait_for_selector("[data-testid=supersession]")
    assert "11-22-333" in page.inner_text("[data-testid=supersession]")
    assert page.inner_text("tr[data-warehouse=CEN] td.available").strip() == "7"
    assert page.inner_text("tr[data-warehouse=ST1] td.available").strip() == "2"


def test_stock_lookup_and_stock_list_answer_as_you_type(page, login):
    # given two parts with stock in one warehouse
    warehouse = WarehouseFactory(code="CEN", name="Central")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=warehouse)
    for number in ("BRAKE-PAD-1", "OIL-FILTER-9"):
        services.stock_receive(part=PartFactory(number=number), warehouse=warehouse, quantity=Decimal(3),
                               unit_cost=Decimal(5), user=clerk)  # fmt: skip
    login(page, clerk)

    # when the clerk types a number on the lookup without pressing Enter
    page.goto("/inventory/lookup/")
    page.locator("#number").press_sequentially("OIL-FILTER-9", delay=20)

    # then the result shows by itself, and the typed text stays as typed
    page.wait_for_selector("tr[data-warehouse=CEN] td.available")
    assert page.input_value("#number") == "OIL-FILTER-9"

    # and the stock list narrows as the clerk types
    page.goto("/inventory/stock/")
    assert page.locator("#stock-table tbody tr").count() == 2
    page.locator("input[name=q]").press_sequentially("brake", delay=20)
    page.locator("#stock-table tbody tr", has_text="OIL-FILTER-9").wait_for(state="detached")
    assert page.locator("#stock-table tbody tr").count() == 1
    assert "BRAKE-PAD-1" in page.inner_text("#stock-table tbody")
