"""A planner imports a price list in the app: a refused file names every bad row, the fixed one is confirmed."""

import pytest

from core.roles import Role
from imports.models import ImportBatch
from inventory.models import Part

from ..factories import UserFactory
from ..imports.helpers import csv_bytes

HEADER = ["number", "description", "unit", "category", "list_price", "is_critical", "superseded_by"]


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_planner_checks_a_file_sees_every_problem_then_imports_the_fixed_one(sized_page, login, size, tmp_path):
    planner = UserFactory(roles=[Role.PLANNER])
    bad = tmp_path / "parts.csv"
    bad.write_bytes(
        csv_bytes(HEADER, [["BI-1", "", "PCS", "", "3", "no", ""], ["BI-2", "Two", "PCS", "", "x", "no", "BI-2"]])
    )
    good = tmp_path / "parts-fixed.csv"
    good.write_bytes(
        csv_bytes(HEADER, [["BI-1", "One", "PCS", "", "3", "no", ""], ["BI-2", "Two", "PCS", "", "4", "no", "BI-1"]])
    )
    page = sized_page(size)
    login(page, planner)

    # when the planner opens Imports from the menu's page and checks the bad file
    page.goto("/imports/")
    page.click("[data-testid=upload]")
    page.select_option("#id_kind", "parts")
    page.set_input_files("#id_file", str(bad))
    page.click("[data-testid=check-file]")
    page.wait_for_selector("#preview-errors")

    # then every problem is listed by row and column at once, and nothing can be confirmed
    errors = page.inner_text("#preview-errors")
    assert "description" in errors
    assert "list_price" in errors
    assert "superseded_by" in errors
    assert page.locator("[data-testid=confirm-import]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # when the fixed file is checked and confirmed by keyboard
    page.click("text=Upload another file")
    page.select_option("#id_kind", "parts")
    page.set_input_files("#id_file", str(good))
    page.click("[data-testid=check-file]")
    page.wait_for_selector("[data-testid=confirm-import]")
    assert page.inner_text("#preview-counts .created") == "2"
    page.focus("[data-testid=confirm-import]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.success")

    # then the catalogue has both parts, the second superseding the first
    assert "Imported: 2 created, 0 updated, 0 unchanged." in page.inner_text(".msg.success")
    assert sorted(Part.objects.values_list("number", "superseded_by__number")) == [("BI-1", None), ("BI-2", "BI-1")]
    assert ImportBatch.objects.count() == 2
