"""Classification rules of DOMAIN.md: A/B/C/C0, new parts NA/NB/NC, XYZ."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.classification import (
    Thresholds,
    abc_class,
    coefficient_of_variation,
    months_stocked,
    scaled_hits,
    xyz_class,
)


@pytest.mark.parametrize(
    ("hits", "expected"),
    [(40, "A"), (12, "A"), (11, "B"), (4, "B"), (3, "C"), (1, "C")],
)
def test_established_parts_are_graded_by_hits(hits, expected):
    assert abc_class(hits_12m=hits, months_since_first_stocked=30, holds_stock=True) == expected


def test_established_part_without_hits_holding_stock_is_dead():
    assert abc_class(hits_12m=0, months_since_first_stocked=13, holds_stock=True) == "C0"


def test_established_part_without_hits_or_stock_has_no_class():
    assert abc_class(hits_12m=0, months_since_first_stocked=20, holds_stock=False) is None


def test_part_never_stocked_is_graded_as_established():
    assert abc_class(hits_12m=5, months_since_first_stocked=None, holds_stock=False) == "B"


@pytest.mark.parametrize(
    ("hits", "months", "expected"),
    [
        (3, 3, "NA"),  # 3 × 12 / 3 = 12
        (2, 3, "NB"),  # 8
        (1, 3, "NB"),  # 4
        (1, 4, "NC"),  # 3
        (0, 1, "NC"),  # a new part without hits is NC
        (1, 1, "NA"),  # 12: the first month counts as a whole month
        (11, 11, "NA"),
        (3, 11, "NC"),  # 3.27
    ],
)
def test_new_parts_are_graded_on_hits_scaled_to_a_year(hits, months, expected):
    assert abc_class(hits_12m=hits, months_since_first_stocked=months, holds_stock=False) == expected


def test_a_part_stocked_twelve_months_is_no_longer_new():
    assert abc_class(hits_12m=3, months_since_first_stocked=12, holds_stock=True) == "C"


def test_thresholds_are_editable():
    strict = Thresholds(a_min_hits=20, b_min_hits=6, new_part_months=6)
    assert abc_class(hits_12m=15, months_since_first_stocked=30, holds_stock=True, thresholds=strict) == "B"
    assert abc_class(hits_12m=5, months_since_first_stocked=30, holds_stock=True, thresholds=strict) == "C"
    assert abc_class(hits_12m=3, months_since_first_stocked=7, holds_stock=True, thresholds=strict) == "C"


@pytest.mark.parametrize(
    "kwargs", [{"a_min_hits": 4, "b_min_hits": 4}, {"b_min_hits": 0}, {"new_part_months": 0}, {"x_max_cv": 2}]
)
def test_inconsistent_thresholds_are_refused(kwargs):
    with pytest.raises(ValueError, match=r"need|at least"):
        Thresholds(**kwargs)


def test_negative_hits_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        abc_class(hits_12m=-1, months_since_first_stocked=None, holds_stock=True)


def test_months_stocked_counts_both_ends():
    assert months_stocked((2025, 11), (2026, 2)) == 4
    assert months_stocked((2026, 2), (2026, 2)) == 1
    assert months_stocked((2026, 5), (2026, 2)) == 1


def test_scaled_hits():
    assert scaled_hits(2, 3) == 8
    assert scaled_hits(2, 0) == 24


def test_coefficient_of_variation_counts_months_without_demand():
    # 12 months, demand 6 in one month only: mean 0.5, population sd sqrt(11 × 0.25 + 30.25)/sqrt(12)
    months = [6] + [0] * 11
    assert coefficient_of_variation(months) == pytest.approx(((0.25 * 11 + 5.5**2) / 12) ** 0.5 / 0.5)


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        ([5] * 12, "X"),  # cv 0
        ([4, 6] * 6, "X"),  # cv 0.2
        ([2, 0] * 6, "Y"),  # cv 1.0 (limit counts as Y)
        ([6] + [0] * 11, "Z"),
        ([0] * 12, None),
    ],
)
def test_xyz_class_by_coefficient_of_variation(months, expected):
    assert xyz_class(months) == expected


def test_xyz_refuses_negative_demand():
    with pytest.raises(ValueError, match="cannot be negative"):
        xyz_class([1, -1])


@given(st.integers(0, 500), st.one_of(st.none(), st.integers(1, 60)), st.booleans())
def test_every_part_with_hits_or_stock_gets_a_class(hits, months, holds_stock):
    result = abc_class(hits_12m=hits, months_since_first_stocked=months, holds_stock=holds_stock)
    assert (result is None) == (hits == 0 and not holds_stock and (months is None or months >= 12))


@given(st.integers(0, 500), st.integers(12, 60))
def test_more_hits_never_lower_an_established_class(hits, months):
    order = {"C0": 0, "C": 1, "B": 2, "A": 3}
    first = abc_class(hits_12m=hits, months_since_first_stocked=months, holds_stock=True)
    second = abc_class(hits_12m=hits + 1, months_since_first_stocked=months, holds_stock=True)
    assert order[second] >= order[first]


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=24), st.integers(1, 50))
def test_xyz_does_not_depend_on_the_scale_of_demand(months, factor):
    assert xyz_class(months) == xyz_class([value * factor for value in months])
