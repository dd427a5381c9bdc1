"""A supplier user reaches only its own supplier's data: by screen, by API, guessing ids included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from suppliers import services
from suppliers.models import SupplierRating

from .factories import SupplierFactory, SupplierPartFactory, SupplierUserFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def two_suppliers(make_order, clerk):
    """Supplier A (with a portal user) and supplier B, each with an open order, a receipt and a rating."""
    a, b = SupplierFactory(code="AAA"), SupplierFactory(code="BBB")
    own = make_order(state="sent", supplier=a, lines=[(10, "5.00"), (4, "1.00")])
    own_partial = make_order(state="sent", supplier=a, lines=[(10, "5.00"), (4, "1.00")])
    theirs = make_order(state="sent", supplier=b, lines=[(3, "9.00")])
    theirs_received = make_order(state="sent", supplier=b, lines=[(3, "9.00")])
    services.goods_receipt_post(
        order=own_partial, lines=[(own_partial.lines.order_by("line_no")[0], Decimal(6), None, False)], user=clerk
    )
    receipt_b = services.goods_receipt_post(
        order=theirs_received, lines=[(theirs_received.lines.get(), Decimal(1), None, True)], user=clerk
    )
    SupplierRating.objects.create(supplier=a, month=date(2026, 1, 1), score=Decimal("0.9"), grade="B")
    SupplierRating.objects.create(supplier=b, month=date(2026, 1, 1), score=Decimal("0.5"), grade="D")
    user = SupplierUserFactory(supplier=a).user
    return {
        "a": a,
        "b": b,
        "own": own,
        "own_partial": own_partial,
        "theirs": theirs,
        "receipt_b": receipt_b,
        "user": user,
    }


def test_portal_shows_own_orders_lines_and_ratings_only(client, two_suppliers):
    client.force_login(two_suppliers["user"])
    home = client.get(reverse("suppliers:portal"))
    body = home.content.decode()
    assert home.status_code == 200
    assert two_suppliers["own"].number in body
    assert two_suppliers["theirs"].number not in body
    assert [r.grade for r in home.context["ratings"]] == ["B"]

    detail = client.get(reverse("suppliers:portal-order", args=[two_suppliers["own_partial"].pk]))
    rows = [(line.quantity, line.quantity_received) for line in detail.context["lines"]]
    assert rows == [(Decimal("10.000"), Decimal("6.000")), (Decimal("4.000"), Decimal("0.000"))]


def test_portal_refuses_another_suppliers_order_by_guessed_id(client, two_suppliers):
    client.force_login(two_suppliers["user"])
    theirs = two_suppliers["theirs"]
    assert client.get(reverse("suppliers:portal-order", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("suppliers:portal-order", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("suppliers:portal-order", args=[theirs.pk + 1000])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "sent"


def test_portal_confirm_with_dates(client, two_suppliers):
    own = two_suppliers["own"]
    first, second = own.lines.order_by("line_no")
    client.force_login(two_suppliers["user"])
    client.post(
        reverse("suppliers:portal-order", args=[own.pk]),
        {f"date-{first.pk}": "2026-06-01", f"qty-{first.pk}": "10", f"date-{second.pk}": "", f"qty-{second.pk}": "3"},
    )
    own.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert own.state == "confirmed"
    assert (first.promised_date, second.confirmed_quantity) == (date(2026, 6, 1), Decimal("3.000"))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("suppliers:supplier-list", []),
        ("suppliers:ratings", []),
        ("suppliers:po-list", []),
        ("suppliers:po-new", []),
        ("suppliers:receiving", []),
        ("suppliers:holds", []),
        ("suppliers:notifications", []),
        ("inventory:stock-lookup", []),
        ("inventory:stock-levels", []),
        ("inventory:movements", []),
    ],
)
def test_supplier_user_reaches_no_internal_screen(client, two_suppliers, name, args):
    client.force_login(two_suppliers["user"])
    assert client.get(reverse(name, args=args)).status_code == 403


def test_supplier_user_reaches_no_internal_object_screen(client, two_suppliers):
    client.force_login(two_suppliers["user"])
    own, theirs, receipt = two_suppliers["own"], two_suppliers["theirs"], two_suppliers["receipt_b"]
    for url in [
        reverse("suppliers:supplier-detail", args=[two_suppliers["b"].pk]),
        reverse("suppliers:po-detail", args=[own.pk]),
        reverse("suppliers:po-detail", args=[theirs.pk]),
        reverse("suppliers:po-print", args=[theirs.pk]),
        reverse("suppliers:po-part-info", args=[theirs.pk]),
        reverse("suppliers:receipt-detail", args=[receipt.pk]),
        "/admin/",
    ]:
        status = client.get(url).status_code
        assert status in (302, 403), url  # admin redirects to its login
    for url in [
        reverse("suppliers:po-action", args=[theirs.pk, "confirm"]),
        reverse("suppliers:po-action", args=[theirs.pk, "cancel"]),
        reverse("suppliers:hold-decide", args=[receipt.lines.get().pk, "release"]),
    ]:
        assert client.post(url, {"reason": "x"}).status_code == 403, url
    theirs.refresh_from_db()
    assert theirs.state == "sent"


def test_supplier_api_sees_only_own_rows(api_as, two_suppliers):
    api = api_as(two_suppliers["user"])
    a, b = two_suppliers["a"], two_suppliers["b"]
    SupplierPartFactory(supplier=b)

    assert [row["code"] for row in api.get("/api/v1/suppliers/").json()["results"]] == ["AAA"]
    assert {row["supplier_code"] for row in api.get("/api/v1/supplier-parts/").json()["results"]} == {"AAA"}
    orders = api.get("/api/v1/purchase-orders/", {"supplier": b.pk}).json()["results"]
    assert sorted(row["number"] for row in orders) == sorted(
        [two_suppliers["own"].number, two_suppliers["own_partial"].number]
    )
    assert [row["supplier"] for row in api.get("/api/v1/supplier-ratings/").json()["results"]] == ["AAA"]
    assert api.get(f"/api/v1/purchase-orders/{two_suppliers['own'].pk}/").status_code == 200
    assert a.pk != b.pk


def test_supplier_api_guessing_ids_finds_nothing(api_as, two_suppliers):
    api = api_as(two_suppliers["user"])
    b, theirs, receipt = two_suppliers["b"], two_suppliers["theirs"], two_suppliers["receipt_b"]
    sp_b = SupplierPartFactory(supplier=b)
    line = theirs.lines.get()
    assert api.get(f"/api/v1/suppliers/{b.pk}/").status_code == 404
    assert api.patch(f"/api/v1/suppliers/{b.pk}/", {"name": "hacked"}).status_code == 403
    assert api.get(f"/api/v1/supplier-parts/{sp_b.pk}/").status_code == 404
    assert api.get(f"/api/v1/purchase-orders/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/purchase-orders/{theirs.pk}/confirm/", {}).status_code == 404
    assert api.post(f"/api/v1/purchase-orders/{theirs.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert api.patch(f"/api/v1/purchase-order-lines/{line.pk}/", {"quantity": "1"}).status_code == 403
    assert api.get(f"/api/v1/goods-receipts/{receipt.pk}/").status_code == 403
    assert api.get("/api/v1/goods-receipts/").status_code == 403
    assert api.post(f"/api/v1/goods-receipt-lines/{receipt.lines.get().pk}/release/", {}).status_code == 403
    assert api.get("/api/v1/parts/").status_code == 403
    assert api.get("/api/v1/stock-levels/").status_code == 403
    assert api.get("/api/v1/movements/").status_code == 403
    theirs.refresh_from_db()
    b.refresh_from_db()
    assert (theirs.state, b.name) == ("sent", "Supplier BBB")


def test_supplier_user_confirms_own_order_by_api(api_as, two_suppliers):
    api = api_as(two_suppliers["user"])
    own = two_suppliers["own"]
    first = own.lines.order_by("line_no")[0]
    response = api.post(
        f"/api/v1/purchase-orders/{own.pk}/confirm/",
        {"lines": [{"line": first.pk, "promised_date": "2026-07-01", "confirmed_quantity": "9"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "confirmed"
    assert response.json()["lines"][0]["confirmed_quantity"] == "9.000"
    # and cannot cancel it (a purchasing step)
    assert api.post(f"/api/v1/purchase-orders/{own.pk}/cancel/", {"reason": "x"}).status_code == 403


def test_portal_home_query_bound(client, make_order, two_suppliers, django_assert_max_num_queries):
    for _ in range(5):
        make_order(state="sent", supplier=two_suppliers["a"], lines=[(1, "1.00"), (2, "1.00")])
    client.force_login(two_suppliers["user"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("suppliers:portal"))
    assert len(response.context["orders"]) == 7
