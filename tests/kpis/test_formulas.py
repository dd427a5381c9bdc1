"""The KPI formulas of DOMAIN.md: worked examples, edge cases and properties."""

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis import formulas as f

quantity = st.integers(min_value=0, max_value=500)
mean = st.floats(min_value=0, max_value=60, allow_nan=False)
share = st.floats(min_value=0, max_value=1, allow_nan=False)


# --- poisson_fill_rate ------------------------------------------------------------


def test_poisson_fill_rate_matches_the_hand_computed_cdf():
    # P(X ≤ 2) for λ = 1.5 = e^-1.5 (1 + 1.5 + 1.125)
    assert f.poisson_fill_rate(2, 1.5) == pytest.approx(math.exp(-1.5) * 3.625, abs=1e-12)


def test_poisson_fill_rate_with_no_stock_is_the_chance_of_no_demand():
    assert f.poisson_fill_rate(0, 2) == pytest.approx(math.exp(-2), abs=1e-12)


def test_poisson_fill_rate_without_demand_is_one():
    assert f.poisson_fill_rate(0, 0) == 1.0


def test_poisson_fill_rate_rounds_fractional_stock_down():
    assert f.poisson_fill_rate(Decimal("2.9"), 1.5) == f.poisson_fill_rate(2, 1.5)


@pytest.mark.parametrize(("available", "demand"), [(-1, 1), (1, -0.5)])
def test_poisson_fill_rate_refuses_negative_input(available, demand):
    with pytest.raises(ValueError, match="cannot be negative"):
        f.poisson_fill_rate(available, demand)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "3", None, True])
def test_poisson_fill_rate_refuses_non_numbers(bad):
    with pytest.raises(ValueError, match="must be a"):
        f.poisson_fill_rate(bad, 1)


@given(quantity, mean)
def test_poisson_fill_rate_is_a_share(available, demand):
    assert 0 <= f.poisson_fill_rate(available, demand) <= 1


@given(quantity, mean)
def test_poisson_fill_rate_grows_with_stock(available, demand):
    assert f.poisson_fill_rate(available + 1, demand) >= f.poisson_fill_rate(available, demand)


@given(quantity, mean, st.floats(min_value=0, max_value=5))
def test_poisson_fill_rate_falls_with_demand(available, demand, extra):
    assert f.poisson_fill_rate(available, demand + extra) <= f.poisson_fill_rate(available, demand) + 1e-12


# --- part_fill_rate -------------------------------------------------------------


def test_part_fill_rate_uses_poisson_up_to_lambda_ten():
    # 24 issued in 12 months, reorder period 2 months: λ = 24 / 6 = 4
    assert f.part_fill_rate(5, 24, 2) == pytest.approx(f.poisson_fill_rate(5, 4), abs=1e-12)


def test_part_fill_rate_at_exactly_lambda_ten_is_still_poisson():
    assert f.part_fill_rate(12, 60, 2) == pytest.approx(f.poisson_fill_rate(12, 10), abs=1e-12)


def test_part_fill_rate_above_lambda_ten_is_the_coverage_ratio():
    # 120 issued, reorder period 2: λ = 20; 15 available / (20 + 10) = 0.5
    assert f.part_fill_rate(15, 120, 2) == pytest.approx(0.5)


def test_part_fill_rate_above_lambda_ten_is_capped_at_one():
    assert f.part_fill_rate(100, 120, 2) == 1.0


def test_part_fill_rate_without_reorder_period_is_undefined():
    assert f.part_fill_rate(5, 10, 0) is None


@pytest.mark.parametrize(("available", "demand", "period"), [(-1, 1, 1), (1, -1, 1), (1, 1, -1)])
def test_part_fill_rate_refuses_negative_input(available, demand, period):
    with pytest.raises(ValueError, match="cannot be negative"):
        f.part_fill_rate(available, demand, period)


@given(quantity, st.integers(min_value=0, max_value=5000), st.floats(min_value=0.1, max_value=12))
def test_part_fill_rate_is_a_share(available, demand, period):
    assert 0 <= f.part_fill_rate(available, demand, period) <= 1


@given(quantity, st.integers(min_value=0, max_value=5000), st.floats(min_value=0.1, max_value=12))
def test_part_fill_rate_never_falls_with_more_stock(available, demand, period):
    assert f.part_fill_rate(available + 1, demand, period) >= f.part_fill_rate(available, demand, period)


