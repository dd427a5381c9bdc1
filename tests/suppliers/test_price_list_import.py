"""Supplier price lists import through django-import-export: preview, row errors, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from suppliers.models import SupplierPart
from suppliers.resources import SupplierPartResource

from ..factories import PartFactory, UserFactory
from .factories import SupplierFactory, SupplierPartFactory

pytestmark = pytest.mark.usefixtures("postgres")

HEADER = "supplier,part_number,supplier_part_number,price,lead_time_days,min_order_qty,pack_size,is_preferred\n"


@pytest.fixture
def catalogue():
    acme = SupplierFactory(code="ACME")
    filter_part = PartFactory(number="OF-100")
    pad = PartFactory(number="BP-200")
    existing = SupplierPartFactory(supplier=acme, part=pad, price=Decimal("9.0000"))
    return acme, filter_part, pad, existing


def _csv(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(text, format="csv")


def test_good_csv_creates_and_updates(catalogue):
    acme, filter_part, _pad, existing = catalogue
    data = _csv(HEADER + "acme,of 100,A-1,4.25,5,10,5,1\nACME,BP200,A-2,8.50,7,1,1,0\n")

    preview = SupplierPartResource().import_data(data, dry_run=True)
    assert not preview.has_errors()
    assert not preview.has_validation_errors()
    assert SupplierPart.objects.count() == 1  # a dry run changes nothing

    result = SupplierPartResource().import_data(data, dry_run=False)
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    created = SupplierPart.objects.get(part=filter_part)
    assert (created.supplier, created.price, created.min_order_qty, created.pack_size, created.is_preferred) == (
        acme,
        Decimal("4.2500"),
        Decimal("10.000"),
        Decimal("5.000"),
        True,
    )
    existing.refresh_from_db()
    assert (existing.price, existing.supplier_part_number) == (Decimal("8.5000"), "A-2")


def test_one_bad_row_imports_nothing_and_names_the_row(catalogue):
    data = _csv(HEADER + "ACME,OF-100,A-1,4.25,5,10,5,1\nACME,NOPE-1,A-9,1,1,1,1,0\nACME,BP-200,A-2,-3,7,1,1,0\n")

    result = SupplierPartResource().import_data(data, dry_run=False, raise_errors=False)

    # row 2 fails on its key (unknown part), row 3 on validation (negative price)
    assert result.has_errors()
    assert result.has_validation_errors()
    assert [(number, str(errors[0].error)) for number, errors in result.row_errors()] == [
        (2, "No part with number 'NOPE-1'; create the part first.")
    ]
    assert [(row.number, row.error_dict) for row in result.invalid_rows] == [
        (3, {"price": ["'-3' must be zero or more."]})
    ]
    assert SupplierPart.objects.count() == 1
    assert SupplierPart.objects.get().price == Decimal("9.0000")


def test_xlsx_import_through_the_admin_preview_and_confirm(client, catalogue):
    _acme, filter_part, *_ = catalogue
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["ACME", "OF-100", "A-1", 4.25, 5, 10, 5, 1])
    buffer = BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("prices.xlsx", buffer.getvalue())

    # the first step is a dry run: a preview, nothing saved
    preview = client.post(
        reverse("admin:suppliers_supplierpart_import"),
        {"import_file": upload, "format": "1", "resource": "0"},
    )
    assert preview.status_code == 200
    assert "confirm_form" in preview.context
    assert SupplierPart.objects.filter(part=filter_part).count() == 0

    # confirming imports it
    confirm = preview.context["confirm_form"].initial
    done = client.post(reverse("admin:suppliers_supplierpart_process_import"), confirm)
    assert done.status_code == 302
    assert SupplierPart.objects.get(part=filter_part).price == Decimal("4.2500")


def test_admin_preview_of_a_bad_file_shows_row_errors_and_no_confirm(client, catalogue):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    upload = SimpleUploadedFile("prices.csv", (HEADER + "ZZZ,OF-100,A-1,4.25,5,10,5,1\n").encode())
    response = client.post(
        reverse("admin:suppliers_supplierpart_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert "No supplier with code" in response.content.decode()
    assert "confirm_form" not in response.context
    assert SupplierPart.objects.count() == 1
