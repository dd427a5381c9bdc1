from decimal import Decimal

from core.roles import Role
from suppliers import services
from suppliers.models import ShipmentNotice

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory
from ..suppliers.factories import SupplierFactory, SupplierPartFactory, SupplierUserFactory

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def test_supplier_announces_on_phone_and_clerk_receives_by_scanning_the_notice(sized_page, login):
    # given a sent order of two parts for the clerk's warehouse
    central = WarehouseFactory(code="CEN", name="Central")
    BinFactory(warehouse=central, code="A-01")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=central)
    purchaser = UserFactory(roles=[Role.PURCHASER])
    supplier = SupplierFactory(code="ACME")
    seller = SupplierUserFactory(supplier=supplier).user
    parts = [PartFactory(number=n) for n in ("OF-100", "BP-200")]
    for part in parts:
        SupplierPartFactory(supplier=supplier, part=part, price=Decimal("5.00"))
    order = services.purchase_order_create(
        supplier=supplier,
        warehouse=central,
        order_type="stock",
        lines=[(parts[0], Decimal(10), None), (parts[1], Decimal(4), None)],
        user=purchaser,
    )
    services.purchase_order_send(order=order, user=purchaser)
    first, second = order.lines.order_by("line_no")

    # when the supplier, on a phone, announces 6 + 4 under its delivery note, keyboard only
    page = sized_page("phone")
    login(page, seller)
    page.goto(f"/suppliers/portal/orders/{order.pk}/")
    assert page.evaluate(FITS)
    page.click("#announce")
    page.wait_for_selector("#id_delivery_note:focus")
    assert page.evaluate(FITS)
    page.keyboard.type("LS-4711")
    # Tab on through the expected arrival (today, as filled in; a date field has a stop per part of the date)
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == f"qty-{first.pk}":
            break
    assert page.evaluate("document.activeElement.id") == f"qty-{first.pk}"
    page.keyboard.press("Control+a")
    page.keyboard.type("6")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")
    notice = ShipmentNotice.objects.get()
    assert notice.number in page.inner_text(".msg.success")
    assert page.evaluate(FITS)

    # and the clerk scans the notice number on the receiving screen
    page = sized_page("tablet")
    login(page, clerk)
    page.goto("/suppliers/receiving/")
    page.keyboard.type(notice.number)
    page.keyboard.press("Enter")
    page.wait_for_selector("#notice-banner")
    page.wait_for_selector("#scan:focus")
    assert page.input_value(f"#qty-{first.pk}") == "6"
    assert page.input_value(f"#qty-{second.pk}") == "4"
    assert page.input_value("#delivery_note") == "LS-4711"
    assert page.evaluate(FITS)

    # and corrects one line to what came (3 of BP-200), then posts with Ctrl+Enter
    page.keyboard.type("BP-200")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+a")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".msg.success")
    assert f"1 line(s) differ from notice {notice.number}" in page.inner_text(".msg.success")

    # then stock is in and the difference is on record
    notice.refresh_from_db()
    assert notice.state == "received"
    assert [(nl.quantity_announced, nl.quantity_received) for nl in notice.lines.order_by("po_line__line_no")] == [
        (Decimal(6), Decimal(6)),
        (Decimal(4), Decimal(3)),
    ]
