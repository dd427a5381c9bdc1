"""The shared pure rules: month arithmetic, rounding, surplus; and that each has one home."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory import months, quantities

ROOT = Path(__file__).resolve().parents[2]
APPS = ("inventory", "kpis", "planning", "counting", "suppliers", "imports", "demo", "config", "bench")
D = Decimal


def test_add_months_crosses_years_both_ways():
    assert months.add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert months.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert months.add_months(date(2026, 3, 31), 0) == date(2026, 3, 1)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(-600, 600))
def test_add_months_moves_the_month_index_by_count(day, count):
    moved = months.add_months(day, count)
    assert moved.day == 1
    assert months.month_index(moved) - months.month_index(day) == count


def test_month_start_is_a_date_and_month_begins_an_aware_instant():
    assert months.month_start(date(2026, 2, 17)) == date(2026, 2, 1)
    assert months.month_begins(date(2026, 2, 17), "Europe/Berlin") == datetime(
        2026, 2, 1, tzinfo=ZoneInfo("Europe/Berlin")
    )
    assert months.days_in_month(date(2028, 2, 10)) == 29


def test_money_rounds_half_up_to_four_places():
    assert quantities.money(D("1.00005")) == D("1.0001")
    assert quantities.money(D("-1.00005")) == D("-1.0001")


def test_whole_units_round_down_only_for_whole_parts():
    assert quantities.whole_units(D("2.7"), is_whole_unit=True) == 2
    assert quantities.whole_units(D("2.7"), is_whole_unit=False) == D("2.7")
    assert quantities.whole_units(D("-1"), is_whole_unit=False) == 0


@pytest.mark.parametrize(
    ("free", "min_qty", "max_qty", "surplus", "spare"),
    [
        (D(10), D(2), D(6), D(4), D(8)),  # above the maximum; the parent keeps only its minimum
        (D(5), D(2), D(8), D(0), D(3)),  # between min and max: no surplus for a neighbour
        (D(5), D(0), D(0), D(5), D(5)),  # no limits: all free stock
        (D(-2), D(1), D(3), D(0), D(0)),  # more claims than stock
    ],
)
def test_surplus_and_spare_at_parent(free, min_qty, max_qty, surplus, spare):
    assert quantities.surplus(free=free, min_qty=min_qty, max_qty=max_qty) == surplus
    assert quantities.spare_at_parent(free=free, min_qty=min_qty) == spare


@pytest.mark.parametrize(
    ("pattern", "home"),
    [
        (r"^def add_months\(", "inventory/months.py"),
        (r"^def month_start\(", "inventory/months.py"),
        (r"^(FOUR_PLACES|QTY_PLACES|MONEY_PLACES|COST_PLACES) = ", "inventory/rounding.py"),
        (r"^def _money\(", None),
        # money is rounded by quantities.money (half up), never by a bare quantize (half even)
        (r"\.quantize\(Decimal\(\"0\.0001\"\)", None),
        (r"unit__in=\[\"PCS\"", None),
    ],
)
def test_each_rule_is_defined_in_one_place(pattern, home):
    # The demo's _money rounds generated list prices to cents, another rule.
    exempt = {"demo/profiles.py"}
    found = sorted(
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and str(path.relative_to(ROOT)) not in exempt
        and re.search(pattern, path.read_text(), re.MULTILINE)
    )
    assert found == ([home] if home else [])
