"""Pagination for tables of hundreds of thousands of rows.

A plain ``OFFSET`` over a query that joins the part and warehouse makes
PostgreSQL build every skipped row, joins included, so a deep page of the
stock level list costs as much as every page before it. Here a page is
fetched in two steps: the ids of the page from the ordered base table alone
(an index-only scan on ``(warehouse_id, part_id) INCLUDE (id)``), then those
rows with their joins.

Deep pages would still step over every row before them in the index. When
the list is ordered by a unique key of its table (the stock list's part and
warehouse), the paginator also remembers the key of every
``ANCHOR_EVERY``-th row (one index scan, kept as long as the count) and
starts a deep page at the nearest remembered key: ``WHERE (key) >= (anchor)``
(``<=`` for a descending order such as the ledger's newest first),
then skips at most ``ANCHOR_EVERY`` rows. Like the remembered count, the
anchors may be up to ``COUNT_TTL`` seconds old; a row added meanwhile shifts
later pages by that row, as a plain ``OFFSET`` would between two page views.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, QuerySet, UniqueConstraint
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from core.fastpath.rows import quote

# Counting half a million rows on every page view buys nothing: above this many rows the
# count is remembered for COUNT_TTL seconds (rows appear here only on a part's first receipt).
EXACT_COUNT_BELOW = 10_000
COUNT_TTL = 60
# Deep pages: a remembered key every this many rows; pages before the first anchor use OFFSET.
ANCHOR_EVERY = 1_000


class IdPagePaginator(Paginator):
    """A Django paginator that slices ids first, then loads only the page's rows."""

    # Only ever given querysets (list views and API list endpoints): both steps need .values_list / .query.
    object_list: QuerySet[Any]

    def _cache_key(self, prefix: str) -> str:
        sql, params = self.object_list.query.sql_with_params()
        return prefix + hashlib.sha256(f"{sql}|{params}".encode()).hexdigest()

    @cached_property
    def count(self) -> int:
        try:
            key = self._cache_key("pagecount:")
        except EmptyResultSet:  # ``.none()`` (a filter that can match nothing) has no SQL to key on
            return 0
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
        if top <= bottom:
            return self._get_page([], number, self)  # type: ignore[attr-defined]
        queryset = self.object_list
        ids = self._page_ids(bottom, top)
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
        # django-stubs leave out Paginator._get_page, Django's documented hook for building the page.
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)  # type: ignore[attr-defined]

    def _page_ids(self, bottom: int, top: int) -> list:
        queryset = self.object_list
        ordering = _unique_ordering(queryset)
        anchors = []
        if ordering and bottom >= ANCHOR_EVERY and self.count >= EXACT_COUNT_BELOW:
            anchors = self._anchors(*ordering)
        if not anchors or not ordering:
            return list(queryset.values_list("pk", flat=True)[bottom:top])
        key_fields, descending = ordering
        index = min(bottom // ANCHOR_EVERY, len(anchors) - 1)
        skip = bottom - index * ANCHOR_EVERY
        meta = queryset.model._meta
        table = quote(meta.db_table)
        columns = ", ".join(f"{table}.{quote(meta.get_field(name).column)}" for name in key_fields)
        marks = ", ".join(["%s"] * len(key_fields))
        # A row comparison, so that PostgreSQL starts the index scan at the anchor.
        compare = "<=" if descending else ">="
        after = RawSQL(f"({columns}) {compare} ({marks})", list(anchors[index]), output_field=BooleanField())  # noqa: S611
        return list(queryset.filter(after).values_list("pk", flat=True)[skip : skip + (top - bottom)])

    def _anchors(self, key_fields: list[str], descending: bool) -> list[tuple]:
        """The ordering key of rows 0, ANCHOR_EVERY, 2 × ANCHOR_EVERY, … (remembered like the count)."""
        key = self._cache_key(f"pageanchors:{ANCHOR_EVERY}:{descending}:")
        anchors = cache.get(key)
        if anchors is None:
            sql, params = self.object_list.values_list(*key_fields).query.sql_with_params()
            names = ", ".join(f"k{i}" for i in range(len(key_fields)))
            order = ", ".join(f"k{i} DESC" if descending else f"k{i}" for i in range(len(key_fields)))
            # Identifiers are generated here; the inner query is the paginated queryset's own SQL.
            outer = (
                f"SELECT {names} FROM (SELECT {names}, row_number() OVER (ORDER BY {order}) - 1 AS n "  # noqa: S608
                f"FROM ({sql}) AS page_keys ({names})) AS numbered WHERE n %% {ANCHOR_EVERY} = 0 ORDER BY n"
            )
            with connection.cursor() as cursor:
                cursor.execute(outer, params)
                anchors = [tuple(row) for row in cursor.fetchall()]
            cache.set(key, anchors, COUNT_TTL)
        return anchors


def _unique_ordering(queryset: QuerySet[Any]) -> tuple[list[str], bool] | None:
    """(attnames, descending) of the queryset's ordering when it is local columns forming a unique key,
    all in one direction; else None."""
    raw = [name for name in queryset.query.order_by if isinstance(name, str)]
    if not raw or len(raw) != len(queryset.query.order_by):
        return None
    descending = raw[0].startswith("-")
    order = [name.removeprefix("-") for name in raw if name.startswith("-") == descending]
    if len(order) != len(raw) or not all(name.isidentifier() for name in order):
        return None
    meta = queryset.model._meta
    try:
        fields = [meta.get_field(name.removesuffix("_id")) for name in order]
    except FieldDoesNotExist:
        return None
    if any(not field.concrete or field.many_to_many for field in fields):
        return None
    names = {field.name for field in fields}
    unique_sets = [{meta.pk.name}] + [{f.name} for f in meta.concrete_fields if f.unique]
    unique_sets += [set(c.fields) for c in meta.constraints if isinstance(c, UniqueConstraint) and not c.condition]
    if not any(unique <= names for unique in unique_sets):
        return None
    return [field.attname for field in fields], descending
