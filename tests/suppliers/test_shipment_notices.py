"""Advance shipping notices: announced on the portal, by CSV or API; received from the notice's number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.exceptions import DomainError
from core.models import Notification
from suppliers import services
from suppliers.exceptions import NotPermitted, OverReceipt, PurchasingError
from suppliers.models import NoticeState, ShipmentNotice, ShipmentNoticeLine

from .factories import SupplierFactory, SupplierUserFactory

pytestmark = pytest.mark.usefixtures("postgres")
ARRIVAL = date(2026, 12, 10)


@pytest.fixture
def acme(make_order):
    supplier = SupplierFactory(code="ACME")
    order = make_order(state="sent", supplier=supplier, lines=[(10, "5.00"), (4, "1.00")])
    return {"supplier": supplier, "order": order, "user": SupplierUserFactory(supplier=supplier).user}


def _lines(order):
    return list(order.lines.order_by("line_no"))


def test_announce_records_lines_and_tells_the_purchaser(acme, purchaser):
    order, user = acme["order"], acme["user"]
    first, _second = _lines(order)

    notice = services.shipment_notice_announce(
        order=order, user=user, delivery_note="DN-77", expected_arrival=ARRIVAL, lines=[(first, Decimal(6))]
    )

    assert notice.number.startswith("ASN-")
    assert notice.number.endswith("000001")
    assert (notice.state, notice.supplier_id, notice.delivery_note) == ("announced", acme["supplier"].pk, "DN-77")
    assert [(line.po_line_id, line.quantity_announced) for line in notice.lines.all()] == [(first.pk, Decimal(6))]
    assert list(Notification.objects.filter(user=purchaser).values_list("message", flat=True)) == [
        f"ACME announced shipment {notice.number} (delivery note DN-77) for {order.number}, arriving 2026-12-10."
    ]


def test_announce_refuses_more_than_is_open_counting_other_notices(acme):
    order, user = acme["order"], acme["user"]
    first, _second = _lines(order)
    services.shipment_notice_announce(
        order=order, user=user, delivery_note="DN-1", expected_arrival=ARRIVAL, lines=[(first, Decimal(6))]
    )
    with pytest.raises(OverReceipt) as error:
        services.shipment_notice_announce(
            order=order, user=user, delivery_note="DN-2", expected_arrival=ARRIVAL, lines=[(first, Decimal(5))]
        )
    assert error.value.message == (
        f"Line 1 ({first.part.number}): 5 announced, but only 4 is still open "
        "(ordered 10, received 0, on other notices 6)."
    )
    assert ShipmentNotice.objects.count() == 1


@pytest.mark.parametrize(
    ("note", "quantities", "message"),
    [
        ("", (1,), "Enter the delivery note number printed on your paperwork."),
        ("DN-1", (0,), "Enter the shipped quantity on at least one line."),
        ("DN-1", (Decimal("-1"),), None),
    ],
)
def test_announce_refuses_bad_input_and_writes_nothing(acme, note, quantities, message):
    first = _lines(acme["order"])[0]
    with pytest.raises(DomainError) as error:
        services.shipment_notice_announce(
            order=acme["order"],
            user=acme["user"],
            delivery_note=note,
            expected_arrival=ARRIVAL,
            lines=[(first, q) for q in quantities],
        )
    if message:
        assert error.value.message == message
    assert ShipmentNotice.objects.count() == 0


def test_same_delivery_note_twice_is_refused(acme):
    first = _lines(acme["order"])[0]
    kwargs = {"order": acme["order"], "user": acme["user"], "delivery_note": "DN-9", "expected_arrival": ARRIVAL}
    services.shipment_notice_announce(**kwargs, lines=[(first, Decimal(1))])
    with pytest.raises(PurchasingError) as error:
        services.shipment_notice_announce(**kwargs, lines=[(first, Decimal(1))])
    assert error.value.message == "Delivery note DN-9 was already announced; each shipment has its own delivery note."
    assert ShipmentNoticeLine.objects.count() == 1


def test_another_supplier_cannot_announce(acme, make_order):
    theirs = make_order(state="sent", supplier=SupplierFactory(code="BBB"))
    with pytest.raises(NotPermitted):
        services.shipment_notice_announce(
            order=theirs,
            user=acme["user"],
            delivery_note="DN-1",
            expected_arrival=ARRIVAL,
            lines=[(theirs.lines.get(), Decimal(1))],
        )
    assert ShipmentNotice.objects.count() == 0


def test_receipt_against_notice_records_differences(acme, clerk):
    order = acme["order"]
    first, second = _lines(order)
    notice = services.shipment_notice_announce(
        order=order, user=acme["user"], delivery_note="DN-5", expected_arrival=ARRIVAL, lines=[(first, Decimal(6))]
    )

    receipt = services.goods_receipt_post(
        order=order,
        lines=[(first, Decimal(5), None, False), (second, Decimal(2), None, False)],
        user=clerk,
        shipment_notice=notice,
        delivery_note="DN-5",
    )

    notice.refresh_from_db()
    assert (notice.state, notice.receipt_id) == (NoticeState.RECEIVED, receipt.pk)
    rows = [
        (line.po_line_id, line.quantity_announced, line.quantity_received, line.difference)
        for line in notice.lines.order_by("po_line__line_no")
    ]
    assert rows == [
        (first.pk, Decimal(6), Decimal(5), Decimal(-1)),
        (second.pk, Decimal(0), Decimal(2), Decimal(2)),
    ]
    with pytest.raises(PurchasingError) as error:
        services.goods_receipt_post(
            order=order, lines=[(first, Decimal(1), None, False)], user=clerk, shipment_notice=notice
        )
    assert error.value.message == (
        f"Notice {notice.number} was already received; scan the order number for a further receipt."
    )


def test_receiving_screen_opens_from_the_notice_number_with_quantities(client, acme, clerk):
    order = acme["order"]
    first, second = _lines(order)
    notice = services.shipment_notice_announce(
        order=order,
        user=acme["user"],
        delivery_note="LS-4711",
        expected_arrival=ARRIVAL,
        lines=[(first, Decimal(6)), (second, Decimal(4))],
    )
    client.force_login(clerk)
    url = reverse("suppliers:receiving")
    for scanned in (notice.number.lower(), "ls-4711"):
        response = client.get(url, {"q": scanned})
        assert response["Location"] == f"{url}?order={order.pk}&notice={notice.pk}"
    page = client.get(response["Location"])
    assert [line.entered_qty for line in page.context["lines"]] == ["6", "4"]
    assert page.context["values"]["delivery_note"] == "LS-4711"

    posted = client.post(
        url,
        {"order": order.pk, "notice": notice.pk, "key": "k1", f"qty-{first.pk}": "6", f"qty-{second.pk}": "3"},
        follow=True,
    )
    text = next(iter(posted.context["messages"])).message
    assert text.endswith(
        f"2 lines received, 1 line(s) differ from notice {notice.number} (recorded for the supplier rating)."
    )
    notice.refresh_from_db()
    assert notice.state == "received"


def test_portal_form_announces_and_csv_upload_matches_part_numbers(client, acme):
    order = acme["order"]
    first, second = _lines(order)
    client.force_login(acme["user"])
    url = reverse("suppliers:portal-announce", args=[order.pk])
    form = client.get(url)
    assert [line.entered_qty for line in form.context["lines"]] == ["10", "4"]

    response = client.post(
        url, {"delivery_note": "DN-A", "expected_arrival": "2026-12-10", f"qty-{first.pk}": "3", f"qty-{second.pk}": ""}
    )
    assert response.status_code == 302
    csv = f"part_number;quantity\n{second.part.number.lower()};2,0\n".encode()
    uploaded = client.post(
        url,
        {
            "delivery_note": "DN-B",
            "expected_arrival": "2026-12-11",
            "file": SimpleUploadedFile("asn.csv", csv, content_type="text/csv"),
        },
    )
    assert uploaded.status_code == 302, [str(m) for m in uploaded.context["messages"]]
    rows = list(
        ShipmentNoticeLine.objects.order_by("notice__delivery_note").values_list(
            "notice__delivery_note", "notice__source", "po_line_id", "quantity_announced"
        )
    )
    assert rows == [("DN-A", "portal", first.pk, Decimal(3)), ("DN-B", "csv", second.pk, Decimal(2))]


def test_portal_form_refusal_keeps_what_was_typed(client, acme):
    order = acme["order"]
    first, _second = _lines(order)
    client.force_login(acme["user"])
    response = client.post(
        reverse("suppliers:portal-announce", args=[order.pk]),
        {"delivery_note": "DN-A", "expected_arrival": "2026-12-10", f"qty-{first.pk}": "99"},
    )
    assert response.status_code == 409
    assert response.context["lines"][0].entered_qty == "99"
    assert ShipmentNotice.objects.count() == 0


def test_api_announces_and_lists_own_notices(api_as, acme):
    api = api_as(acme["user"])
    order = acme["order"]
    first = _lines(order)[0]
    response = api.post(
        "/api/v1/shipment-notices/",
        {
            "purchase_order": order.pk,
            "delivery_note": "API-1",
            "expected_arrival": "2026-12-12",
            "lines": [{"line": first.pk, "quantity": "2"}],
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["source"], body["supplier"], body["lines"][0]["quantity_announced"]) == ("api", "ACME", "2.000")
    listed = api.get("/api/v1/shipment-notices/").json()["results"]
    assert [row["delivery_note"] for row in listed] == ["API-1"]
    assert api.get(f"/api/v1/shipment-notices/{body['id']}/").status_code == 200
    bad = api.post(
        "/api/v1/shipment-notices/",
        {"purchase_order": order.pk, "delivery_note": "API-2", "expected_arrival": "2026-12-12", "lines": []},
        format="json",
    )
    assert bad.status_code == 400
    assert ShipmentNotice.objects.count() == 1
