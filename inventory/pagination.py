"""Pagination for tables of hundreds of thousands of rows.

A plain ``OFFSET`` over a query that joins the part and warehouse makes
PostgreSQL build every skipped row, joins included: page 5,000 of the stock
level list took seconds. Here a page is fetched in two steps: the ids of the
page from the ordered base table alone (an index-only scan on
``(warehouse_id, part_id) INCLUDE (id)``), then those rows with their joins.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Counting half a million rows on every page view buys nothing: above this many rows the
# count is remembered for COUNT_TTL seconds (rows appear here only on a part's first receipt).
EXACT_COUNT_BELOW = 10_000
COUNT_TTL = 60


class IdPagePaginator(Paginator):
    """A Django paginator that slices ids first, then loads only the page's rows."""

    # Only ever given querysets (list views and API list endpoints): both steps need .values_list / .query.
    object_list: QuerySet[Any]

    @cached_property
    def count(self) -> int:
        query = self.object_list.query
        sql, params = query.sql_with_params()
        key = "pagecount:" + hashlib.sha256(f"{sql}|{params}".encode()).hexdigest()
        remembered = cache.get(key)
        if remembered is not None:
            return remembered
        total = self.object_list.count()
        if total >= EXACT_COUNT_BELOW:
            cache.set(key, total, COUNT_TTL)
        return total

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
        # django-stubs leave out Paginator._get_page, Django's documented hook for building the page.
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)  # type: ignore[attr-defined]
