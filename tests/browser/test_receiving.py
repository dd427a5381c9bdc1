from decimal import Decimal

from core.roles import Role
from suppliers import services

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory
from ..suppliers.factories import SupplierFactory, SupplierPartFactory


def _scan_and_enter(page, number: str, quantity: str, bin_code: str | None = None) -> str:
    """Type a part number into the scan field + Enter, then the quantity (and bin); Enter goes back to scan."""
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.id")
    page.keyboard.type(quantity)
    if bin_code is not None:
        page.keyboard.press("Tab")
        page.keyboard.press("Control+a")
        page.keyboard.type(bin_code)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "scan"
    return focused


def test_clerk_receives_three_line_order_in_two_partial_receipts_by_keyboard(page, login):
    # given a sent order of three parts for the clerk's warehouse
    central = WarehouseFactory(code="CEN", name="Central")
    BinFactory(warehouse=central, code="A-01")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=central)
    purchaser = UserFactory(roles=[Role.PURCHASER])
    supplier = SupplierFactory(code="ACME")
    parts = [PartFactory(number=n) for n in ("OF-100", "BP-200", "SP-300")]
    for part in parts:
        SupplierPartFactory(supplier=supplier, part=part, price=Decimal("5.00"))
    order = services.purchase_order_create(
        supplier=supplier,
        warehouse=central,
        order_type="stock",
        lines=[(parts[0], Decimal(10), None), (parts[1], Decimal(6), None), (parts[2], Decimal(4), None)],
        user=purchaser,
    )
    services.purchase_order_send(order=order, user=purchaser)
    lines = {line.part.number: line for line in order.lines.select_related("part")}
    page.set_viewport_size({"width": 800, "height": 1000})  # a tablet
    login(page, clerk)

    # when the clerk finds the order by typing its number + Enter
    page.goto("/suppliers/receiving/")
    page.keyboard.type(order.number)
    page.keyboard.press("Enter")
    page.wait_for_selector("#scan:focus")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # and posts the first partial receipt: 6 of OF-100 to bin A-01, all 6 of BP-200
    assert _scan_and_enter(page, "of100", "6", "A-01") == f"qty-{lines['OF-100'].pk}"
    assert _scan_and_enter(page, "BP-200", "6") == f"qty-{lines['BP-200'].pk}"
    page.keyboard.type("XX-999")
    page.keyboard.press("Enter")
    assert page.inner_text("#scan-msg") == "XX-999 is not on this order."
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")
    assert "posted: 2 lines received" in page.inner_text(".msg.success")
    assert page.inner_text(f"tr[data-line='{lines['OF-100'].pk}'] td.outstanding") == "4"

    # and the second: the remaining 4 of OF-100 and 4 of SP-300
    page.wait_for_selector("#scan:focus")
    _scan_and_enter(page, "OF-100", "4")
    _scan_and_enter(page, "SP-300", "4")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")
    assert "posted: 2 lines received" in page.inner_text(".msg.success")

    # then the order is received and the stock lookup shows the new quantities
    order.refresh_from_db()
    assert order.state == "received"
    assert order.receipts.count() == 2
    for number, expected in (("OF-100", "10"), ("BP-200", "6"), ("SP-300", "4")):
        page.goto("/inventory/lookup/")
        page.fill("#number", number)
        page.press("#number", "Enter")
        page.wait_for_selector("tr[data-warehouse=CEN] td.available")
        assert page.inner_text("tr[data-warehouse=CEN] td.available").strip() == expected
