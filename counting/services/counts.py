"""Every write of cycle counting: planning, starting and entering counts, recounts, approvals.

Counting changes stock only through ``inventory.services.stock_adjust`` with
``kind="count_correction"``, inside the approval's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import events
from core.permissions import has_role, require_warehouse
from core.roles import Role
from core.services.notifications import notify, users_with_role
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.bounds import MAX_QUANTITY, too_large
from inventory.exceptions import InvalidQuantity
from inventory.models import Bin, DemandHit, MovementKind, Part, StockLevel, StockMovement, Warehouse
from inventory.quantities import has_quantity_places, money

from .. import schedule
from ..exceptions import CountingError, CountNotPermitted, CountTransitionError
from ..models import (
    FINAL_LINE_STATUSES,
    OPEN_LINE_STATUSES,
    ABCClass,
    ClassSource,
    CountKind,
    CountLine,
    CountLineStatus,
    CountList,
    CountListStatus,
    CountPlanItem,
)
from ..selectors import count_policy

ZERO = Decimal("0")
NO_BIN = "\uffff"  # sorts lines without a bin after every bin code


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- planning ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanResult:
    warehouse: Warehouse
    count_list: CountList | None
    created: bool
    lines: int


@transaction.atomic
def count_plan_refresh(*, warehouse: Warehouse, day: date) -> int:
    """Bring the warehouse's count plan up to date: which parts to count and their class.

    A part is planned while it is held (on hand > 0) or was asked for in the
    last 12 months and has a stock level. Its class comes from 12-month hits
    unless a month-end class younger than the policy's limit was set.
    Returns the number of active plan items.
    """
    policy = count_policy()
    since = _day_start(day) - timedelta(days=365)
    hits = dict(
        DemandHit.objects.filter(warehouse=warehouse, occurred_at__gte=since, occurred_at__lt=_day_start(day))
        .values("part_id")
        .annotate(n=Count("id"))
        .values_list("part_id", "n")
    )
    planned = set(
        StockLevel.objects.filter(warehouse=warehouse, part__is_active=True)
        .filter(Q(on_hand__gt=0) | Q(part_id__in=list(hits)))
        .values_list("part_id", flat=True)
    )
    existing = {
        item.part_id: item
        for item in CountPlanItem.objects.filter(warehouse=warehouse).only(
            "id", "part_id", "class_code", "class_source", "class_set_at", "hits_12m", "is_active"
        )
    }
    fresh_after = timezone.now() - timedelta(days=policy.month_end_class_max_age_days)
    to_create, to_update = [], []
    for part_id in planned:
        count = hits.get(part_id, 0)
        code = schedule.classify(count, hits_for_a=policy.hits_for_a, hits_for_b=policy.hits_for_b)
        item = existing.get(part_id)
        if item is None:
            to_create.append(CountPlanItem(part_id=part_id, warehouse=warehouse, class_code=code, hits_12m=count))
            continue
        keep_month_end = item.class_source == ClassSource.MONTH_END and (item.class_set_at or fresh_after) > fresh_after
        new_code = item.class_code if keep_month_end else code
        new_source = item.class_source if keep_month_end else ClassSource.HITS
        if (item.class_code, item.class_source, item.hits_12m, item.is_active) != (new_code, new_source, count, True):
            item.class_code, item.class_source, item.hits_12m, item.is_active = new_code, new_source, count, True
            to_update.append(item)
    CountPlanItem.objects.bulk_create(to_create, batch_size=2000)
    CountPlanItem.objects.bulk_update(
        to_update, ["class_code", "class_source", "hits_12m", "is_active"], batch_size=2000
    )
    dropped = [pk for pk, item in existing.items() if pk not in planned and item.is_active]
    if dropped:
        CountPlanItem.objects.filter(warehouse=warehouse, part_id__in=dropped).update(is_active=False)
    return len(planned)


@transaction.atomic
def count_plan_classes_set(
    *, classes: dict[tuple[int, int], str], month: date | None = None, at: datetime | None = None
) -> int:
    """Take the month-end close's classes: {(part_id, warehouse_id): "A" | "B" | "C" | "NA" ...}.

    The entry point the close calls after publishing (setting
    ``MONTH_END_CLASS_CONSUMERS``; counting never imports the KPI app).
    New-part classes count like their grade (NA as A, NB as B); C0 and NC
    count as C (``schedule.count_class``). Pairs without a plan item get one.
    Two statements for any number of pairs.
    """
    at = at or timezone.now()
    keys = list(classes)
    arrays: list[list[Any]] = [
        [p for p, _ in keys],
        [w for _, w in keys],
        [schedule.count_class(classes[key]) for key in keys],
    ]
    table = CountPlanItem._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} item SET class_code = c.code, class_source = %s, class_set_at = %s
            FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS c (part_id, warehouse_id, code)
            WHERE item.part_id = c.part_id AND item.warehouse_id = c.warehouse_id
            """,  # noqa: S608 - table name from the model
            [ClassSource.MONTH_END, at, *arrays],
        )
        cursor.execute(
            f"""
            INSERT INTO {table} (part_id, warehouse_id, class_code, class_source, class_set_at, hits_12m, is_active)
            SELECT c.part_id, c.warehouse_id, c.code, %s, %s, 0, true
            FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS c (part_id, warehouse_id, code)
            ON CONFLICT (part_id, warehouse_id) DO NOTHING
            """,  # noqa: S608 - table name from the model
            [ClassSource.MONTH_END, at, *arrays],
        )
    return len(keys)


