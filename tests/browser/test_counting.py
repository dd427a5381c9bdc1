from decimal import Decimal

from core.roles import Role
from counting import services as counting_services
from counting.models import CountLineStatus
from inventory.models import MovementKind, StockLevel, StockMovement
from inventory.selectors import ledger_differences

from ..counting.helpers import bin_in, stocked_part
from ..factories import UserFactory, WarehouseFactory


def test_blind_count_on_a_tablet_with_one_variance_approved_and_the_ledger_agreeing(page, login):
    # given a bin with two parts (17 and 23 on hand) on a count list
    warehouse = WarehouseFactory(code="CEN", name="Central")
    clerk = UserFactory(roles=[Role.CLERK], username="counter")
    clerk.warehouse_memberships.create(warehouse=warehouse)
    manager = UserFactory(roles=[Role.MANAGER], username="boss")
    bin = bin_in(warehouse, "A-01")
    filter_part = stocked_part(warehouse, clerk, quantity=17, bin=bin, number="OF-1717")
    pad = stocked_part(warehouse, clerk, quantity=23, bin=bin, number="BP-2323")
    count_list = counting_services.count_list_create_adhoc(warehouse=warehouse, user=clerk, bin=bin)
    lines = {line.part_id: line for line in count_list.lines.all()}
    page.set_viewport_size({"width": 800, "height": 1100})  # tablet, portrait
    login(page, clerk)

    # when the clerk opens the bin from the menu's counting screen and starts counting
    page.goto("/counting/")
    page.click(f"tr[data-count='{count_list.pk}'] a")
    page.click("tr[data-bin='A-01'] a")
    page.click("#start-count")
    page.wait_for_selector("#scan")

    # then the system quantities are nowhere on the page (blind)
    # (cell by cell: a factory description such as "Test part 1703" may hold the digits)
    cells = [text.strip() for text in page.locator("table.grid td").all_inner_texts()]
    assert not [text for text in cells if text in {"17", "23", "17.000", "23.000"}]

    # when a scan of each part (typed by the scanner, then Enter) jumps to its line
    page.fill("#scan", "of1717")
    page.press("#scan", "Enter")
    assert page.evaluate("document.activeElement.id") == f"qty-{lines[filter_part.pk].pk}"
    page.keyboard.type("17")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "scan"
    page.keyboard.type("BP 2323")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == f"qty-{lines[pad.pk].pk}"
    page.keyboard.type("22")
    page.click("#save-counts")

    # then one line matches and one waits for approval
    page.wait_for_selector("text=2 counts saved.")
    assert page.inner_text(f"tr[data-line='{lines[filter_part.pk].pk}'] td.state") == "no variance"
    assert page.inner_text(f"tr[data-line='{lines[pad.pk].pk}'] td.state") == "variance to approve"

    # when the manager approves the variance with a reason
    page.context.clear_cookies()
    login(page, manager)
    page.goto("/counting/variances/")
    row = f"tr[data-line='{lines[pad.pk].pk}']"
    assert page.inner_text(f"{row} td.expected") == "23"
    assert page.inner_text(f"{row} td.variance") == "-1"
    page.fill(f"{row} input[name=reason]", "pad set damaged, thrown away")
    page.click(f"{row} button[value=approve]")
    page.wait_for_selector("text=BP-2323: variance approved and posted.")

    # then the ledger holds one count correction and agrees with the stock levels
    correction = StockMovement.objects.get(kind=MovementKind.COUNT_CORRECTION)
    assert (correction.part, correction.quantity, correction.user) == (pad, Decimal(-1), manager)
    assert correction.reason == f"Count {count_list.pk}: pad set damaged, thrown away"
    assert StockLevel.objects.get(part=pad, warehouse=warehouse).on_hand == Decimal(22)
    assert StockLevel.objects.get(part=filter_part, warehouse=warehouse).on_hand == Decimal(17)
    assert ledger_differences() == []
    count_list.refresh_from_db()
    assert count_list.status == "closed"
    assert {line.status for line in count_list.lines.all()} == {CountLineStatus.MATCHED, CountLineStatus.APPROVED}
