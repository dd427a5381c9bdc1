"""core.fastpath.rows.copy_rows: every value arrives as it was sent, whatever COPY's text format makes of it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.db import connection

from core.fastpath.rows import copy_insert, copy_rows
from inventory.models import Part

pytestmark = pytest.mark.services

TAIPEI = timezone(timedelta(hours=8))


def _table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copy_probe (n integer, label text, amount numeric(14, 4), ratio double precision, "
            "day date, moment timestamptz, flag boolean)"
        )


def _read() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, label, amount, ratio, day, moment, flag FROM copy_probe ORDER BY n")
        return cursor.fetchall()


def test_text_with_the_characters_copy_escapes_comes_back_unchanged(postgres):
    # given text holding a tab, newlines, a carriage return, backslashes, COPY's NULL marker and Chinese
    _table()
    labels = [
        "tab\there",
        "two\nlines\r\nand a return",
        "back\\slash \\. \\N \\t",
        "\\N",
        "煞車來令片（前）",
        "",
    ]

    # when they are copied in
    copy_rows("copy_probe", ["n", "label"], [(index, label) for index, label in enumerate(labels)])

    # then each reads back exactly as sent (an empty string stays empty, not NULL)
    assert [row[1] for row in _read()] == labels


def test_numbers_dates_moments_and_null_keep_their_values(postgres):
    # given a row of each kind of value and a row of NULLs
    _table()
    aware = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=TAIPEI)

    # when they are copied in
    copy_rows(
        "copy_probe",
        ["n", "label", "amount", "ratio", "day", "moment", "flag"],
        [
            (1, "x", Decimal("1234567890.1235"), 0.1 + 0.2, date(2026, 2, 28), aware, True),
            (2, None, None, None, None, None, None),
            (3, "y", Decimal("-0.0001"), -2.5, date(1999, 12, 31), datetime(2026, 1, 1, tzinfo=UTC), False),
        ],
    )

    # then the numbers are exact, the date is the date and the aware moment is the same instant
    assert _read() == [
        (1, "x", Decimal("1234567890.1235"), 0.1 + 0.2, date(2026, 2, 28), aware, True),
        (2, None, None, None, None, None, None),
        (3, "y", Decimal("-0.0001"), -2.5, date(1999, 12, 31), datetime(2026, 1, 1, tzinfo=UTC), False),
    ]
    assert _read()[0][5] == datetime(2026, 3, 1, 0, 30, 15, 123456, tzinfo=UTC)


def test_copy_insert_writes_through_copy_rows_with_ids_from_the_sequence_and_model_defaults(postgres):
    # when two parts are copied in, one of them with a tab and Chinese in its description
    ids = copy_insert(
        Part,
        [
            {"number": "A\t1", "number_normalized": "A1", "description": "前\\後"},
            {"number": "B2", "number_normalized": "B2", "description": "two\nlines", "list_price": Decimal("9.90")},
        ],
    )

    # then they get new ids in order, their values, and the model defaults for what they do not name
    stored = {part.pk: part for part in Part.objects.filter(pk__in=ids)}
    assert ids == sorted(ids)
    assert [stored[i].number for i in ids] == ["A\t1", "B2"]
    assert [stored[i].description for i in ids] == ["前\\後", "two\nlines"]
    assert [stored[i].list_price for i in ids] == [Decimal("0.00"), Decimal("9.90")]
    assert [stored[i].unit for i in ids] == ["PCS", "PCS"]
