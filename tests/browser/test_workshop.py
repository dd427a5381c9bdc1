"""Browser: a three-line workshop request is served, one line back-ordered, a transfer covers it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import Backorder, Echelon, StockLevel

from ..factories import NeighbourFactory, PartFactory, UserFactory, WarehouseFactory


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_request_served_backorder_covered_by_an_accepted_transfer(sized_page, login, size):
    # given a store ST1 with two of the three parts, and its neighbour ST2 holding the third
    central = WarehouseFactory(code="CEN", echelon=Echelon.CENTRAL)
    store = WarehouseFactory(code="ST1", echelon=Echelon.STORE, parent=central)
    neighbour = WarehouseFactory(code="ST2", echelon=Echelon.STORE, parent=central)
    NeighbourFactory(warehouse=store, neighbour=neighbour, transfer_lead_time_days=1)
    oil, filt, pads = (
        PartFactory(number="OIL-5W30"),
        PartFactory(number="FLT-200"),
        PartFactory(number="PAD-300"),
    )
    manager = UserFactory(roles=[Role.MANAGER])
    for part, warehouse, quantity in ((oil, store, 5), (filt, store, 5), (pads, neighbour, 4)):
        services.stock_receive(
            part=part, warehouse=warehouse, quantity=Decimal(quantity), unit_cost=Decimal(6), user=manager
        )
    workshop = UserFactory(roles=[Role.WORKSHOP])
    workshop.warehouse_memberships.create(warehouse=store)
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=store)
    clerk.warehouse_memberships.create(warehouse=neighbour)

    # when the workshop types three part numbers, seeing availability as it types, and submits
    page = sized_page(size)
    login(page, workshop)
    page.goto("/inventory/requests/new/")
    page.select_option("#id_warehouse", label=str(store))
    page.fill("#id_repair_order", "RO-5001")
    rows = page.locator("tr.request-line")
    for index, (number, quantity) in enumerate((("OIL-5W30", "2"), ("FLT-200", "1"), ("PAD-300", "2"))):
        row = rows.nth(index)
        row.locator("input[name=number]").fill(number)
        row.locator(".avail [data-testid=availability]").wait_for()
        row.locator("input[name=quantity]").fill(quantity)
    assert rows.nth(2).locator(".avail-here").inner_text() == "0"
    assert rows.nth(2).locator(".avail-neighbour[data-warehouse=ST2]").inner_text() == "4"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.click("[data-testid=submit-request]")

    # then two lines are supplied at once and the pads are back-ordered
    page.wait_for_selector("[data-testid=request-lines]")
    assert page.inner_text("tr[data-part='OIL-5W30'] td.supplied") == "2"
    assert page.inner_text("tr[data-part='FLT-200'] td.supplied") == "1"
    assert page.inner_text("tr[data-part='PAD-300'] td.supplied") == "0"
    assert page.inner_text("tr[data-part='PAD-300'] td.backordered") == "2"
    request_url = page.url

    # when the clerk accepts the neighbour's transfer, sends it from ST2 and receives it at ST1
    page.context.clear_cookies()
    login(page, clerk)
    page.goto("/inventory/backorders/")
    page.click("[data-testid=accept-ST2]")
    page.wait_for_selector("[data-testid=send]")
    page.click("[data-testid=send]")
    page.wait_for_selector("[data-testid=receive]")
    assert page.inner_text("[data-testid=transfer-state]") == "picked and sent"
    page.click("[data-testid=receive]")
    page.wait_for_selector("text=received")
    assert page.inner_text("[data-testid=transfer-state]") == "received"

    # then the backorder is filled and the request shows it
    page.goto(request_url)
    assert page.inner_text("tr[data-part='PAD-300'] td.filled") == "2"
    assert Backorder.objects.get().state == "filled"
    level = StockLevel.objects.get(part=pads, warehouse=store)
    assert (level.on_hand, level.backordered, level.in_transit) == (0, 0, 0)
