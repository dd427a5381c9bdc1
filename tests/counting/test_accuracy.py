"""Inventory record accuracy per warehouse and month: the selector the KPI engineer reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from counting import services
from counting.models import CountLine
from counting.selectors import accuracy_by_warehouse, accuracy_for_month

from ..factories import UserFactory, WarehouseFactory
from .helpers import stocked_part

pytestmark = pytest.mark.usefixtures("postgres")


def _count(warehouse, clerk, quantity_on_hand, counted, *, when=None, approve_by=None):
    part = stocked_part(warehouse, clerk, quantity=quantity_on_hand, unit_cost="4")
    count_list = services.count_list_create_adhoc(warehouse=warehouse, user=clerk, part=part)
    line = services.count_line_enter(line=count_list.lines.get(), quantity=Decimal(counted), user=clerk)
    if approve_by is not None:
        line = services.count_line_approve(line=line, user=approve_by, reason="found in the wrong bin")
    if when is not None:
        CountLine.objects.filter(pk=line.pk).update(counted_at=when)
    return line


def test_accuracy_is_lines_without_variance_over_lines_counted_with_variance_value():
    # given in March: warehouse one counts 3 lines (2 exact, 1 short by one unit at 4, approved);
    # warehouse two counts 1 line exact; one more line of warehouse one was counted in February
    one, two = WarehouseFactory(code="ONE"), WarehouseFactory(code="TWO")
    clerk = UserFactory(roles=[Role.CLERK])
    for warehouse in (one, two):
        clerk.warehouse_memberships.create(warehouse=warehouse)
    manager = UserFactory(roles=[Role.MANAGER])
    march = timezone.make_aware(datetime(2026, 3, 10, 9, 0))
    _count(one, clerk, 5, 5, when=march)
    _count(one, clerk, 6, 6, when=march)
    _count(one, clerk, 7, 8, when=march, approve_by=manager)
    _count(two, clerk, 2, 2, when=march)
    _count(one, clerk, 3, 1, when=timezone.make_aware(datetime(2026, 2, 27, 9, 0)), approve_by=manager)

    # when accuracy is read for March
    first = accuracy_for_month(one.pk, 2026, 3)
    network = accuracy_for_month(None, 2026, 3)
    per_warehouse = accuracy_by_warehouse(2026, 3)

    # then
    assert (first.lines_counted, first.lines_without_variance) == (3, 2)
    assert first.accuracy == Decimal(2) / Decimal(3)
    assert (first.variance_value, first.variance_value_abs, first.posted_value) == (
        Decimal("4"),
        Decimal("4"),
        Decimal("4"),
    )
    assert (network.lines_counted, network.lines_without_variance) == (4, 3)
    assert network.accuracy == Decimal("0.75")
    assert [(w.code, a.lines_counted, a.lines_without_variance) for w, a in per_warehouse] == [
        ("ONE", 3, 2),
        ("TWO", 1, 1),
    ]
    february = accuracy_for_month(one.pk, 2026, 2)
    assert (february.lines_counted, february.lines_without_variance, february.variance_value) == (
        1,
        0,
        Decimal("-8"),
    )


def test_accuracy_of_a_month_without_counts_is_none_and_lines_waiting_for_recount_do_not_count():
    warehouse = WarehouseFactory()
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=warehouse)
    line = _count(warehouse, clerk, 10, 1)  # far off: waits for a recount
    now = timezone.localdate()

    result = accuracy_for_month(warehouse.pk, now.year, now.month)

    assert line.status == "recount"
    assert result.lines_counted == 0
    assert result.accuracy is None
    assert result.variance_value == Decimal(0)


def test_accuracy_reads_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        accuracy_for_month(None, 2026, 1)
