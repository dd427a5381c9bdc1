"""Row locks for stock posting, taken in one place and one order.

Every posting locks the stock levels it changes with ``SELECT … FOR UPDATE``
ordered by primary key, so two postings touching the same levels always
queue instead of deadlocking. Missing levels are created first with an
``INSERT … ON CONFLICT DO NOTHING`` so that two first receipts of a part
cannot race to create the same row.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import StockLevel


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


def _select_locked(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], StockLevel]:
    if len(pairs) == 1:
        part_id, warehouse_id = pairs[0]
        query = StockLevel.objects.filter(part_id=part_id, warehouse_id=warehouse_id)
    else:
        part_ids = {p for p, _ in pairs}
        warehouse_ids = {w for _, w in pairs}
        query = StockLevel.objects.filter(part_id__in=part_ids, warehouse_id__in=warehouse_ids)
    rows = query.select_for_update().order_by("pk")
    wanted = set(pairs)
    return {
        (level.part_id, level.warehouse_id): level for level in rows if (level.part_id, level.warehouse_id) in wanted
    }
