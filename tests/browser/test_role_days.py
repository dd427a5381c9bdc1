"""Each role's day, started from its start page: what waits is listed, each count opens its list,
the work is done on the screens, and the next role's start page shows what it left behind.

Office roles at desktop and tablet size, the supplier on a phone; no page scrolls sideways.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from suppliers import services
from suppliers.models import OrderState, PurchaseOrder

from ..factories import PartFactory, UserFactory, WarehouseFactory
from ..suppliers.factories import SupplierFactory, SupplierPartFactory, SupplierUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def _waiting(page, label: str) -> int:
    """The count shown on the start page beside ``label`` (0 when the line is not shown)."""
    page.goto("/")
    line = page.locator("ul.waiting li").filter(has_text=label)
    if line.count() == 0:
        return 0
    return int(line.locator(".count").inner_text())


def _open_waiting(page, label: str) -> None:
    page.goto("/")
    with page.expect_navigation():
        page.locator("ul.waiting li").filter(has_text=label).locator("a").click()


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_purchasing_day_purchaser_manager_and_supplier(sized_page, login, size):
    # given a draft order above the approval limit (default 5,000) for a supplier with a portal login
    central = WarehouseFactory(code="CEN", name="Central")
    purchaser = UserFactory(roles=[Role.PURCHASER], username="buyer")
    manager = UserFactory(roles=[Role.MANAGER], username="boss")
    supplier = SupplierFactory(code="ACME", name="Acme Parts")
    seller = SupplierUserFactory(supplier=supplier).user
    filters, pads = PartFactory(number="OF-100"), PartFactory(number="BP-200")
    for part in (filters, pads):
        SupplierPartFactory(supplier=supplier, part=part, price=Decimal("60.00"))
    order = services.purchase_order_create(
        supplier=supplier, warehouse=central, order_type="stock",
        lines=[(filters, Decimal(50), None), (pads, Decimal(40), None)], user=purchaser,
    )  # fmt: skip
    assert order.lines.count() == 2

    office = sized_page(size)
    login(office, purchaser)
    # when the purchaser tries to send it
    office.goto(f"/suppliers/orders/{order.pk}/")
    assert office.inner_text("[data-testid=order-value]") == "5,400.00"
    with office.expect_navigation():
        office.get_by_role("button", name="Send to supplier").click()
    # then the send is refused with what to do next, and nothing was sent
    assert "a manager must approve it" in office.inner_text(".msg")
    assert PurchaseOrder.objects.get(pk=order.pk).state == OrderState.DRAFT
    assert office.evaluate(FITS)

    # when the manager opens the start page, follows the approval count and approves the order
    boss = sized_page(size)
    login(boss, manager)
    assert _waiting(boss, "Purchase orders awaiting your approval") == 1
    _open_waiting(boss, "Purchase orders awaiting your approval")
    assert boss.locator("tr[data-order]").count() == 1
    assert boss.evaluate(FITS)
    with boss.expect_navigation():
        boss.locator(f"tr[data-order='{order.number}'] a").first.click()
    with boss.expect_navigation():
        boss.get_by_role("button", name="Approve").click()
    # then nothing waits for the manager any more
    assert PurchaseOrder.objects.get(pk=order.pk).approved_by_id == manager.pk
    assert _waiting(boss, "Purchase orders awaiting your approval") == 0

    # when the purchaser sends it now
    office.goto(f"/suppliers/orders/{order.pk}/")
    with office.expect_navigation():
        office.get_by_role("button", name="Send to supplier").click()
    assert PurchaseOrder.objects.get(pk=order.pk).state == OrderState.SENT

    # when the supplier, on a phone, opens the order from the portal and confirms the pads short
    phone = sized_page("phone")
    login(phone, seller)
    phone.goto("/suppliers/portal/")
    assert phone.evaluate(FITS)
    with phone.expect_navigation():
        phone.locator("[data-testid=portal-orders]").get_by_role("link", name=order.number).click()
    assert phone.evaluate(FITS)
    pad_line = order.lines.get(part=pads)
    phone.fill(f"input[name='qty-{pad_line.pk}']", "30")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Confirm order").click()
    confirmed = {ln.part.number: ln.confirmed_quantity for ln in PurchaseOrder.objects.get(pk=order.pk).lines.all()}
    assert confirmed == {"OF-100": Decimal(50), "BP-200": Decimal(30)}
    # and the forecast of its parts reads on the phone too
    phone.goto("/suppliers/portal/")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Demand forecast for your parts").click()
    assert phone.evaluate(FITS)

    # then the purchaser's start page shows the short confirmation, and its count opens that order
    assert _waiting(office, "Orders confirmed short") == 1
    _open_waiting(office, "Orders confirmed short")
    assert [row.get_attribute("data-order") for row in office.locator("tr[data-order]").all()] == [order.number]
    assert office.evaluate(FITS)


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_planners_day_from_the_last_run_to_an_override(sized_page, login, size):
    from django.utils import timezone

    from inventory.months import add_months
    from planning import services as planning
    from planning.models import StockingParameter

    from ..planning.builders import hit, make_supplier, make_supplier_part

    # given two years of monthly demand of a part in a store with no stock, and the nightly run done
    store = WarehouseFactory(code="ST-PL", name="Planning store")
    part = PartFactory(number="PL-100")
    make_supplier_part(make_supplier("PLS"), part, price="4")
    first = add_months(timezone.localdate().replace(day=1), -24)
    for month in range(24):
        hit(part, store, add_months(first, month).replace(day=10), 6 + month % 3)
    planning.replenishment_run(user=None, today=timezone.localdate())
    planner = UserFactory(roles=[Role.PLANNER])
    page = sized_page(size)
    login(page, planner)

    # when the planner follows the proposals count on the start page
    assert _waiting(page, "Replenishment proposals to review") == 1
    assert "last run" in page.locator("ul.waiting li").filter(has_text="Replenishment proposals").inner_text()
    _open_waiting(page, "Replenishment proposals to review")
    # then the part waits there, below its reorder point
    assert page.locator("tr[data-part='PL-100']").count() == 1
    assert page.evaluate(FITS)

    # when the planner opens its forecast and overrides the maximum for a fleet contract
    page.goto("/planning/forecast/?number=PL-100")
    page.select_option("#override-warehouse", label="ST-PL")
    page.fill("#override-max_qty", "60")
    page.fill("#override-reason", "Fleet contract from March")
    with page.expect_navigation():
        page.get_by_role("button", name="Save override").click()

    # then the override is saved with its reason, and the page says so
    assert "Override saved for PL-100 in ST-PL." in page.inner_text(".msg")
    parameter = StockingParameter.objects.get(part=part, warehouse=store)
    assert (parameter.override_max_qty, parameter.override_reason, parameter.override_by_id) == (
        Decimal(60),
        "Fleet contract from March",
        planner.pk,
    )
    assert page.evaluate(FITS)


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_managers_day_gives_a_new_clerk_a_store_without_the_admin(sized_page, login, size):
    from inventory import services as stock
    from inventory.demand import services as demand

    # given a new user with no role yet, and a transfer waiting to be sent from the store
    store, central = WarehouseFactory(code="ST1", name="Store one"), WarehouseFactory(code="CEN", name="Central")
    manager = UserFactory(roles=[Role.MANAGER], username="boss")
    newcomer = UserFactory(roles=[], username="amy")
    part = PartFactory(number="TR-100")
    stock.stock_receive(part=part, warehouse=store, quantity=Decimal(5), unit_cost=Decimal(3), user=manager)
    demand.transfer_order_create(from_warehouse=store, to_warehouse=central, lines=[(part, Decimal(2))], user=manager)

    # when the newcomer logs in, the start page says to ask for a role
    desk = sized_page(size)
    login(desk, newcomer)
    assert "You have no role yet" in desk.inner_text("main")

    # when the manager opens Settings → Users, searches the newcomer and ticks Clerk and ST1
    boss = sized_page(size)
    login(boss, manager)
    boss.goto("/settings/")
    with boss.expect_navigation():
        boss.locator("[data-testid=settings] a[href='/inventory/users/']").click()
    boss.goto("/inventory/users/?q=amy")
    with boss.expect_navigation():
        boss.locator("tr[data-user='amy'] a").click()
    boss.get_by_label("Warehouse clerk").check()
    boss.get_by_label("ST1 Store one").check()
    with boss.expect_navigation():
        boss.keyboard.press("Control+Enter")
    assert boss.evaluate(FITS)

    # then the change is kept in the history, and the newcomer's start page shows the store's transfer
    assert "clerk" in boss.inner_text("main table")
    assert _waiting(desk, "Transfers to send") == 1
    _open_waiting(desk, "Transfers to send")
    assert desk.evaluate(FITS)
