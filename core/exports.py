"""Export helper: stream any list as CSV or XLSX. Other apps may use it for their own lists:

    from imports.exports import Column, export_response
    return export_response(columns=[Column("number", lambda p: p.number)], rows=queryset.iterator(),
                           file_format="xlsx", file_name="parts")

CSV is streamed row by row; XLSX is written with openpyxl's write-only
workbook (constant memory per row) and sent when complete.

Every cell goes through ``spreadsheet_cell``: a text that a spreadsheet would
run as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return: the OWASP CSV-injection rule) is written with a leading apostrophe, so
it is shown as the text it is. Numbers stay numbers, negative ones included.
Every download, of every app, is written by ``export_response``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    header: str | Promise  # a lazy translation is written in the language of the download
    value: Callable[[Any], Any]


class _Echo:
    def write(self, value: str) -> str:
        return value


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as a cell no spreadsheet runs: a text that starts like a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None:
        return ""
    return spreadsheet_cell(value)


def _xlsx_cell(value: Any) -> Any:
    value = _cell(value)
    # Control characters are not allowed in the XML of a sheet; they would stop the whole download.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def export_response(
    *, columns: list[Column], rows: Iterable[Any], file_format: str, file_name: str
) -> HttpResponse | StreamingHttpResponse:
    """A download of ``rows`` with one column per ``Column``; ``file_format`` is "csv" or "xlsx"."""
    if file_format not in FORMATS:
        raise ValueError(f"Export as csv or xlsx, not {file_format}.")
    disposition = f'attachment; filename="{file_name}.{file_format}"'
    if file_format == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff" + writer.writerow(
                [spreadsheet_cell(str(c.header)) for c in columns]
            )  # BOM: spreadsheets read UTF-8
            for row in rows:
                yield writer.writerow([_csv_text(_cell(c.value(row))) for c in columns])

        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(lines(), content_type=FORMATS["csv"])
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(file_name[:31])
        sheet.append([_xlsx_cell(str(c.header)) for c in columns])
        for row in rows:
            sheet.append([_xlsx_cell(c.value(row)) for c in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = disposition
    return response


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value