def _parts_on_open_lines(warehouse: Warehouse) -> set[int]:
    return set(
        CountLine.objects.filter(
            count_list__warehouse=warehouse,
            count_list__status=CountListStatus.OPEN,
            status__in=[*OPEN_LINE_STATUSES, CountLineStatus.TO_APPROVE],
        ).values_list("part_id", flat=True)
    )


@transaction.atomic
def count_plan_build(*, warehouse: Warehouse, day: date) -> PlanResult:
    """Build the day's cycle count list for a warehouse; running it again the same day changes nothing.

    Each class gets a daily quota (its population over the working days in
    its interval, rounded up) taken from the parts due longest, never-counted
    first; the lines are ordered by bin so that the clerk walks a route.
    """
    existing = CountList.objects.filter(warehouse=warehouse, kind=CountKind.CYCLE, scheduled_for=day).first()
    if existing is not None:
        return PlanResult(warehouse, existing, False, existing.lines.count())
    policy = count_policy()
    if not schedule.is_working_day(day, policy.weekdays):
        return PlanResult(warehouse, None, False, 0)
    count_plan_refresh(warehouse=warehouse, day=day)
    busy = _parts_on_open_lines(warehouse)
    items = CountPlanItem.objects.filter(warehouse=warehouse, is_active=True)
    population = dict(items.values("class_code").annotate(n=Count("id")).values_list("class_code", "n"))
    chosen: list[int] = []
    for code in (ABCClass.A, ABCClass.B, ABCClass.C):
        interval = policy.interval_for(code)
        quota = schedule.daily_quota(population.get(code, 0), interval_days=interval, weekdays=policy.weekdays)
        if not quota:
            continue
        due_before = _day_start(day - timedelta(days=interval - 1))
        due = (
            items.filter(class_code=code)
            .filter(Q(last_counted_at__isnull=True) | Q(last_counted_at__lt=due_before))
            .exclude(part_id__in=busy)
            .order_by(F("last_counted_at").asc(nulls_first=True), "part__number_normalized")
            .values_list("part_id", flat=True)[:quota]
        )
        chosen.extend(due)
    if not chosen:
        return PlanResult(warehouse, None, False, 0)
    count_list = CountList.objects.create(warehouse=warehouse, kind=CountKind.CYCLE, scheduled_for=day)
    lines = _add_lines(count_list, chosen)
    return PlanResult(warehouse, count_list, True, lines)


