"""The purchase-unit arithmetic (pure): conversion both ways is exact, a receipt's value is exact, needs round up."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from suppliers.quantities import (
    check_order_quantity,
    fits_stock_places,
    in_purchase_units,
    purchase_quantity_for_need,
    receipt_value,
    stock_unit_cost,
    to_stock_units,
)

D = Decimal

factors = st.decimals(min_value=D("0.001"), max_value=D(5000), places=3)
whole_factors = st.integers(min_value=1, max_value=5000).map(D)
prices = st.decimals(min_value=D(0), max_value=D(1_000_000), places=4)
whole_quantities = st.integers(min_value=1, max_value=100_000).map(D)
needs = st.decimals(min_value=D("0.001"), max_value=D(100_000), places=3)


@given(quantity=whole_quantities, factor=factors)
def test_whole_purchase_units_convert_to_stock_units_and_back_exactly(quantity, factor):
    stock = to_stock_units(quantity, factor)
    assert fits_stock_places(stock)
    assert stock == quantity * factor
    assert in_purchase_units(stock, factor) == quantity


@given(quantity=whole_quantities, factor=factors, price=prices)
def test_the_receipt_value_is_purchase_quantity_times_price_exactly(quantity, factor, price):
    value = receipt_value(quantity, price)
    # no rounding happened: whole purchase units at a 4-place price
    assert value == quantity * price
    # the cost per stock unit is within half a ten-thousandth of price ÷ factor, never multiplied back into the value
    cost = stock_unit_cost(price, factor)
    assert abs(cost - price / factor) <= D("0.00005")
    assert abs(cost * to_stock_units(quantity, factor) - value) <= D("0.00005") * to_stock_units(quantity, factor)


@given(
    need=needs,
    factor=whole_factors,
    moq=st.integers(min_value=1, max_value=20).map(D),
    pack=st.integers(min_value=1, max_value=5).map(D),
)
def test_a_need_orders_the_fewest_whole_purchase_units_that_cover_it(need, factor, moq, pack):
    ordered = purchase_quantity_for_need(need, factor=factor, min_order_qty=moq, pack_size=pack, whole=True)

    # whole purchase units, whole packs, at least the minimum, and enough stock units
    assert ordered == ordered.to_integral_value()
    assert ordered % pack == 0
    assert ordered >= moq
    assert ordered * factor >= need
    # and one pack fewer would break one of those rules
    fewer = ordered - pack
    assert fewer < moq or fewer * factor < need
    # an order line of that quantity passes the same rule without a note
    assert check_order_quantity(ordered, min_order_qty=moq, pack_size=pack, whole=True).problems == ()


def test_thirteen_pieces_from_a_box_of_ten_orders_two_boxes():
    assert purchase_quantity_for_need(D(13), factor=D(10), min_order_qty=D(1), pack_size=D(1), whole=True) == D(2)


def test_a_whole_unit_is_rounded_up_or_warned_about():
    assert check_order_quantity(D("1.5"), min_order_qty=None, pack_size=None, whole=True, rule="round").quantity == 2
    warned = check_order_quantity(D("1.5"), min_order_qty=None, pack_size=None, whole=True)
    assert (warned.quantity, warned.problems, warned.rounded) == (D("1.5"), (("whole", None),), False)
