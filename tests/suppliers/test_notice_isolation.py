"""A supplier sees and announces only against its own orders, over every portal URL and API endpoint."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from suppliers import services
from suppliers.models import LineConfirmation, ShipmentNotice

from .factories import SupplierFactory, SupplierUserFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def two(make_order, purchaser):
    a, b = SupplierFactory(code="AAA"), SupplierFactory(code="BBB")
    own = make_order(state="sent", supplier=a)
    theirs = make_order(state="sent", supplier=b)
    services.purchase_order_confirm(
        order=theirs, user=purchaser, lines=[(theirs.lines.get(), date(2026, 12, 20), Decimal(10))]
    )
    user_b = SupplierUserFactory(supplier=b).user
    notice_b = services.shipment_notice_announce(
        order=theirs,
        user=user_b,
        delivery_note="B-1",
        expected_arrival=date(2026, 12, 10),
        lines=[(theirs.lines.get(), Decimal(1))],
    )
    return {"own": own, "theirs": theirs, "notice_b": notice_b, "user": SupplierUserFactory(supplier=a).user}


def test_portal_urls_of_another_suppliers_order_are_404_and_change_nothing(client, two):
    client.force_login(two["user"])
    theirs = two["theirs"]
    line = theirs.lines.get()
    announce = reverse("suppliers:portal-announce", args=[theirs.pk])
    assert client.get(announce).status_code == 404
    posted = client.post(announce, {"delivery_note": "X-1", "expected_arrival": "2026-12-10", f"qty-{line.pk}": "1"})
    assert posted.status_code == 404
    reconfirm = client.post(
        reverse("suppliers:portal-order", args=[theirs.pk]),
        {"reason": "late", f"date-{line.pk}": "2027-01-30"},
    )
    assert reconfirm.status_code == 404
    assert ShipmentNotice.objects.count() == 1
    assert LineConfirmation.objects.filter(po_line=line).count() == 1


def test_portal_order_page_lists_only_own_notices(client, two):
    client.force_login(two["user"])
    page = client.get(reverse("suppliers:portal-order", args=[two["own"].pk]))
    assert list(page.context["notices"]) == []
    assert two["notice_b"].number not in page.content.decode()


def test_api_hides_and_refuses_another_suppliers_notices_and_orders(api_as, two):
    api = api_as(two["user"])
    theirs, notice_b = two["theirs"], two["notice_b"]
    line = theirs.lines.get()
    assert api.get("/api/v1/shipment-notices/").json()["results"] == []
    assert api.get("/api/v1/shipment-notices/", {"purchase_order": theirs.pk}).json()["results"] == []
    assert api.get(f"/api/v1/shipment-notices/{notice_b.pk}/").status_code == 404
    created = api.post(
        "/api/v1/shipment-notices/",
        {
            "purchase_order": theirs.pk,
            "delivery_note": "X-2",
            "expected_arrival": "2026-12-10",
            "lines": [{"line": line.pk, "quantity": "1"}],
        },
        format="json",
    )
    assert created.status_code == 404
    reconfirm = api.post(
        f"/api/v1/purchase-orders/{theirs.pk}/reconfirm/",
        {"reason": "late", "lines": [{"line": line.pk, "promised_date": "2027-01-30"}]},
        format="json",
    )
    assert reconfirm.status_code == 404
    assert ShipmentNotice.objects.count() == 1
    assert LineConfirmation.objects.filter(po_line=line).count() == 1


def test_own_order_with_another_orders_line_is_refused(api_as, two):
    api = api_as(two["user"])
    response = api.post(
        "/api/v1/shipment-notices/",
        {
            "purchase_order": two["own"].pk,
            "delivery_note": "X-3",
            "expected_arrival": "2026-12-10",
            "lines": [{"line": two["theirs"].lines.get().pk, "quantity": "1"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert ShipmentNotice.objects.count() == 1


def test_notice_list_query_bound(api_as, two, make_order, django_assert_max_num_queries):
    user_b = SupplierUserFactory(supplier=two["theirs"].supplier).user
    for index in range(5):
        order = make_order(state="sent", supplier=two["theirs"].supplier, lines=[(2, "1.00"), (3, "1.00")])
        services.shipment_notice_announce(
            order=order,
            user=user_b,
            delivery_note=f"B-{index + 10}",
            expected_arrival=date(2026, 12, 10),
            lines=[(line, Decimal(1)) for line in order.lines.all()],
        )
    api = api_as(user_b)
    with django_assert_max_num_queries(10):
        response = api.get("/api/v1/shipment-notices/")
    assert len(response.json()["results"]) == 6
