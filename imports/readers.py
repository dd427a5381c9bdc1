"""Stream rows out of CSV and XLSX files without loading the whole file.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first
data row is row 2. Header names are matched without case, spaces or dashes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx")


def format_of(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        raise ValueError(_("%(file)s: use a .csv or .xlsx file.") % {"file": file_name})
    return extension


def header_key(name: Any) -> str:
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def read_rows(stream: IO[bytes], file_format: str) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """(header, iterator of (row number, {column: value})). Empty rows are skipped."""
    if file_format == "csv":
        return _csv_rows(stream)
    return _xlsx_rows(stream)


class UnreadableRow(ValueError):
    """A row the reader cannot turn into values: reading stops here and the import is refused."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row


def _check_extra_cells(number: int, header: list[str], values) -> None:
    """A value in a column without a header name would be dropped without a word: refused instead."""
    for index, value in enumerate(values):
        if (index >= len(header) or not header[index]) and value is not None and str(value).strip():
            raise UnreadableRow(
                number,
                _("Row %(number)s has a value in column %(value)s, which has no name in the header row.")
                % {"number": number, "value": index + 1},
            )


def _csv_rows(stream: IO[bytes]):
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text, dialect)
    try:
        header = [header_key(name) for name in next(reader, [])]
    except csv.Error as error:
        raise ValueError(_("the header row cannot be read (%(error)s).") % {"error": error}) from None

    def rows():
        number = 1
        while True:
            number += 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                # A cell over the csv module's field limit, a NUL byte, a broken quote.
                raise UnreadableRow(
                    number, _("Row %(number)s cannot be read: %(error)s.") % {"number": number, "error": error}
                ) from None
            if not any(value.strip() for value in values):
                continue
            _check_extra_cells(number, header, values)
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
                _check_extra_cells(number, header, values)
                yield number, dict(zip(header, values, strict=False))
        finally:
            workbook.close()

    return header, rows()
