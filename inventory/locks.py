"""Row locks for stock posting, taken in one place and one order.

Every posting locks the stock levels it changes with ``SELECT … FOR UPDATE``
ordered by primary key, so two postings touching the same levels always
queue instead of deadlocking. Missing levels are created first with an
``INSERT … ON CONFLICT DO NOTHING`` so that two first receipts of a part
cannot race to create the same row. The lock of a posting is a statement built
once per pair count, or on the ORM path (``core.fastpath.switch``) the
``select_for_update()`` queryset it stands for; ``lock_stock_levels_many``
(thousands of pairs, as two arrays) has no ORM form and takes its SQL either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from django.db import connection
from django.db.models import Q
from django.db.transaction import TransactionManagementError

from core.fastpath.rows import columns, instance, prepared_cursor, quote
from core.fastpath.switch import fast_path

from .models import StockLevel

__all__ = ["lock_stock_levels", "lock_stock_levels_many", "quote"]


def lock_stock_levels(*, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    """Lock (creating when missing) the levels for (part_id, warehouse_id) pairs.

    Must run inside ``transaction.atomic``. Returns them keyed by the pair.
    """
    wanted = sorted(set(pairs))
    if not wanted:
        return {}
    levels = _select_locked(wanted)
    missing = [pair for pair in wanted if pair not in levels]
    if missing:
        StockLevel.objects.bulk_create(
            [StockLevel(part_id=p, warehouse_id=w) for p, w in missing], ignore_conflicts=True
        )
        levels = _select_locked(wanted)
    return levels


def lock_stock_levels_many(
    pairs: Sequence[tuple[int, int]], *, create: Sequence[tuple[int, int]] | None = None
) -> tuple[dict[tuple[int, int], StockLevel], set[tuple[int, int]]]:
    """Lock the levels of many (part_id, warehouse_id) pairs, creating the missing ones of ``create``
    (default: all of them); return the locked levels and the pairs whose level was created.

    ``lock_stock_levels`` builds an OR of one condition per pair, which is right
    for the few levels of a posting; for thousands the pairs go in as two arrays.
    The order is the same: primary key.
    """
    wanted = sorted(set(pairs))
    missing_ok = sorted(set(wanted if create is None else create))
    if not wanted:
        return {}, set()
    meta = StockLevel._meta
    table = quote(meta.db_table)
    part, warehouse = quote(meta.get_field("part").column), quote(meta.get_field("warehouse").column)
    others = [f for f in meta.concrete_fields if not f.primary_key and f.name not in ("part", "warehouse")]
    created: set[tuple[int, int]] = set()
    with connection.cursor() as cursor:
        if missing_ok:
            # Only the missing pairs: an insert that conflicts would still use up an id of the sequence.
            cursor.execute(
                f"INSERT INTO {table} ({part}, {warehouse}, {', '.join(quote(f.column) for f in others)}) "  # noqa: S608
                f"SELECT t.p, t.w, {', '.join(['%s'] * len(others))} "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS t(p, w) "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} l WHERE l.{part} = t.p AND l.{warehouse} = t.w) "
                f"ON CONFLICT ({part}, {warehouse}) DO NOTHING RETURNING {part}, {warehouse}",
                [f.get_default() for f in others] + [[p for p, _ in missing_ok], [w for _, w in missing_ok]],
            )
            created = {(row[0], row[1]) for row in cursor.fetchall()}
        select, _attnames, _converters = columns(StockLevel, alias="l")
        cursor.execute(
            f"SELECT {select} FROM {table} l "  # noqa: S608
            f"JOIN unnest(%s::bigint[], %s::bigint[]) AS t(p, w) ON l.{part} = t.p AND l.{warehouse} = t.w "
            f"ORDER BY l.{quote(meta.pk.column)} FOR UPDATE OF l",
            [[p for p, _ in wanted], [w for _, w in wanted]],
        )
        levels = {}
        for row in cursor.fetchall():
            level = instance(StockLevel, row)
            levels[(level.part_id, level.warehouse_id)] = level
    return levels, created


def _select_locked(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    if connection.get_autocommit():
        raise TransactionManagementError("Stock levels are locked inside transaction.atomic only.")
    if not fast_path():
        return _select_locked_orm(pairs)
    with prepared_cursor() as cursor:
        cursor.execute(_select_sql(len(pairs)), [ident for pair in pairs for ident in pair])
        rows = cursor.fetchall()
    levels = {}
    for row in rows:
        level = instance(StockLevel, row)
        levels[(level.part_id, level.warehouse_id)] = level
    return levels


def _select_locked_orm(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    """``_select_locked`` as the queryset it stands for (the ORM path, ``core.fastpath.switch``)."""
    wanted = Q()
    for part_id, warehouse_id in pairs:
        wanted |= Q(part_id=part_id, warehouse_id=warehouse_id)
    locked = StockLevel.objects.select_for_update().filter(wanted).order_by("pk")
    return {(level.part_id, level.warehouse_id): level for level in locked}


@lru_cache(maxsize=64)
def _select_sql(count: int) -> str:
    """``SELECT … FOR UPDATE`` of ``count`` (part, warehouse) pairs in id order.

    Built once per pair count from the model's own columns (fields added later
    are included) and reused: compiling a queryset on every posting cost more
    CPU than the rest of the posting together (see bench/posting.py).
    """
    meta = StockLevel._meta
    part = quote(meta.get_field("part").column)
    warehouse = quote(meta.get_field("warehouse").column)
    where = " OR ".join([f"({part} = %s AND {warehouse} = %s)"] * count)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    select, _attnames, _converters = columns(StockLevel)
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    # Identifiers come from the model's metadata; the ids are parameters.
    return f"SELECT {select} FROM {table} WHERE {where} ORDER BY {pk}{lock}"  # noqa: S608
