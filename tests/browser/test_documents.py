"""Paper from the screens: labels from the receipt screen, a PO PDF downloaded by the supplier, scans of labels."""

from __future__ import annotations

import io
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pypdf
import pypdfium2
import zxingcpp

from core.roles import Role
from inventory.scan_codes import parse_scan
from suppliers import services

from ..factories import BinFactory, PartFactory, UserFactory, WarehouseFactory
from ..suppliers.factories import SupplierFactory, SupplierPartFactory, SupplierUserFactory


def _order(warehouse):
    purchaser = UserFactory(roles=[Role.PURCHASER])
    supplier = SupplierFactory(code="GZ", name="广州汽配")
    part = PartFactory(number="BP-4471", description="刹车片 前轮")
    SupplierPartFactory(supplier=supplier, part=part, price=Decimal("12.50"), supplier_part_number="GZ-88")
    order = services.purchase_order_create(
        supplier=supplier, warehouse=warehouse, order_type="stock", lines=[(part, Decimal(4), None)], user=purchaser
    )
    services.purchase_order_send(order=order, user=purchaser)
    return order


def _codes(content: bytes) -> list[str]:
    found: list[str] = []
    for page in pypdfium2.PdfDocument(content):
        found += [result.text for result in zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil())]
    return found


def test_clerk_prints_one_label_per_received_unit_from_the_receipt_screen(page, login):
    central = WarehouseFactory(code="CEN")
    order = _order(central)
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=central)
    receipt = services.goods_receipt_post(
        order=order,
        lines=[(order.lines.get(), Decimal(3), BinFactory(warehouse=central, code="R-07"), False)],
        user=clerk,
    )
    login(page, clerk)
    page.goto(f"/suppliers/receipts/{receipt.pk}/")

    page.select_option("#receipt-labels select[name=per]", "unit")
    page.select_option("#receipt-labels select[name=layout]", "62mm")
    # The form opens the labels in a new tab, ready for the print dialog.
    with page.context.expect_page() as opened:
        page.click("#receipt-labels button[type=submit]")
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url.endswith(f"/documents/labels/receipts/{receipt.number}/?per=unit&layout=62mm")

    # What the tab shows, fetched with the same session, is a PDF of three labels that scan as the part.
    response = page.context.request.get(tab.url)
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    assert _codes(response.body()) == ["BP-4471"] * 3


def test_supplier_downloads_its_purchase_order_as_pdf_from_the_portal(page, login, tmp_path):
    order = _order(WarehouseFactory(code="CEN"))
    supplier_user = SupplierUserFactory(supplier=order.supplier).user
    login(page, supplier_user)
    page.goto(f"/suppliers/portal/orders/{order.pk}/")

    with page.expect_download() as info:
        page.click("#po-pdf")

    download = info.value
    assert download.suggested_filename == f"{order.number}.pdf"
    target = Path(tmp_path) / "po.pdf"
    download.save_as(target)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "GZ-88" in text
    assert "广州汽配" in text


def test_the_scan_fields_parser_agrees_with_the_server(page, login):
    clerk = UserFactory(roles=[Role.CLERK])
    login(page, clerk)
    page.goto("/suppliers/receiving/")
    page.add_script_tag(url="/static/js/scan.js")
    samples = ["BP-4471", " BIN:WH1:A-01-02 ", "bin:WH1:a:1", "BIN:WH1", "TRF:TO-000042", "TRF:", "trf:x", "  "]
    for sample in samples:
        expected = parse_scan(sample)
        got = page.evaluate("(text) => window.parseScan(text)", sample)
        if expected is None:
            assert got is None
        else:
            kind = {"PartCode": "part", "BinCode": "bin", "TransferCode": "transfer"}[type(expected).__name__]
            assert got == {"kind": kind, **asdict(expected)}, sample
