"""Every GET screen, for every role, with generated query strings: never a 5xx.

A filter that is not an exact number, an unknown id, a value of a thousand characters, a NUL byte,
a date that does not exist: each is a clear refusal or an empty list inside the layout.
"""

from __future__ import annotations

import itertools

import pytest

from core.roles import Role

from .factories import PartFactory, UserFactory, WarehouseFactory
from .test_access_matrix import PUBLIC, _routes

# Names the list screens filter, sort and page by.
PARAMETERS = [
    "q", "search", "number", "part", "warehouse", "supplier", "state", "status", "kind", "class", "cls",
    "month", "from", "to", "date", "day", "page", "sort", "per_page", "below_min", "scope", "basis",
    "kpi", "pattern", "method", "error", "user", "area", "order", "format", "run", "next", "cursor",
]  # fmt: skip
HOSTILE_VALUES = [
    "",
    "N030 137",
    "x" * 2000,
    "99999999999999999999999999",
    "-1",
    "1.5",
    "abc",
    "2026-13-45",
    "0000-00",
    "A\x00B",
    "'; select 1; --",
    "[]",
    "🙂",
    "零件",
]
ROLES = [Role.MANAGER, Role.CLERK, Role.PLANNER, Role.PURCHASER, Role.WORKSHOP, Role.SUPPLIER]
SCREENS = [
    url for name, url in _routes() if not url.startswith("/api/") and name not in PUBLIC and "logout" not in name
]


def _queries():
    """One query with every parameter set to each hostile value, then each parameter alone in turn."""
    for value in HOSTILE_VALUES:
        yield {name: value for name in PARAMETERS}
    values = itertools.cycle(HOSTILE_VALUES[1:])
    for name in PARAMETERS:
        yield {name: next(values)}


@pytest.fixture
def crawl_data(db):
    warehouse = WarehouseFactory()
    PartFactory.create_batch(2)
    return warehouse


@pytest.mark.parametrize("role", ROLES)
def test_no_screen_answers_5xx_to_any_query_string(client, crawl_data, role):
    user = UserFactory(roles=[role])
    user.warehouse_memberships.create(warehouse=crawl_data)
    client.force_login(user)
    failures = []
    for url in SCREENS:
        for query in _queries():
            response = client.get(url, query)
            if response.status_code >= 500:
                failures.append((url, {k: v[:20] for k, v in query.items()}, response.status_code))
                break
    assert failures == []