def count_plan_build_all(*, day: date) -> list[PlanResult]:
    """The daily planner: one count list per active warehouse (each in its own transaction)."""
    return [count_plan_build(warehouse=warehouse, day=day) for warehouse in Warehouse.objects.filter(is_active=True)]


def _add_lines(count_list: CountList, part_ids: list[int], *, bin: Bin | None = None) -> int:
    """Add lines for parts in route order: by bin code, then part number; parts without a bin last.

    A count of one ``bin`` puts every line in that bin: each compares with what the bin holds.
    """
    bins = dict(
        StockLevel.objects.filter(warehouse=count_list.warehouse, part_id__in=part_ids).values_list(
            "part_id", "default_bin_id"
        )
    )
    if bin is not None:
        bins = dict.fromkeys(part_ids, bin.pk)
    bin_codes = dict(Bin.objects.filter(pk__in={b for b in bins.values() if b}).values_list("pk", "code"))
    numbers = dict(Part.objects.filter(pk__in=part_ids).values_list("pk", "number_normalized"))

    def route_key(part_id: int) -> tuple[str, str]:
        bin_id = bins.get(part_id)
        return (bin_codes.get(bin_id, NO_BIN) if bin_id is not None else NO_BIN, numbers.get(part_id, ""))

    ordered = sorted(set(part_ids), key=route_key)
    CountLine.objects.bulk_create(
        [
            CountLine(count_list=count_list, part_id=part_id, bin_id=bins.get(part_id), sequence=index)
            for index, part_id in enumerate(ordered, start=1)
        ],
        batch_size=2000,
    )
    return len(ordered)


@transaction.atomic
def count_list_create_adhoc(
    *, warehouse: Warehouse, user, bin: Bin | None = None, part: Part | None = None, note: str = ""
) -> CountList:
    """Ask for a count now: one bin, one part, or the whole warehouse (every held or binned part).

    Parts already on an open count in the warehouse are left out, so one part
    is never counted twice at once.
    """
    require_warehouse(user, warehouse)
    if bin is not None and part is not None:
        raise CountingError(_("Count either a bin or a part, not both."), field="bin")
    if bin is not None and bin.warehouse_id != warehouse.pk:
        raise CountingError(
            _("Bin %(bin)s is not in warehouse %(warehouse)s.") % {"bin": bin.code, "warehouse": warehouse.code},
            field="bin",
        )
    levels = StockLevel.objects.filter(warehouse=warehouse)
    if bin is not None:
        kind = CountKind.BIN
        part_ids = inventory_selectors.bin_part_ids(bin=bin)
    elif part is not None:
        kind = CountKind.PART
        part_ids = [part.pk]
    else:
        kind = CountKind.WAREHOUSE
        part_ids = list(
            levels.filter(part__is_active=True)
            .filter(Q(on_hand__gt=0) | Q(default_bin__isnull=False))
            .values_list("part_id", flat=True)
        )
    busy = _parts_on_open_lines(warehouse)
    wanted = [p for p in part_ids if p not in busy]
    if not wanted:
        if part_ids:
            raise CountingError(_("Everything asked for is already on an open count; finish that count first."))
        raise CountingError(_("There is nothing to count there: no part is held or binned."))
    count_list = CountList.objects.create(
        warehouse=warehouse, kind=kind, scheduled_for=timezone.localdate(), created_by=user, note=note.strip()
    )
    _add_lines(count_list, wanted, bin=bin)
    return count_list


# --- counting ------------------------------------------------------------------------


def _counts_bin(line: CountLine, count_list: CountList) -> bool:
    """A line of a bin count compares with its bin's quantity; every other line with the part's level."""
    return count_list.kind == CountKind.BIN and line.bin_id is not None


