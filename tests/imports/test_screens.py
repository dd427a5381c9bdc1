"""Imports in the app: a planner uploads, sees the dry run with every refused row, and confirms."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.roles import Role
from imports.models import ImportBatch, ImportStatus
from inventory.models import Part

from ..factories import UserFactory
from .helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["number", "description", "unit", "category", "list_price", "is_critical", "superseded_by"]


@pytest.fixture
def planner(client):
    user = UserFactory(roles=[Role.PLANNER])
    client.force_login(user)
    return user


def _upload(client, kind: str, name: str, content: bytes):
    return client.post(reverse("imports:upload"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_a_planner_previews_then_confirms_and_the_record_is_listed(client, planner, django_assert_max_num_queries):
    content = csv_bytes(
        HEADER, [["IM-1", "Brake pad", "PCS", "", "30", "no", ""], ["IM-2", "Pad", "PCS", "", "31", "no", "IM-1"]]
    )

    checked = _upload(client, "parts", "parts.csv", content)
    batch = ImportBatch.objects.get()
    preview = client.get(checked["Location"])
    assert not Part.objects.exists()  # the dry run changed nothing
    confirmed = client.post(reverse("imports:batch", args=[batch.pk]), follow=True)
    with django_assert_max_num_queries(10):
        listed = client.get(reverse("imports:list"), {"status": "imported"})

    assert checked["Location"] == reverse("imports:batch", args=[batch.pk])
    text = preview.content.decode()
    assert "Would be created" in text
    assert 'data-testid="confirm-import"' in text
    assert "Imported: 2 created, 0 updated, 0 unchanged." in confirmed.content.decode()
    assert sorted(Part.objects.values_list("number", "superseded_by__number")) == [("IM-1", None), ("IM-2", "IM-1")]
    assert "parts.csv" in listed.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED


def test_every_problem_of_every_row_is_shown_in_one_pass_and_there_is_no_confirm(client, planner):
    content = csv_bytes(
        HEADER,
        [
            ["IM-3", "", "PCS", "", "30", "no", ""],
            ["IM-4", "Four", "PCS", "", "x", "no", ""],
            ["IM-5", "Five", "PCS", "", "5", "no", "IM-5"],
        ],
    )

    response = _upload(client, "parts", "bad.csv", content)
    page = client.get(response["Location"])

    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.REFUSED
    rows = {(e["row"], e["column"]) for e in batch.errors}
    assert {(2, "description"), (3, "list_price")} <= rows
    assert any(e["row"] == 4 and e["column"] == "superseded_by" for e in batch.errors), batch.errors
    text = page.content.decode()
    assert "Refused: nothing is imported until every row below is fixed" in text
    assert "confirm-import" not in text
    assert not Part.objects.exists()


def test_a_file_that_is_not_csv_or_xlsx_is_a_form_error(client, planner):
    response = _upload(client, "parts", "parts.pdf", b"%PDF")

    assert response.status_code == 400
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_xlsx_works_and_the_template_has_the_columns(client, planner):
    _upload(client, "parts", "parts.xlsx", xlsx_bytes(HEADER, [["IM-6", "Six", "PCS", "", "6", "no", ""]]))
    template = client.get(reverse("imports:template", args=["parts", "csv"]))

    assert ImportBatch.objects.get().status == ImportStatus.PREVIEWED
    assert template.content.decode().strip().split(",")[:2] == ["number", "description"]
    assert client.get(reverse("imports:template", args=["nothing", "csv"])).status_code == 404


def test_opening_stock_is_a_managers_import(client, planner):
    page = client.get(reverse("imports:upload"))
    refused = _upload(client, "opening_stock", "stock.csv", b"part_number,warehouse,quantity,unit_cost\n")

    assert "opening stock" not in page.content.decode().split('id="import-kinds"')[0]
    assert refused.status_code == 400
    assert not ImportBatch.objects.exists()


def test_only_planners_and_managers_import(client):
    client.force_login(UserFactory(roles=[Role.CLERK]))

    assert client.get(reverse("imports:list")).status_code == 403
    assert client.get(reverse("imports:upload")).status_code == 403
