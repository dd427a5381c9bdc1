"""The delivery log on a subscription's page: state, attempts, last error, and Redeliver, for managers only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from webhooks import services
from webhooks.models import DeliveryState, WebhookDelivery

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def failed(manager, receiver):
    subscription = services.webhook_subscription_create(
        name="Dealer ERP", target_url=receiver.url, kinds=["stock.changed"], user=manager
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_id="00000000-0000-0000-0000-000000000042",
        kind="stock.changed",
        body='{"id":"00000000-0000-0000-0000-000000000042","kind":"stock.changed"}',
        state=DeliveryState.FAILED,
        attempts=9,
        last_status_code=503,
        last_error="HTTP 503",
        next_attempt_at=timezone.now() - timedelta(hours=1),
    )
    return subscription, delivery


def test_the_log_shows_state_attempts_and_last_error(client, manager, failed):
    subscription, _delivery = failed
    client.force_login(manager)

    page = client.get(f"/webhooks/{subscription.pk}/?state=failed").content.decode()

    assert "HTTP 503" in page
    assert "<td>9</td>" in page
    assert f"/webhooks/{subscription.pk}/deliveries/{_delivery.pk}/redeliver/" in page


def test_redeliver_sends_the_same_bytes_again(client, manager, failed, receiver, django_capture_on_commit_callbacks):
    subscription, delivery = failed
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/webhooks/{subscription.pk}/deliveries/{delivery.pk}/redeliver/")

    assert answer.status_code == 302
    assert [request.body for request in receiver.received] == [delivery.body.encode()]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        "delivered",
        10,
        204,
        "",
    )


def test_only_managers_see_the_log_or_redeliver(client, clerk, make_user, failed, receiver):
    subscription, delivery = failed
    for user in (clerk, make_user("purchaser"), make_user("supplier")):
        client.force_login(user)
        assert client.get(f"/webhooks/{subscription.pk}/").status_code == 403
        assert client.post(f"/webhooks/{subscription.pk}/deliveries/{delivery.pk}/redeliver/").status_code == 403
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 9)
    assert receiver.received == []