def _line_snapshots(count_list: CountList, lines: list[CountLine]) -> dict[int, tuple[Decimal, int]]:
    """The snapshot of each line (by line id): its system quantity and where later changes start.

    For a level that is (on hand, last movement id); for a bin (its quantity, last
    entry id of the bins' ledger), read under the same level locks.
    """
    snapshots = _snapshots(count_list.warehouse_id, [line.part_id for line in lines])
    by_bin: dict[int, list[int]] = {}
    for line in lines:
        if line.bin_id is not None and _counts_bin(line, count_list):
            by_bin.setdefault(line.bin_id, []).append(line.part_id)
    binned: dict[tuple[int | None, int], tuple[Decimal, int]] = {
        (bin_id, part_id): snapshot
        for bin_id, part_ids in by_bin.items()
        for part_id, snapshot in inventory_selectors.bin_snapshots(
            warehouse_id=count_list.warehouse_id, bin_id=bin_id, part_ids=part_ids
        ).items()
    }
    return {
        line.pk: binned[(line.bin_id, line.part_id)] if _counts_bin(line, count_list) else snapshots[line.part_id]
        for line in lines
    }


def _snapshots(warehouse_id: int, part_ids: list[int]) -> dict[int, tuple[Decimal, int]]:
    """(on hand, last movement id) per part, read under the level locks so that no posting is half seen."""
    on_hand = dict(
        StockLevel.objects.select_for_update()
        .filter(warehouse_id=warehouse_id, part_id__in=part_ids)
        .order_by("pk")
        .values_list("part_id", "on_hand")
    )
    last = dict(
        StockMovement.objects.filter(warehouse_id=warehouse_id, part_id__in=part_ids)
        .values("part_id")
        .annotate(last=Max("id"))
        .values_list("part_id", "last")
    )
    return {p: (on_hand.get(p, ZERO), last.get(p) or 0) for p in part_ids}


@transaction.atomic
def count_lines_start(*, count_list: CountList, user, bin: Bin | None = None, all_bins: bool = False) -> int:
    """Start counting a bin (or lines without a bin): snapshot the system quantity of its open lines.

    Lines already started keep their snapshot; recount lines take a fresh one.
    Returns the number of lines started.
    """
    require_warehouse(user, count_list.warehouse)
    if count_list.status != CountListStatus.OPEN:
        raise CountTransitionError(_("This count is closed."))
    open_lines = CountLine.objects.select_for_update().filter(
        count_list=count_list, status__in=[CountLineStatus.PENDING, CountLineStatus.RECOUNT]
    )
    if not all_bins:
        open_lines = open_lines.filter(bin=bin)
    lines = [line for line in open_lines.order_by("pk") if _needs_snapshot(line)]
    if not lines:
        return 0
    snapshots = _line_snapshots(count_list, lines)
    now = timezone.now()
    for line in lines:
        line.snapshot_qty, line.snapshot_movement_id = snapshots[line.pk]
        line.started_at = now
        if line.status == CountLineStatus.PENDING:
            line.status = CountLineStatus.STARTED
    CountLine.objects.bulk_update(lines, ["snapshot_qty", "snapshot_movement_id", "started_at", "status"])
    return len(lines)


def _needs_snapshot(line: CountLine) -> bool:
    if line.status == CountLineStatus.PENDING:
        return True
    # A recount takes its own snapshot: the one before the first count is stale
    # (a recount line without a first-count time cannot tell, so it takes a fresh one too).
    return line.status == CountLineStatus.RECOUNT and (
        line.started_at is None or line.counted_at is None or line.started_at <= line.counted_at
    )


def _check_count_quantity(part: Part, quantity: Decimal) -> Decimal:
    quantity = Decimal(quantity)
    if not quantity.is_finite() or quantity < 0:
        raise InvalidQuantity(_("The counted quantity cannot be negative."))
    if too_large(quantity, MAX_QUANTITY):
        raise InvalidQuantity(
            _("The counted quantity is too large (at most %(limit)s).") % {"limit": format(MAX_QUANTITY, ",")}
        )
    if not has_quantity_places(quantity):
        raise InvalidQuantity(_("Quantities have at most three decimal places."))
    if part.is_whole_unit and quantity != quantity.to_integral_value():
        raise InvalidQuantity(
            _("%(part)s is counted in whole %(unit)ss; enter a whole number.")
            % {"part": part.number, "unit": part.get_unit_display()}
        )
    return quantity