# --- overall_fill_rate ----------------------------------------------------------


def test_overall_fill_rate_weighs_parts_by_hits():
    # (0.9 × 30 + 0.5 × 10) / 40 = 0.8
    assert f.overall_fill_rate([(0.9, 30), (0.5, 10)]) == pytest.approx(0.8)


def test_overall_fill_rate_without_hits_is_undefined():
    assert f.overall_fill_rate([]) is None
    assert f.overall_fill_rate([(0.7, 0)]) is None


def test_overall_fill_rate_refuses_a_rate_above_one():
    with pytest.raises(ValueError, match="share in"):
        f.overall_fill_rate([(1.2, 3)])


def test_overall_fill_rate_refuses_entries_that_are_not_pairs():
    with pytest.raises(ValueError, match="must be a pair"):
        f.overall_fill_rate([(0.5, 3, 1)])


def test_overall_fill_rate_refuses_negative_hits():
    with pytest.raises(ValueError, match="cannot be negative"):
        f.overall_fill_rate([(0.5, -3)])


@given(st.lists(st.tuples(share, st.integers(min_value=1, max_value=1000)), min_size=1))
def test_overall_fill_rate_lies_between_the_worst_and_best_part(parts):
    rates = [rate for rate, _ in parts]
    assert min(rates) - 1e-9 <= f.overall_fill_rate(parts) <= max(rates) + 1e-9


# --- turnover -------------------------------------------------------------------


def test_turnover_is_cost_of_sales_over_average_stock():
    costs = [100] * 12
    values = [300] * 6 + [500] * 6
    assert f.turnover(costs, values) == pytest.approx(1200 / 400)


def test_turnover_without_stock_is_undefined():
    assert f.turnover([10, 20], [0, 0]) is None
    assert f.turnover([], []) is None


def test_turnover_refuses_sequences_of_different_length():
    with pytest.raises(ValueError, match="one month-end value per month"):
        f.turnover([1, 2, 3], [1, 2])


def test_turnover_refuses_negative_values():
    with pytest.raises(ValueError, match="cannot be negative"):
        f.turnover([1, -2], [1, 2])


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 10**6)), min_size=1, max_size=24))
def test_turnover_is_not_negative_and_scales_with_cost(months):
    costs = [cost for cost, _ in months]
    values = [value for _, value in months]
    result = f.turnover(costs, values)
    assert result >= 0
    assert f.turnover([c * 2 for c in costs], values) == pytest.approx(result * 2)


# --- first_pick_availability ----------------------------------------------------


def test_first_pick_availability_counts_full_half_and_nothing():
    # full line 1, half line 0.5, nothing 0 -> mean 0.5
    assert f.first_pick_availability([(4, 4), (2, 1), (3, 0)]) == pytest.approx(0.5)


def test_first_pick_availability_caps_a_line_at_one():
    assert f.first_pick_availability([(2, 5)]) == 1.0


def test_first_pick_availability_without_lines_is_undefined():
    assert f.first_pick_availability([]) is None


def test_first_pick_availability_refuses_a_line_asking_for_nothing():
    with pytest.raises(ValueError, match="positive quantity"):
        f.first_pick_availability([(0, 0)])


@given(st.lists(st.tuples(st.integers(1, 100), st.integers(0, 100)), min_size=1))
def test_first_pick_availability_is_a_share(lines):
    assert 0 <= f.first_pick_availability(lines) <= 1


# --- daily_instant_fill_rate and target_achievement -------------------------------


def test_daily_instant_fill_rate_is_supplied_over_requested():
    assert f.daily_instant_fill_rate(10, 9) == pytest.approx(0.9)


def test_daily_instant_fill_rate_on_a_day_without_demand_is_undefined():
    assert f.daily_instant_fill_rate(0, 0) is None


def test_daily_instant_fill_rate_refuses_more_supplied_than_requested():
    with pytest.raises(ValueError, match="cannot exceed"):
        f.daily_instant_fill_rate(3, 4)


def test_target_achievement_counts_days_without_demand_as_not_missed():
    # a 5-day period: 3 days with demand, one of them (50 %) below 90 %; the two quiet days did not miss
    assert f.target_achievement([0.95, None, 0.9, 0.5, None], 0.9, calendar_days=5) == pytest.approx(4 / 5)


