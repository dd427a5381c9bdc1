"""Supplier parts and price lists: by supplier code and part number; re-import changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from suppliers.models import Supplier, SupplierPart

from ..factories import PartFactory, UserFactory
from .helpers import csv_bytes, problems, run, xlsx_bytes

pytestmark = pytest.mark.usefixtures("postgres")

HEADER = [
    "supplier",
    "part_number",
    "supplier_part_number",
    "price",
    "lead_time_days",
    "min_order_qty",
    "pack_size",
    "is_preferred",
]


@pytest.fixture
def world(db):
    return {
        "user": UserFactory(roles=[Role.PURCHASER]),
        "acme": Supplier.objects.create(code="ACME", name="Acme"),
        "bolt": Supplier.objects.create(code="BOLT", name="Bolt & Co"),
        "filter": PartFactory(number="F-1"),
        "oil": PartFactory(number="OIL-5"),
    }


def _price_list():
    return sorted(
        SupplierPart.objects.values_list(
            "supplier__code",
            "part__number",
            "supplier_part_number",
            "price",
            "lead_time_days",
            "min_order_qty",
            "pack_size",
            "is_preferred",
        )
    )


def test_price_list_creates_then_reimport_changes_nothing(world):
    content = csv_bytes(
        HEADER,
        [
            ["ACME", "f 1", "AC-991", "4.1250", "5", "10", "5", "yes"],
            ["acme", "OIL-5", "", "2", "", "", "", ""],
            ["BOLT", "F-1", "B1", "4.30", "2", "1", "1", "no"],
        ],
    )

    report = run("supplier_parts", content, world["user"])
    again = run("supplier_parts", content, world["user"])

    assert problems(report) == []
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert _price_list() == [
        ("ACME", "F-1", "AC-991", Decimal("4.1250"), 5, Decimal(10), Decimal(5), True),
        ("ACME", "OIL-5", "", Decimal(2), 7, Decimal(1), Decimal(1), False),
        ("BOLT", "F-1", "B1", Decimal("4.30"), 2, Decimal(1), Decimal(1), False),
    ]
    assert SupplierPart.objects.count() == 3


def test_a_new_price_updates_the_existing_supplier_part(world):
    SupplierPart.objects.create(supplier=world["acme"], part=world["filter"], price=Decimal(4))

    report = run(
        "supplier_parts",
        xlsx_bytes(HEADER, [["ACME", "F-1", "AC-1", 4.5, 6, 1, 1, False]]),
        world["user"],
        name="prices.xlsx",
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert _price_list() == [("ACME", "F-1", "AC-1", Decimal("4.5"), 6, Decimal(1), Decimal(1), False)]


def test_bad_price_list_rows_import_nothing(world):
    content = csv_bytes(
        HEADER,
        [
            ["ACME", "F-1", "", "4", "5", "1", "1", "no"],
            ["NOPE", "F-1", "", "4", "5", "1", "1", "no"],
            ["ACME", "X-404", "", "-4", "5", "0", "1", "no"],
            ["ACME", "F-1", "", "4", "5", "1", "1", "no"],
        ],
    )

    report = run("supplier_parts", content, world["user"])

    assert problems(report) == [
        (3, "supplier", "No supplier NOPE."),
        (4, "part_number", "No part X-404 in the catalogue."),
        (4, "price", "Cannot be below 0 (-4 given)."),
        (4, "min_order_qty", "Must be greater than zero."),
        (5, "part_number", "F-1 of ACME appears twice (also row 2)."),
    ]
    assert SupplierPart.objects.count() == 0


def test_purchase_units_come_in_with_the_price_list_and_bad_factors_import_nothing(world):
    header = [*HEADER, "purchase_unit", "purchase_factor"]
    bad = csv_bytes(
        header,
        [
            ["ACME", "F-1", "", "12.50", "5", "1", "1", "no", "box", "0"],
            ["ACME", "OIL-5", "", "4", "5", "1", "1", "no", "box", "2.5"],
            ["BOLT", "F-1", "", "4", "5", "1", "1", "no", "", "10"],
        ],
    )

    refused = run("supplier_parts", bad, world["user"])

    assert problems(refused) == [
        (2, "purchase_factor", "The factor is more than zero."),
        (3, "purchase_factor", "OIL-5 is counted in whole PCS; a purchase unit holds a whole number of them."),
        (4, "purchase_unit", "Name the purchase unit (box, drum, set) that holds 10 PCS."),
    ]
    assert SupplierPart.objects.count() == 0

    good = csv_bytes(
        header,
        [
            ["ACME", "F-1", "", "12.50", "5", "1", "1", "no", "box", "10"],
            ["BOLT", "F-1", "", "1.30", "5", "1", "1", "no", "", ""],
        ],
    )
    report = run("supplier_parts", good, world["user"])

    assert problems(report) == []
    assert sorted(SupplierPart.objects.values_list("supplier__code", "purchase_unit", "purchase_factor", "price")) == [
        ("ACME", "box", Decimal(10), Decimal("12.5")),
        ("BOLT", "", Decimal(1), Decimal("1.3")),
    ]
