"""Hostile requests, second pass: one key names one posting, an id is a whole number, one quantity rule.

Each test sends what an attacker or a confused client would send and asserts
the refusal and that nothing was written.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory import services
from inventory.demand import services as demand_services
from inventory.exceptions import InventoryError

from . import test_hostile_input as hostile
from .imports.helpers import csv_bytes, run, xlsx_bytes

pytestmark = pytest.mark.usefixtures("postgres")

shop = hostile.shop
state = hostile.state


# --- idempotency keys -------------------------------------------------------------------------------


def _receipt(shop, **changes):
    body = {
        "part": shop["part"].pk,
        "warehouse": shop["store"].pk,
        "quantity": "3",
        "unit_cost": "2.00",
        "document_ref": "DN-1",
        "bin": shop["bin"].pk,
    }
    return {**body, **changes}


@pytest.mark.parametrize(
    "changes",
    [{"unit_cost": "9.99"}, {"document_ref": "DN-2"}, {"bin": None}, {"quantity": "4"}],
    ids=["unit_cost", "document_ref", "bin", "quantity"],
)
def test_a_receipt_key_sent_again_with_another_field_is_a_conflict(api_as, shop, changes):
    api = api_as(shop["manager"])
    first = api.post("/api/v1/stock/receipts/", _receipt(shop), format="json", HTTP_IDEMPOTENCY_KEY="K-1")
    before = state()

    again = api.post("/api/v1/stock/receipts/", _receipt(shop, **changes), format="json", HTTP_IDEMPOTENCY_KEY="K-1")

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_conflict"
    assert state() == before


def test_a_receipt_key_sent_again_with_the_same_body_replays_the_first_posting(api_as, shop):
    api = api_as(shop["manager"])
    first = api.post("/api/v1/stock/receipts/", _receipt(shop), format="json", HTTP_IDEMPOTENCY_KEY="K-2")
    before = state()

    again = api.post("/api/v1/stock/receipts/", _receipt(shop), format="json", HTTP_IDEMPOTENCY_KEY="K-2")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert state() == before


@pytest.mark.parametrize(
    ("path", "body", "changes"),
    [
        ("/api/v1/stock/issues/", {"quantity": "1", "document_ref": "WO-1"}, {"document_ref": "WO-2"}),
        ("/api/v1/stock/issues/", {"quantity": "1", "bin": "BIN"}, {"bin": None}),
        ("/api/v1/stock/adjustments/", {"quantity": "1", "reason": "found"}, {"reason": "lost"}),
        ("/api/v1/stock/adjustments/", {"quantity": "1", "reason": "found", "unit_cost": "1"}, {"unit_cost": "7"}),
        ("/api/v1/stock/transfers/", {"quantity": "1", "to_warehouse": "OTHER"}, {"document_ref": "T-2"}),
        ("/api/v1/stock/scraps/", {"quantity": "1", "reason": "dented"}, {"reason": "rusty"}),
        ("/api/v1/stock/scraps/", {"quantity": "1", "reason": "dented"}, {"quantity": "2"}),
    ],
)
def test_every_stock_posting_key_sent_again_for_another_posting_is_a_conflict(api_as, shop, path, body, changes):
    api = api_as(shop["manager"])
    names = {"BIN": shop["bin"].pk, "OTHER": shop["other"].pk}
    body = {k: names.get(v, v) for k, v in body.items()}
    body = {"part": shop["part"].pk, **body}
    body["from_warehouse" if "transfers" in path else "warehouse"] = shop["store"].pk
    first = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="K-3")
    before = state()

    again = api.post(path, {**body, **changes}, format="json", HTTP_IDEMPOTENCY_KEY="K-3")

    assert first.status_code == 201, first.json()
    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_conflict"
    assert state() == before


def test_a_reversal_key_sent_again_with_another_reason_is_a_conflict(api_as, shop):
    api = api_as(shop["manager"])
    movement = services.stock_receive(
        part=shop["part"], warehouse=shop["store"], quantity=Decimal(1), unit_cost=Decimal(1), user=shop["manager"]
    )
    path = f"/api/v1/movements/{movement.pk}/reverse/"
    first = api.post(path, {"reason": "typo"}, format="json", HTTP_IDEMPOTENCY_KEY="K-4")
    before = state()

    again = api.post(path, {"reason": "something else"}, format="json", HTTP_IDEMPOTENCY_KEY="K-4")

    assert first.status_code == 201
    assert again.status_code == 409
    assert state() == before


def test_an_idempotency_key_longer_than_the_column_is_refused_not_cut_short(api_as, shop):
    api = api_as(shop["manager"])
    before = state()

    response = api.post("/api/v1/stock/receipts/", _receipt(shop), format="json", HTTP_IDEMPOTENCY_KEY="K" * 101)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert state() == before


@pytest.mark.parametrize(
    "changes",
    [{"quantity": "2"}, {"delivery_note": "DN-OTHER"}, {"hold": True}, {"bin": None}],
    ids=["quantity", "delivery_note", "hold", "bin"],
)
def test_a_goods_receipt_key_sent_again_for_another_receipt_is_a_conflict(api_as, shop, changes):
    api = api_as(shop["clerk"])
    line = {"po_line": shop["order_line"].pk, "quantity": "1", "bin": shop["bin"].pk, "hold": False}
    body = {"purchase_order": shop["order"].pk, "delivery_note": "DN-9", "lines": [line]}
    first = api.post("/api/v1/goods-receipts/", body, format="json", HTTP_IDEMPOTENCY_KEY="GR-K")
    before = state()

    header = {k: v for k, v in changes.items() if k == "delivery_note"}
    lines = [{**line, **{k: v for k, v in changes.items() if k != "delivery_note"}}]
    again = api.post(
        "/api/v1/goods-receipts/", {**body, **header, "lines": lines}, format="json", HTTP_IDEMPOTENCY_KEY="GR-K"
    )
    replay = api.post("/api/v1/goods-receipts/", body, format="json", HTTP_IDEMPOTENCY_KEY="GR-K")

    assert first.status_code == 201, first.json()
    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_conflict"
    assert replay.status_code == 201
    assert replay.json()["id"] == first.json()["id"]
    assert state() == before


# --- ids -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", [1.5, 1.0, True, "1.5", " 1", "1_0", "١"])
def test_a_malformed_id_is_refused_on_every_kind_of_id_field(api_as, shop, bad_id):
    api = api_as(shop["manager"])
    part, store = shop["part"], shop["store"]
    before = state()

    answers = {
        "fast path": api.post(
            "/api/v1/stock/receipts/",
            {"part": bad_id, "warehouse": store.pk, "quantity": "1", "unit_cost": "1"},
            format="json",
        ),
        "fast path warehouse": api.post(
            "/api/v1/stock/issues/", {"part": part.pk, "warehouse": bad_id, "quantity": "1"}, format="json"
        ),
        "related field": api.post(
            "/api/v1/stock-levels/limits/",
            {"part": bad_id, "warehouse": store.pk, "min_qty": "1", "max_qty": "2"},
            format="json",
        ),
        "document": api.post(
            "/api/v1/counter-sales/", {"warehouse": bad_id, "lines": [{"part": "HF-1", "quantity": "1"}]}, format="json"
        ),
        "order": api.post(
            "/api/v1/purchase-orders/",
            {"supplier": shop["supplier"].pk, "warehouse": bad_id, "order_type": "stock", "lines": []},
            format="json",
        ),
    }

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 400)
    assert state() == before


def test_a_fractional_part_id_does_not_receive_into_the_part_it_truncates_to(api_as, shop):
    api = api_as(shop["manager"])
    before = state()

    response = api.post(
        "/api/v1/stock/receipts/",
        {"part": shop["part"].pk + 0.5, "warehouse": shop["store"].pk, "quantity": "1", "unit_cost": "1"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["part"] == ["Incorrect type. Expected pk value, received float."]
    assert state() == before


# --- quantities ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("min_qty", "max_qty"), [("2.5", "5"), ("2", "5.5")])
def test_limits_of_a_piece_counted_part_are_whole_pieces(api_as, shop, min_qty, max_qty):
    api = api_as(shop["manager"])
    before = state()

    response = api.post(
        "/api/v1/stock-levels/limits/",
        {"part": shop["part"].pk, "warehouse": shop["store"].pk, "min_qty": min_qty, "max_qty": max_qty},
        format="json",
    )

    assert response.status_code == 400
    assert state() == before


def test_limits_of_a_part_counted_in_litres_may_be_fractional(api_as, shop):
    response = api_as(shop["manager"]).post(
        "/api/v1/stock-levels/limits/",
        {"part": shop["oil"].pk, "warehouse": shop["store"].pk, "min_qty": "2.5", "max_qty": "7.25"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["min_qty"], response.json()["max_qty"]) == ("2.500", "7.250")


# --- imports ---------------------------------------------------------------------------------------


GOOD_PART = ["HN-1", "Filter", "PCS", "Filters", "5", "no", ""]


def test_an_import_cell_over_the_csv_field_limit_is_refused_with_its_row(shop):
    before = state()
    rows = [GOOD_PART, ["HN-2", "x" * 200_000, "PCS", "Filters", "5", "no", ""]]

    report = run("parts", csv_bytes(hostile.PARTS, rows), shop["manager"], name="parts.csv")

    assert report.imported is False
    assert [(p.row, p.message[:24]) for p in report.errors] == [(3, "Row 3 cannot be read: fi")]
    assert state() == before


@pytest.mark.parametrize(("name", "to_bytes"), [("parts.csv", csv_bytes), ("parts.xlsx", xlsx_bytes)])
def test_an_import_line_with_more_cells_than_the_header_is_refused_with_its_row(shop, name, to_bytes):
    before = state()
    rows = [GOOD_PART, [*GOOD_PART[:1], "Filter 2", *GOOD_PART[2:], "dropped?"]]
    rows[1][0] = "HN-2"

    report = run("parts", to_bytes(hostile.PARTS, rows), shop["manager"], name=name)

    assert report.imported is False
    assert [(p.row, p.message) for p in report.errors] == [
        (3, "Row 3 has a value in column 8, which has no name in the header row.")
    ]
    assert state() == before


def test_an_import_line_with_empty_cells_past_the_header_is_read(shop):
    rows = [[*GOOD_PART, "", "  "]]

    report = run("parts", csv_bytes(hostile.PARTS, rows), shop["manager"], name="parts.csv")

    assert report.errors == []
    assert report.imported is True


# --- bounds on lists -------------------------------------------------------------------------------


def _lines(count: int, **line) -> list[dict]:
    return [dict(line) for _ in range(count)]


def test_every_document_endpoint_refuses_more_lines_than_the_bound_before_any_work(api_as, shop, settings):
    limit = settings.DOCUMENT_MAX_LINES
    demand = _lines(limit + 1, part="HF-1", quantity="1")
    before = state()

    answers = {
        "workshop request": api_as(shop["workshop"]).post(
            "/api/v1/workshop-requests/",
            {"warehouse": shop["store"].pk, "repair_order": "RO-BIG", "lines": demand},
            format="json",
        ),
        "counter sale": api_as(shop["manager"]).post(
            "/api/v1/counter-sales/", {"warehouse": shop["store"].pk, "lines": demand}, format="json"
        ),
        "transfer order": api_as(shop["manager"]).post(
            "/api/v1/transfer-orders/",
            {"from_warehouse": shop["store"].pk, "to_warehouse": shop["other"].pk, "lines": demand},
            format="json",
        ),
        "purchase order": api_as(shop["purchaser"]).post(
            "/api/v1/purchase-orders/",
            {
                "supplier": shop["supplier"].pk,
                "warehouse": shop["store"].pk,
                "order_type": "stock",
                "lines": _lines(limit + 1, part=shop["part"].pk, quantity="1"),
            },
            format="json",
        ),
        "goods receipt": api_as(shop["clerk"]).post(
            "/api/v1/goods-receipts/",
            {
                "purchase_order": shop["order"].pk,
                "lines": _lines(limit + 1, po_line=shop["order_line"].pk, quantity="0.001"),
            },
            format="json",
        ),
        "proposal reject": api_as(shop["manager"]).post(
            "/api/v1/planning/proposals/reject/", {"ids": list(range(settings.REQUEST_MAX_ITEMS + 1))}, format="json"
        ),
    }

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 400)
    assert all("elements" in str(r.json()) for r in answers.values())
    assert state() == before


def test_a_service_refuses_a_document_over_the_bound_from_any_entry_point(shop, settings):
    settings.DOCUMENT_MAX_LINES = 3
    before = state()

    with pytest.raises(InventoryError, match="At most 3 lines in one document"):
        demand_services.counter_sale_post(
            warehouse=shop["store"], lines=[(shop["part"], Decimal(1))] * 4, user=shop["manager"]
        )

    assert state() == before
