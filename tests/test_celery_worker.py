"""A task sent through the real Redis broker is executed by a real Celery worker.

The worker runs in a subprocess against the test database (so it sees what
this test committed) and listens on a queue of its own, so that workers of
other test runs sharing the Redis server cannot take the task.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from celery.result import EagerResult

from config.celery import app
from core.roles import Role
from inventory import services
from inventory.models import StockLevel
from inventory.tasks import ledger_verify_task

from .concurrency import database_url
from .factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.services

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker(postgres_tx, redis_url, tmp_path):
    """A real worker process on its own queue; killed at the end."""
    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    env.pop("TEST_DB_NAME", None)
    celery = str(Path(sys.executable).with_name("celery"))
    log = tmp_path / "worker.log"
    log_file = log.open("wb")
    process = subprocess.Popen(
        [
            celery,
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-c",
            "1",
            "-Q",
            queue,
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # this process sends through the broker
    try:
        yield queue, log
    finally:
        app.conf.task_always_eager = eager
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log_file.close()


def test_a_task_sent_through_redis_is_run_by_a_real_worker(worker):
    queue, log = worker
    # Given a committed ledger with one level corrupted behind the services' back
    user = UserFactory(roles=[Role.MANAGER])
    part, store = PartFactory(), WarehouseFactory()
    services.stock_receive(part=part, warehouse=store, quantity=Decimal(3), unit_cost=Decimal(2), user=user)
    StockLevel.objects.filter(part=part, warehouse=store).update(on_hand=Decimal(4))

    # When the verification task is sent through the broker
    result = ledger_verify_task.apply_async(queue=queue)

    # Then the worker ran it against the same database and its answer comes back through Redis
    assert not isinstance(result, EagerResult)
    try:
        answer = result.get(timeout=90)
    except Exception:
        print(log.read_text(errors="replace"))  # the worker's own account of what went wrong
        raise
    # the level disagrees with its movements and with the sum of its bins
    assert answer == 2
    assert result.state == "SUCCESS"
    assert f"Task inventory.tasks.ledger_verify_task[{result.id}] received" in log.read_text(errors="replace")
