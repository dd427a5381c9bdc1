"""Webhooks end to end: a real HTTP receiver on 127.0.0.1, subscriptions and stock postings through the API."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import OutboxMessage
from webhooks import services
from webhooks.models import DeliveryState, WebhookDelivery, WebhookSubscription
from webhooks.signing import signature

from ..factories import PartFactory
from .receiver import Receiver

SECRET = "partner-secret-0123456789"


def _subscribe(api, url, kinds, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            "/api/v1/webhooks/",
            {"name": "Dealer ERP", "target_url": url, "kinds": kinds, "secret": SECRET, **extra},
            format="json",
        )
    assert answer.status_code == 201, answer.content
    return answer.json()


def _receive(api, part, warehouse, quantity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            "/api/v1/stock/receipts/",
            {"part": part.pk, "warehouse": warehouse.pk, "quantity": quantity, "unit_cost": "2.50"},
            format="json",
        )
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_each_posting_arrives_once_signed(
    api_as, manager, clerk, warehouse, receiver, django_capture_on_commit_callbacks
):
    created = _subscribe(api_as(manager), receiver.url, ["stock.changed"], django_capture_on_commit_callbacks)
    assert created["secret"] == SECRET
    part = PartFactory()
    clerk_api = api_as(clerk)

    first = _receive(clerk_api, part, warehouse, "5", django_capture_on_commit_callbacks)
    second = _receive(clerk_api, part, warehouse, "3", django_capture_on_commit_callbacks)

    assert len(receiver.received) == 2
    bodies = [json.loads(request.body) for request in receiver.received]
    assert [body["data"]["movement_id"] for body in bodies] == [first["id"], second["id"]]
    assert [(body["data"]["on_hand"], body["data"]["available"]) for body in bodies] == [
        ("5.000", "5.000"),
        ("8.000", "8.000"),
    ]
    assert {body["kind"] for body in bodies} == {"stock.changed"}
    assert bodies[0]["data"]["part"] == part.number
    assert bodies[0]["data"]["warehouse"] == warehouse.code
    assert len({body["id"] for body in bodies}) == 2
    for request in receiver.received:
        assert request.headers["X-Parts-Event"] == "stock.changed"
        assert request.headers["X-Parts-Signature"] == signature(SECRET, request.body)
        assert request.headers["Content-Type"] == "application/json"
    deliveries = WebhookDelivery.objects.filter(subscription_id=created["id"])
    assert sorted(deliveries.values_list("state", "attempts")) == [("delivered", 1), ("delivered", 1)]


def test_handing_the_same_events_over_again_delivers_nothing_twice(
    api_as, manager, clerk, warehouse, receiver, django_capture_on_commit_callbacks
):
    _subscribe(api_as(manager), receiver.url, ["stock.changed"], django_capture_on_commit_callbacks)
    movement = _receive(api_as(clerk), PartFactory(), warehouse, "1", django_capture_on_commit_callbacks)
    # The collector took the posting's row out of the outbox when it fanned it out.
    assert OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).count() == 0
    reference = {"kind": "stock.changed", "movement_id": movement["id"], "on_hand": "1.000", "available": "1.000"}

    with django_capture_on_commit_callbacks(execute=True):
        again = services.webhook_events_fan_out(events=[reference])

    assert again == []
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.count() == 1


def test_a_partner_that_is_down_gets_the_event_once_it_is_back(
    api_as, manager, clerk, warehouse, django_capture_on_commit_callbacks
):
    down = Receiver().start()
    port = down.port
    down.stop()  # nothing listens on the port now: connections are refused
    created = _subscribe(
        api_as(manager), f"http://127.0.0.1:{port}/hooks", ["stock.changed"], django_capture_on_commit_callbacks
    )
    movement = _receive(api_as(clerk), PartFactory(), warehouse, "4", django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get(subscription_id=created["id"])
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "ConnectionError" in delivery.last_error
    retry_at = delivery.next_attempt_at
    assert timedelta(0) < retry_at - delivery.last_attempt_at <= timedelta(minutes=1)

    # Not yet due: the sweep leaves it alone.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.webhook_deliveries_queue_due(now=retry_at - timedelta(seconds=1)) == []

    back = Receiver(port=port).start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert services.webhook_deliveries_queue_due(now=retry_at) == [delivery.pk]
        assert len(back.received) == 1
        assert json.loads(back.received[0].body)["data"]["movement_id"] == movement["id"]
        assert back.received[0].headers["X-Parts-Signature"] == signature(SECRET, back.received[0].body)
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.last_error) == ("delivered", 2, "")
        # Delivered means done: a later sweep sends nothing more.
        with django_capture_on_commit_callbacks(execute=True):
            assert services.webhook_deliveries_queue_due(now=retry_at + timedelta(hours=2)) == []
        assert len(back.received) == 1
    finally:
        back.stop()


def test_an_error_answer_is_retried_and_given_up_after_a_day(
    api_as, manager, clerk, warehouse, receiver, django_capture_on_commit_callbacks
):
    receiver.status = 500
    _subscribe(api_as(manager), receiver.url, ["stock.changed"], django_capture_on_commit_callbacks)
    _receive(api_as(clerk), PartFactory(), warehouse, "1", django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.last_status_code, delivery.last_error) == ("pending", 500, "HTTP 500")

    late = delivery.created_at + timedelta(hours=27)
    services.webhook_delivery_attempt(delivery_id=delivery.pk, now=late)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 2)
    assert len(receiver.received) == 2

    # A manager redelivers once the partner is fixed: same event, same bytes.
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_as(manager).post(
            f"/api/v1/webhooks/{delivery.subscription_id}/deliveries/{delivery.pk}/redeliver/"
        )
    assert answer.status_code == 202
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 3)
    assert receiver.received[2].body == receiver.received[0].body


def test_a_rolled_back_posting_sends_nothing(
    api_as, manager, clerk, warehouse, receiver, django_capture_on_commit_callbacks
):
    _subscribe(api_as(manager), receiver.url, ["stock.changed"], django_capture_on_commit_callbacks)
    part = PartFactory()
    with django_capture_on_commit_callbacks(execute=True):
        refused = api_as(clerk).post(
            "/api/v1/stock/issues/", {"part": part.pk, "warehouse": warehouse.pk, "quantity": "1"}, format="json"
        )
    assert refused.status_code in (400, 409)
    assert receiver.received == []
    assert OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).count() == 0


def test_nothing_is_recorded_for_kinds_nobody_wants(clerk, warehouse, django_capture_on_commit_callbacks):
    from inventory.services import stock_receive

    with django_capture_on_commit_callbacks(execute=True):
        stock_receive(part=PartFactory(), warehouse=warehouse, quantity=Decimal(1), unit_cost=Decimal(1), user=clerk)
    assert OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).count() == 0
    assert WebhookDelivery.objects.count() == 0


def test_an_inactive_subscription_receives_nothing(
    api_as, manager, clerk, warehouse, receiver, django_capture_on_commit_callbacks
):
    created = _subscribe(
        api_as(manager), receiver.url, ["stock.changed"], django_capture_on_commit_callbacks, is_active=False
    )
    _receive(api_as(clerk), PartFactory(), warehouse, "1", django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert not WebhookDelivery.objects.filter(subscription_id=created["id"]).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kinds": ["stock.exploded"]}, "kinds"),
        ({"kinds": []}, "kinds"),
        ({"target_url": "ftp://partner.example/"}, "target_url"),
        ({"secret": "short"}, "secret"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_subscriptions_are_refused_with_field_errors(api_as, manager, payload, field):
    body = {"name": "ERP", "target_url": "http://127.0.0.1:9/hooks", "kinds": ["stock.changed"], **payload}
    answer = api_as(manager).post("/api/v1/webhooks/", body, format="json")
    assert answer.status_code == 400
    assert field in json.dumps(answer.json())
    assert WebhookSubscription.objects.count() == 0


def test_production_refuses_plain_http_and_private_targets(api_as, manager, settings):
    settings.WEBHOOKS_ALLOW_INSECURE_TARGETS = False
    api = api_as(manager)
    for url in ("http://partner.example/hooks", "https://127.0.0.1/hooks", "https://10.0.0.8/hooks"):
        answer = api.post(
            "/api/v1/webhooks/", {"name": "x", "target_url": url, "kinds": ["stock.changed"]}, format="json"
        )
        assert answer.status_code == 400, url
        assert "target_url" in json.dumps(answer.json())
    assert WebhookSubscription.objects.count() == 0


def test_only_managers_keep_subscriptions(api_as, clerk, make_user):
    for user in (clerk, make_user("purchaser"), make_user("supplier")):
        api = api_as(user)
        assert api.get("/api/v1/webhooks/").status_code == 403
        answer = api.post(
            "/api/v1/webhooks/", {"name": "x", "target_url": "http://127.0.0.1:9/", "kinds": ["stock.changed"]}
        )
        assert answer.status_code == 403
    assert WebhookSubscription.objects.count() == 0


def test_lists_have_query_bounds(api_as, manager, django_assert_max_num_queries):
    subscriptions = [
        services.webhook_subscription_create(
            name=f"ERP {n}", target_url="http://127.0.0.1:9/", kinds=["stock.changed"], user=manager
        )
        for n in range(5)
    ]
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription=subscriptions[0],
            event_id=f"00000000-0000-0000-0000-{n:012d}",
            kind="stock.changed",
            body="{}",
            next_attempt_at=now,
        )
        for n in range(30)
    )
    api = api_as(manager)
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/webhooks/").json()["results"]) == 5
    with django_assert_max_num_queries(7):
        assert api.get(f"/api/v1/webhooks/{subscriptions[0].pk}/deliveries/").json()["count"] == 30
    assert WebhookDelivery.objects.filter(state=DeliveryState.PENDING).count() == 30
