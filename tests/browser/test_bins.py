"""Stock by bin on the screens, at desktop and tablet size: a clerk moves stock between bins by keyboard and
scanner alone; a reservation is picked from two bins, the pick list saying which."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from inventory import services
from inventory.demand import services as demand_services
from inventory.models import BinMove, BinStock, StockLevel, WorkshopRequest
from inventory.selectors import bin_differences, ledger_differences

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory


def _held(part) -> dict[str, Decimal]:
    return dict(BinStock.objects.filter(part=part, quantity__gt=0).values_list("bin__code", "quantity"))


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_clerk_moves_stock_between_bins_by_keyboard(sized_page, login, size):
    # given six filters in bin A-01 of the clerk's only warehouse
    store = WarehouseFactory(code="ST-OSL", name="Oslo store")
    shelf = BinFactory(warehouse=store, code="A-01")
    BinFactory(warehouse=store, code="B-02")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=store)
    part = PartFactory(number="OF-610")
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(6), unit_cost=Decimal(4), user=clerk, bin=shelf)
    page = sized_page(size)
    login(page, clerk)

    # when the clerk opens the bin-move screen: the warehouse is preselected and the part field has the focus
    page.goto("/inventory/bin-moves/")
    page.wait_for_selector("#id_part_number:focus")
    _no_sideways_scroll(page)
    # and scans the part, types the bin it leaves, scans the label of the bin it goes to, types the quantity
    page.keyboard.type("of610")
    page.keyboard.press("Enter")
    page.keyboard.type("a-01")
    page.keyboard.press("Enter")
    page.keyboard.type("BIN:ST-OSL:B-02")
    page.keyboard.press("Enter")
    page.keyboard.type("4")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")

    # then the screen says what moved, the bins hold it, and the level and its value stay
    move = BinMove.objects.get()
    assert f"{move.number}: 4 × OF-610 moved from A-01 to B-02 in ST-OSL." in page.inner_text(".msg.success")
    assert page.locator("[data-testid=bin-moves] tbody tr").first.inner_text().startswith(move.number)
    assert _held(part) == {"A-01": Decimal(2), "B-02": Decimal(4)}
    level = StockLevel.objects.get(part=part, warehouse=store)
    assert (level.on_hand, level.value) == (Decimal(6), Decimal(24))
    _no_sideways_scroll(page)

    # when the clerk asks to move more than the bin holds: refused on the form, nothing moved
    page.wait_for_selector("#id_part_number:focus")
    page.keyboard.type("OF-610")
    page.keyboard.press("Enter")
    page.keyboard.type("A-01")
    page.keyboard.press("Enter")
    page.keyboard.type("B-02")
    page.keyboard.press("Enter")
    page.keyboard.type("3")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.error")
    assert "Only 2 of OF-610 available in ST-OSL/A-01" in page.inner_text(".msg.error")
    assert BinMove.objects.count() == 1
    assert ledger_differences() == bin_differences() == []


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_a_reservation_is_picked_from_two_bins_the_pick_list_names(sized_page, login, size):
    # given brake pads: 2 in their default bin Z-09 at the back, 3 in F-01 at the front; 4 reserved for tomorrow
    store = WarehouseFactory(code="ST-BGN", name="Bergen store")
    back = BinFactory(warehouse=store, code="Z-09", route=9)
    front = BinFactory(warehouse=store, code="F-01", route=1)
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=store)
    workshop = UserFactory(roles=[Role.WORKSHOP])
    workshop.warehouse_memberships.create(warehouse=store)
    pads = PartFactory(number="BP-420", list_price=Decimal("30.00"))
    services.stock_level_set_limits(part=pads, warehouse=store, min_qty=0, max_qty=0, default_bin=back)
    services.stock_receive(part=pads, warehouse=store, quantity=Decimal(2), unit_cost=Decimal(5), user=clerk)
    services.stock_receive(part=pads, warehouse=store, quantity=Decimal(3), unit_cost=Decimal(5), user=clerk, bin=front)
    tomorrow = timezone.localdate() + timedelta(days=1)
    repair_order = demand_services.repair_order_open(number="RO-8801", warehouse=store, vehicle_ref="EL-12345")
    demand_services.reservation_create(
        repair_order=repair_order, warehouse=store, booked_for=tomorrow, lines=[(pads, Decimal(4))], user=workshop
    )
    page = sized_page(size)
    login(page, clerk)

    # when the clerk opens tomorrow's pick list
    page.goto(f"/inventory/pick-list/?day={tomorrow.isoformat()}")
    reservation = WorkshopRequest.objects.get()

    # then it names the two bins: the default bin first, then the front bin for the rest
    bins = page.inner_text(
        f"section[data-request='{reservation.number}'] tr[data-part='BP-420'] [data-testid=pick-bins]"
    )
    assert bins == "Z-09 × 2, F-01 × 2"
    _no_sideways_scroll(page)

    # when the clerk picks it
    page.click(f"form[action='/inventory/requests/{reservation.pk}/pick/'] button")
    page.wait_for_selector(".msg.success")

    # then the stock left exactly those bins, and the ledger and the bins verify
    assert _held(pads) == {"F-01": Decimal(1)}
    level = StockLevel.objects.get(part=pads, warehouse=store)
    assert (level.on_hand, level.reserved, level.value) == (Decimal(1), Decimal(0), Decimal(5))
    assert ledger_differences() == bin_differences() == []
    _no_sideways_scroll(page)
