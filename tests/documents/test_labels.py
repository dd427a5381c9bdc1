"""Labels in both layouts: rasterised and decoded by a real decoder, every code as printed."""

from __future__ import annotations

from collections import Counter

import pypdfium2
import pytest
import zxingcpp
from django.core.management import call_command
from django.urls import reverse

from ..factories import BinFactory, PartFactory, WarehouseFactory
from .pdf import pdf_text

pytestmark = pytest.mark.usefixtures("postgres")


def decoded(content: bytes) -> Counter[str]:
    codes: Counter[str] = Counter()
    document = pypdfium2.PdfDocument(content)
    for page in document:
        image = page.render(scale=300 / 72).to_pil()
        codes.update(result.text for result in zxingcpp.read_barcodes(image))
    return codes


@pytest.mark.parametrize("layout", ["a4", "62mm"])
@pytest.mark.parametrize("qr", [False, True])
def test_part_and_bin_labels_decode_to_the_codes_printed(tmp_path, layout, qr):
    warehouse = WarehouseFactory(code="CEN")
    PartFactory(number="BP-4471", description="刹车片 前轮 Brake pad front")
    PartFactory(number="0986452041", description="Oil filter")
    PartFactory(number="A2214200220-LONG-NUMBER", description="Disc")
    BinFactory(warehouse=warehouse, code="A-01-02")
    BinFactory(warehouse=warehouse, code="Z-99")
    output = tmp_path / "labels.pdf"

    args = ["--part", "BP-4471", "--part", "0986452041", "--part", "A2214200220-LONG-NUMBER"]
    args += ["--bin", "CEN:A-01-02", "--bin", "CEN:Z-99", "--layout", layout, "--output", str(output)]
    call_command("print_labels", *args, *(["--qr"] if qr else []))

    content = output.read_bytes()
    assert decoded(content) == Counter(
        ["BP-4471", "0986452041", "A2214200220-LONG-NUMBER", "BIN:CEN:A-01-02", "BIN:CEN:Z-99"]
    )
    text = pdf_text(content)
    assert "刹车片" in text
    assert "CEN / A-01-02" in text


def test_receipt_labels_one_per_unit_or_per_line(client, receipt, clerk):
    client.force_login(clerk)
    url = reverse("documents:receipt-labels", args=[receipt.number])
    per_unit = client.get(url, {"per": "unit", "layout": "62mm"})
    per_line = client.get(url, {"per": "line", "layout": "a4"})
    assert per_unit.status_code == per_line.status_code == 200
    assert decoded(per_unit.content) == Counter({"BP-4471": 3})
    assert decoded(per_line.content) == Counter({"BP-4471": 1})
    assert "Bin R-07" in pdf_text(per_line.content)


def test_a_warehouses_bin_sheet_and_a_part_label_from_the_screens(client, clerk, warehouse):
    BinFactory(warehouse=warehouse, code="A-01")
    BinFactory(warehouse=warehouse, code="A-02")
    PartFactory(number="OF-1000", description="Oil filter")
    client.force_login(clerk)
    bins = client.get(reverse("documents:bin-labels"), {"warehouse": warehouse.code, "layout": "a4"})
    part = client.get(reverse("documents:part-labels"), {"number": "of1000", "layout": "62mm", "copies": 2})
    assert (bins.status_code, part.status_code) == (200, 200), (bins.content[:300], part.content[:300])
    assert decoded(bins.content) == Counter([f"BIN:{warehouse.code}:A-01", f"BIN:{warehouse.code}:A-02"])
    assert decoded(part.content) == Counter({"OF-1000": 2})
    assert client.get(reverse("documents:part-labels"), {"number": "NOPE", "layout": "a4"}).status_code == 404


def test_a_clerk_prints_labels_of_the_clerks_own_warehouses_only(client, clerk, warehouse, manager):
    # Given bins and a part in the clerk's warehouse and in another one
    other = WarehouseFactory(code="OTH")
    BinFactory(warehouse=warehouse, code="A-01")
    BinFactory(warehouse=other, code="Z-09")
    PartFactory(number="OF-1000", description="Oil filter")
    bins, parts = reverse("documents:bin-labels"), reverse("documents:part-labels")
    client.force_login(clerk)

    # When the clerk asks for the other warehouse's bin sheet, one of its bins, or a part label for it
    sheet = client.get(bins, {"warehouse": other.code, "layout": "a4"})
    one_bin = client.get(bins, {"warehouse": other.code, "bin": "Z-09", "layout": "62mm"})
    part = client.get(parts, {"number": "OF-1000", "warehouse": other.pk, "layout": "62mm"})

    # Then each answers as if there were none, while the clerk's own warehouse prints
    assert (sheet.status_code, one_bin.status_code, part.status_code) == (404, 404, 404)
    own = client.get(bins, {"warehouse": warehouse.code, "layout": "a4"})
    own_part = client.get(parts, {"number": "OF-1000", "warehouse": warehouse.pk, "layout": "62mm"})
    assert (own.status_code, own_part.status_code) == (200, 200)
    assert decoded(own.content) == Counter([f"BIN:{warehouse.code}:A-01"])
    # and the other warehouse's page offers the clerk no sheet to print, the own warehouse's does
    other_page = client.get(reverse("inventory:warehouse-detail", args=[other.pk])).content.decode()
    own_page = client.get(reverse("inventory:warehouse-detail", args=[warehouse.pk])).content.decode()
    assert "Print labels of every bin" not in other_page
    assert "Print labels of every bin" in own_page

    # And a manager prints the other warehouse's sheet
    client.force_login(manager)
    managed = client.get(bins, {"warehouse": other.code, "layout": "a4"})
    assert managed.status_code == 200
    assert decoded(managed.content) == Counter([f"BIN:{other.code}:Z-09"])
