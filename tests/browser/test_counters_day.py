"""A counter's day on the screens alone, at desktop and tablet size: a reservation for tomorrow's repair
order picked from two bins, a workshop return, a counter sale and its customer return, a return to the supplier, and a
part frozen and released. The ledger verifies at the end."""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from inventory import services
from inventory.models import (
    BinStock,
    CounterSale,
    CustomerReturn,
    StockFreeze,
    StockLevel,
    WorkshopRequest,
    WorkshopReturn,
)
from inventory.selectors import bin_differences, ledger_differences
from suppliers.models import SupplierReturn

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory
from ..suppliers.factories import SupplierFactory, SupplierPartFactory


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_a_counters_day(sized_page, login, size):
    store = WarehouseFactory(code="ST-TCH", name="Taichung store")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=store)
    pads = PartFactory(number="BP-410", list_price=Decimal("30.00"))
    bulbs = PartFactory(number="LB-H4", list_price=Decimal("5.00"))
    hoses = PartFactory(number="HS-220", list_price=Decimal("18.00"))
    supplier = SupplierFactory(code="SUP-TW")
    SupplierPartFactory(supplier=supplier, part=hoses, is_preferred=True)
    for part, quantity in ((bulbs, 10), (hoses, 8)):
        services.stock_receive(part=part, warehouse=store, quantity=Decimal(quantity), unit_cost=Decimal(3), user=clerk)
    # the pads lie in two bins: 2 in their default bin A-01, 4 more in B-02
    shelf, overflow = BinFactory(warehouse=store, code="A-01"), BinFactory(warehouse=store, code="B-02")
    services.stock_level_set_limits(part=pads, warehouse=store, min_qty=0, max_qty=0, default_bin=shelf)
    for bin, quantity in ((shelf, 2), (overflow, 4)):
        services.stock_receive(
            part=pads, warehouse=store, quantity=Decimal(quantity), unit_cost=Decimal(3), user=clerk, bin=bin
        )
    page = sized_page(size)
    login(page, clerk)

    # 1. reserve three brake pads for tomorrow's repair order: available drops, on hand does not
    page.goto("/inventory/reservations/new/")
    page.fill("#id_repair_order", "RO-7781")
    page.fill("tr[data-line='0'] input[name=number]", "BP-410")
    page.fill("tr[data-line='0'] input[name=quantity]", "3")
    page.press("tr[data-line='0'] input[name=quantity]", "Control+Enter")
    page.wait_for_selector(".msg.success")
    assert "reserved for" in page.inner_text(".msg.success")
    level = StockLevel.objects.get(part=pads, warehouse=store)
    assert (level.on_hand, level.reserved) == (Decimal(6), Decimal(3))
    _no_sideways_scroll(page)

    # 2. tomorrow's pick list shows it with the bins to take it from; picking turns it into an issue
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    page.goto(f"/inventory/pick-list/?day={tomorrow}")
    reservation = WorkshopRequest.objects.get()
    bins = f"section[data-request='{reservation.number}'] tr[data-part='BP-410'] [data-testid=pick-bins]"
    assert page.inner_text(bins) == "A-01 × 2, B-02 × 1"
    page.click(f"form[action='/inventory/requests/{reservation.pk}/pick/'] button")
    page.wait_for_selector(".msg.success")
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (Decimal(3), Decimal(0))
    held = dict(BinStock.objects.filter(part=pads, warehouse=store).values_list("bin__code", "quantity"))
    assert held == {"A-01": Decimal(0), "B-02": Decimal(3)}
    _no_sideways_scroll(page)

    # 3. one pad comes back unused from the workshop
    page.goto("/inventory/returns/workshop/")
    page.fill("#id_request_number", reservation.number)
    page.fill("#id_part_number", "BP-410")
    page.fill("#id_quantity", "1")
    page.select_option("#id_reason", "not_needed")
    page.press("#id_quantity", "Control+Enter")
    page.wait_for_selector(".msg.success")
    assert WorkshopReturn.objects.get().quantity == Decimal(1)
    _no_sideways_scroll(page)

    # 4. a counter sale of three bulbs, and the customer brings one back
    page.goto("/inventory/counter/")
    page.fill("#id_customer_ref", "walk-in")
    page.fill("#id_part-0", "LB-H4")
    page.fill("#id_qty-0", "3")
    page.press("#id_qty-0", "Control+Enter")
    page.wait_for_selector("#sale-result")
    sale = CounterSale.objects.get()
    assert page.inner_text("[data-testid=sale-total]") == "15.00"
    page.click("text=Take a return")
    assert page.input_value("#id_sale_number") == sale.number
    page.fill("#id_part_number", "LB-H4")
    page.fill("#id_quantity", "1")
    page.press("#id_quantity", "Control+Enter")
    page.wait_for_selector(".msg.success")
    assert CustomerReturn.objects.get().quantity == Decimal(1)
    _no_sideways_scroll(page)

    # 5. two hoses go back to the supplier as overstock under its RMA number
    page.goto("/suppliers/returns/new/")
    page.select_option("#id_supplier", str(supplier.pk))
    page.select_option("#id_reason", "overstock")
    page.fill("#id_rma_number", "RMA-5521")
    page.fill("#id_part-0", "HS-220")
    page.fill("#id_qty-0", "2")
    page.press("#id_qty-0", "Control+Enter")
    page.wait_for_selector(".msg.success")
    assert SupplierReturn.objects.get().rma_number == "RMA-5521"
    _no_sideways_scroll(page)

    # 6. a suspect batch of hoses is frozen, then released after inspection
    page.goto("/inventory/freezes/new/")
    page.fill("#id_part_number", "HS-220")
    page.fill("#id_quantity", "3")
    page.fill("#id_reason", "suspect batch")
    page.press("#id_reason", "Control+Enter")
    page.wait_for_selector("[data-testid=freeze-release]")
    assert StockLevel.objects.get(part=hoses, warehouse=store).quarantined == Decimal(3)
    page.press("#release-form input[name=quantity]", "Control+Enter")
    page.wait_for_selector(".msg.success")
    assert StockFreeze.objects.get().closed_at is not None
    _no_sideways_scroll(page)

    # the day leaves the stock where the postings put it, and the ledger proves it
    assert StockLevel.objects.get(part=pads, warehouse=store).on_hand == Decimal(4)
    assert StockLevel.objects.get(part=bulbs, warehouse=store).on_hand == Decimal(8)
    hoses_level = StockLevel.objects.get(part=hoses, warehouse=store)
    assert (hoses_level.on_hand, hoses_level.quarantined) == (Decimal(6), Decimal(0))
    assert ledger_differences() == bin_differences() == []
