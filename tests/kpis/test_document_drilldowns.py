"""Drill-downs behind the purchasing and counting KPIs: the orders and receipts themselves, linked."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis import services
from suppliers.models import GoodsReceipt, GoodsReceiptLine, Supplier

from ..suppliers.factories import PurchaseOrderFactory, PurchaseOrderLineFactory
from .handmade import BERLIN, MARCH, at, build_handmade_month

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def purchasing(make_user):
    month = build_handmade_month()
    supplier = Supplier.objects.create(code="S1", name="Supplier one")
    parts = month["parts"]

    def order(number, order_type, lines, state="sent", expected=None):
        po = PurchaseOrderFactory(
            number=number,
            supplier=supplier,
            warehouse=month["cen"],
            order_type=order_type,
            state=state,
            expected_date=expected,
            created_at=at(2026, 3, 10),
            created_by=month["user"],
        )
        return po, [
            PurchaseOrderLineFactory(
                order=po, line_no=number_, part=parts[name], quantity=Decimal(quantity), price=Decimal(price)
            )
            for number_, (name, quantity, price) in enumerate(lines, start=1)
        ]

    def receipt(number, po, lines, arrived, posted):
        goods = GoodsReceipt.objects.create(
            number=number,
            purchase_order=po,
            warehouse=po.warehouse,
            arrived_at=arrived,
            posted_at=posted,
            posted_by=month["user"],
        )
        for line in lines:
            GoodsReceiptLine.objects.create(
                receipt=goods, po_line=line, part=line.part, quantity=line.quantity, unit_cost=line.price
            )
        return goods

    # given in March: a stock order due 12 March, an emergency order (A1, C1) and a cancelled emergency order
    stock_po, stock_lines = order("PO-1", "stock", [("A1", 10, 10), ("B1", 4, 5)], expected=date(2026, 3, 12))
    emergency_po, emergency_lines = order("PO-2", "emergency", [("A1", 1, 10), ("C1", 1, 20)])
    order("PO-3", "emergency", [("D1", 1, 40)], state="cancelled")
    # the stock order arrives two days late and is posted after 3 hours; the emergency one is posted at once
    late = receipt(
        "GR-1",
        stock_po,
        stock_lines,
        datetime(2026, 3, 14, 9, 0, tzinfo=BERLIN),
        datetime(2026, 3, 14, 12, 0, tzinfo=BERLIN),
    )
    receipt(
        "GR-2",
        emergency_po,
        emergency_lines,
        datetime(2026, 3, 11, 9, 0, tzinfo=BERLIN),
        datetime(2026, 3, 11, 9, 30, tzinfo=BERLIN),
    )
    services.month_close_run(month=MARCH)
    client_user = make_user("manager")
    return {**month, "stock_po": stock_po, "emergency_po": emergency_po, "late": late, "manager": client_user}


def _table(client, kpi, **params):
    response = client.get(reverse("kpis:drilldown", args=[kpi]), {"month": "2026-03", **params})
    assert response.status_code == 200
    return response, [[text for text, _link, _numeric in cells] for cells in response.context["table"]]


def test_receipt_delay_lists_receipts_posted_late_with_links(purchasing, client, django_assert_max_num_queries):
    client.force_login(purchasing["manager"])

    with django_assert_max_num_queries(10):
        response, rows = _table(client, "receipt_delay")

    # then only GR-1 (3 hours) is listed, not GR-2 (half an hour)
    assert rows == [["GR-1", "PO-1", "S1", "CEN", "2026-03-14 09:00", "2026-03-14 12:00", rows[0][6], "3.0"]]
    html = response.content.decode()
    assert f'href="{reverse("suppliers:receipt-detail", args=[purchasing["late"].pk])}"' in html
    assert f'href="{reverse("suppliers:po-detail", args=[purchasing["stock_po"].pk])}"' in html


def test_supplier_on_time_lists_lines_that_arrived_after_their_due_date(purchasing, client):
    client.force_login(purchasing["manager"])

    _response, rows = _table(client, "supplier_on_time", sort="part")

    # then both lines of PO-1 (due 12 March, arrived 14 March) are two days late; PO-2 had no due date
    assert [(row[0], row[1], row[3], row[5], row[7]) for row in rows] == [
        ("GR-1", "PO-1", "A1", "2026-03-12", 2),
        ("GR-1", "PO-1", "B1", "2026-03-12", 2),
    ]


def test_emergency_orders_list_their_lines_and_the_a_share_only_a_parts(purchasing, client):
    client.force_login(purchasing["manager"])

    _response, lines = _table(client, "emergency_lines", sort="part")
    _response, by_value = _table(client, "emergency_value")
    _response, a_lines = _table(client, "emergency_a_share")

    # then the two lines of PO-2 are listed (the cancelled PO-3 is not), by value highest first
    assert [(row[0], row[2], row[7]) for row in lines] == [("PO-2", "A1", "10.00"), ("PO-2", "C1", "20.00")]
    assert [row[2] for row in by_value] == ["C1", "A1"]
    assert [row[2] for row in a_lines] == ["A1"]


def test_document_drilldown_exports_what_it_shows(purchasing, client):
    client.force_login(purchasing["manager"])

    response = client.get(reverse("kpis:drilldown", args=["receipt_delay"]), {"month": "2026-03", "export": "csv"})

    text = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert text[0] == "Receipt,Order,Supplier,Warehouse,Arrived,Posted,Posted by,Hours to post"
    assert text[1].startswith("GR-1,PO-1,S1,CEN,2026-03-14 09:00,2026-03-14 12:00,")
    assert text[1].endswith(",3.0")
    assert len(text) == 2


def test_every_card_with_something_behind_it_links_to_its_drilldown(purchasing, client):
    client.force_login(purchasing["manager"])

    html = client.get(reverse("kpis:dashboard"), {"month": "2026-03"}).content.decode()

    for kpi in ("receipt_delay", "supplier_on_time", "emergency_lines", "emergency_value", "dead_stock"):
        assert f'href="{reverse("kpis:drilldown", args=[kpi])}?month=2026-03"' in html
