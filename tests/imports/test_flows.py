"""The import_data command, the admin preview-then-confirm flow, template downloads, and list exports."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.roles import Role
from imports.models import ImportBatch, ImportStatus
from inventory import services
from inventory.models import Part, StockLevel

from ..factories import PartFactory, UserFactory, WarehouseFactory
from .helpers import csv_bytes

pytestmark = pytest.mark.usefixtures("postgres")

HEADER = ["number", "description", "unit", "category", "list_price", "is_critical", "superseded_by"]


def test_import_data_command_imports_and_reports_every_bad_row(tmp_path, capsys):
    user = UserFactory(roles=[Role.MANAGER], username="loader")
    good = tmp_path / "parts.csv"
    good.write_bytes(
        csv_bytes(HEADER, [["C-1", "One", "PCS", "", "1", "no", ""], ["C-2", "Two", "PCS", "", "2", "no", "C-1"]])
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes(HEADER, [["C-3", "", "PCS", "", "1", "no", ""], ["C-4", "Four", "PCS", "", "x", "no", ""]])
    )

    call_command("import_data", "parts", str(good), "--user", "loader", "--no-progress")
    out = capsys.readouterr().out
    with pytest.raises(CommandError, match="2 bad rows"):
        call_command("import_data", "parts", str(bad), "--user", "loader", "--no-progress")
    err = capsys.readouterr().err

    assert "2 rows: 2 were created, 0 updated, 0 unchanged." in out
    assert "row 2, column description: A value is required." in err
    assert "row 3, column list_price: “x” is not a number." in err
    assert sorted(Part.objects.values_list("number", "superseded_by__number")) == [("C-1", None), ("C-2", "C-1")]
    assert user.username == "loader"


def test_import_data_without_a_user_and_without_a_superuser_is_refused(tmp_path):
    path = tmp_path / "parts.csv"
    path.write_bytes(csv_bytes(HEADER, [["C-1", "One", "PCS", "", "1", "no", ""]]))

    with pytest.raises(CommandError, match="--user"):
        call_command("import_data", "parts", str(path), "--no-progress")
    assert Part.objects.count() == 0


def test_admin_upload_previews_then_confirm_imports(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    upload = SimpleUploadedFile("parts.csv", csv_bytes(HEADER, [["AD-1", "From admin", "PCS", "", "3", "no", ""]]))

    # when the file is uploaded, a dry-run preview is shown and nothing is imported yet
    response = client.post(reverse("admin:imports_importbatch_add"), {"kind": "parts", "file": upload})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("admin:imports_importbatch_change", args=[batch.pk])
    preview = client.get(response.url).content.decode()
    assert (batch.status, batch.rows, batch.created, batch.error_count) == (ImportStatus.PREVIEWED, 1, 1, 0)
    assert "Confirm: import this file" in preview
    assert Part.objects.count() == 0

    # when confirmed, the parts are created
    client.post(reverse("admin:imports_importbatch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.created) == (ImportStatus.IMPORTED, 1)
    assert list(Part.objects.values_list("number", flat=True)) == ["AD-1"]

    # and a second confirmation is refused
    client.post(reverse("admin:imports_importbatch_confirm", args=[batch.pk]))
    assert Part.objects.count() == 1


def test_admin_preview_of_a_bad_file_lists_rows_and_offers_no_confirm(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile("parts.csv", csv_bytes(HEADER, [["AD-1", "", "PCS", "", "3", "no", ""]]))

    response = client.post(reverse("admin:imports_importbatch_add"), {"kind": "parts", "file": upload}, follow=True)

    html = response.content.decode()
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.errors) == (
        ImportStatus.REFUSED,
        [{"row": 2, "column": "description", "message": "A value is required."}],
    )
    assert "Confirm: import this file" not in html
    assert "A value is required." in html
    assert Part.objects.count() == 0


def test_admin_template_download_has_the_columns(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:imports_importbatch_template", args=["opening_stock", "csv"]))

    assert response.content.decode().strip() == "part_number,warehouse,quantity,unit_cost,bin"


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def test_stock_level_export_honours_the_list_filters(client, django_assert_max_num_queries):
    central, store = WarehouseFactory(code="CEN"), WarehouseFactory(code="ST1")
    clerk = UserFactory(roles=[Role.CLERK])
    for index in range(5):
        part = PartFactory(number=f"EX-{index}")
        for warehouse in (central, store):
            services.stock_receive(
                part=part, warehouse=warehouse, quantity=Decimal(index + 1), unit_cost=Decimal(2), user=clerk
            )
    client.force_login(clerk)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("imports:export", args=["stock-levels", "csv"]) + f"?warehouse={store.pk}&q=EX-3")
        rows = _csv_rows(response)

    assert rows[0][:5] == ["part_number", "description", "warehouse", "bin", "on_hand"]
    assert [(r[0], r[2], r[4], r[12]) for r in rows[1:]] == [("EX-3", "ST1", "4.000", "8.0000")]
    assert StockLevel.objects.count() == 10


def test_movement_and_part_exports_as_xlsx(client, django_assert_max_num_queries):
    from openpyxl import load_workbook

    warehouse = WarehouseFactory(code="CEN")
    clerk = UserFactory(roles=[Role.CLERK])
    parts = [PartFactory(number=f"MV-{i}") for i in range(4)]
    for part in parts:
        services.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(1), unit_cost=Decimal(3), user=clerk)
    client.force_login(clerk)

    with django_assert_max_num_queries(6):
        movements = client.get(reverse("imports:export", args=["movements", "xlsx"]) + "?kind=receipt")
    parts_export = client.get(reverse("imports:export", args=["parts", "xlsx"]))

    sheet = load_workbook(io.BytesIO(movements.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("posted_at", "kind", "part_number", "warehouse")
    assert sorted(row[2] for row in values[1:]) == ["MV-0", "MV-1", "MV-2", "MV-3"]
    part_rows = list(load_workbook(io.BytesIO(parts_export.content)).active.iter_rows(values_only=True))
    assert part_rows[0] == (
        "number",
        "description",
        "unit",
        "category",
        "list_price",
        "is_critical",
        "superseded_by",
        "is_active",
    )
    assert len(part_rows) == 5
    assert parts_export["Content-Disposition"] == 'attachment; filename="parts.xlsx"'


def test_exports_need_an_internal_role_and_a_known_list(client):
    client.force_login(UserFactory(roles=[Role.SUPPLIER]))
    assert client.get(reverse("imports:export", args=["parts", "csv"])).status_code == 403
    client.force_login(UserFactory(roles=[Role.CLERK]))
    assert client.get(reverse("imports:export", args=["secrets", "csv"])).status_code == 404
    assert client.get(reverse("imports:export", args=["parts", "pdf"])).status_code == 404


def test_an_exported_parts_file_reimports_without_changes(client, tmp_path):
    PartFactory(number="RT-1", description="Round trip", list_price=Decimal("4.20"))
    client.force_login(UserFactory(roles=[Role.CLERK]))
    UserFactory(roles=[Role.MANAGER], username="loader2")
    body = b"".join(client.get(reverse("imports:export", args=["parts", "csv"])).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode().lstrip("\ufeff"))))
    path = tmp_path / "round.csv"
    path.write_bytes(csv_bytes(rows[0][:-1], [r[:-1] for r in rows[1:]]))

    out = io.StringIO()
    call_command("import_data", "parts", str(path), "--user", "loader2", "--no-progress", stdout=out)

    assert "1 rows: 0 were created, 0 updated, 1 unchanged." in out.getvalue()
