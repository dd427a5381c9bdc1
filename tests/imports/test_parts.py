"""Parts import: create, update by normalised number, supersessions with chains, loops refused per row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.roles import Role
from inventory.models import Part

from ..factories import PartFactory, UserFactory
from .helpers import csv_bytes, problems, run, xlsx_bytes

pytestmark = pytest.mark.usefixtures("postgres")

HEADER = ["number", "description", "unit", "category", "list_price", "is_critical", "superseded_by"]


@pytest.fixture
def planner(db):
    return UserFactory(roles=[Role.PLANNER])


def _snapshot():
    return sorted(
        Part.objects.values_list("number", "description", "unit", "list_price", "is_critical", "superseded_by__number")
    )


def test_good_file_creates_parts_with_a_supersession_chain(planner):
    # given a file where the old number points to a newer part defined later, which points to a newest part
    content = csv_bytes(
        HEADER,
        [
            ["OLD-1", "Oil filter old", "PCS", "Filters", "9.50", "no", "NEW-1"],
            ["NEW-1", "Oil filter", "pcs", "Filters", "10.00", "yes", "NEWEST 1"],
            ["NEWEST-1", "Oil filter v3", "piece", "Filters", "11", "", ""],
            ["OIL-5", "Engine oil", "L", "Fluids", "4.25", "0", ""],
        ],
    )

    report = run("parts", content, planner)

    assert problems(report) == []
    assert (report.rows, report.created, report.updated, report.unchanged, report.imported) == (4, 4, 0, 0, True)
    assert _snapshot() == [
        ("NEW-1", "Oil filter", "PCS", Decimal("10.00"), True, "NEWEST-1"),
        ("NEWEST-1", "Oil filter v3", "PCS", Decimal("11.00"), False, None),
        ("OIL-5", "Engine oil", "L", Decimal("4.25"), False, None),
        ("OLD-1", "Oil filter old", "PCS", Decimal("9.50"), False, "NEW-1"),
    ]
    assert Part.objects.get(number="OLD-1").number_normalized == "OLD1"
    new_1 = Part.objects.get(number="NEW-1")
    history = Part.history.filter(number="OLD-1").order_by("history_id")
    assert list(history.values_list("history_type", "superseded_by_id", "history_user_id")) == [
        ("+", None, planner.pk),
        ("~", new_1.pk, planner.pk),
    ]


def test_reimporting_the_same_file_changes_nothing(planner):
    content = csv_bytes(
        HEADER, [["A-1", "Part A", "PCS", "X", "1.00", "no", "B-1"], ["B-1", "Part B", "PCS", "X", "2", "no", ""]]
    )
    run("parts", content, planner)
    before = _snapshot()
    history = Part.history.count()

    report = run("parts", content, planner)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert _snapshot() == before
    assert Part.objects.count() == 2
    assert Part.history.count() == history


def test_a_changed_row_updates_by_number_as_typed_differently(planner):
    PartFactory(number="AB-100", description="Old text", list_price=Decimal("5.00"))

    report = run("parts", csv_bytes(HEADER, [["ab 100", "New text", "PCS", "Filters", "6.00", "no", ""]]), planner)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    part = Part.objects.get()
    assert (part.description, part.list_price, part.number) == ("New text", Decimal("6.00"), "ab 100")


def test_a_row_changing_only_its_supersession_counts_as_updated(planner):
    old = PartFactory(number="OLD-7", description="Old", category="X", list_price=Decimal("1.00"))
    new = PartFactory(number="NEW-7", description="New", category="X", list_price=Decimal("1.00"))
    content = csv_bytes(
        HEADER, [["OLD-7", "Old", "PCS", "X", "1.00", "no", "NEW-7"], ["NEW-7", "New", "PCS", "X", "1.00", "no", ""]]
    )

    report = run("parts", content, planner)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    old.refresh_from_db()
    assert old.superseded_by == new
    assert list(Part.history.filter(id=old.pk).values_list("history_type", flat=True).order_by("history_id")) == [
        "+",
        "~",
    ]


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row_and_column(planner):
    existing = PartFactory(number="KEEP-1", description="Kept as is")
    content = csv_bytes(
        HEADER,
        [
            ["GOOD-1", "Fine", "PCS", "", "1.00", "no", ""],
            ["", "No number", "PCS", "", "1", "no", ""],
            ["BAD-2", "", "box", "", "-1", "maybe", ""],
            ["GOOD 1", "Duplicate", "PCS", "", "1", "no", ""],
            ["BAD-3", "Points nowhere", "PCS", "", "1.234", "no", "NOPE-9"],
            ["KEEP-1", "Changed", "PCS", "", "1", "no", ""],
        ],
    )

    report = run("parts", content, planner)

    assert problems(report) == [
        (3, "number", "A value is required."),
        (4, "description", "A value is required."),
        (4, "unit", "“box” is not a unit; use one of PCS, SET, L, M, KG."),
        (4, "list_price", "Cannot be below 0 (-1 given)."),
        (4, "is_critical", "“maybe” is not yes or no."),
        (5, "number", "GOOD 1 appears twice in the file (also row 2)."),
        (6, "list_price", "At most 2 decimal places (1.234 given)."),
    ]
    assert report.imported is False
    assert list(Part.objects.values_list("number", "description")) == [("KEEP-1", "Kept as is")]
    existing.refresh_from_db()
    assert existing.description == "Kept as is"


def test_a_supersession_to_an_unknown_part_or_a_loop_is_refused_per_row(planner):
    # given X → Y exists; the file makes Y → X (a loop) and Z → an unknown part
    x, y = PartFactory(number="X-1"), PartFactory(number="Y-1")
    Part.objects.filter(pk=x.pk).update(superseded_by=y)
    content = csv_bytes(
        HEADER,
        [
            ["Y-1", "Y", "PCS", "", "1", "no", "X-1"],
            ["Z-1", "Z", "PCS", "", "1", "no", "Q-404"],
            ["S-1", "Self", "PCS", "", "1", "no", "S 1"],
        ],
    )

    report = run("parts", content, planner)

    assert problems(report) == [
        (4, "superseded_by", "A part cannot supersede itself."),
        (3, "superseded_by", "No part Q-404 in the catalogue or in this file."),
        (2, "superseded_by", "This supersession would make a loop: the chain leads back to this part."),
    ]
    assert Part.objects.count() == 2
    y.refresh_from_db()
    assert y.superseded_by is None


def test_xlsx_works_like_csv_and_a_dry_run_keeps_nothing(planner):
    content = xlsx_bytes(
        HEADER,
        [["XL-1", "From Excel", "PCS", "Cat", 12.5, True, None], [1234, "Numeric number", "PCS", None, 3, False, None]],
    )

    dry = run("parts", content, planner, name="parts.xlsx", dry_run=True)
    assert (dry.created, dry.imported, Part.objects.count()) == (2, False, 0)

    report = run("parts", content, planner, name="parts.xlsx")

    assert problems(report) == []
    assert sorted(Part.objects.values_list("number", "list_price", "is_critical")) == [
        ("1234", Decimal("3.00"), False),
        ("XL-1", Decimal("12.50"), True),
    ]


def test_a_missing_or_unknown_column_refuses_the_file(planner):
    report = run("parts", csv_bytes(["number", "descr"], [["A", "B"]]), planner)

    assert problems(report) == [
        (1, "description", "This column is missing from the header row."),
        (
            1,
            "descr",
            "Unknown column; the columns are: "
            "number, description, unit, category, list_price, is_critical, superseded_by.",
        ),
    ]
    assert Part.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused(planner):
    report = run("parts", b"not a zip", planner, name="parts.xlsx")

    assert report.errors[0].row == 1
    assert report.errors[0].message.startswith("The file cannot be read")
    assert Part.objects.count() == 0
