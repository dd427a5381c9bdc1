"""The close's SQL statement of each classification rule equals ``inventory.classification``, input by input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counting import schedule
from inventory.classification import (
    VALUE_A_SHARE,
    VALUE_B_SHARE,
    Thresholds,
    abc_class,
    value_classes,
    xyz_class,
)
from kpis.services.close import ABC_CASE_SQL, CV_SQL, VALUE_CASE_SQL, XYZ_CASE_SQL

pytestmark = pytest.mark.usefixtures("postgres")

THRESHOLDS = [Thresholds(), Thresholds(a_min_hits=20, b_min_hits=6, new_part_months=6, x_max_cv=0.3, y_max_cv=1.2)]


def _params(thresholds: Thresholds) -> dict:
    return {
        "a": thresholds.a_min_hits,
        "b": thresholds.b_min_hits,
        "new_months": thresholds.new_part_months,
        "x": thresholds.x_max_cv,
        "y": thresholds.y_max_cv,
        "value_a": VALUE_A_SHARE,
        "value_b": VALUE_B_SHARE,
    }


@pytest.mark.parametrize("thresholds", THRESHOLDS)
def test_abc_sql_grades_every_input_like_the_pure_rule(thresholds):
    # every hit count to past A, every age (never stocked included) to past new, stock negative, none and held
    grid = [
        (hits, months, on_hand) for hits in range(0, 26) for months in [None, *range(1, 15)] for on_hand in (-1, 0, 2)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ABC_CASE_SQL.format(hits='g.hits', months='g.months', on_hand='g.on_hand')} "
            "FROM unnest(%(hits)s::int[], %(months)s::int[], %(on_hand)s::numeric[]) WITH ORDINALITY "
            "AS g (hits, months, on_hand, n) ORDER BY g.n",
            _params(thresholds)
            | {"hits": [g[0] for g in grid], "months": [g[1] for g in grid], "on_hand": [g[2] for g in grid]},
        )
        sql = [row[0] for row in cursor.fetchall()]
    pure = [
        abc_class(hits_12m=hits, months_since_first_stocked=months, holds_stock=on_hand > 0, thresholds=thresholds)
        for hits, months, on_hand in grid
    ]
    assert sql == pure


monthly = st.lists(st.integers(min_value=0, max_value=30), min_size=12, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(monthly, min_size=1, max_size=20), st.sampled_from(THRESHOLDS))
def test_xyz_sql_grades_monthly_demand_like_the_pure_rule(series, thresholds):
    q = [sum(months) for months in series]
    qq = [sum(value * value for value in months) for months in series]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {XYZ_CASE_SQL.format(cv=CV_SQL.format(q='g.q', qq='g.qq', months='12'))} "
            "FROM unnest(%(q)s::numeric[], %(qq)s::numeric[]) WITH ORDINALITY AS g (q, qq, n) ORDER BY g.n",
            _params(thresholds) | {"q": q, "qq": qq},
        )
        sql = [row[0] for row in cursor.fetchall()]
    assert sql == [xyz_class(months, thresholds) or "" for months in series]


costs = st.dictionaries(
    st.integers(min_value=1, max_value=60),
    st.decimals(min_value=-5, max_value=500, places=4, allow_nan=False, allow_infinity=False),
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(costs)
def test_value_sql_ranks_parts_like_the_pure_pareto(by_part):
    parts = sorted(by_part)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT part_id, {VALUE_CASE_SQL.format(before="before", total="total")}
            FROM (
                SELECT part_id, sum(GREATEST(cost, 0)) OVER () AS total,
                       COALESCE(sum(GREATEST(cost, 0)) OVER (
                           ORDER BY GREATEST(cost, 0) DESC, part_id
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
                FROM unnest(%(parts)s::bigint[], %(costs)s::numeric[]) AS g (part_id, cost)
            ) ranked
            """,
            _params(THRESHOLDS[0]) | {"parts": parts, "costs": [by_part[p] for p in parts]},
        )
        sql = dict(cursor.fetchall())
    assert sql == value_classes(by_part)


def test_value_classes_by_hand():
    # 100 of value: 50 (A, nothing before it), 30 (A, 50 before), 15 (B, 80 before), 5 (C, 95 before)
    assert value_classes({1: Decimal(5), 2: Decimal(50), 3: Decimal(15), 4: Decimal(30)}) == {
        2: "A",
        4: "A",
        3: "B",
        1: "C",
    }
    assert value_classes({1: Decimal(0), 2: Decimal(-3)}) == {1: "C", 2: "C"}


@pytest.mark.parametrize(("hits", "expected"), [(0, "C"), (3, "C"), (4, "B"), (11, "B"), (12, "A"), (40, "A")])
def test_counting_grades_by_hits_with_the_month_end_rule(hits, expected):
    assert schedule.classify(hits, hits_for_a=12, hits_for_b=4) == expected


@pytest.mark.parametrize(
    ("month_end", "counted_as"),
    [("A", "A"), ("NA", "A"), ("B", "B"), ("NB", "B"), ("C", "C"), ("C0", "C"), ("NC", "C")],
)
def test_counting_counts_month_end_classes_by_their_grade(month_end, counted_as):
    assert schedule.count_class(month_end) == counted_as
