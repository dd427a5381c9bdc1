"""Safety stock, reorder point, EOQ and rounding against worked examples."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planning import policy

ONE_MONTH = 365 / 12


def test_eoq_worked_example():
    # 100 a month → D = 1200 a year; S = 50; H = 25 % of 24 = 6 → √(2·1200·50/6) = √20000
    assert policy.eoq(100, 24, 50, 0.25)[0] == pytest.approx(141.421, abs=1e-3)


def test_eoq_without_unit_cost_is_one_month_of_demand():
    assert policy.eoq(40, 0, 50, 0.25)[0] == pytest.approx(40.0)


@pytest.mark.parametrize(
    ("quantity", "pack", "moq", "expected"),
    [
        (141.42, 25, 50, 150),
        (7, 5, 12, 15),
        (10, 5, 1, 10),
        (3, 1, 4, 4),
        (0, 5, 10, 0),
        (2.5, 0.5, 1, 2.5),
    ],
)
def test_rounding_to_pack_and_moq(quantity, pack, moq, expected):
    assert policy.round_to_pack_scalar(quantity, pack, moq) == pytest.approx(expected)


def test_normal_safety_stock_for_a_fast_mover():
    # λ = 100 over one month > 10 → normal: z(95 %) = 1.6449 × σ 30 × √1
    ss = policy.safety_stock(100, 30, ONE_MONTH, 0.95)[0]
    assert ss == pytest.approx(1.644854 * 30, abs=1e-4)
    assert policy.reorder_point(100, ONE_MONTH, ss)[0] == pytest.approx(100 + 49.3456, abs=1e-3)


def test_poisson_safety_stock_for_a_slow_mover():
    # 2 a month over 1.5 months: λ = 3; P(X ≤ 5) = .9161, P(X ≤ 6) = .9665 → k = 6, SS = 3
    ss = policy.safety_stock(2, 1.4, ONE_MONTH * 1.5, 0.95)[0]
    assert ss == pytest.approx(3.0)
    assert policy.poisson_quantile(3.0, 0.95) == 6
    assert policy.reorder_point(2, ONE_MONTH * 1.5, ss)[0] == pytest.approx(6.0)


def test_lower_service_level_needs_less_safety_stock():
    # Poisson(3) at 90 %: P(X ≤ 5) = .9161 → k = 5, SS = 2
    assert policy.safety_stock(2, 1.4, ONE_MONTH * 1.5, 0.90)[0] == pytest.approx(2.0)


def test_service_level_must_be_a_share():
    with pytest.raises(ValueError, match="service level"):
        policy.safety_stock(1, 1, 10, 95)


def test_stocking_parameters_worked_example():
    params = policy.stocking_parameters(
        rate=100,
        std=30,
        lead_time_days=ONE_MONTH,
        service_level=0.95,
        unit_cost=24,
        ordering_cost=50,
        holding_rate=0.25,
        pack_size=25,
        min_order_qty=50,
    )
    assert params.min_qty[0] == 150  # ROP 149.35 rounded up
    assert params.eoq[0] == 150
    assert params.max_qty[0] == 300


def test_critical_part_keeps_a_buffer_without_demand_and_on_demand_keeps_nothing():
    params = policy.stocking_parameters(
        rate=[0, 0, 100],
        std=[0, 0, 30],
        lead_time_days=ONE_MONTH,
        service_level=0.95,
        unit_cost=24,
        ordering_cost=50,
        holding_rate=0.25,
        critical=[True, False, False],
        critical_buffer=2,
        order_on_demand=[False, False, True],
    )
    assert list(params.safety_stock) == [2, 0, 0]
    assert list(params.min_qty) == [2, 0, 0]
    assert list(params.max_qty) == [2, 0, 0]


@given(
    st.floats(min_value=0, max_value=1000),
    st.integers(min_value=1, max_value=50),
    st.integers(min_value=1, max_value=100),
)
def test_rounded_quantity_is_whole_packs_at_least_moq_and_at_least_asked(quantity, pack, moq):
    rounded = policy.round_to_pack_scalar(quantity, pack, moq)
    if quantity <= 1e-9:
        assert rounded == 0
    else:
        assert rounded >= max(quantity, moq) - 1e-6
        assert rounded / pack == pytest.approx(round(rounded / pack))
        assert rounded - pack < max(quantity, moq) + 1e-6
