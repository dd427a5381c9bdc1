"""Export helper: stream any list as CSV or XLSX. Other apps may use it for their own lists:

    from imports.exports import Column, export_response
    return export_response(columns=[Column("number", lambda p: p.number)], rows=queryset.iterator(),
                           file_format="xlsx", file_name="parts")

CSV is streamed row by row; XLSX is written with openpyxl's write-only
workbook (constant memory per row) and sent when complete.
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

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None:
        return ""
    return value


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
            yield "\ufeff" + writer.writerow([c.header for c in columns])  # BOM: spreadsheets read UTF-8
            for row in rows:
                yield writer.writerow([_csv_text(_cell(c.value(row))) for c in columns])

        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(lines(), content_type=FORMATS["csv"])
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(file_name[:31])
        sheet.append([c.header for c in columns])
        for row in rows:
            sheet.append([_cell(c.value(row)) for c in columns])
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
