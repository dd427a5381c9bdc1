"""Count planning: classes from hits, quotas spread over working days, route order, frequencies."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from core.roles import Role
from counting import schedule, services
from counting.models import ABCClass, ClassSource, CountKind, CountLine, CountList, CountPlanItem, CountPolicy
from counting.selectors import count_policy
from counting.tasks import plan_counts_daily

from ..factories import UserFactory, WarehouseFactory
from .helpers import add_hits, bin_in, stocked_part

pytestmark = pytest.mark.usefixtures("postgres")

MONDAY = date(2026, 1, 5)
WORKDAYS = {0, 1, 2, 3, 4}


def test_classify_grades_by_hits_with_editable_thresholds():
    assert schedule.classify(12, hits_for_a=12, hits_for_b=4) == "A"
    assert schedule.classify(11, hits_for_a=12, hits_for_b=4) == "B"
    assert schedule.classify(4, hits_for_a=12, hits_for_b=4) == "B"
    assert schedule.classify(3, hits_for_a=12, hits_for_b=4) == "C"
    assert schedule.classify(0, hits_for_a=12, hits_for_b=4) == "C"
    assert schedule.classify(6, hits_for_a=6, hits_for_b=2) == "A"


def test_daily_quota_spreads_a_class_evenly_over_its_working_days():
    assert schedule.working_days_in(30, WORKDAYS) == 21
    assert schedule.working_days_in(91, WORKDAYS) == 65
    assert schedule.working_days_in(365, WORKDAYS) == 261
    assert schedule.daily_quota(40, interval_days=30, weekdays=WORKDAYS) == 2
    assert schedule.daily_quota(21, interval_days=30, weekdays=WORKDAYS) == 1
    assert schedule.daily_quota(22, interval_days=30, weekdays=WORKDAYS) == 2
    assert schedule.daily_quota(0, interval_days=30, weekdays=WORKDAYS) == 0
    assert schedule.daily_quota(5, interval_days=1, weekdays=set()) == 5


def _network(n_a=2, n_b=2, n_c=2, *, hits_until=None):
    """Parts of each class; hits (A every 14 days, B every 60) run up to ``hits_until`` for two years."""
    until = hits_until or services._day_start(MONDAY)
    warehouse = WarehouseFactory(code="CEN")
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=warehouse)
    parts = {}
    for code, n, hits, every in (("A", n_a, 52, 14), ("B", n_b, 12, 60), ("C", n_c, 0, 1)):
        for index in range(n):
            bin = bin_in(warehouse, f"{code}-{index:02d}")
            part = stocked_part(warehouse, clerk, bin=bin, number=f"{code}{index:03d}")
            add_hits(part, warehouse, hits, before=until, every_days=every)
            parts[part.pk] = code
    return warehouse, clerk, parts


def _count_everything(count_list, clerk):
    for line in count_list.lines.select_related("part"):
        services.count_lines_start(count_list=count_list, user=clerk, bin=line.bin)
        line.refresh_from_db()
        services.count_line_enter(line=line, quantity=line.snapshot_qty, user=clerk)


def test_planner_classifies_by_hits_and_orders_lines_by_bin():
    # given two A, two B and two C parts, each in its own bin
    warehouse, _clerk, parts = _network()

    # when the planner runs on a Monday
    result = services.count_plan_build(warehouse=warehouse, day=MONDAY)

    # then plan rows carry the class from hits, and one line per class is planned, in bin order
    classes = dict(CountPlanItem.objects.filter(warehouse=warehouse).values_list("part_id", "class_code"))
    assert classes == parts
    assert result.created is True
    lines = list(result.count_list.lines.select_related("bin").order_by("sequence"))
    assert [line.bin.code for line in lines] == ["A-00", "B-00", "C-00"]
    assert [line.sequence for line in lines] == [1, 2, 3]
    assert result.count_list.kind == CountKind.CYCLE


def test_planner_rerun_the_same_day_adds_nothing_and_weekends_plan_nothing():
    warehouse, _clerk, _parts = _network()
    first = services.count_plan_build(warehouse=warehouse, day=MONDAY)

    again = services.count_plan_build(warehouse=warehouse, day=MONDAY)
    saturday = services.count_plan_build(warehouse=warehouse, day=MONDAY + timedelta(days=5))

    assert again.created is False
    assert again.count_list.pk == first.count_list.pk
    assert CountLine.objects.count() == 3
    assert saturday.count_list is None
    assert CountList.objects.count() == 1


def test_a_parts_are_counted_monthly_b_quarterly_c_yearly_over_a_simulated_year():
    # given two parts of each class, every line counted the day it is planned
    warehouse, clerk, parts = _network(hits_until=services._day_start(MONDAY + timedelta(days=365)))
    counted = Counter()

    # when the planner runs every day for a year
    for offset in range(364):
        day = MONDAY + timedelta(days=offset)
        result = services.count_plan_build(warehouse=warehouse, day=day)
        if result.count_list is None:
            continue
        for part_id in result.count_list.lines.values_list("part_id", flat=True):
            counted[part_id] += 1
        _count_everything(result.count_list, clerk)
        # the counts happened on that day: date the plan rows accordingly
        CountPlanItem.objects.filter(
            part_id__in=list(result.count_list.lines.values_list("part_id", flat=True))
        ).update(last_counted_at=services._day_start(day))

    # then A parts were counted 12 times (monthly), B 4 times (quarterly), C once (yearly)
    by_class = {code: sorted(counted[p] for p, c in parts.items() if c == code) for code in "ABC"}
    assert by_class == {"A": [12, 12], "B": [4, 4], "C": [1, 1]}


def test_intervals_are_editable_in_the_policy():
    # given A parts are to be counted every 7 days
    warehouse, clerk, _parts = _network(n_a=1, n_b=0, n_c=0)
    CountPolicy.objects.update_or_create(name="default", defaults={"interval_a_days": 7})
    days = []
    for offset in range(21):
        day = MONDAY + timedelta(days=offset)
        result = services.count_plan_build(warehouse=warehouse, day=day)
        if result.count_list is not None:
            days.append(day)
            _count_everything(result.count_list, clerk)
            CountPlanItem.objects.update(last_counted_at=services._day_start(day))

    assert days == [MONDAY, MONDAY + timedelta(days=7), MONDAY + timedelta(days=14)]


def test_quota_spreads_many_a_parts_over_the_month():
    # given 42 A parts: 2 a day over 21 working days
    warehouse, _clerk, _parts = _network(n_a=42, n_b=0, n_c=0)

    result = services.count_plan_build(warehouse=warehouse, day=MONDAY)

    assert result.lines == 2
    assert list(result.count_list.lines.order_by("sequence").values_list("part__number", flat=True)) == [
        "A000",
        "A001",
    ]


def test_month_end_class_overrides_hits_while_fresh():
    # given a part without hits that the month-end graded A
    warehouse, _clerk, parts = _network(n_a=0, n_b=0, n_c=1)
    part_id = next(iter(parts))
    services.count_plan_classes_set(classes={(part_id, warehouse.pk): "NA"})

    services.count_plan_refresh(warehouse=warehouse, day=MONDAY)

    item = CountPlanItem.objects.get(part_id=part_id, warehouse=warehouse)
    assert (item.class_code, item.class_source) == (ABCClass.A, ClassSource.MONTH_END)


def test_plan_counts_command_and_task_build_lists_for_every_warehouse(capsys):
    warehouse, _clerk, _parts = _network(n_a=1, n_b=0, n_c=0)
    empty = WarehouseFactory(code="EMP")

    call_command("plan_counts", "--date", MONDAY.isoformat())
    output = capsys.readouterr().out
    again = plan_counts_daily(MONDAY.isoformat())

    assert f"{warehouse.code}: count " in output
    assert "1 lines" in output
    assert again == {"CEN": 1, "EMP": 0}
    assert CountList.objects.filter(warehouse=empty).count() == 0
    assert count_policy().interval_a_days == 30
