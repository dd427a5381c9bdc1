"""Stream rows out of CSV and XLSX files without loading the whole file.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first
data row is row 2. Header names are matched without case, spaces or dashes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

FORMATS = ("csv", "xlsx")


def format_of(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        raise ValueError(f"{file_name}: use a .csv or .xlsx file.")
    return extension


def header_key(name: Any) -> str:
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def read_rows(stream: IO[bytes], file_format: str) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """(header, iterator of (row number, {column: value})). Empty rows are skipped."""
    if file_format == "csv":
        return _csv_rows(stream)
    return _xlsx_rows(stream)


def _csv_rows(stream: IO[bytes]):
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text, dialect)
    header = [header_key(name) for name in next(reader, [])]

    def rows():
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            yield number, dict(zip(header, values, strict=False))

    return header, rows()


def _xlsx_rows(stream: IO[bytes]):
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    header = [header_key(name) for name in next(cells, ())]

    def rows():
        try:
            for number, values in enumerate(cells, start=2):
                if not any(value is not None and str(value).strip() for value in values):
                    continue
                yield number, dict(zip(header, values, strict=False))
        finally:
            workbook.close()

    return header, rows()
