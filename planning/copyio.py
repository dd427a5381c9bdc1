"""Bulk reads into numpy arrays and writes through PostgreSQL COPY.

Converting a million rows to Python tuples of Decimals costs more than all
the forecasting; one text value parsed by numpy costs a fraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import numpy as np
from django.db import connection


def copy_out(sql: str, params: Sequence | dict | None = None, *, columns: int) -> np.ndarray:
    """Run a SELECT of ``columns`` numbers (no NULLs) and return a (rows, columns) float64 array.

    PostgreSQL joins the whole result into one text value, which numpy
    parses in one go: no per-row Python objects at all.
    """
    names = ", ".join(f"c{i}" for i in range(columns))
    wrapped = f"SELECT string_agg(concat_ws(' ', {names}), ' ') FROM ({sql}) AS t({names})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(wrapped, params)
        text = cursor.fetchone()[0]
    if not text:
        return np.zeros((0, columns))
    return np.fromstring(text, dtype=np.float64, sep=" ").reshape(-1, columns)


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def copy_in(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY rows of plain values (int, float, Decimal, str, date, datetime, None) into a table."""
    if not columns:
        return
    plain = (int, float)
    text = "".join("\t".join(str(v) if v.__class__ in plain else _text(v) for v in row) + "\n" for row in rows)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(text)
