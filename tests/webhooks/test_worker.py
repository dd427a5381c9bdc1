"""The production path with a real Celery worker and Redis: posting → outbox row → collector → signed delivery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from config.celery import app
from core.roles import Role
from inventory import services as inventory
from webhooks import services
from webhooks.models import WebhookDelivery
from webhooks.signing import signature

from ..concurrency import database_url
from ..factories import PartFactory, UserFactory, WarehouseFactory
from ..test_celery_worker import BASE_DIR

pytestmark = pytest.mark.services


@pytest.fixture
def webhooks_worker(postgres_tx, redis_url, settings, tmp_path):
    """A worker on a webhooks queue of its own (other test runs may share the Redis server)."""
    queue = f"test-webhooks-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "WEBHOOKS_QUEUE": queue,
    }
    env.pop("TEST_DB_NAME", None)
    log = tmp_path / "worker.log"
    log_file = log.open("wb")
    celery = str(Path(sys.executable).with_name("celery"))
    process = subprocess.Popen(
        [celery, "-A", "config", "worker", "-P", "solo", "-c", "1", "-Q", queue, "-l", "info",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    settings.WEBHOOKS_QUEUE = queue
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    services._last_wake["at"] = -services.COLLECT_EVERY  # this test's posting wakes the collector
    try:
        yield log
    finally:
        app.conf.task_always_eager = eager
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log_file.close()


def test_a_committed_posting_reaches_the_partner_through_the_worker(webhooks_worker, receiver):
    manager = UserFactory(roles=[Role.MANAGER])
    subscription = services.webhook_subscription_create(
        name="ERP", target_url=receiver.url, kinds=["stock.changed"], user=manager, secret="s" * 32
    )
    part, warehouse = PartFactory(), WarehouseFactory()

    movement = inventory.stock_receive(
        part=part, warehouse=warehouse, quantity=Decimal(2), unit_cost=Decimal(3), user=manager
    )

    deadline = time.monotonic() + 90
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.2)
    if not receiver.received:
        print(webhooks_worker.read_text(errors="replace"))
    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert json.loads(request.body)["data"]["movement_id"] == movement.pk
    assert request.headers["X-Parts-Signature"] == signature("s" * 32, request.body)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        delivery = WebhookDelivery.objects.get(subscription=subscription)
        if delivery.state == "delivered":
            break
        time.sleep(0.1)
    assert (delivery.state, delivery.attempts) == ("delivered", 1)
