"""Opening stock (through the ledger), stocking parameters and demand history imports."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.roles import Role
from inventory import services
from inventory.models import DemandHit, DemandSource, MovementKind, StockLevel, StockMovement
from inventory.selectors import ledger_differences

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory
from .helpers import csv_bytes, problems, run

pytestmark = pytest.mark.usefixtures("postgres")

STOCK = ["part_number", "warehouse", "quantity", "unit_cost", "bin"]
LIMITS = ["part_number", "warehouse", "min_qty", "max_qty", "bin"]
DEMAND = [
    "occurred_at",
    "warehouse",
    "part_number",
    "quantity_requested",
    "quantity_supplied",
    "unit_price",
    "unit_cost",
    "document_ref",
    "repair_order_ref",
]


@pytest.fixture
def world(db):
    warehouse = WarehouseFactory(code="CEN")
    return {
        "user": UserFactory(roles=[Role.MANAGER]),
        "warehouse": warehouse,
        "bin": BinFactory(warehouse=warehouse, code="A-01"),
        "filter": PartFactory(number="F-1", unit="PCS"),
        "oil": PartFactory(number="OIL-5", unit="L"),
    }


def _levels():
    return sorted(
        StockLevel.objects.values_list("part__number", "warehouse__code", "on_hand", "value", "default_bin__code")
    )


def test_opening_stock_is_posted_as_ledger_receipts_and_reimport_changes_nothing(world):
    content = csv_bytes(STOCK, [["F-1", "CEN", "10", "2.5", "A-01"], ["oil 5", "cen", "3.5", "4", ""]])

    report = run("opening_stock", content, world["user"], name="opening.csv")
    again = run("opening_stock", content, world["user"], name="opening.csv")

    assert problems(report) == []
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _levels() == [
        ("F-1", "CEN", Decimal("10.000"), Decimal("25.0000"), "A-01"),
        ("OIL-5", "CEN", Decimal("3.500"), Decimal("14.0000"), None),
    ]
    movements = list(
        StockMovement.objects.order_by("pk").values_list("kind", "document_type", "document_ref", "quantity")
    )
    assert movements == [
        (MovementKind.RECEIPT, "opening_balance", "IMPORT opening.csv", Decimal("10.000")),
        (MovementKind.RECEIPT, "opening_balance", "IMPORT opening.csv", Decimal("3.500")),
    ]
    assert ledger_differences() == []


def test_a_changed_opening_balance_is_adjusted_in_the_ledger(world):
    services.stock_receive(
        part=world["filter"],
        warehouse=world["warehouse"],
        quantity=Decimal(10),
        unit_cost=Decimal(2),
        user=world["user"],
    )

    report = run("opening_stock", csv_bytes(STOCK, [["F-1", "CEN", "7", "2", ""]]), world["user"])

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    adjustment = StockMovement.objects.get(kind=MovementKind.ADJUSTMENT)
    assert (adjustment.quantity, adjustment.reason) == (Decimal(-3), "Opening balance import")
    assert StockLevel.objects.get(part=world["filter"]).on_hand == Decimal(7)
    assert ledger_differences() == []


def test_bad_opening_stock_rows_post_nothing(world):
    content = csv_bytes(
        STOCK,
        [
            ["F-1", "CEN", "5", "1", ""],
            ["F-1", "CEN", "6", "1", ""],
            ["NOPE", "XXX", "1", "1", ""],
            ["OIL-5", "CEN", "2", "-1", "Z-99"],
            ["OIL-5", "CEN", "", "1", ""],
        ],
    )

    report = run("opening_stock", content, world["user"])

    assert problems(report) == [
        (3, "part_number", "F-1 in CEN appears twice (also row 2)."),
        (4, "part_number", "No part NOPE in the catalogue."),
        (4, "warehouse", "No warehouse XXX."),
        (5, "unit_cost", "Cannot be below 0 (-1 given)."),
        (5, "bin", "No bin Z-99 in CEN."),
        (6, "quantity", "A number is required."),
        (6, "part_number", "OIL-5 in CEN appears twice (also row 5)."),
    ]
    assert StockMovement.objects.count() == 0
    assert StockLevel.objects.filter(on_hand__gt=0).count() == 0


def test_a_whole_unit_part_with_a_fraction_is_refused_by_the_posting_service(world):
    report = run("opening_stock", csv_bytes(STOCK, [["F-1", "CEN", "1.5", "1", ""]]), world["user"])

    assert problems(report) == [(2, "quantity", "F-1 is counted in whole pieces; enter a whole number.")]
    assert StockMovement.objects.count() == 0


def test_stocking_parameters_set_min_max_through_the_service_and_reimport_changes_nothing(world):
    content = csv_bytes(LIMITS, [["F-1", "CEN", "2", "10", "A-01"], ["OIL-5", "CEN", "1", "0", ""]])

    report = run("stock_parameters", content, world["user"])
    again = run("stock_parameters", content, world["user"])

    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert sorted(StockLevel.objects.values_list("part__number", "min_qty", "max_qty", "default_bin__code")) == [
        ("F-1", Decimal(2), Decimal(10), "A-01"),
        ("OIL-5", Decimal(1), Decimal(0), None),
    ]
    assert StockMovement.objects.count() == 0


def test_bad_stocking_parameters_change_nothing(world):
    services.stock_level_set_limits(part=world["filter"], warehouse=world["warehouse"], min_qty=1, max_qty=5)

    report = run(
        "stock_parameters",
        csv_bytes(LIMITS, [["F-1", "CEN", "3", "8", ""], ["OIL-5", "CEN", "9", "4", ""]]),
        world["user"],
    )

    assert problems(report) == [(3, "max_qty", "The maximum (4) is below the minimum (9); 0 means no maximum.")]
    level = StockLevel.objects.get(part=world["filter"])
    assert (level.min_qty, level.max_qty) == (Decimal(1), Decimal(5))


def test_demand_history_creates_import_hits_on_the_serving_part_and_reimport_adds_none(world):
    new = PartFactory(number="F-2")
    services.part_supersede(part=world["filter"], new_part=new)
    content = csv_bytes(
        DEMAND,
        [
            ["2025-03-04", "CEN", "F-1", "2", "1", "9.90", "4", "INV-1", "RO-7"],
            ["2025-03-05 10:30", "CEN", "OIL-5", "4.5", "", "3", "", "INV-2", ""],
        ],
    )

    report = run("demand_history", content, world["user"])
    again = run("demand_history", content, world["user"])

    assert problems(report) == []
    assert (report.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    hits = list(
        DemandHit.objects.order_by("document_ref").values_list(
            "source",
            "part__number",
            "requested_part__number",
            "quantity_requested",
            "quantity_supplied",
            "sales_value",
            "cost_value",
            "repair_order_ref",
        )
    )
    assert hits == [
        (DemandSource.IMPORT, "F-2", "F-1", Decimal(2), Decimal(1), Decimal("9.9000"), Decimal("4.0000"), "RO-7"),
        (DemandSource.IMPORT, "OIL-5", "OIL-5", Decimal("4.5"), Decimal("4.5"), Decimal("13.5000"), Decimal(0), ""),
    ]
    first = DemandHit.objects.get(document_ref="INV-1")
    assert timezone.localtime(first.occurred_at) == timezone.make_aware(datetime(2025, 3, 4, 12, 0))


def test_bad_demand_history_creates_no_hits(world):
    content = csv_bytes(
        DEMAND,
        [
            ["2025-03-04", "CEN", "F-1", "2", "1", "1", "1", "INV-1", ""],
            ["2999-01-01", "CEN", "F-1", "0", "1", "1", "1", "INV-2", ""],
            ["04.03.2025", "CEN", "F-1", "1", "2", "1", "1", "", ""],
            ["2025-03-04", "CEN", "F-1", "1", "1", "1", "1", "INV-1", ""],
        ],
    )

    report = run("demand_history", content, world["user"])

    assert problems(report) == [
        (3, "occurred_at", "The date is in the future."),
        (3, "quantity_requested", "The requested quantity must be greater than zero."),
        (4, "occurred_at", "“04.03.2025” is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM)."),
        (4, "document_ref", "A value is required."),
        (4, "quantity_supplied", "More supplied (2) than requested (1)."),
        (5, "document_ref", "INV-1 / F-1 appears twice (also row 2)."),
    ]
    assert DemandHit.objects.count() == 0
