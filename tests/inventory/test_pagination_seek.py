"""Deep pages start at a remembered key instead of stepping over every row before them.

The anchors are checked against a plain OFFSET on every page of a small list
(with the thresholds lowered so that a few hundred rows take the deep-page
path), with and without a filter, and orderings that are not a unique key
keep using OFFSET.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import pagination
from core.pagination import IdPagePaginator
from inventory import selectors
from inventory.models import Part, StockLevel, Warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels(monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_COUNT_BELOW", 10)
    monkeypatch.setattr(pagination, "ANCHOR_EVERY", 7)
    cache.clear()
    warehouses = [Warehouse.objects.create(code=f"S{i}", name=f"Seek {i}") for i in range(3)]
    parts = Part.objects.bulk_create(
        [Part(number=f"SK-{i:04d}", number_normalized=f"SK{i:04d}", description=f"Seek {i}") for i in range(41)]
    )
    # not every pair has a level, and ids are not in key order, so the anchors must come from the key
    StockLevel.objects.bulk_create(
        [StockLevel(part=p, warehouse=w) for p in reversed(parts) for w in warehouses if (p.pk + w.pk) % 5]
    )
    yield warehouses
    cache.clear()


def _pages(queryset, per_page):
    paginator = IdPagePaginator(queryset, per_page)
    return [[row.pk for row in paginator.page(n)] for n in paginator.page_range]


def _offset_pages(queryset, per_page):
    ids = list(queryset.values_list("pk", flat=True))
    return [ids[i : i + per_page] for i in range(0, len(ids), per_page)]


@pytest.mark.parametrize("per_page", [3, 5, 7, 11])
def test_every_page_matches_offset(levels, per_page):
    queryset = selectors.stock_level_list()
    assert queryset.count() > 60
    assert _pages(queryset, per_page) == _offset_pages(queryset, per_page)


def test_filtered_list_has_its_own_anchors(levels):
    everything = selectors.stock_level_list()
    _pages(everything, 4)  # remember the unfiltered anchors first
    one_warehouse = selectors.stock_level_list(warehouse_id=levels[1].pk)
    assert _pages(one_warehouse, 4) == _offset_pages(one_warehouse, 4)


def test_deep_page_seeks_from_an_anchor(levels):
    queryset = selectors.stock_level_list()
    paginator = IdPagePaginator(queryset, 5)
    paginator.page(2)  # count remembered
    with CaptureQueriesContext(connection) as queries:
        deep = [row.pk for row in paginator.page(paginator.num_pages - 1)]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "row_number() OVER" in sql  # the anchors, read once
    assert ") >= (" in sql  # the page starts at one of them
    assert deep == _offset_pages(queryset, 5)[paginator.num_pages - 2]
    with CaptureQueriesContext(connection) as again:
        paginator.page(paginator.num_pages - 2)
    assert "row_number() OVER" not in " ".join(q["sql"] for q in again.captured_queries)


def test_ordering_that_is_not_a_unique_key_uses_offset(levels):
    queryset = selectors.stock_level_list().order_by("warehouse_id")  # not unique: no anchors
    assert pagination._unique_ordering(queryset) is None
    assert pagination._unique_ordering(selectors.stock_level_list().order_by("-on_hand", "id")) is None
    by_quantity = selectors.stock_level_list().order_by("on_hand", "id")
    assert pagination._unique_ordering(by_quantity) == (["on_hand", "id"], False)
    paginator = IdPagePaginator(queryset, 5)
    with CaptureQueriesContext(connection) as queries:
        paginator.page(paginator.num_pages)
    assert ") >= (" not in " ".join(q["sql"] for q in queries.captured_queries)


def test_last_page_and_beyond_the_last_anchor(levels):
    queryset = selectors.stock_level_list()
    total = queryset.count()
    paginator = IdPagePaginator(queryset, 1)
    assert [row.pk for row in paginator.page(total)] == list(queryset.values_list("pk", flat=True))[-1:]


def test_the_ledger_newest_first_seeks_backwards(levels, django_user_model):
    from datetime import timedelta

    from django.utils import timezone

    from inventory.models import StockMovement

    user = django_user_model.objects.create(username="seek-ledger")
    level = StockLevel.objects.select_related("part", "warehouse").first()
    start = timezone.now()
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                part=level.part,
                warehouse=level.warehouse,
                kind="receipt",
                quantity=1,
                unit_cost=1,
                value=1,
                user=user,
                # several movements share a moment: the id breaks the tie, as in the ledger's order
                posted_at=start - timedelta(minutes=i // 3),
            )
            for i in range(80)
        ]
    )
    movements = selectors.movement_list()
    assert pagination._unique_ordering(movements) == (["posted_at", "id"], True)
    assert _pages(movements, 6) == _offset_pages(movements, 6)
    paginator = IdPagePaginator(movements, 6)
    with CaptureQueriesContext(connection) as queries:
        paginator.page(paginator.num_pages)
    assert ") <= (" in " ".join(q["sql"] for q in queries.captured_queries)
