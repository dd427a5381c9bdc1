"""The backorders, transfer orders and workshop requests lists: filter, sort, page and export like every list."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.roles import Role
from inventory.demand import selectors as demand_selectors
from inventory.demand import services as demand
from inventory.models import TransferOrder

from ..factories import PartFactory

pytestmark = pytest.mark.usefixtures("postgres")

D = Decimal


@pytest.fixture
def demand_given(network, workshop_user, make_user, receive):
    """Three requests at ST1 (two back-ordered lines each: FLT-1 and FLT-2), one at ST2; a transfer ST2 → ST1."""
    store, other = network["ST1"], network["ST2"]
    manager = make_user(Role.MANAGER)
    first, second = PartFactory(number="FLT-1"), PartFactory(number="FLT-2")
    receive(first, other, 10)
    for number in ("RO-A", "RO-B", "RO-C"):
        demand.repair_order_issue(
            number=number, warehouse=store, lines=[(first, D(2)), (second, D(1))], user=workshop_user
        )
    demand.repair_order_issue(number="RO-Z", warehouse=other, lines=[(first, D(1))], user=manager)
    backorder = demand_selectors.backorder_list(warehouse_ids=[store.pk], part=first)[0]
    demand.backorder_source_by_transfer(backorder=backorder, from_warehouse=other, quantity=D(2), user=manager)
    clerk = make_user(Role.CLERK, warehouses=[store])
    return {"store": store, "other": other, "clerk": clerk, "manager": manager, "first": first}


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_requests_filter_sort_and_export(client, demand_given):
    client.force_login(demand_given["clerk"])
    url = reverse("inventory:requests")

    page = client.get(url, {"repair_order": "ro-b"})
    ordered = client.get(url, {"sort": "repair_order"})
    exported = _csv(client.get(url, {"sort": "-repair_order", "format": "csv"}))

    assert page.status_code == 200
    assert [r.repair_order.number for r in page.context["requests"]] == ["RO-B"]
    # the clerk's scope: ST1 only, so RO-Z at ST2 is never listed
    assert [r.repair_order.number for r in ordered.context["requests"]] == ["RO-A", "RO-B", "RO-C"]
    assert exported[0] == ["Request", "Repair order", "Store", "Raised", "By", "State", "Booked for", "Lines", "Parts"]
    assert [(row[1], row[2], row[5], row[7], row[8]) for row in exported[1:]] == [
        ("RO-C", "ST1", "waiting for backorders", "2", "FLT-1 × 2, FLT-2 × 1"),
        ("RO-B", "ST1", "waiting for backorders", "2", "FLT-1 × 2, FLT-2 × 1"),
        ("RO-A", "ST1", "waiting for backorders", "2", "FLT-1 × 2, FLT-2 × 1"),
    ]


def test_a_warehouse_outside_the_scope_lists_nothing(client, demand_given):
    client.force_login(demand_given["clerk"])

    page = client.get(reverse("inventory:requests"), {"warehouse": demand_given["other"].pk})
    backorders = client.get(reverse("inventory:backorders"), {"warehouse": demand_given["other"].pk})

    assert list(page.context["requests"]) == []
    assert list(backorders.context["backorders"]) == []


def test_backorders_filter_by_part_and_export_as_xlsx(client, demand_given):
    client.force_login(demand_given["manager"])
    url = reverse("inventory:backorders")

    page = client.get(url, {"part": "flt 2", "warehouse": demand_given["store"].pk})
    unknown = client.get(url, {"part": "NOPE"})
    exported = client.get(url, {"part": "FLT-1", "state": "all", "sort": "warehouse", "format": "xlsx"})

    assert [(b.part.number, b.line.request.repair_order.number) for b in page.context["backorders"]] == [
        ("FLT-2", "RO-A"),
        ("FLT-2", "RO-B"),
        ("FLT-2", "RO-C"),
    ]
    assert list(unknown.context["backorders"]) == []
    assert exported["Content-Disposition"] == 'attachment; filename="backorders.xlsx"'
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:8] == [
        "Requested",
        "Request",
        "Repair order",
        "Requested by",
        "Store",
        "Part",
        "Asked for",
        "Back-ordered",
    ]
    assert [(r[2], r[4], r[5], r[7], r[10]) for r in rows[1:]] == [
        ("RO-C", "ST1", "FLT-1", 2, 2),
        ("RO-B", "ST1", "FLT-1", 2, 2),
        ("RO-A", "ST1", "FLT-1", 2, 2),
    ]


def test_transfers_filter_sort_and_export(client, demand_given):
    client.force_login(demand_given["clerk"])
    url = reverse("inventory:transfers")

    page = client.get(url, {"warehouse": demand_given["store"].pk, "state": "requested", "sort": "from"})
    exported = _csv(client.get(url, {"format": "csv"}))

    assert [(t.from_warehouse.code, t.to_warehouse.code) for t in page.context["transfers"]] == [("ST2", "ST1")]
    assert exported[0] == ["Transfer", "From", "To", "State", "Requested", "Parts", "For backorder"]
    transfer = TransferOrder.objects.get()
    assert [row[:4] + row[5:] for row in exported[1:]] == [
        [transfer.number, "ST2", "ST1", "requested", "FLT-1 × 2", str(transfer.backorder_id)]
    ]


def test_lists_page_and_keep_their_filters_in_the_page_links(client, demand_given, workshop_user):
    client.force_login(demand_given["manager"])
    for index in range(51):
        demand.repair_order_issue(
            number=f"RO-P{index:02}",
            warehouse=demand_given["store"],
            lines=[(demand_given["first"], D(1))],
            user=workshop_user,
        )

    first = client.get(reverse("inventory:requests"), {"state": "waiting", "sort": "repair_order"})
    second = client.get(reverse("inventory:requests"), {"state": "waiting", "sort": "repair_order", "page": 2})

    assert first.context["page_obj"].paginator.count == 54
    assert 'href="?state=waiting&amp;sort=repair_order&page=2"' in first.content.decode()
    assert [r.repair_order.number for r in second.context["requests"]] == ["RO-P47", "RO-P48", "RO-P49", "RO-P50"]


@pytest.mark.parametrize("name", ["inventory:requests", "inventory:backorders", "inventory:transfers"])
def test_list_pages_and_exports_stay_within_a_query_bound(
    client, demand_given, workshop_user, name, django_assert_max_num_queries
):
    client.force_login(demand_given["manager"])
    for index in range(8):
        demand.repair_order_issue(
            number=f"RO-Q{index}",
            warehouse=demand_given["store"],
            lines=[(PartFactory(), D(1)), (PartFactory(), D(2))],
            user=workshop_user,
        )

    with django_assert_max_num_queries(14):
        page = client.get(reverse(name), {"state": "all", "sort": "-requested"})
    with django_assert_max_num_queries(8):
        exported = client.get(reverse(name), {"state": "all", "format": "csv"})
        rows = _csv(exported)

    assert page.status_code == 200
    assert len(rows) > 1
