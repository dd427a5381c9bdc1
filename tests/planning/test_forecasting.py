"""Forecast methods against hand-computed series, pattern classification, error measures."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning import forecasting as fc

# One intermittent series worked by hand with α = 0.5 (see each test for the steps).
Y = [0, 2, 0, 0, 4, 0]


def test_moving_average_of_the_last_three_months():
    # (0 + 4 + 0) / 3
    assert fc.moving_average(Y, window=3)[0] == pytest.approx(4 / 3)


def test_moving_average_with_fewer_months_than_the_window_uses_all():
    assert fc.moving_average([3, 5], window=6)[0] == pytest.approx(4.0)


def test_ses_by_hand():
    # level 0 → 1 → 0.5 → 0.25 → 2.125 → 1.0625
    assert fc.ses(Y, alpha=0.5)[0] == pytest.approx(1.0625)


def test_croston_by_hand():
    # first demand 2 after 2 months: size 2, interval 2;
    # demand 4 after 3 months: size 2 + .5(4 − 2) = 3, interval 2 + .5(3 − 2) = 2.5; forecast 3 / 2.5
    assert fc.croston(Y, alpha=0.5)[0] == pytest.approx(1.2)


def test_sba_is_croston_times_one_minus_half_alpha():
    assert fc.sba(Y, alpha=0.5)[0] == pytest.approx(1.2 * 0.75)


def test_tsb_by_hand():
    # start p = 2/6, size = 3; p: 1/6, 7/12, 7/24, 7/48, 55/96, 55/192; size: 2.5 (t1), 3.25 (t4)
    assert fc.tsb(Y, alpha=0.5, beta=0.5)[0] == pytest.approx(55 / 192 * 3.25)


def test_methods_give_zero_for_a_series_without_demand():
    for method in fc.METHODS:
        assert fc.forecast([[0, 0, 0, 0]], method)[0] == 0.0


def test_methods_work_on_many_series_at_once_like_one_by_one():
    rng = np.random.default_rng(7)
    many = rng.poisson(0.6, size=(50, 24)).astype(float)
    for method in fc.METHODS:
        together = fc.forecast(many, method)
        alone = np.array([fc.forecast(row, method)[0] for row in many])
        np.testing.assert_allclose(together, alone)


def test_negative_demand_is_refused():
    with pytest.raises(ValueError, match="negative"):
        fc.ses([1, -1, 2])


@pytest.mark.parametrize(
    ("series", "pattern"),
    [
        ([5, 5, 6, 4, 5, 5], fc.SMOOTH),
        ([1, 10, 1, 10, 1, 10], fc.ERRATIC),
        (Y, fc.INTERMITTENT),
        ([0, 0, 1, 0, 0, 10], fc.LUMPY),
        ([0, 0, 0, 0, 0, 0], fc.NO_DEMAND),
    ],
)
def test_pattern_classification(series, pattern):
    assert fc.classify(series).pattern[0] == pattern


def test_adi_and_cv2_by_hand():
    stats = fc.classify(Y)
    # 6 months / 2 demand months; sizes 2 and 4: mean 3, variance 1
    assert stats.adi[0] == pytest.approx(3.0)
    assert stats.cv2[0] == pytest.approx(1 / 9)


def test_adi_exactly_at_the_cutoff_is_intermittent():
    # 33 months with 25 demand months of 1: ADI 1.32, CV² 0
    series = [1] * 25 + [0] * 8
    stats = fc.classify(series)
    assert stats.adi[0] == pytest.approx(1.32)
    assert stats.pattern[0] == fc.INTERMITTENT


def test_mape_skips_months_without_demand_and_bias_is_forecast_minus_actual():
    actual = [[0, 2, 4]]
    assert fc.mape(actual, [1.0])[0] == pytest.approx((0.5 + 0.75) / 2)
    assert fc.bias(actual, [1.0])[0] == pytest.approx((1 + -1 + -3) / 3)
    assert np.isnan(fc.mape([[0, 0]], [1.0])[0])


def test_choice_by_pattern_uses_the_pattern_method():
    result = fc.forecast_all([Y * 4, [5] * 24, [0] * 24], choice=fc.BY_PATTERN)
    assert list(result.method) == [fc.CROSTON, fc.SES, fc.ZERO]
    assert list(result.pattern) == [fc.INTERMITTENT, fc.SMOOTH, fc.NO_DEMAND]
    assert result.rate[1] == pytest.approx(5.0)
    assert result.rate[2] == 0.0


def test_choice_by_holdout_picks_the_least_error():
    # a level shift 6 months from the end: the 6-month moving average sees only the old level,
    # SES is still catching up; on the holdout (all 10) the method closest to 10 wins.
    series = [0] * 12 + [10] * 12
    result = fc.forecast_all([series], choice=fc.BY_HOLDOUT, holdout=6)
    train = np.array([[0] * 12 + [10] * 6], dtype=float)
    errors = {m: abs(10 - fc.forecast(train, m)[0]) for m in fc.METHODS}
    best = min(fc.METHODS, key=lambda m: (errors[m], fc.METHODS.index(m)))
    assert result.method[0] == best
    assert result.mae[0] == pytest.approx(errors[best])
    assert result.bias[0] == pytest.approx(-errors[best])


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=2, max_size=36))
def test_every_forecast_lies_between_zero_and_the_largest_demand(series):
    for method in fc.METHODS:
        value = fc.forecast(series, method)[0]
        assert 0 <= value <= max(series) + 1e-9


def test_nan_months_are_refused():
    with pytest.raises(ValueError, match="finite"):
        fc.ses([1.0, float("nan"), 2.0])
    with pytest.raises(ValueError, match="finite"):
        fc.classify([[1.0, float("inf")]])


def test_an_old_single_demand_does_not_drive_the_default_forecast():
    # one demand of 4 in month 1 of 24: the 24-month mean is 0.17; Croston alone says 4.0 a month
    series = [4.0] + [0.0] * 23
    assert fc.croston(series)[0] == pytest.approx(4.0)

    result = fc.forecast_all([series])

    assert result.method[0] == fc.TSB
    assert result.rate[0] == pytest.approx(fc.tsb(series)[0])
    assert result.rate[0] < 4 / 24


@pytest.mark.parametrize(
    ("series", "stale"),
    [
        ([4.0] + [0.0] * 23, True),  # last demand 23 months ago
        ([0.0] * 12 + [2.0] + [0.0] * 11, False),  # 11 months without demand, against an interval of 13
        ([1.0, 0.0] * 6 + [0.0] * 6, True),  # every other month, then 7 months without
        ([1.0, 0.0] * 12, False),  # every other month, up to the last but one
        ([0.0] * 24, False),  # no demand at all: the zero forecast, not TSB
    ],
)
def test_a_series_is_stale_when_its_last_demand_is_old_against_its_rhythm(series, stale):
    assert bool(fc.is_stale([series])[0]) is stale


def test_a_stale_series_is_forecast_with_tsb_whatever_its_pattern():
    smooth_then_silent = [5.0] * 10 + [0.0] * 14
    result = fc.forecast_all([smooth_then_silent, [3.0] * 24])
    assert list(result.method) == [fc.TSB, fc.SES]
    assert result.rate[0] == pytest.approx(fc.tsb(smooth_then_silent)[0])
    assert result.rate[0] < fc.ses(smooth_then_silent)[0] < 50 / 24


@given(st.lists(st.integers(min_value=0, max_value=20), min_size=13, max_size=36))
def test_the_default_forecast_of_a_stale_series_is_below_its_mean_size(months):
    series = [float(value) for value in months]
    result = fc.forecast_all([series])
    if fc.is_stale([series])[0]:
        demand_months = [value for value in series if value > 0]
        assert result.rate[0] <= sum(demand_months) / len(demand_months)