def test_target_achievement_of_a_month_is_over_its_calendar_days():
    # 31 days in March, demand on two days, one missed: (31 − 1) / 31
    assert f.target_achievement([1.0, 0.2], 0.9, calendar_days=31) == pytest.approx(30 / 31)


def test_target_achievement_of_a_month_without_demand_is_met_every_day():
    assert f.target_achievement([], 0.9, calendar_days=30) == 1.0


def test_target_achievement_of_no_days_is_undefined():
    assert f.target_achievement([], 0.9, calendar_days=0) is None


def test_target_achievement_refuses_a_target_above_one():
    with pytest.raises(ValueError, match="share in"):
        f.target_achievement([0.5], 90, calendar_days=30)


def test_target_achievement_refuses_more_days_than_the_period_has():
    with pytest.raises(ValueError, match="do not fit"):
        f.target_achievement([0.5, 0.5], 0.9, calendar_days=1)


@given(st.lists(st.one_of(st.none(), share), max_size=31), share, st.integers(min_value=31, max_value=31))
def test_target_achievement_is_a_share(rates, target, days):
    result = f.target_achievement(rates, target, calendar_days=days)
    missed = sum(1 for rate in rates if rate is not None and rate < target)
    assert result == pytest.approx((days - missed) / days)
    assert 0 <= result <= 1


# --- numeric edge cases -------------------------------------------------------------


def test_a_number_too_large_for_a_float_is_a_value_error():
    with pytest.raises(ValueError, match="finite number"):
        f.poisson_fill_rate(10**400, 1)


def test_numpy_integers_are_accepted_like_numpy_floats():
    import numpy as np

    assert f.poisson_fill_rate(np.int64(2), np.float64(1.5)) == f.poisson_fill_rate(2, 1.5)
    assert f.sales_per_repair_order(np.int64(10), np.int32(4)) == 2.5


def test_a_sum_that_overflows_a_float_is_refused_not_wrong():
    with pytest.raises(ValueError, match="too large"):
        f.overall_fill_rate([(0.5, 1e308)] * 2)
    with pytest.raises(ValueError, match="too large"):
        f.turnover([1e308, 1e308], [1, 1])


def test_issued_demand_of_a_window_whose_net_is_negative_is_zero():
    # an issue of 3 before the window, reversed inside it: the window's net issued is −3
    assert f.issued_demand(Decimal("-3")) == 0.0
    assert f.issued_demand(Decimal("4.5")) == 4.5


# --- ratios ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "args", "expected"),
    [
        (f.emergency_order_ratio, (3, 12), 0.25),
        (f.emergency_order_ratio, (Decimal("150.00"), Decimal("600.00")), 0.25),
        (f.dead_stock_ratio, (50, 1000), 0.05),
        (f.sales_per_repair_order, (Decimal("1234.50"), 3), 411.5),
    ],
)
def test_ratios_worked_examples(function, args, expected):
    assert function(*args) == pytest.approx(expected)


@pytest.mark.parametrize("function", [f.emergency_order_ratio, f.dead_stock_ratio, f.sales_per_repair_order])
def test_ratios_with_a_zero_denominator_are_undefined(function):
    assert function(0, 0) is None


@pytest.mark.parametrize("function", [f.emergency_order_ratio, f.dead_stock_ratio])
def test_shares_refuse_a_part_larger_than_the_whole(function):
    with pytest.raises(ValueError, match="cannot exceed"):
        function(5, 4)


@pytest.mark.parametrize("function", [f.emergency_order_ratio, f.dead_stock_ratio, f.sales_per_repair_order])
def test_ratios_refuse_negative_input(function):
    with pytest.raises(ValueError, match="cannot be negative"):
        function(-1, 4)


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_emergency_order_ratio_is_a_share(a, b):
    emergency, total = min(a, b), max(a, b)
    result = f.emergency_order_ratio(emergency, total)
    assert result is None if total == 0 else 0 <= result <= 1


@given(st.integers(0, 10**6), st.integers(1, 10**4))
def test_sales_per_repair_order_times_orders_gives_the_sales_back(sales, orders):
    assert f.sales_per_repair_order(sales, orders) * orders == pytest.approx(sales)