@transaction.atomic
def count_line_enter(*, line: CountLine, quantity: Decimal, user, note: str = "") -> CountLine:
    """Record what the counter found; the variance accounts for movements posted since the snapshot.

    variance = counted − (snapshot + net movements since the snapshot). No
    variance closes the line; one above the policy's quantity or value
    threshold asks for a recount by another user; any other goes to a manager.
    """
    line = CountLine.objects.select_for_update().select_related("count_list__warehouse", "part").get(pk=line.pk)
    warehouse = line.count_list.warehouse
    require_warehouse(user, warehouse)
    if line.status not in OPEN_LINE_STATUSES:
        raise CountTransitionError(
            _("%(part)s is already counted (%(status)s).")
            % {"part": line.part.number, "status": line.get_status_display()}
        )
    recount = line.status == CountLineStatus.RECOUNT
    if recount and line.counted_by_id == user.pk:
        raise CountNotPermitted(
            _("%(part)s needs a recount by someone else; you counted it first.") % {"part": line.part.number}
        )
    quantity = _check_count_quantity(line.part, quantity)
    if _needs_snapshot(line):
        line.snapshot_qty, line.snapshot_movement_id = _line_snapshots(line.count_list, [line])[line.pk]
        line.started_at = timezone.now()
    level = StockLevel.objects.select_for_update().filter(part_id=line.part_id, warehouse=warehouse).first()
    if _counts_bin(line, line.count_list):
        # For a bin, the snapshot's marker is an entry of the bins' ledger (a bin move changes a bin too).
        assert line.bin_id is not None
        moved = inventory_selectors.bin_moved_since(
            part_id=line.part_id,
            warehouse_id=warehouse.pk,
            bin_id=line.bin_id,
            after_entry_id=line.snapshot_movement_id or 0,
        )
    else:
        moved = (
            StockMovement.objects.filter(
                part_id=line.part_id, warehouse=warehouse, id__gt=line.snapshot_movement_id or 0
            ).aggregate(total=Sum("quantity"))["total"]
            or ZERO
        )
    unit_cost = level.average_cost if level is not None else ZERO
    if line.snapshot_qty is None:
        raise CountingError(
            _("%(part)s has no snapshot of the system quantity; start counting its bin again.")
            % {"part": line.part.number}
        )
    variance = quantity - (line.snapshot_qty + moved)
    value = money(variance * unit_cost)
    if recount:
        line.first_counted_qty, line.first_variance_qty = line.counted_qty, line.variance_qty
        line.first_counted_by_id = line.counted_by_id
    line.counted_qty, line.counted_by, line.counted_at = quantity, user, timezone.now()
    line.movements_qty, line.variance_qty, line.unit_cost, line.variance_value = moved, variance, unit_cost, value
    line.note = note.strip()[:200]
    policy = count_policy()
    if variance == 0:
        line.status = CountLineStatus.MATCHED
    elif not recount and (abs(variance) > policy.recount_quantity or abs(value) > policy.recount_value):
        line.status = CountLineStatus.RECOUNT
    else:
        line.status = CountLineStatus.TO_APPROVE
    line.save()
    if line.status != CountLineStatus.RECOUNT:
        _mark_counted(line)
    if line.status in (CountLineStatus.RECOUNT, CountLineStatus.TO_APPROVE):
        _tell_variance(line, user)
    _close_if_done(line.count_list)
    return line


