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
