"""Bulk reads into numpy arrays (writes go through ``core.fastpath.rows.copy_rows``).

Converting a million rows to Python tuples of Decimals costs more than all
the forecasting; one text value parsed by numpy costs a fraction.
"""

from __future__ import annotations

from collections.abc import Sequence

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
