"""Purchasing, receiving and notification screens: they render, they call the services, they stay cheap."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import Notification
from core.roles import Role
from inventory.models import StockLevel
from suppliers import services
from suppliers.models import GoodsReceipt, OrderState, PurchaseOrder

from ..factories import BinFactory, PartFactory
from .factories import SupplierFactory, SupplierPartFactory

pytestmark = pytest.mark.usefixtures("postgres")


def test_po_list_filters_and_query_bound(client, make_order, purchaser, django_assert_max_num_queries):
    supplier = SupplierFactory(code="ACME")
    for _ in range(3):
        make_order(state="sent", supplier=supplier, lines=[(2, "1.00"), (3, "2.00")])
    other = make_order(lines=[(1, "1.00")])
    client.force_login(purchaser)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("suppliers:po-list"), {"supplier": supplier.pk, "state": "sent"})

    assert response.status_code == 200
    assert len(response.context["orders"]) == 3
    assert other.number not in response.content.decode()


def test_po_list_overdue_filter(client, make_order, purchaser):
    late = make_order(state="sent", expected_date="2020-01-01")
    make_order(state="sent", expected_date="2999-01-01")
    client.force_login(purchaser)
    response = client.get(reverse("suppliers:po-list"), {"overdue": "on"})
    assert [o.number for o in response.context["orders"]] == [late.number]


@pytest.mark.parametrize(("state", "missed"), [("sent", True), ("partially_received", True), ("received", False)])
def test_po_list_marks_only_undelivered_orders_as_past_their_date(client, make_order, purchaser, state, missed):
    order = make_order(state=state, expected_date="2020-01-01")
    client.force_login(purchaser)

    row = client.get(reverse("suppliers:po-list")).content.decode().split(order.number, 1)[1].split("</tr>", 1)[0]

    assert ('class="status-missed"' in row) is missed


def test_purchaser_creates_draft_adds_line_and_sends(client, purchaser, warehouse):
    sp = SupplierPartFactory(price=Decimal("4.0000"), min_order_qty=Decimal(5))
    client.force_login(purchaser)

    response = client.post(
        reverse("suppliers:po-new"),
        {"supplier": sp.supplier.pk, "warehouse": warehouse.pk, "order_type": "stock"},
    )
    order = PurchaseOrder.objects.get()
    assert response.url == reverse("suppliers:po-detail", args=[order.pk])

    info = client.get(reverse("suppliers:po-part-info", args=[order.pk]), {"number": sp.part.number.lower()})
    assert info.status_code == 200
    assert 'on order <span class="on-order">0</span>' in info.content.decode()

    client.post(reverse("suppliers:po-line-add", args=[order.pk]), {"number": sp.part.number, "quantity": "3"})
    line = order.lines.get()
    assert (line.quantity, line.price) == (Decimal("3.000"), Decimal("4.0000"))
    assert line.warning == "Quantity 3 is below the minimum order quantity of 5."

    detail = client.get(reverse("suppliers:po-detail", args=[order.pk]))
    assert "below the minimum order quantity of 5" in detail.content.decode()
    client.post(reverse("suppliers:po-action", args=[order.pk, "send"]))
    order.refresh_from_db()
    assert order.state == OrderState.SENT
    printed = client.get(reverse("suppliers:po-print", args=[order.pk]))
    assert order.number in printed.content.decode()


def test_cancel_from_screen_needs_reason(client, make_order, purchaser):
    order = make_order(state="sent")
    client.force_login(purchaser)
    client.post(reverse("suppliers:po-action", args=[order.pk, "cancel"]), {"reason": ""})
    order.refresh_from_db()
    assert order.state == "sent"
    client.post(reverse("suppliers:po-action", args=[order.pk, "cancel"]), {"reason": "Duplicate"})
    order.refresh_from_db()
    assert (order.state, order.cancel_reason) == ("cancelled", "Duplicate")


def test_receiving_finds_order_by_part_number_and_posts_once(client, make_order, clerk, warehouse):
    order = make_order(state="sent", lines=[(10, "5.00"), (4, "2.00")])
    first, second = order.lines.order_by("line_no")
    BinFactory(warehouse=warehouse, code="R-1")
    client.force_login(clerk)

    # a part number on exactly one open order opens it
    found = client.get(reverse("suppliers:receiving"), {"q": first.part.number})
    assert found.url == f"{reverse('suppliers:receiving')}?order={order.pk}"
    page = client.get(found.url)
    key = page.context["key"]
    data = {"order": order.pk, "key": key, f"qty-{first.pk}": "6", f"bin-{first.pk}": "r-1", f"qty-{second.pk}": ""}

    client.post(reverse("suppliers:receiving"), data)
    client.post(reverse("suppliers:receiving"), data)  # a double click

    assert GoodsReceipt.objects.count() == 1
    level = StockLevel.objects.get(part=first.part, warehouse=warehouse)
    assert level.on_hand == Decimal("6.000")
    assert GoodsReceipt.objects.get().lines.get().bin.code == "R-1"


def test_receiving_refusal_keeps_entries_and_changes_nothing(client, make_order, clerk):
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()
    client.force_login(clerk)
    response = client.post(
        reverse("suppliers:receiving"), {"order": order.pk, "key": "abc", f"qty-{line.pk}": "11", f"bin-{line.pk}": ""}
    )
    assert response.status_code == 409
    assert "Line 1" in response.content.decode()
    assert response.context["lines"][0].entered_qty == "11"
    assert GoodsReceipt.objects.count() == 0


def test_receiving_list_query_bound(client, make_order, clerk, django_assert_max_num_queries):
    for _ in range(4):
        make_order(state="sent", lines=[(1, "1.00"), (2, "1.00")])
    client.force_login(clerk)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("suppliers:receiving"), {"q": ""})
    assert len(response.context["orders"]) == 4


def test_hold_release_from_screen_and_notifications(client, make_order, clerk, purchaser, warehouse):
    order = make_order(state="sent", lines=[(10, "5.00")])
    line = order.lines.get()
    receipt = services.goods_receipt_post(order=order, lines=[(line, Decimal(4), None, True)], user=clerk)
    client.force_login(purchaser)

    notes = client.get(reverse("suppliers:notifications"))
    assert notes.context["unread"] == 1
    holds = client.get(reverse("suppliers:holds"))
    assert len(holds.context["held_lines"]) == 1

    held = receipt.lines.get()
    client.post(reverse("suppliers:hold-decide", args=[held.pk, "release"]))
    assert StockLevel.objects.get(part=line.part, warehouse=warehouse).available == Decimal("4.000")

    client.post(reverse("suppliers:notifications"))
    assert Notification.objects.filter(user=purchaser, read_at__isnull=True).count() == 0


def test_clerk_cannot_reach_purchasing_screens(client, clerk, make_order):
    order = make_order()
    client.force_login(clerk)
    assert client.get(reverse("suppliers:po-list")).status_code == 403
    assert client.get(reverse("suppliers:po-detail", args=[order.pk])).status_code == 403
    assert client.post(reverse("suppliers:po-action", args=[order.pk, "send"])).status_code == 403


def test_supplier_and_rating_lists_query_bound(client, purchaser, django_assert_max_num_queries):
    for _ in range(5):
        SupplierPartFactory(part=PartFactory())
    client.force_login(purchaser)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("suppliers:supplier-list"))
    assert len(response.context["suppliers"]) == 5
    with django_assert_max_num_queries(6):
        assert client.get(reverse("suppliers:ratings")).status_code == 200


def test_manager_receives_unplanned_part_from_screen(client, make_order, make_user, warehouse):
    manager = make_user(Role.MANAGER)
    order = make_order(state="sent", lines=[(10, "5.00")])
    extra = PartFactory(number="EXTRA-1")
    client.force_login(manager)
    client.post(
        reverse("suppliers:receiving"),
        {"order": order.pk, "key": "k", "extra_part": "extra1", "extra_qty": "2", "extra_cost": "3.5"},
    )
    line = GoodsReceipt.objects.get().lines.get()
    assert (line.part, line.quantity, line.unit_cost, line.po_line) == (
        extra,
        Decimal("2.000"),
        Decimal("3.5000"),
        None,
    )


def test_holds_and_notifications_lists_query_bound(client, make_order, clerk, purchaser, django_assert_max_num_queries):
    for _ in range(4):
        order = make_order(state="sent", lines=[(5, "1.00")])
        services.goods_receipt_post(order=order, lines=[(order.lines.get(), Decimal(2), None, True)], user=clerk)
    client.force_login(purchaser)
    with django_assert_max_num_queries(8):
        holds = client.get(reverse("suppliers:holds"))
    assert len(holds.context["held_lines"]) == 4
    with django_assert_max_num_queries(8):
        notes = client.get(reverse("suppliers:notifications"))
    assert len(notes.context["notifications"]) == 4


def test_a_clerk_sees_a_receipts_order_number_without_a_link_it_cannot_follow(client, make_order, clerk, purchaser):
    order = make_order(state="sent")
    line = order.lines.get()
    receipt = services.goods_receipt_post(order=order, lines=[(line, line.quantity, None, False)], user=clerk)
    detail = reverse("suppliers:receipt-detail", args=[receipt.pk])
    order_link = f'href="{reverse("suppliers:po-detail", args=[order.pk])}"'

    client.force_login(clerk)
    as_clerk = client.get(detail).content.decode()
    client.force_login(purchaser)
    as_purchaser = client.get(detail).content.decode()

    assert order.number in as_clerk
    assert order_link not in as_clerk
    assert order_link in as_purchaser


def test_po_list_sorts_pages_and_exports_what_the_filters_select(client, make_order, purchaser):
    small = make_order(state="sent", lines=[(1, "1.00")])
    large = make_order(state="sent", lines=[(10, "9.00")])
    draft = make_order(lines=[(5, "5.00")])
    client.force_login(purchaser)
    url = reverse("suppliers:po-list")

    by_value = client.get(url, {"state": "sent", "sort": "-value"})
    export = client.get(url, {"state": "sent", "sort": "value", "format": "csv"})

    assert [o.number for o in by_value.context["orders"]] == [large.number, small.number]
    assert 'aria-sort="descending"' in by_value.content.decode()
    assert "format=xlsx" in by_value.content.decode()
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == [small.number, large.number]
    assert draft.number not in "".join(rows)
    assert client.get(url, {"sort": "password"}).status_code == 200


def test_po_list_exports_as_xlsx_with_translated_headers(client, make_order, purchaser):
    from io import BytesIO

    from openpyxl import load_workbook

    order = make_order(state="sent")
    client.force_login(purchaser)

    response = client.get(reverse("suppliers:po-list"), {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")

    sheet = load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:2] == ["Number", "Supplier"]
    assert sheet["A2"].value == order.number
