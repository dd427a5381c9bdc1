"""Reads of cycle counting, including inventory record accuracy for the month-end KPIs."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Abs, Coalesce
from django.utils import timezone

from core.roles import COUNT_NETWORK_ROLES, user_access
from inventory.models import Warehouse

from .models import (
    COUNTED_LINE_STATUSES,
    FINAL_LINE_STATUSES,
    CountLine,
    CountLineStatus,
    CountList,
    CountListStatus,
    CountPolicy,
)

ZERO = Decimal("0")


def count_scope(user) -> set[int] | None:
    """Warehouses whose counts the user sees: all (None) for managers and planners, else their own."""
    scope = user_access(user).warehouse_scope(COUNT_NETWORK_ROLES)
    return None if scope is None else set(scope)


def count_policy() -> CountPolicy:
    """The policy in force; the default row is created with the defaults on first use."""
    policy, _ = CountPolicy.objects.get_or_create(name="default")
    return policy


def count_list_list(
    *, warehouse_ids: set[int] | None = None, status: str | None = None, kind: str | None = None
) -> QuerySet[CountList]:
    """Count lists with their progress; ``warehouse_ids=None`` means every warehouse."""
    lists = CountList.objects.select_related("warehouse", "created_by").annotate(
        line_total=Count("lines"),
        line_done=Count("lines", filter=Q(lines__status__in=COUNTED_LINE_STATUSES)),
        line_to_approve=Count("lines", filter=Q(lines__status=CountLineStatus.TO_APPROVE)),
        line_recount=Count("lines", filter=Q(lines__status=CountLineStatus.RECOUNT)),
    )
    if warehouse_ids is not None:
        lists = lists.filter(warehouse_id__in=warehouse_ids)
    if status:
        lists = lists.filter(status=status)
    if kind:
        lists = lists.filter(kind=kind)
    return lists.order_by("status", "-scheduled_for", "-id")


@dataclass(frozen=True)
class BinProgress:
    bin_id: int | None
    code: str
    total: int
    open: int


def count_list_bins(*, count_list: CountList) -> list[BinProgress]:
    """The bins of a count in route order, with how many lines are still to count in each."""
    rows = (
        count_list.lines.values("bin_id", "bin__code")
        .annotate(
            total=Count("id"),
            open=Count(
                "id",
                filter=Q(status__in=[CountLineStatus.PENDING, CountLineStatus.STARTED, CountLineStatus.RECOUNT]),
            ),
        )
        .order_by("bin__code")
    )
    bins = [BinProgress(r["bin_id"], r["bin__code"] or "", r["total"], r["open"]) for r in rows]
    return sorted(bins, key=lambda b: (b.bin_id is None, b.code))


def count_lines_for_bin(*, count_list: CountList, bin_id: int | None) -> QuerySet[CountLine]:
    """Lines of one bin in walking order. The screen shows no system quantity from these."""
    lines = count_list.lines.filter(bin__isnull=True) if bin_id is None else count_list.lines.filter(bin_id=bin_id)
    return lines.select_related("part", "counted_by").order_by("sequence", "id")


def variance_lines(*, warehouse_ids: set[int] | None = None) -> QuerySet[CountLine]:
    """Lines waiting for a manager: counted with a variance, recount done or not needed."""
    lines = (
        CountLine.objects.filter(status=CountLineStatus.TO_APPROVE)
        .select_related("part", "bin", "count_list__warehouse", "counted_by", "first_counted_by")
        .annotate(expected_qty=F("snapshot_qty") + F("movements_qty"))
    )
    if warehouse_ids is not None:
        lines = lines.filter(count_list__warehouse_id__in=warehouse_ids)
    return lines.order_by("count_list__warehouse__code", "count_list_id", "sequence")


def open_count_lists_for_part(*, warehouse_id: int, part_id: int) -> QuerySet[CountList]:
    return CountList.objects.filter(
        warehouse_id=warehouse_id, status=CountListStatus.OPEN, lines__part_id=part_id
    ).distinct()


@dataclass(frozen=True)
class CountAccuracy:
    """Inventory record accuracy of one warehouse (or the network, ``warehouse_id=None``) in one month.

    ``accuracy`` = lines_without_variance / lines_counted (None when nothing was
    counted). ``variance_value`` is the net value of the variances found (at
    average cost, signed); ``variance_value_abs`` their absolute sum;
    ``posted_value`` what approved corrections actually posted.
    """

    warehouse_id: int | None
    year: int
    month: int
    lines_counted: int
    lines_without_variance: int
    variance_value: Decimal
    variance_value_abs: Decimal
    posted_value: Decimal

    @property
    def accuracy(self) -> Decimal | None:
        if not self.lines_counted:
            return None
        return Decimal(self.lines_without_variance) / Decimal(self.lines_counted)


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    last_day = calendar.monthrange(year, month)[1]
    start = timezone.make_aware(datetime.combine(date(year, month, 1), time.min))
    end = timezone.make_aware(datetime.combine(date(year, month, last_day), time.max))
    return start, end


def _accuracy_rows(year: int, month: int) -> QuerySet:
    start, end = _month_bounds(year, month)
    return CountLine.objects.filter(status__in=COUNTED_LINE_STATUSES, counted_at__gte=start, counted_at__lte=end)


_AGGREGATES = {
    "counted": Count("id"),
    "exact": Count("id", filter=Q(variance_qty=0)),
    "value": Coalesce(Sum("variance_value"), ZERO),
    "value_abs": Coalesce(Sum(Abs("variance_value")), ZERO),
    "posted": Coalesce(Sum("movement__value"), ZERO),
}


def variance_lines_for_month(warehouse_id: int | None, year: int, month: int) -> QuerySet[CountLine]:
    """The count lines of a month that record accuracy counts as wrong: counted, with a difference."""
    rows = _accuracy_rows(year, month).exclude(variance_qty=0)
    if warehouse_id is not None:
        rows = rows.filter(count_list__warehouse_id=warehouse_id)
    return rows


def accuracy_for_month(warehouse_id: int | None, year: int, month: int) -> CountAccuracy:
    """Record accuracy and variance value of the count lines counted in a calendar month (local time).

    A line is counted once its final count is entered (a line waiting for a
    recount is not yet); after a recount the recount is what is measured.
    One aggregate query.
    """
    rows = _accuracy_rows(year, month)
    if warehouse_id is not None:
        rows = rows.filter(count_list__warehouse_id=warehouse_id)
    totals = rows.aggregate(**_AGGREGATES)
    return CountAccuracy(
        warehouse_id=warehouse_id,
        year=year,
        month=month,
        lines_counted=totals["counted"],
        lines_without_variance=totals["exact"],
        variance_value=totals["value"],
        variance_value_abs=totals["value_abs"],
        posted_value=totals["posted"],
    )


def accuracy_by_warehouse(year: int, month: int) -> list[tuple[Warehouse, CountAccuracy]]:
    """Accuracy of every warehouse that counted in the month, in one grouped query."""
    grouped = {
        row["count_list__warehouse_id"]: row
        for row in _accuracy_rows(year, month).values("count_list__warehouse_id").annotate(**_AGGREGATES)
    }
    warehouses = Warehouse.objects.filter(pk__in=list(grouped)).order_by("code")
    return [
        (
            warehouse,
            CountAccuracy(
                warehouse.pk,
                year,
                month,
                grouped[warehouse.pk]["counted"],
                grouped[warehouse.pk]["exact"],
                grouped[warehouse.pk]["value"],
                grouped[warehouse.pk]["value_abs"],
                grouped[warehouse.pk]["posted"],
            ),
        )
        for warehouse in warehouses
    ]


__all__ = [
    "FINAL_LINE_STATUSES",
    "BinProgress",
    "CountAccuracy",
    "accuracy_by_warehouse",
    "accuracy_for_month",
    "count_lines_for_bin",
    "count_list_bins",
    "count_list_list",
    "count_policy",
    "open_count_lists_for_part",
    "variance_lines",
]
