"""What the close adds on the hand-made month: ABC by value, problem parts, classes handed to planning and counting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from counting.models import ClassSource, CountPlanItem
from inventory import services as inventory_services
from kpis import services
from kpis.models import MonthClose, PartClass
from planning.models import MonthEndClass

from ..factories import PartFactory
from .handmade import MARCH, at, build_handmade_month

pytestmark = pytest.mark.usefixtures("postgres")
D = Decimal


@pytest.fixture
def month():
    return build_handmade_month()


def _by_code(run, model, *fields):
    return {
        (row.warehouse.code, row.part.number, *(getattr(row, f) for f in fields[1:])): getattr(row, fields[0])
        for row in model.objects.filter(run=run).select_related("warehouse", "part")
    }


def test_close_grades_abc_by_value_on_twelve_months_cost_of_sales(month):
    run = services.month_close_run(month=MARCH)

    # CEN cost of sales: A1 240, B1 25, C1 20, N1 9, D1 and N2 0 → 294; 80 % = 235.2, 95 % = 279.3.
    # A1 has nothing before it (A); B1 has 240 before it (B); C1 265 (B); N1 285 (C); no sales: C.
    # ST1: A1 alone makes all the value (A).
    assert _by_code(run, PartClass, "value_class") == {
        ("CEN", "A1"): "A",
        ("CEN", "B1"): "B",
        ("CEN", "C1"): "B",
        ("CEN", "N1"): "C",
        ("CEN", "D1"): "C",
        ("CEN", "N2"): "C",
        ("ST1", "A1"): "A",
    }


def test_close_lists_problem_parts_each_with_its_problem(month):
    # given stock that has not moved since 2023, a superseded part still held, stock received at no cost,
    # a dead part kept at a minimum, and a new fast part (NA) without a maximum
    user, cen, parts = month["user"], month["cen"], month["parts"]
    old, free = PartFactory(number="OLD"), PartFactory(number="FREE")
    superseded = PartFactory(number="SUP", superseded_by=parts["A1"])
    for part, cost, when in ((old, 8, at(2023, 6, 1)), (superseded, 10, at(2024, 6, 1)), (free, 0, at(2024, 5, 2))):
        inventory_services.stock_receive(
            part=part, warehouse=cen, quantity=D(2), unit_cost=D(cost), user=user, posted_at=when
        )
    inventory_services.stock_level_set_limits(part=parts["D1"], warehouse=cen, min_qty=D(1), max_qty=D(5))

    # when March is closed
    run = services.month_close_run(month=MARCH)

    # then each pair with a problem lists it, beside its class
    found = {key: problems for key, problems in _by_code(run, PartClass, "problems").items() if problems}
    assert found == {
        ("CEN", "OLD"): "no_movement",
        ("CEN", "SUP"): "superseded",
        ("CEN", "FREE"): "no_cost",
        ("CEN", "D1"): "limits",
        ("CEN", "N1"): "limits",
    }
    assert PartClass.objects.get(run=run, part=old).abc_class == "C0"


def test_a_pair_may_have_several_problems(month):
    # given a superseded part received at no cost in 2023 and never moved since, kept at a minimum
    user, cen = month["user"], month["cen"]
    part = PartFactory(number="BAD", superseded_by=month["parts"]["A1"])
    inventory_services.stock_receive(
        part=part, warehouse=cen, quantity=D(2), unit_cost=D(0), user=user, posted_at=at(2023, 6, 1)
    )
    inventory_services.stock_level_set_limits(part=part, warehouse=cen, min_qty=D(1), max_qty=D(2))

    run = services.month_close_run(month=MARCH)

    assert PartClass.objects.get(run=run, part=part).problems == "no_cost no_movement superseded limits"


def test_the_close_hands_its_classes_to_planning_and_counting(month, django_capture_on_commit_callbacks):
    # when March is closed (the hand-over is a task queued when the publishing step commits, beside
    # the outbox's dispatches of the KPI report mail and of the "close done" notification mail)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.month_close_run(month=MARCH)
    assert len(callbacks) == 3

    # then planning holds every class of the close, by its own model
    assert {
        (row.warehouse.code, row.part.number): (row.class_code, row.month)
        for row in MonthEndClass.objects.select_related("warehouse", "part")
    } == {key: (row, MARCH) for key, row in _by_code(run, PartClass, "abc_class").items()}
    # and counting counts them by their grade, as month-end classes
    items = {
        (item.warehouse.code, item.part.number): (item.class_code, item.class_source)
        for item in CountPlanItem.objects.select_related("warehouse", "part")
    }
    assert items == {
        ("CEN", "A1"): ("A", ClassSource.MONTH_END),
        ("CEN", "B1"): ("B", ClassSource.MONTH_END),
        ("CEN", "C1"): ("C", ClassSource.MONTH_END),
        ("CEN", "D1"): ("C", ClassSource.MONTH_END),
        ("CEN", "N1"): ("A", ClassSource.MONTH_END),
        ("CEN", "N2"): ("C", ClassSource.MONTH_END),
        ("ST1", "A1"): ("C", ClassSource.MONTH_END),
    }


def test_planning_reads_the_classes_handed_over_not_the_close_tables(month, django_capture_on_commit_callbacks):
    from planning.selectors import latest_classes

    with django_capture_on_commit_callbacks(execute=True):
        services.month_close_run(month=MARCH)
    PartClass.objects.all().delete()  # what planning reads is its own copy

    classes = latest_classes(warehouse_ids=[month["cen"].pk])
    assert classes[(month["parts"]["A1"].pk, month["cen"].pk)] == "A"
    assert len(classes) == 6


def test_an_older_run_hands_nothing_over(month):
    run = services.month_close_run(month=MARCH)
    later = services.month_close_run(month=MARCH.replace(month=4))
    MonthEndClass.objects.all().delete()

    assert services.month_end_classes_hand_over(run_id=run.pk) == 0
    assert MonthEndClass.objects.count() == 0
    assert MonthClose.objects.get(pk=later.pk).is_published
    assert services.month_end_classes_hand_over(run_id=later.pk) == 7


def test_planners_and_managers_are_told_the_close_is_done(month, make_user):
    from core.models import Notification
    from core.roles import Role

    planner, manager, clerk = make_user(Role.PLANNER), make_user(Role.MANAGER), make_user(Role.CLERK)

    services.month_close_run(month=MARCH)

    told = Notification.objects.filter(kind="month_end.closed")
    assert set(told.values_list("user_id", flat=True)) >= {planner.pk, manager.pk}
    assert not told.filter(user=clerk).exists()
    assert told.first().message == f"The close of {MARCH:%Y-%m} is done: classes and KPIs are on the dashboard."
