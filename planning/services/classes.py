"""The month-end classes planning keeps: handed over by the close, read when parameters are computed."""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction

from ..models import MonthEndClass


@transaction.atomic
def month_end_classes_set(*, month: date, classes: dict[tuple[int, int], str]) -> int:
    """Replace planning's classes with a close's: {(part_id, warehouse_id): "A" | "B" | ... | "NC"}.

    The entry point the month-end close calls after publishing (setting
    ``MONTH_END_CLASS_CONSUMERS``); planning never reads the close's tables.
    A pair the close did not grade (no demand, no stock) has no class and
    gets the default service level. One statement for any number of pairs.
    """
    table = MonthEndClass._meta.db_table
    keys = list(classes)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table name from the model
        cursor.execute(
            f"INSERT INTO {table} (part_id, warehouse_id, class_code, month) "  # noqa: S608 - table name from the model
            "SELECT part_id, warehouse_id, class_code, %s FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) "
            "AS c (part_id, warehouse_id, class_code)",
            [month, [p for p, _ in keys], [w for _, w in keys], [classes[key] for key in keys]],
        )
    return len(keys)
