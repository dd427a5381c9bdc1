"""A supplier's subscription receives that supplier's events and nothing of anybody else."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from core.roles import Role
from suppliers import services as purchasing
from webhooks import services
from webhooks.models import WebhookDelivery

from ..factories import PartFactory
from ..suppliers.factories import SupplierFactory, SupplierPartFactory

KINDS = ["purchase_order.sent", "purchase_order.confirmed", "goods_receipt.posted", "stock.changed"]


@pytest.fixture
def purchaser(make_user):
    return make_user(Role.PURCHASER)


def _order(supplier, warehouse, purchaser):
    sp = SupplierPartFactory(supplier=supplier, part=PartFactory(), price=Decimal("4.0000"))
    return purchasing.purchase_order_create(
        supplier=supplier, warehouse=warehouse, order_type="stock", lines=[(sp.part, Decimal(3), None)], user=purchaser
    )


def test_supplier_subscriptions_never_see_another_suppliers_events(
    manager, purchaser, clerk, warehouse, receiver, django_capture_on_commit_callbacks
):
    mine, other = SupplierFactory(), SupplierFactory()
    with django_capture_on_commit_callbacks(execute=True):
        subscription = services.webhook_subscription_create(
            name="Supplier EDI", target_url=receiver.url, kinds=KINDS, user=manager, supplier=mine
        )
        internal = services.webhook_subscription_create(
            name="Dealer ERP", target_url=receiver.url + "/erp", kinds=KINDS, user=manager
        )
    own_order, other_order = _order(mine, warehouse, purchaser), _order(other, warehouse, purchaser)

    with django_capture_on_commit_callbacks(execute=True):
        for order in (own_order, other_order):
            purchasing.purchase_order_send(order=order, user=purchaser)
    with django_capture_on_commit_callbacks(execute=True):
        for order in (own_order, other_order):
            purchasing.purchase_order_confirm(order=order, user=purchaser)
    with django_capture_on_commit_callbacks(execute=True):
        for order in (own_order, other_order):
            line = order.lines.get()
            purchasing.goods_receipt_post(order=order, lines=[(line, Decimal(3), None, False)], user=clerk)

    to_supplier = [json.loads(r.body) for r in receiver.received if r.path == "/hooks"]
    assert [(body["kind"], body["data"]["order"]) for body in to_supplier] == [
        ("purchase_order.sent", own_order.number),
        ("purchase_order.confirmed", own_order.number),
        ("goods_receipt.posted", own_order.number),
    ]
    assert {body["data"]["supplier"] for body in to_supplier} == {mine.code}
    assert set(WebhookDelivery.objects.filter(subscription=subscription).values_list("kind", flat=True)) == {
        "purchase_order.sent",
        "purchase_order.confirmed",
        "goods_receipt.posted",
    }
    # The internal subscription gets both suppliers' events, and the stock changes besides.
    internal_kinds = sorted(WebhookDelivery.objects.filter(subscription=internal).values_list("kind", flat=True))
    assert internal_kinds == sorted(
        ["purchase_order.sent"] * 2
        + ["purchase_order.confirmed"] * 2
        + ["goods_receipt.posted"] * 2
        + ["stock.changed"] * 2
    )


def test_supplier_users_cannot_reach_subscriptions(api_as, make_user, manager, receiver):
    supplier_user = make_user(Role.SUPPLIER)
    subscription = services.webhook_subscription_create(
        name="Supplier EDI", target_url=receiver.url, kinds=["purchase_order.sent"], user=manager
    )
    api = api_as(supplier_user)
    for url in (
        "/api/v1/webhooks/",
        f"/api/v1/webhooks/{subscription.pk}/",
        f"/api/v1/webhooks/{subscription.pk}/deliveries/",
    ):
        assert api.get(url).status_code == 403, url
    assert api.delete(f"/api/v1/webhooks/{subscription.pk}/").status_code == 403
    assert api.patch(f"/api/v1/webhooks/{subscription.pk}/", {"supplier": None}, format="json").status_code == 403
    subscription.refresh_from_db()
    assert subscription.name == "Supplier EDI"


def test_a_short_confirmation_tells_the_buyer(purchaser, warehouse, django_capture_on_commit_callbacks):
    from core.models import Notification

    order = _order(SupplierFactory(), warehouse, purchaser)
    purchasing.purchase_order_send(order=order, user=purchaser)
    line = order.lines.get()
    purchasing.purchase_order_confirm(order=order, user=purchaser, lines=[(line, None, Decimal(1))])

    note = Notification.objects.get(user=purchaser, kind="purchase_order.confirmed_short")
    assert note.message.startswith(f"{order.number} ")
    assert "1: 1 of 3" in note.message


def test_a_shipment_notice_reaches_only_its_suppliers_subscription(
    manager, purchaser, warehouse, receiver, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    mine, other = SupplierFactory(), SupplierFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_subscription_create(
            name="Mine", target_url=receiver.url, kinds=["shipment.announced"], user=manager, supplier=mine
        )
        services.webhook_subscription_create(
            name="Theirs", target_url=receiver.url + "/other", kinds=["shipment.announced"], user=manager,
            supplier=other,
        )  # fmt: skip
    order = _order(mine, warehouse, purchaser)
    purchasing.purchase_order_send(order=order, user=purchaser)

    with django_capture_on_commit_callbacks(execute=True):
        purchasing.shipment_notice_announce(
            order=order, user=purchaser, delivery_note="DN-1", expected_arrival=timezone.localdate(),
            lines=[(order.lines.get(), Decimal(3))],
        )  # fmt: skip

    bodies = [json.loads(r.body) for r in receiver.received]
    assert [(body["kind"], body["data"]["order"], body["data"]["delivery_note"]) for body in bodies] == [
        ("shipment.announced", order.number, "DN-1")
    ]
    assert [r.path for r in receiver.received] == ["/hooks"]


def test_a_supplier_gets_the_forecast_of_its_own_parts_pushed(
    manager, purchaser, warehouse, receiver, django_capture_on_commit_callbacks
):
    from datetime import date

    from planning.models import KnownDemand
    from planning.services.forecast import forecast_run

    mine, other = SupplierFactory(code="MINE"), SupplierFactory(code="OTHER")
    own = SupplierPartFactory(supplier=mine, part=PartFactory(number="F-1"), supplier_part_number="M-F1")
    SupplierPartFactory(supplier=other, part=PartFactory(number="F-2"))
    KnownDemand.objects.create(
        part=own.part, warehouse=warehouse, month=date(2026, 7, 1), quantity=Decimal(12), reason="fleet service",
        created_by=manager,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        subscription = services.webhook_subscription_create(
            name="Supplier EDI", target_url=receiver.url, kinds=["forecast.updated"], user=manager, supplier=mine
        )
        internal = services.webhook_subscription_create(
            name="Data warehouse", target_url=receiver.url + "/dwh", kinds=["forecast.updated"], user=manager
        )

    with django_capture_on_commit_callbacks(execute=True):
        forecast_run(today=date(2026, 5, 20))

    to_supplier = [json.loads(r.body) for r in receiver.received if r.path == "/hooks"]
    assert len(to_supplier) == 1
    assert to_supplier[0]["kind"] == "forecast.updated"
    assert to_supplier[0]["data"] == {
        "supplier": "MINE",
        "months": [f"2026-{m:02d}-01" for m in range(5, 13)] + [f"2027-{m:02d}-01" for m in range(1, 5)],
        "parts": [
            {
                "part": "F-1",
                "supplier_part_number": "M-F1",
                "months": ["0.00", "0.00", "12.00"] + ["0.00"] * 9,
                "total": "12.00",
            }
        ],
    }
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 1
    # An internal subscription gets every supplier's forecast.
    dwh = sorted(json.loads(r.body)["data"]["supplier"] for r in receiver.received if r.path == "/hooks/dwh")
    assert dwh == ["MINE", "OTHER"]
    assert WebhookDelivery.objects.filter(subscription=internal).count() == 2
