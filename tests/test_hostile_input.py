"""Hostile input on the screens, the imports and the API: a clear refusal, and nothing written.

The same malformed values go everywhere a quantity, a number or a text is
typed: huge numbers, NaN and Infinity, negative and fractional quantities for
whole-unit parts, unknown part numbers and ids, unicode, NUL characters and
10,000-character strings. Each test asserts the answer (400 / form error /
row-level report) and that movements, levels and documents are unchanged.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from counting import services as counting_services
from counting.models import CountLine
from imports.models import ImportBatch
from inventory import services
from inventory.models import (
    DemandHit,
    Part,
    RepairOrder,
    StockLevel,
    StockMovement,
    TransferOrder,
    Unit,
    WorkshopRequest,
)
from inventory.selectors import ledger_differences
from planning.models import KnownDemand, StockingParameter
from suppliers import services as supplier_services
from suppliers.models import GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine, SupplierPart

from .factories import BinFactory, PartFactory, UserFactory, WarehouseFactory
from .imports.helpers import csv_bytes, run
from .suppliers.factories import SupplierFactory, SupplierPartFactory

pytestmark = pytest.mark.usefixtures("postgres")

LONG = "x" * 10_000

# Quantities no screen, import or endpoint may accept for a part counted in pieces.
BAD_QUANTITIES = [
    "1e30",
    "99999999999999999999",
    "123456789012.5",
    "-5",
    "2.5",
    "0.0001",
    "NaN",
    "-Infinity",
    "Infinity",
    "sNaN",
    "1e-30",
    "½",
    "1,5,0",
    "12 kg",
    "0x10",
    "\x00",
    "1" * 10_000,
    LONG,
]


def state():
    """Everything a posting could write, as plain values to compare before and after."""
    return {
        "movements": StockMovement.objects.count(),
        "levels": sorted(StockLevel.objects.values_list("part_id", "warehouse_id", "on_hand", "value", "reserved")),
        "hits": DemandHit.objects.count(),
        "receipts": GoodsReceipt.objects.count(),
        "receipt_lines": GoodsReceiptLine.objects.count(),
        "requests": WorkshopRequest.objects.count(),
        "repair_orders": RepairOrder.objects.count(),
        "transfers": TransferOrder.objects.count(),
        "orders": sorted(PurchaseOrder.objects.values_list("pk", "state")),
        "order_lines": sorted(
            PurchaseOrderLine.objects.values_list("pk", "quantity", "price", "quantity_received", "confirmed_quantity")
        ),
        "parts": sorted(Part.objects.values_list("number", "description", "unit", "list_price", "superseded_by")),
        "supplier_parts": sorted(SupplierPart.objects.values_list("pk", "price", "min_order_qty", "pack_size")),
        "count_lines": sorted(CountLine.objects.values_list("pk", "status", "counted_qty")),
        "parameters": StockingParameter.objects.count(),
        "known_demand": KnownDemand.objects.count(),
        "batches": ImportBatch.objects.filter(status="imported").count(),
    }


@pytest.fixture
def shop(db):
    store = WarehouseFactory(code="HS1")
    other = WarehouseFactory(code="HS2")
    shelf = BinFactory(warehouse=store, code="H-01")
    manager = UserFactory(roles=[Role.MANAGER])
    clerk = UserFactory(roles=[Role.CLERK])
    clerk.warehouse_memberships.create(warehouse=store)
    workshop = UserFactory(roles=[Role.WORKSHOP])
    workshop.warehouse_memberships.create(warehouse=store)
    purchaser = UserFactory(roles=[Role.PURCHASER])
    filter_part = PartFactory(number="HF-1", unit=Unit.PIECE)
    oil = PartFactory(number="HOIL", unit=Unit.LITRE)
    for part in (filter_part, oil):
        services.stock_receive(
            part=part, warehouse=store, quantity=Decimal(10), unit_cost=Decimal(2), user=manager, bin=shelf
        )
    supplier = SupplierFactory(code="HSUP")
    SupplierPartFactory(supplier=supplier, part=filter_part)
    order = supplier_services.purchase_order_create(
        supplier=supplier,
        warehouse=store,
        order_type="stock",
        lines=[(filter_part, Decimal(5), None)],
        user=purchaser,
    )
    supplier_services.purchase_order_send(order=order, user=purchaser)
    draft = supplier_services.purchase_order_create(
        supplier=supplier,
        warehouse=store,
        order_type="stock",
        lines=[(filter_part, Decimal(2), None)],
        user=purchaser,
    )
    StockLevel.objects.filter(part=filter_part, warehouse=store).update(default_bin=shelf)
    count_list = counting_services.count_list_create_adhoc(warehouse=store, user=manager, part=filter_part)
    counting_services.count_lines_start(count_list=count_list, user=manager)
    return {
        "store": store,
        "other": other,
        "bin": shelf,
        "manager": manager,
        "clerk": clerk,
        "workshop": workshop,
        "purchaser": purchaser,
        "part": filter_part,
        "oil": oil,
        "supplier": supplier,
        "order": order,
        "order_line": order.lines.get(),
        "draft": draft,
        "count_list": count_list,
        "count_line": count_list.lines.get(),
    }


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- Receipt screen (suppliers:receiving) -----------------------------------------------------------


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_receipt_screen_refuses_a_malformed_quantity_and_posts_nothing(client, shop, quantity):
    # Given: a clerk at the goods-in screen with a sent order of 5 filters
    client.force_login(shop["clerk"])
    before = state()
    line = shop["order_line"]

    # When: the clerk types a hostile quantity on the line and posts
    response = client.post(
        reverse("suppliers:receiving"),
        {"order": shop["order"].pk, "key": "hostile-1", f"qty-{line.pk}": quantity, f"bin-{line.pk}": "H-01"},
    )

    # Then: the screen answers with a readable error, and no receipt, movement or level changed
    assert response.status_code in (400, 409)
    errors = _messages(response)
    assert len(errors) == 1
    assert errors[0]
    assert state() == before


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("1e30", "Line 1 (HF-1): enter the quantity as a number up to 99,999,999,999.999."),
        ("NaN", "Line 1 (HF-1): enter the quantity as a number."),
        ("12 kg", "Line 1 (HF-1): enter the quantity as a number."),
        ("-5", "The quantity of HF-1 must be greater than zero."),
        ("2.5", "HF-1 is ordered in whole pieces."),
    ],
)
def test_receipt_screen_says_what_is_wrong_with_the_quantity(client, shop, quantity, message):
    client.force_login(shop["clerk"])
    line = shop["order_line"]

    response = client.post(
        reverse("suppliers:receiving"), {"order": shop["order"].pk, "key": "hostile-3", f"qty-{line.pk}": quantity}
    )

    assert _messages(response) == [message]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("delivery_note", LONG),
        ("delivery_note", "note\x00with NUL"),
        ("key", "key\x00"),
        ("arrived_at", "2026-13-45T99:99"),
        ("arrived_at", LONG),
        ("extra_part", "NO-SUCH-PART"),
        ("extra_part", "ÅÄÖ-ünïcødé-😀"),
        ("extra_part", LONG),
        ("extra_part", "HF\x00-1"),
    ],
)
def test_receipt_screen_refuses_malformed_header_fields_and_posts_nothing(client, shop, field, value):
    # Given: a manager (who may also receive unplanned parts) with a valid quantity on the line
    client.force_login(shop["manager"])
    before = state()
    line = shop["order_line"]
    data = {"order": shop["order"].pk, "key": "hostile-2", f"qty-{line.pk}": "2", f"bin-{line.pk}": "H-01"}
    data[field] = value
    if field == "extra_part":
        data["extra_qty"] = "1"

    # When: the receipt is posted
    response = client.post(reverse("suppliers:receiving"), data)

    # Then: a 400 with one message, and nothing written
    assert response.status_code == 400
    assert len(_messages(response)) == 1
    assert state() == before


def test_receipt_screen_with_an_unknown_or_malformed_order_id_answers_404(client, shop):
    client.force_login(shop["clerk"])
    before = state()

    answers = [
        client.post(reverse("suppliers:receiving"), {"order": order}).status_code
        for order in ("999999999", "99999999999999999999999", "-1", "1e3", "x\x00", "", LONG)
    ]

    assert answers == [404] * 7
    assert state() == before


# --- Workshop request screen (inventory:request-new) ------------------------------------------------


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_workshop_request_screen_refuses_a_malformed_quantity_and_writes_nothing(client, shop, quantity):
    # Given: a technician at the request screen of the store
    client.force_login(shop["workshop"])
    before = state()

    # When: one line asks for a hostile quantity of filters
    response = client.post(
        reverse("inventory:request-new"),
        {
            "warehouse": shop["store"].pk,
            "key": "k-RO-H1",
            "repair_order": "RO-H1",
            "number": ["HF-1"],
            "quantity": [quantity],
        },
    )

    # Then: the form comes back with an error, and no request, repair order, hit or movement exists
    assert response.status_code == 400
    assert response.context["form"].errors
    assert state() == before


@pytest.mark.parametrize(
    ("quantity", "error"),
    [
        ("1e30", "Line 1: enter a quantity between 0 and 99,999,999,999.999."),
        ("-5", "Line 1: enter a quantity between 0 and 99,999,999,999.999."),
        ("NaN", "Line 1: enter a quantity between 0 and 99,999,999,999.999."),
        ("12 kg", "Line 1: the quantity “12 kg” is not a number."),
        ("2.5", "HF-1 is counted in whole pieces; enter a whole number."),
    ],
)
def test_workshop_request_screen_says_what_is_wrong_with_the_quantity(client, shop, quantity, error):
    client.force_login(shop["workshop"])

    response = client.post(
        reverse("inventory:request-new"),
        {
            "warehouse": shop["store"].pk,
            "key": "k-RO-H4",
            "repair_order": "RO-H4",
            "number": ["HF-1"],
            "quantity": [quantity],
        },
    )

    assert response.context["form"].non_field_errors() == [error]


@pytest.mark.parametrize(
    ("number", "repair_order", "vehicle"),
    [
        ("NO-SUCH-PART", "RO-H2", ""),
        ("ÅÄÖ-ünïcødé-😀", "RO-H2", ""),
        (LONG, "RO-H2", ""),
        ("HF\x00-1", "RO-H2", ""),
        ("HF-1", LONG, ""),
        ("HF-1", "RO\x00H2", ""),
        ("HF-1", "", ""),
        ("HF-1", "RO-H2", LONG),
    ],
)
def test_workshop_request_screen_refuses_malformed_texts_and_writes_nothing(
    client, shop, number, repair_order, vehicle
):
    client.force_login(shop["workshop"])
    before = state()

    response = client.post(
        reverse("inventory:request-new"),
        {
            "key": "k-hostile",
            "warehouse": shop["store"].pk,
            "repair_order": repair_order,
            "vehicle_ref": vehicle,
            "number": [number],
            "quantity": ["1"],
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors
    assert state() == before


@pytest.mark.parametrize("warehouse", ["999999999", "99999999999999999999999", "-1", "abc", "\x00", LONG])
def test_workshop_request_screen_refuses_an_unknown_store(client, shop, warehouse):
    client.force_login(shop["workshop"])
    before = state()

    response = client.post(
        reverse("inventory:request-new"),
        {"warehouse": warehouse, "key": "k-RO-H3", "repair_order": "RO-H3", "number": ["HF-1"], "quantity": ["1"]},
    )

    assert response.status_code == 400
    assert "warehouse" in response.context["form"].errors
    assert state() == before


# --- Count entry screen (counting:bin) --------------------------------------------------------------


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_count_screen_refuses_a_malformed_count_and_records_nothing(client, shop, quantity):
    # Given: a clerk counting the filter's bin blind
    client.force_login(shop["clerk"])
    line = shop["count_line"]
    bin_key = str(line.bin_id) if line.bin_id else "none"
    before = state()

    # When: a hostile quantity is typed for the line
    response = client.post(
        reverse("counting:bin", kwargs={"pk": shop["count_list"].pk, "bin_key": bin_key}),
        {f"qty-{line.pk}": quantity},
        follow=True,
    )

    # Then: the screen says which line is wrong, and the line is still open with no count recorded
    assert response.status_code == 200
    errors = [message for message in _messages(response) if message.startswith("HF-1: ")]
    assert len(errors) == 1
    assert state() == before


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("1e30", "HF-1: The counted quantity is too large (at most 99,999,999,999.999)."),
        ("-5", "HF-1: The counted quantity cannot be negative."),
        ("2.5", "HF-1: HF-1 is counted in whole pieces; enter a whole number."),
        ("12 kg", "HF-1: “12 kg” is not a number."),
    ],
)
def test_count_screen_says_what_is_wrong_with_the_count(client, shop, quantity, message):
    client.force_login(shop["clerk"])
    line = shop["count_line"]
    bin_key = str(line.bin_id) if line.bin_id else "none"

    response = client.post(
        reverse("counting:bin", kwargs={"pk": shop["count_list"].pk, "bin_key": bin_key}),
        {f"qty-{line.pk}": quantity},
        follow=True,
    )

    assert _messages(response) == [message]


@pytest.mark.parametrize("bin_key", ["999999999", "99999999999999999999999", "-1", "x" * 2000])
def test_count_screen_with_an_unknown_bin_answers_404(client, shop, bin_key):
    client.force_login(shop["clerk"])
    before = state()

    response = client.post(
        reverse("counting:bin", kwargs={"pk": shop["count_list"].pk, "bin_key": bin_key}),
        {f"qty-{shop['count_line'].pk}": "3"},
    )

    assert response.status_code == 404
    assert state() == before


# --- Imports ----------------------------------------------------------------------------------------

STOCK = ["part_number", "warehouse", "quantity", "unit_cost", "bin"]
PARTS = ["number", "description", "unit", "category", "list_price", "is_critical", "superseded_by"]
LIMITS = ["part_number", "warehouse", "min_qty", "max_qty", "bin"]
SUPPLIER_PARTS = [
    "supplier",
    "part_number",
    "supplier_part_number",
    "price",
    "lead_time_days",
    "min_order_qty",
    "pack_size",
    "is_preferred",
]


def _import(kind, header, rows, user):
    return run(kind, csv_bytes(header, rows), user, name=f"{kind}.csv")


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_opening_stock_import_reports_a_malformed_quantity_by_row_and_imports_nothing(shop, quantity):
    # Given: a file with one good row and one hostile row
    before = state()
    rows = [["HOIL", "HS1", "1.5", "2", ""], ["HF-1", "HS1", quantity, "2", "H-01"]]

    # When: it is imported
    report = _import("opening_stock", STOCK, rows, shop["manager"])

    # Then: the report names row 3 (the hostile one), and nothing at all was imported
    assert report.imported is False
    assert {problem.row for problem in report.errors} == {3}
    assert all(problem.message for problem in report.errors)
    assert state() == before
    assert ledger_differences() == []


@pytest.mark.parametrize(
    "row",
    [
        ["NO-SUCH-PART", "HS1", "1", "2", ""],
        ["ÅÄÖ-ünïcødé-😀", "HS1", "1", "2", ""],
        [LONG, "HS1", "1", "2", ""],
        ["HF-1", "NOWHERE", "1", "2", ""],
        ["HF-1", LONG, "1", "2", ""],
        ["HF-1", "HS1", "1", "1e30", ""],
        ["HF-1", "HS1", "1", "-2", ""],
        ["HF-1", "HS1", "1", "NaN", ""],
        ["HF-1", "HS1", "1", "2", "NO-BIN"],
        ["HF-1", "HS1", "1", "2", LONG],
    ],
)
def test_opening_stock_import_reports_unknown_and_malformed_values_by_row(shop, row):
    before = state()

    report = _import("opening_stock", STOCK, [row], shop["manager"])

    assert report.imported is False
    assert {problem.row for problem in report.errors} == {2}
    assert state() == before


@pytest.mark.parametrize(
    "row",
    [
        ["HN-1", LONG, "PCS", "Filters", "5", "no", ""],
        [LONG, "Filter", "PCS", "Filters", "5", "no", ""],
        ["HN-1", "Filter", "BOX OF 12", "Filters", "5", "no", ""],
        ["HN-1", "Filter", "PCS", LONG, "5", "no", ""],
        ["HN-1", "Filter", "PCS", "Filters", "1e30", "no", ""],
        ["HN-1", "Filter", "PCS", "Filters", "-5", "no", ""],
        ["HN-1", "Filter", "PCS", "Filters", "NaN", "no", ""],
        ["HN-1", "Filter", "PCS", "Filters", "Infinity", "no", ""],
        ["HN-1", "Filter", "PCS", "Filters", "5", "perhaps", ""],
        ["HN-1", "Filter", "PCS", "Filters", "5", "no", "NO-SUCH-PART"],
        ["HN-1", "Filter", "PCS", "Filters", "5", "no", "HN-1"],
        ["", "Filter", "PCS", "Filters", "5", "no", ""],
    ],
)
def test_parts_import_reports_malformed_values_by_row_and_creates_no_part(shop, row):
    before = state()

    report = _import("parts", PARTS, [row], shop["manager"])

    assert report.imported is False
    assert {problem.row for problem in report.errors} == {2}
    assert state() == before


def test_parts_import_keeps_unicode_descriptions_and_numbers_exactly(shop):
    # Unicode is not hostile by itself: it is stored as given, and the number stays findable.
    report = _import(
        "parts", PARTS, [["ÜB-ß-1", "Ölfilter für Straße — 日本", "PCS", "Filter", "5", "no", ""]], shop["manager"]
    )

    assert report.errors == []
    assert report.imported is True
    assert Part.objects.filter(number="ÜB-ß-1").values_list("description", flat=True).get() == (
        "Ölfilter für Straße — 日本"
    )


@pytest.mark.parametrize(
    "row",
    [
        ["HF-1", "HS1", "-1", "5", ""],
        ["HF-1", "HS1", "1e30", "2e30", ""],
        ["HF-1", "HS1", "NaN", "5", ""],
        ["HF-1", "HS1", "5", "1", ""],
        ["NO-SUCH-PART", "HS1", "1", "5", ""],
        ["HF-1", "HS1", "1", "5", LONG],
    ],
)
def test_stock_parameters_import_reports_malformed_limits_by_row(shop, row):
    before = state()

    report = _import("stock_parameters", LIMITS, [row], shop["manager"])

    assert report.imported is False
    assert {problem.row for problem in report.errors} == {2}
    assert state() == before


@pytest.mark.parametrize(
    "row",
    [
        ["HSUP", "HF-1", "X-1", "1e30", "7", "1", "1", "no"],
        ["HSUP", "HF-1", "X-1", "-3", "7", "1", "1", "no"],
        ["HSUP", "HF-1", "X-1", "NaN", "7", "1", "1", "no"],
        ["HSUP", "HF-1", "X-1", "3", "99999999999", "1", "1", "no"],
        ["HSUP", "HF-1", "X-1", "3", "-7", "1", "1", "no"],
        ["HSUP", "HF-1", "X-1", "3", "7.5", "1", "1", "no"],
        ["HSUP", "HF-1", LONG, "3", "7", "1", "1", "no"],
        ["NOSUP", "HF-1", "X-1", "3", "7", "1", "1", "no"],
        ["HSUP", "NO-SUCH-PART", "X-1", "3", "7", "1", "1", "no"],
    ],
)
def test_supplier_parts_import_reports_malformed_values_by_row(shop, row):
    before = state()

    report = _import("supplier_parts", SUPPLIER_PARTS, [row], shop["manager"])

    assert report.imported is False
    assert {problem.row for problem in report.errors} == {2}
    assert state() == before


def test_a_file_that_is_not_csv_is_reported_and_imports_nothing(shop):
    before = state()

    report = run("opening_stock", b"\x00\xff\xfe\x00garbage" * 100, shop["manager"], name="stock.csv")

    assert report.imported is False
    assert len(report.errors) >= 1
    assert state() == before


# --- API postings with the same values --------------------------------------------------------------


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_api_stock_postings_refuse_a_malformed_quantity_with_400(api_as, shop, quantity):
    # Given: a manager's token and one filter part in the store
    api = api_as(shop["manager"])
    part, store, other = shop["part"], shop["store"], shop["other"]
    before = state()

    # When: every stock posting is sent the hostile quantity
    answers = {
        "receipt": api.post(
            "/api/v1/stock/receipts/",
            {"part": part.pk, "warehouse": store.pk, "quantity": quantity, "unit_cost": "1"},
            format="json",
        ),
        "issue": api.post(
            "/api/v1/stock/issues/", {"part": part.pk, "warehouse": store.pk, "quantity": quantity}, format="json"
        ),
        "transfer": api.post(
            "/api/v1/stock/transfers/",
            {"part": part.pk, "from_warehouse": store.pk, "to_warehouse": other.pk, "quantity": quantity},
            format="json",
        ),
    }
    if quantity != "-5":  # an adjustment is signed: -5 is a valid write-off
        answers["adjustment"] = api.post(
            "/api/v1/stock/adjustments/",
            {"part": part.pk, "warehouse": store.pk, "quantity": quantity, "reason": "hostile"},
            format="json",
        )

    # Then: each is a 400 naming the quantity, and nothing moved
    assert {name: response.status_code for name, response in answers.items()} == dict.fromkeys(answers, 400)
    assert all("quantity" in response.json() for response in answers.values())
    assert state() == before


@pytest.mark.parametrize("quantity", BAD_QUANTITIES)
def test_api_documents_refuse_a_malformed_quantity_with_400(api_as, shop, quantity):
    api_manager = api_as(shop["manager"])
    api_clerk = api_as(shop["clerk"])
    before = state()

    answers = {
        "goods receipt": api_clerk.post(
            "/api/v1/goods-receipts/",
            {
                "purchase_order": shop["order"].pk,
                "idempotency_key": "hostile-api",
                "lines": [{"po_line": shop["order_line"].pk, "quantity": quantity}],
            },
            format="json",
        ),
        "workshop request": api_as(shop["workshop"]).post(
            "/api/v1/workshop-requests/",
            {"warehouse": shop["store"].pk, "repair_order": "RO-H9", "lines": [{"part": "HF-1", "quantity": quantity}]},
            format="json",
        ),
        "counter sale": api_manager.post(
            "/api/v1/counter-sales/",
            {"warehouse": shop["store"].pk, "lines": [{"part": "HF-1", "quantity": quantity}]},
            format="json",
        ),
        "count": api_clerk.post(
            f"/api/v1/count-lines/{shop['count_line'].pk}/count/", {"quantity": quantity}, format="json"
        ),
        "order line": api_as(shop["purchaser"]).post(
            f"/api/v1/purchase-orders/{shop['draft'].pk}/lines/",
            {"part": shop["part"].pk, "quantity": quantity},
            format="json",
        ),
        "transfer order": api_manager.post(
            "/api/v1/transfer-orders/",
            {
                "from_warehouse": shop["store"].pk,
                "to_warehouse": shop["other"].pk,
                "lines": [{"part": "HF-1", "quantity": quantity}],
            },
            format="json",
        ),
    }
    answers["limits"] = api_manager.post(
        "/api/v1/stock-levels/limits/",
        {"part": shop["part"].pk, "warehouse": shop["store"].pk, "min_qty": quantity, "max_qty": "5"},
        format="json",
    )

    assert {name: response.status_code for name, response in answers.items()} == dict.fromkeys(answers, 400)
    assert state() == before


@pytest.mark.parametrize(
    "body",
    [
        {"number": LONG, "description": "x"},
        {"number": "HN\x00-2", "description": "x"},
        {"number": "HN-2", "description": LONG},
        {"number": "HN-2", "description": "x", "list_price": "1e30"},
        {"number": "HN-2", "description": "x", "list_price": "NaN"},
        {"number": "HN-2", "description": "x", "list_price": "-1"},
        {"number": "HN-2", "description": "x", "unit": "😀"},
        {"number": "", "description": "x"},
        {"number": "   ", "description": "x"},
    ],
)
def test_api_part_create_refuses_malformed_fields_with_400(api_as, shop, body):
    api = api_as(shop["manager"])
    before = state()

    response = api.post("/api/v1/parts/", body, format="json")

    assert response.status_code == 400
    assert response.json()
    assert state() == before


@pytest.mark.parametrize("reference", [999_999_999, 10**30, -1, "abc", 1.5, None, [], {"id": 1}, True, LONG, "HS1\x00"])
def test_api_posting_with_an_unknown_or_malformed_reference_answers_400(api_as, shop, reference):
    api = api_as(shop["manager"])
    before = state()

    answers = [
        api.post(
            "/api/v1/stock/receipts/",
            {"part": reference, "warehouse": shop["store"].pk, "quantity": "1", "unit_cost": "1"},
            format="json",
        ).status_code,
        api.post(
            "/api/v1/stock/receipts/",
            {"part": shop["part"].pk, "warehouse": reference, "quantity": "1", "unit_cost": "1"},
            format="json",
        ).status_code,
        api.post(
            "/api/v1/purchase-orders/",
            {"supplier": reference, "warehouse": shop["store"].pk, "order_type": "stock", "lines": []},
            format="json",
        ).status_code,
    ]

    assert answers == [400, 400, 400]
    assert state() == before


@pytest.mark.parametrize("path_id", ["999999999", "99999999999999999999999"])
def test_api_unknown_ids_in_paths_answer_404(api_as, shop, path_id):
    api = api_as(shop["manager"])
    before = state()

    answers = [
        api.get(f"/api/v1/parts/{path_id}/").status_code,
        api.post(f"/api/v1/movements/{path_id}/reverse/", {"reason": "x"}, format="json").status_code,
        api.post(f"/api/v1/purchase-orders/{path_id}/send/", {}, format="json").status_code,
        api.post(f"/api/v1/count-lines/{path_id}/count/", {"quantity": "1"}, format="json").status_code,
        api.post(f"/api/v1/transfer-orders/{path_id}/send/", {"lines": []}, format="json").status_code,
    ]

    assert answers == [404] * 5
    assert state() == before


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999",
        "page=-1",
        "page_size=99999999999",
        "warehouse=99999999999999999999999",
        "warehouse=abc",
        "part=%00",
        "search=%00",
        "ordering=%00",
        f"search={LONG}",
        "posted_after=99999-99-99",
    ],
)
def test_api_list_filters_with_malformed_values_never_fail_with_500(api_as, shop, query):
    api = api_as(shop["manager"])

    answers = {
        path: api.get(f"{path}?{query}").status_code
        for path in ("/api/v1/parts/", "/api/v1/stock-levels/", "/api/v1/movements/", "/api/v1/purchase-orders/")
    }

    assert all(code in (200, 400, 404) for code in answers.values()), answers


def test_api_receipt_whose_value_overflows_the_ledger_is_refused_with_400_and_nothing_written(api_as, shop):
    # Given: quantity and cost each within their columns, but their product beyond numeric(18, 4)
    api = api_as(shop["manager"])
    before = state()

    # When: the receipt is posted
    response = api.post(
        "/api/v1/stock/receipts/",
        {"part": shop["part"].pk, "warehouse": shop["store"].pk, "quantity": "99999999999", "unit_cost": "9999999999"},
        format="json",
    )

    # Then: a 400 that says so (the database refused it; the service's transaction rolled back)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "A value is too large or too long to be stored; nothing was saved.",
        "code": "out_of_range",
    }
    assert state() == before
    assert ledger_differences() == []


@pytest.mark.parametrize("path", ["/api/v1/parts/1.5/", "/api/v1/parts/-3/", "/api/v1/purchase-orders/%00/send/"])
def test_api_urls_that_match_no_route_answer_json_404(api_as, shop, path):
    api = api_as(shop["manager"])

    response = api.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(("year", "field"), [("-17440", "year"), ("99999", "year"), ("0", "year"), ("2026", None)])
def test_api_count_accuracy_refuses_a_year_out_of_range(api_as, shop, year, field):
    api = api_as(shop["manager"])

    response = api.get(f"/api/v1/count-accuracy/?year={year}&month=1")

    if field is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert response.json() == {"year": ["A year is 1900 to 2999."]}


@pytest.mark.parametrize(
    ("field", "value"), [("min_order_qty", "0"), ("pack_size", "0"), ("pack_size", "-1"), ("price", "-0.01")]
)
def test_api_supplier_part_refuses_values_its_check_constraints_forbid(api_as, shop, field, value):
    # A zero MOQ or pack size must not reach the database check constraint (a 500).
    api = api_as(shop["purchaser"])
    supplier_part = SupplierPart.objects.get(supplier=shop["supplier"], part=shop["part"])
    before = state()

    response = api.patch(f"/api/v1/supplier-parts/{supplier_part.pk}/", {field: value}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert state() == before