def _tell_variance(line: CountLine, user) -> None:
    """A variance waits: a recount by another clerk of the warehouse, or a manager's decision."""
    warehouse = line.count_list.warehouse
    if line.status == CountLineStatus.RECOUNT:
        users = users_with_role(Role.CLERK, warehouse=warehouse).exclude(pk=user.pk)
        message = gettext_noop(
            "Count variance of %(quantity)s × %(part)s at %(warehouse)s needs a recount by someone else."
        )
    else:
        users = users_with_role(Role.MANAGER)
        message = gettext_noop(
            "Count variance of %(quantity)s × %(part)s at %(warehouse)s waits for a manager's approval."
        )
    variance = line.variance_qty or ZERO  # set by the count just entered
    notify(
        users=users,
        kind=events.COUNT_VARIANCE_WAITING,
        message=message,
        params={"quantity": f"{variance.normalize():f}", "part": line.part.number, "warehouse": warehouse.code},
        link=reverse("counting:detail", args=[line.count_list_id]),
        email_subject=gettext_noop("Count variance at %(warehouse)s"),
        subject_params={"warehouse": warehouse.code},
    )


def _mark_counted(line: CountLine) -> None:
    updated = CountPlanItem.objects.filter(part_id=line.part_id, warehouse_id=line.count_list.warehouse_id).update(
        last_counted_at=line.counted_at
    )
    if not updated:
        CountPlanItem.objects.create(
            part_id=line.part_id, warehouse_id=line.count_list.warehouse_id, last_counted_at=line.counted_at
        )


def _close_if_done(count_list: CountList) -> None:
    if not count_list.lines.exclude(status__in=FINAL_LINE_STATUSES).exists():
        count_list.status, count_list.closed_at = CountListStatus.CLOSED, timezone.now()
        count_list.save(update_fields=["status", "closed_at"])


def _decide(line: CountLine, user, reason: str) -> CountLine:
    line = CountLine.objects.select_for_update().select_related("count_list__warehouse", "part").get(pk=line.pk)
    if not has_role(user, Role.MANAGER):
        raise CountNotPermitted(_("Only a manager approves or rejects count variances."))
    require_warehouse(user, line.count_list.warehouse)
    if line.status != CountLineStatus.TO_APPROVE:
        raise CountTransitionError(
            _("%(part)s has no variance waiting for approval (%(status)s).")
            % {"part": line.part.number, "status": line.get_status_display()}
        )
    if not reason.strip():
        raise CountingError(_("Give the reason for the variance."), field="reason")
    line.decided_by, line.decided_at, line.reason = user, timezone.now(), reason.strip()[:200]
    return line


@transaction.atomic
def count_line_approve(*, line: CountLine, user, reason: str) -> CountLine:
    """Approve a variance: post it as a count correction in the same transaction, with the reason."""
    line = _decide(line, user, reason)
    # A line waiting for approval always has its variance (constraint count_counted_line_has_quantities).
    assert line.variance_qty is not None
    positive = line.variance_qty > 0
    line.movement = inventory_services.stock_adjust(
        part=line.part,
        warehouse=line.count_list.warehouse,
        quantity=line.variance_qty,
        user=user,
        reason=f"Count {line.count_list_id}: {line.reason}"[:200],
        unit_cost=line.unit_cost if positive else None,
        kind=MovementKind.COUNT_CORRECTION,
        # A bin's count corrects that bin: what was found goes into it, what is missing leaves it.
        bin=line.bin if _counts_bin(line, line.count_list) else None,
        document_ref=f"COUNT-{line.count_list_id}",
        idempotency_key=f"count-line-{line.pk}",
    )
    line.status = CountLineStatus.APPROVED
    line.save(update_fields=["status", "decided_by", "decided_at", "reason", "movement"])
    _close_if_done(line.count_list)
    return line


@transaction.atomic
def count_line_reject(*, line: CountLine, user, reason: str) -> CountLine:
    """Refuse a variance (a miscount that cannot be recounted): nothing is posted; the reason is kept."""
    line = _decide(line, user, reason)
    line.status = CountLineStatus.REJECTED
    line.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    _close_if_done(line.count_list)
    return line
