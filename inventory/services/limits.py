"""Set min / max on many stock levels at once (the nightly planning run writes 100,000 of them).

``stock_level_set_limits`` locks and saves one level per call, which is right
for a planner's single change but takes minutes for a whole network. This is
the same rule, set-based: missing levels are created, the levels are locked
in primary-key order (as every posting locks them), and one UPDATE writes
the new figures. Only min_qty and max_qty change.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import InvalidQuantity
from ..models import LimitChange, LimitSource, StockLevel

# (part_id, warehouse_id, min before, max before, min after, max after)
LimitChangeRow = tuple[int, int, Decimal, Decimal, Decimal, Decimal]


def limit_changes_record(*, changes: Sequence[LimitChangeRow], user=None, source: str) -> int:
    """Keep the changes of min / max for the audit trail (rows whose figures did not change are left out).

    Called inside the transaction that writes the new figures, by every service that sets them.
    """
    now = timezone.now()
    rows = [
        LimitChange(
            part_id=part_id,
            warehouse_id=warehouse_id,
            min_before=min_before,
            max_before=max_before,
            min_after=min_after,
            max_after=max_after,
            source=source,
            changed_by=user,
            changed_at=now,
        )
        for part_id, warehouse_id, min_before, max_before, min_after, max_after in changes
        if (min_before, max_before) != (min_after, max_after)
    ]
    LimitChange.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


@transaction.atomic
def stock_level_set_limits_bulk(
    *, limits: Sequence[tuple[int, int, Decimal, Decimal]], user=None, source: str = LimitSource.PLANNING_RUN
) -> int:
    """``limits`` are (part_id, warehouse_id, min_qty, max_qty); max 0 means no maximum. Returns rows written.

    The statement that writes the figures also keeps each change as a ``LimitChange`` (audit trail).
    """
    if not limits:
        return 0
    for part_id, _warehouse_id, min_qty, max_qty in limits:
        if min_qty < 0 or max_qty < 0:
            raise InvalidQuantity(
                _("Minimum and maximum cannot be negative (part %(part_id)s).") % {"part_id": part_id}, field="min_qty"
            )
        if max_qty and max_qty < min_qty:
            raise InvalidQuantity(
                _("The maximum must be at least the minimum (part %(part_id)s).") % {"part_id": part_id},
                field="max_qty",
            )
    table = StockLevel._meta.db_table
    parts = [p for p, _, _, _ in limits]
    warehouses = [w for _, w, _, _ in limits]
    # Missing levels first, set-based (an ORM bulk_create of 60,000 objects alone takes seconds):
    # every other column gets its model default.
    others = [f for f in StockLevel._meta.concrete_fields if not f.primary_key and f.name not in ("part", "warehouse")]
    columns = [f.column for f in others if f.column is not None]  # every concrete field has its column
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (part_id, warehouse_id, {', '.join(columns)}) "  # noqa: S608
            f"SELECT p, w, {', '.join(['%s'] * len(others))} FROM unnest(%s::bigint[], %s::bigint[]) AS t(p, w) "
            "ON CONFLICT (part_id, warehouse_id) DO NOTHING",
            [f.get_default() for f in others] + [parts, warehouses],
        )
        cursor.execute(
            f"""
            WITH wanted AS (
                SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[], %s::numeric[]) AS t(p, w, mn, mx)
            ), locked AS (
                SELECT l.id, l.part_id, l.warehouse_id, l.min_qty AS old_mn, l.max_qty AS old_mx, wanted.mn, wanted.mx
                FROM {table} l
                JOIN wanted ON l.part_id = wanted.p AND l.warehouse_id = wanted.w
                ORDER BY l.id FOR UPDATE OF l
            ), logged AS (
                INSERT INTO {LimitChange._meta.db_table}
                    (part_id, warehouse_id, min_before, max_before, min_after, max_after, source, changed_by_id,
                     changed_at)
                SELECT part_id, warehouse_id, old_mn, old_mx, mn, mx, %s, %s, %s FROM locked
                WHERE (old_mn, old_mx) IS DISTINCT FROM (mn, mx)
            )
            UPDATE {table} SET min_qty = locked.mn, max_qty = locked.mx FROM locked WHERE {table}.id = locked.id
            """,  # noqa: S608 - table names from the models
            [
                parts,
                warehouses,
                [mn for _, _, mn, _ in limits],
                [mx for _, _, _, mx in limits],
                str(source),
                getattr(user, "pk", None),
                timezone.now(),
            ],
        )
        return cursor.rowcount
