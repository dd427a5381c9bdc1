"""Counting a line: snapshot, movements posted mid-count, recount by another user, manager approval."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from counting import services
from counting.exceptions import CountingError, CountNotPermitted, CountTransitionError
from counting.models import CountLineStatus, CountListStatus, CountPlanItem
from inventory import services as inventory_services
from inventory.exceptions import InvalidQuantity, WarehouseNotPermitted
from inventory.models import BinMovement, BinStock, MovementKind, StockLevel, StockMovement
from inventory.selectors import ledger_differences

from ..factories import UserFactory, WarehouseFactory
from .helpers import bin_in, stocked_part

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def site(db):
    warehouse = WarehouseFactory(code="CEN")
    clerk = UserFactory(roles=[Role.CLERK], username="clerk1")
    clerk.warehouse_memberships.create(warehouse=warehouse)
    other_clerk = UserFactory(roles=[Role.CLERK], username="clerk2")
    other_clerk.warehouse_memberships.create(warehouse=warehouse)
    manager = UserFactory(roles=[Role.MANAGER], username="boss")
    bin = bin_in(warehouse, "A-01")
    part = stocked_part(warehouse, clerk, quantity=10, unit_cost="5", bin=bin, number="OF-100")
    count_list = services.count_list_create_adhoc(warehouse=warehouse, user=clerk, bin=bin)
    line = count_list.lines.get()
    return {
        "warehouse": warehouse,
        "clerk": clerk,
        "other": other_clerk,
        "manager": manager,
        "bin": bin,
        "part": part,
        "count_list": count_list,
        "line": line,
    }


def _level(site):
    return StockLevel.objects.get(part=site["part"], warehouse=site["warehouse"])


def test_starting_a_bin_snapshots_the_system_quantity(site):
    started = services.count_lines_start(count_list=site["count_list"], user=site["clerk"], bin=site["bin"])

    site["line"].refresh_from_db()
    assert started == 1
    assert site["line"].status == CountLineStatus.STARTED
    assert site["line"].snapshot_qty == Decimal("10")
    # a bin's count marks where the bins' ledger stood (a bin move changes the bin too)
    assert site["line"].snapshot_movement_id == BinMovement.objects.get(part=site["part"]).pk


def test_a_receipt_posted_mid_count_is_not_undone_by_the_count(site):
    # given the count started at 10 on hand, then 5 were received while the clerk counted
    services.count_lines_start(count_list=site["count_list"], user=site["clerk"], bin=site["bin"])
    inventory_services.stock_receive(
        part=site["part"], warehouse=site["warehouse"], quantity=Decimal(5), unit_cost=Decimal(5), user=site["clerk"]
    )

    # when the clerk enters 15 (the shelf holds the receipt too)
    line = services.count_line_enter(line=site["line"], quantity=Decimal(15), user=site["clerk"])

    # then there is no variance, nothing is posted, and the list closes
    assert (line.snapshot_qty, line.movements_qty, line.variance_qty) == (Decimal(10), Decimal(5), Decimal(0))
    assert line.status == CountLineStatus.MATCHED
    assert StockMovement.objects.filter(kind=MovementKind.COUNT_CORRECTION).count() == 0
    assert _level(site).on_hand == Decimal(15)
    site["count_list"].refresh_from_db()
    assert site["count_list"].status == CountListStatus.CLOSED
    assert CountPlanItem.objects.get(part=site["part"]).last_counted_at == line.counted_at


def test_an_issue_mid_count_and_a_small_shortage_go_to_the_manager_and_post_on_approval(site):
    # given 10 at the start, 3 issued during the count, and 6 found (one missing)
    services.count_lines_start(count_list=site["count_list"], user=site["clerk"], bin=site["bin"])
    inventory_services.stock_issue(
        part=site["part"], warehouse=site["warehouse"], quantity=Decimal(3), user=site["clerk"]
    )
    line = services.count_line_enter(line=site["line"], quantity=Decimal(6), user=site["clerk"])
    assert (line.movements_qty, line.variance_qty, line.variance_value) == (Decimal(-3), Decimal(-1), Decimal("-5"))
    assert line.status == CountLineStatus.TO_APPROVE

    # when the manager approves it with a reason
    line = services.count_line_approve(line=line, user=site["manager"], reason="broken in the bin")

    # then one count correction of −1 is posted with the reason; stock is 6 and the ledger agrees
    movement = StockMovement.objects.get(kind=MovementKind.COUNT_CORRECTION)
    assert (movement.quantity, movement.value, movement.user) == (Decimal(-1), Decimal("-5"), site["manager"])
    assert movement.reason == f"Count {site['count_list'].pk}: broken in the bin"
    assert line.movement == movement
    assert line.status == CountLineStatus.APPROVED
    assert (_level(site).on_hand, _level(site).value) == (Decimal(6), Decimal("30"))
    assert ledger_differences() == []


def test_a_line_counted_without_starting_takes_its_snapshot_at_entry(site):
    line = services.count_line_enter(line=site["line"], quantity=Decimal(10), user=site["clerk"])

    assert (line.snapshot_qty, line.movements_qty, line.variance_qty) == (Decimal(10), Decimal(0), Decimal(0))
    assert line.status == CountLineStatus.MATCHED


def test_a_large_variance_needs_a_recount_by_someone_else_then_a_manager(site):
    # given the first count finds 4 where 10 are expected (above the 2-unit threshold)
    line = services.count_line_enter(line=site["line"], quantity=Decimal(4), user=site["clerk"])
    assert line.status == CountLineStatus.RECOUNT

    # when the same clerk tries the recount, it is refused and nothing changes
    with pytest.raises(CountNotPermitted, match="someone else"):
        services.count_line_enter(line=line, quantity=Decimal(5), user=site["clerk"])
    line.refresh_from_db()
    assert (line.status, line.counted_qty, line.counted_by) == (CountLineStatus.RECOUNT, Decimal(4), site["clerk"])

    # when another clerk recounts and finds 7
    line = services.count_line_enter(line=line, quantity=Decimal(7), user=site["other"])

    # then the recount is what counts, the first count is kept, and a manager must decide
    assert line.status == CountLineStatus.TO_APPROVE
    assert (line.counted_qty, line.variance_qty, line.counted_by) == (Decimal(7), Decimal(-3), site["other"])
    assert (line.first_counted_qty, line.first_variance_qty, line.first_counted_by) == (
        Decimal(4),
        Decimal(-6),
        site["clerk"],
    )

    # a clerk cannot approve; a manager without a reason cannot either; nothing is posted
    with pytest.raises(CountNotPermitted, match="Only a manager"):
        services.count_line_approve(line=line, user=site["other"], reason="ok")
    with pytest.raises(CountingError, match="reason"):
        services.count_line_approve(line=line, user=site["manager"], reason="  ")
    line.refresh_from_db()
    assert line.status == CountLineStatus.TO_APPROVE
    assert StockMovement.objects.filter(kind=MovementKind.COUNT_CORRECTION).count() == 0
    assert _level(site).on_hand == Decimal(10)

    # the manager approves: stock becomes 7
    services.count_line_approve(line=line, user=site["manager"], reason="theft suspected")
    assert _level(site).on_hand == Decimal(7)
    assert ledger_differences() == []


def test_a_recount_takes_a_fresh_snapshot_so_movements_before_it_do_not_count_twice(site):
    line = services.count_line_enter(line=site["line"], quantity=Decimal(0), user=site["clerk"])
    assert line.status == CountLineStatus.RECOUNT
    inventory_services.stock_receive(
        part=site["part"], warehouse=site["warehouse"], quantity=Decimal(2), unit_cost=Decimal(5), user=site["clerk"]
    )
    services.count_lines_start(count_list=site["count_list"], user=site["other"], bin=site["bin"])
    inventory_services.stock_issue(
        part=site["part"], warehouse=site["warehouse"], quantity=Decimal(1), user=site["clerk"]
    )

    line = services.count_line_enter(line=line, quantity=Decimal(11), user=site["other"])

    assert (line.snapshot_qty, line.movements_qty, line.variance_qty) == (Decimal(12), Decimal(-1), Decimal(0))
    assert line.status == CountLineStatus.MATCHED


def test_a_variance_above_the_value_threshold_needs_a_recount(site):
    # given one unit short of a part worth 500 a unit (threshold 100)
    expensive = stocked_part(site["warehouse"], site["clerk"], quantity=3, unit_cost="500", number="EX-1")
    count_list = services.count_list_create_adhoc(warehouse=site["warehouse"], user=site["clerk"], part=expensive)

    line = services.count_line_enter(line=count_list.lines.get(), quantity=Decimal(2), user=site["clerk"])

    assert (line.variance_qty, line.variance_value) == (Decimal(-1), Decimal("-500"))
    assert line.status == CountLineStatus.RECOUNT


def test_rejecting_a_variance_posts_nothing_and_keeps_the_reason(site):
    line = services.count_line_enter(line=site["line"], quantity=Decimal(11), user=site["clerk"])

    line = services.count_line_reject(line=line, user=site["manager"], reason="miscounted: box of 10 + 1 loose")

    assert line.status == CountLineStatus.REJECTED
    assert line.reason == "miscounted: box of 10 + 1 loose"
    assert StockMovement.objects.filter(kind=MovementKind.COUNT_CORRECTION).count() == 0
    with pytest.raises(CountTransitionError):
        services.count_line_approve(line=line, user=site["manager"], reason="changed my mind")
    assert _level(site).on_hand == Decimal(10)


def test_counting_is_refused_outside_ones_warehouses_and_for_bad_quantities(site):
    stranger = UserFactory(roles=[Role.CLERK])
    stranger.warehouse_memberships.create(warehouse=WarehouseFactory(code="OTH"))

    with pytest.raises(WarehouseNotPermitted):
        services.count_line_enter(line=site["line"], quantity=Decimal(10), user=stranger)
    with pytest.raises(InvalidQuantity, match="whole"):
        services.count_line_enter(line=site["line"], quantity=Decimal("2.5"), user=site["clerk"])
    with pytest.raises(InvalidQuantity, match="negative"):
        services.count_line_enter(line=site["line"], quantity=Decimal(-1), user=site["clerk"])

    site["line"].refresh_from_db()
    assert site["line"].status == CountLineStatus.PENDING
    assert site["line"].counted_qty is None


def test_an_adhoc_count_leaves_out_parts_already_on_an_open_count(site):
    # given a second part in another bin, not on any count
    second = stocked_part(site["warehouse"], site["clerk"], quantity=2, bin=bin_in(site["warehouse"], "B-01"))

    # when the part on the open count is asked for again, it is refused
    with pytest.raises(CountingError, match="already on an open count"):
        services.count_list_create_adhoc(warehouse=site["warehouse"], user=site["clerk"], part=site["part"])

    # and a whole-warehouse count takes only the second part
    whole = services.count_list_create_adhoc(warehouse=site["warehouse"], user=site["clerk"])
    assert list(whole.lines.values_list("part_id", flat=True)) == [second.pk]
    assert whole.kind == "warehouse"


def test_a_recount_goes_to_the_other_clerks_and_an_approval_to_the_managers(site):
    from core.models import Notification

    # given the first count finds 4 where 10 are expected: a recount by someone else
    line = services.count_line_enter(line=site["line"], quantity=Decimal(4), user=site["clerk"])
    recount = Notification.objects.get(kind="count.variance_waiting")
    assert recount.user == site["other"]
    assert recount.message == f"Count variance of -6 × {site['part'].number} at CEN needs a recount by someone else."

    # when the other clerk recounts 7: the manager decides
    services.count_line_enter(line=line, quantity=Decimal(7), user=site["other"])
    approval = Notification.objects.filter(kind="count.variance_waiting").exclude(pk=recount.pk).get()
    assert approval.user == site["manager"]
    assert approval.message.endswith("waits for a manager's approval.")


def test_a_bin_count_compares_with_that_bins_quantity_and_corrects_that_bin(site):
    # given 10 in A-01 and 4 more of the part in B-02, moved there... and 2 moved out of A-01 mid-count
    other = bin_in(site["warehouse"], "B-02")
    inventory_services.stock_receive(
        part=site["part"],
        warehouse=site["warehouse"],
        quantity=Decimal(4),
        unit_cost=Decimal(5),
        user=site["clerk"],
        bin=other,
    )
    services.count_lines_start(count_list=site["count_list"], user=site["clerk"], bin=site["bin"])
    inventory_services.stock_bin_move(
        part=site["part"],
        warehouse=site["warehouse"],
        from_bin=site["bin"],
        to_bin=other,
        quantity=Decimal(2),
        user=site["clerk"],
    )

    # when the clerk finds 7 in A-01 (8 expected: 10 at the start, 2 moved out since)
    line = services.count_line_enter(line=site["line"], quantity=Decimal(7), user=site["clerk"])

    # then the variance is the bin's, not the level's (14 on hand)
    assert (line.snapshot_qty, line.movements_qty, line.variance_qty) == (Decimal(10), Decimal(-2), Decimal(-1))
    line = services.count_line_approve(line=line, user=site["manager"], reason="broken in the bin")
    held = dict(BinStock.objects.filter(part=site["part"]).values_list("bin__code", "quantity"))
    assert held == {"A-01": Decimal(7), "B-02": Decimal(6)}
    assert _level(site).on_hand == Decimal(13)
    assert ledger_differences() == []


def test_a_bin_count_lists_the_parts_held_in_the_bin_not_only_those_it_is_the_default_of(site):
    part = stocked_part(site["warehouse"], site["clerk"], quantity=3, number="OF-200")
    inventory_services.stock_bin_move(
        part=part,
        warehouse=site["warehouse"],
        from_bin=None,
        to_bin=site["bin"],
        quantity=Decimal(3),
        user=site["clerk"],
    )
    services.count_line_enter(line=site["line"], quantity=Decimal(10), user=site["clerk"])  # closes the first count

    count_list = services.count_list_create_adhoc(warehouse=site["warehouse"], user=site["clerk"], bin=site["bin"])

    assert sorted(count_list.lines.values_list("part__number", "bin__code")) == [("OF-100", "A-01"), ("OF-200", "A-01")]
