"""Re-importing a corrected file updates exactly the changed rows (written with one UPDATE from arrays)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory import services
from inventory.models import DemandHit, Part

from ..factories import PartFactory, UserFactory, WarehouseFactory
from .helpers import csv_bytes, problems, run

pytestmark = pytest.mark.usefixtures("postgres")
DEMAND = ["occurred_at", "warehouse", "part_number", "quantity_requested", "quantity_supplied", "unit_price"]
DEMAND += ["unit_cost", "document_ref", "repair_order_ref"]


def test_a_corrected_demand_history_updates_the_changed_lines_only(db):
    # given two imported lines, then F-1 superseded by F-2
    user = UserFactory(roles=[Role.MANAGER])
    WarehouseFactory(code="CEN")
    old, new, oil = PartFactory(number="F-1"), PartFactory(number="F-2"), PartFactory(number="OIL-5", unit="L")
    first = [
        ["2025-03-04", "CEN", "F-1", "2", "1", "9.90", "4", "INV-1", "RO-7"],
        ["2025-03-05", "CEN", "OIL-5", "4.5", "", "3", "", "INV-2", ""],
    ]
    assert problems(run("demand_history", csv_bytes(DEMAND, first), user)) == []
    services.part_supersede(part=old, new_part=new)

    # when the file comes again with INV-2 corrected (2 supplied at 3.50, a repair order)
    corrected = [first[0], ["2025-03-05", "CEN", "OIL-5", "4.5", "2", "3.50", "", "INV-2", "RO-8"]]
    report = run("demand_history", csv_bytes(DEMAND, corrected), user)

    # then INV-2 is updated with its values recomputed; INV-1 moved to the serving part F-2 counts as updated too
    assert problems(report) == []
    assert (report.created, report.updated, report.unchanged) == (0, 2, 0)
    hits = list(
        DemandHit.objects.order_by("document_ref").values_list(
            "part_id", "requested_part_id", "quantity_supplied", "unit_price", "sales_value", "repair_order_ref"
        )
    )
    assert hits == [
        (new.pk, old.pk, Decimal(1), Decimal("9.90"), Decimal("9.9000"), "RO-7"),
        (oil.pk, oil.pk, Decimal(2), Decimal("3.50"), Decimal("7.0000"), "RO-8"),
    ]
    again = run("demand_history", csv_bytes(DEMAND, corrected), user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_corrected_parts_file_updates_fields_and_writes_one_history_row_each(db):
    user = UserFactory(roles=[Role.MANAGER])
    header = ["number", "description", "unit", "category", "list_price", "is_critical"]
    rows = [["A-1", "Filter", "PCS", "Filters", "5.00", "no"], ["B-1", "Oil", "L", "Oils", "3.00", "no"]]
    run("parts", csv_bytes(header, rows), user)

    report = run("parts", csv_bytes(header, [rows[0], ["B-1", "Engine oil", "L", "Oils", "3.25", "yes"]]), user)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    part = Part.objects.get(number="B-1")
    assert (part.description, part.list_price, part.is_critical) == ("Engine oil", Decimal("3.25"), True)
    assert list(part.history.order_by("history_id").values_list("history_type", "description")) == [
        ("+", "Oil"),
        ("~", "Engine oil"),
    ]
    assert Part.objects.get(number="A-1").history.count() == 1
