from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exchange import pricing


@pytest.mark.parametrize(
    ("rule", "value", "cost", "price"),
    [
        ("percent_of_cost", "60", "12.3456", "7.41"),
        ("percent_of_cost", "100", "10", "10.00"),
        ("percent_of_cost", "0", "10", "0.00"),
        ("fixed", "4.995", "999", "5.00"),
    ],
)
def test_offer_price(rule, value, cost, price):
    assert pricing.offer_price(rule=rule, value=Decimal(value), unit_cost=Decimal(cost)) == Decimal(price)


@pytest.mark.parametrize(("rule", "value"), [("auction", "1"), ("fixed", "-1"), ("percent_of_cost", "-5")])
def test_a_rule_that_gives_no_price_is_refused(rule, value):
    with pytest.raises(pricing.PriceRuleError):
        pricing.offer_price(rule=rule, value=Decimal(value), unit_cost=Decimal(1))


@given(
    st.decimals(min_value=0, max_value=10_000, places=4),
    st.decimals(min_value=0, max_value=200, places=2),
)
def test_a_percentage_price_is_never_above_cost_times_the_share_by_more_than_half_a_cent(cost, percent):
    price = pricing.offer_price(rule="percent_of_cost", value=percent, unit_cost=cost)
    assert abs(price - cost * percent / 100) <= Decimal("0.005")
    assert price >= 0
