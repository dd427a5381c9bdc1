"""Build import files in memory."""

from __future__ import annotations

import csv
import io

from imports.services import import_file


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(kind: str, content: bytes, user, *, name: str = "file.csv", dry_run: bool = False):
    return import_file(kind=kind, stream=io.BytesIO(content), file_name=name, user=user, dry_run=dry_run)


def problems(report) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in report.errors]
