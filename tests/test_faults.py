"""Faults: the broker away during postings, a worker killed in the middle of a month-end close.

Neither test stops the shared Redis or PostgreSQL servers (other test runs use
them): the broker outage points this process's Celery app at a closed port,
and the dead worker is a subprocess of this test, killed with SIGKILL while a
lock held here keeps it waiting inside a close step.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.core import mail
from django.db import connection

from config.celery import app
from core.models import Notification, OutboxMessage
from core.roles import Role
from core.services import outbox_flush
from inventory.models import MovementKind, StockLevel, StockMovement, WorkshopRequest
from inventory.selectors import ledger_differences
from kpis import services as kpis
from kpis.exceptions import CloseAlreadyRunning
from kpis.models import CloseState, DemandMonth, MonthClose, PartClass, Snapshot, StockMonthEnd
from suppliers.models import GoodsReceiptLine, PurchaseOrder

from .concurrency import database_url, wait_for
from .factories import PartFactory, WarehouseFactory
from .kpis.handmade import MARCH, build_handmade_month
from .suppliers.factories import SupplierPartFactory

pytestmark = pytest.mark.services

BASE_DIR = Path(__file__).resolve().parent.parent
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


# --- the broker away -----------------------------------------------------------------


def _reset_broker_connections() -> None:
    """Drop pooled broker connections so that the next publish connects to ``broker_url`` anew."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """This process's Celery app publishes to a closed port (connection refused at once); restored after."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)
    app.conf.broker_url = CLOSED_PORT_BROKER
    app.conf.task_always_eager = False
    # One connection attempt, no back-off: the outbox records the failure and moves on.
    app.conf.broker_transport_options = {**saved[2], "max_retries": 0, "interval_start": 0}
    _reset_broker_connections()

    def back() -> None:
        """The broker is back: tasks run inline again (eager), as the test settings have them."""
        app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = saved
        _reset_broker_connections()

    try:
        yield back
    finally:
        back()


def test_postings_succeed_with_the_broker_down_and_the_outbox_sends_every_mail_once_when_it_is_back(
    postgres_tx, broker_down, api_as, make_user
):
    # Given a store, its clerk, a workshop user, a purchaser, and a supplier with an e-mail address
    store = WarehouseFactory(code="S1")
    clerk = make_user(Role.CLERK, warehouses=[store])
    workshop = make_user(Role.WORKSHOP, warehouses=[store])
    purchaser = make_user(Role.PURCHASER, warehouses=[store])
    part = PartFactory(number="FLT-1")
    offer = SupplierPartFactory(price=Decimal("3.0000"))

    # When the broker is unreachable and every kind of posting goes through the API
    receipt = api_as(clerk).post(
        "/api/v1/stock/receipts/",
        {"part": part.pk, "warehouse": store.pk, "quantity": "10", "unit_cost": "4"},
        HTTP_IDEMPOTENCY_KEY="fault-rcpt-1",
    )
    issue = api_as(clerk).post(
        "/api/v1/stock/issues/", {"part": part.pk, "warehouse": store.pk, "quantity": "3"}, HTTP_IDEMPOTENCY_KEY="f-i-1"
    )
    request = api_as(workshop).post(
        "/api/v1/workshop-requests/",
        {"warehouse": store.pk, "repair_order": "RO-FAULT", "lines": [{"part": part.number, "quantity": "2"}]},
        format="json",
    )
    order = api_as(purchaser).post(
        "/api/v1/purchase-orders/",
        {
            "supplier": offer.supplier.pk,
            "warehouse": store.pk,
            "order_type": "emergency",
            "lines": [{"part": offer.part.pk, "quantity": "5"}],
        },
        format="json",
    )
    sent = api_as(purchaser).post(f"/api/v1/purchase-orders/{order.json()['id']}/send/")
    goods_in = api_as(clerk).post(
        "/api/v1/goods-receipts/",
        {
            "purchase_order": order.json()["id"],
            "lines": [{"po_line": order.json()["lines"][0]["id"], "quantity": "5", "hold": True}],
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="fault-gr-1",
    )

    # Then every request succeeded and the ledger agrees with the levels
    statuses = [r.status_code for r in (receipt, issue, request, order, sent, goods_in)]
    assert statuses == [201, 201, 201, 201, 200, 201], [r.content[:300] for r in (receipt, issue, request, goods_in)]
    assert ledger_differences() == []
    assert StockLevel.objects.get(part=part, warehouse=store).on_hand == Decimal(
        "5.000"
    )  # 10 received, 3 issued, 2 issued to the workshop
    assert WorkshopRequest.objects.get().repair_order.number == "RO-FAULT"
    assert PurchaseOrder.objects.get().state == "received"
    held = StockLevel.objects.get(part=offer.part, warehouse=store)
    assert (held.on_hand, held.quarantined) == (Decimal("5.000"), Decimal("5.000"))
    assert GoodsReceiptLine.objects.get().hold_state == "held"
    assert list(StockMovement.objects.order_by("pk").values_list("kind", flat=True)) == [
        MovementKind.RECEIPT,
        MovementKind.ISSUE,
        MovementKind.ISSUE,
        MovementKind.RECEIPT,
    ]
    # And purchasing has its in-app note now; both mails wait in the outbox, tried once each
    note = Notification.objects.get(user=purchaser)
    assert note.message.startswith("Quality hold on ")
    pending = list(OutboxMessage.objects.order_by("pk").values_list("task_name", "dispatched_at", "attempts"))
    assert pending == [
        ("suppliers.tasks.send_purchase_order_email", None, 1),
        ("inventory.tasks.send_notification_email", None, 1),
    ]
    assert all(m.startswith("OperationalError") for m in OutboxMessage.objects.values_list("last_error", flat=True))
    assert mail.outbox == []
    # A flush while the broker is still away sends nothing and loses nothing
    assert outbox_flush(older_than=timedelta(0)) == 0
    assert OutboxMessage.objects.filter(dispatched_at__isnull=True).count() == 2
    assert mail.outbox == []

    # When the broker is back and the periodic flush runs (twice, as beat would)
    broker_down()
    first = outbox_flush(older_than=timedelta(0))
    second = outbox_flush(older_than=timedelta(0))

    # Then each pending message went out exactly once and each mail arrived once
    assert (first, second) == (2, 0)
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
    assert list(OutboxMessage.objects.order_by("pk").values_list("attempts", flat=True)) == [3, 3]
    assert sorted((message.subject, tuple(message.to)) for message in mail.outbox) == sorted(
        [
            (f"Purchase order {PurchaseOrder.objects.get().number}", (offer.supplier.email,)),
            (
                f"Quality hold on {GoodsReceiptLine.objects.get().receipt.number} from {offer.supplier.code}",
                (purchaser.email,),
            ),
        ]
    )
    assert PurchaseOrder.objects.get().emailed_at is not None
    assert ledger_differences() == []


# --- a worker killed in the middle of a month-end close --------------------------------

WORKER_SCRIPT = """
import sys
from config.celery import app
queue = sys.argv[1]
# Every step of the close goes to this test's own queue, also the steps the worker itself chains on.
app.conf.task_routes = {"kpis.close_month_step": {"queue": queue}}
app.worker_main(["worker", "-P", "solo", "-c", "1", "-Q", queue, "-l", "info",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"])
"""


def _published() -> dict[str, list[tuple]]:
    """What readers see for March: the published run's rows of every result table, without ids."""
    rows = {}
    for model in (DemandMonth, StockMonthEnd, PartClass, Snapshot):
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "run")]
        published = model.objects.filter(month=MARCH, run__is_published=True)
        rows[model.__name__] = sorted(published.values_list(*fields), key=repr)
    return rows


@pytest.fixture
def close_routed_to(redis_url):
    """This process sends the close's steps through Redis to a queue of this test only."""
    queue = f"test-faults-{uuid.uuid4().hex[:12]}"
    saved = (app.conf.task_routes, app.conf.task_always_eager)
    app.conf.task_routes = {"kpis.close_month_step": {"queue": queue}}
    app.conf.task_always_eager = False
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()
    try:
        yield queue
    finally:
        app.conf.task_routes, app.conf.task_always_eager = saved
        app.amqp.flush_routes()
        del app.amqp.router


def _start_worker(queue: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": os.environ["REDIS_URL"],
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    env.pop("TEST_DB_NAME", None)
    return subprocess.Popen(
        [sys.executable, "-c", WORKER_SCRIPT, queue],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_a_worker_killed_in_the_middle_of_a_close_changes_nothing_and_the_rerun_equals_an_undisturbed_run(
    postgres_tx, close_routed_to, tmp_path
):
    # Given a hand-made month closed once, undisturbed (inline)
    build_handmade_month()
    undisturbed_run = kpis.month_close_run(month=MARCH)
    undisturbed = _published()
    assert [len(undisturbed[name]) for name in ("DemandMonth", "StockMonthEnd", "PartClass")] == [4, 7, 7]
    assert len(undisturbed["Snapshot"]) > 0

    # And a second close requested through Redis, while another connection locks the month-end stock table
    run = kpis.month_close_request(month=MARCH)
    table = StockMonthEnd._meta.db_table
    locker = psycopg.connect(database_url(), autocommit=False)
    log = tmp_path / "worker.log"
    worker = None
    try:
        locker.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')

        # When a real worker takes the chain and waits inside the month-end stock step
        worker = _start_worker(close_routed_to, log)
        waiting_pid = wait_for(
            lambda: locker.execute(
                "SELECT pid FROM pg_locks WHERE relation = %s::regclass AND NOT granted", [table]
            ).fetchone(),
            timeout=90,
            what="the worker to wait on the month-end stock table",
            log=log,
        )[0]
        # (the first step is done and committed, tagged with the unpublished run)
        in_flight = MonthClose.objects.get(pk=run.pk)
        assert (in_flight.state, in_flight.step, in_flight.progress) == ("running", "month-end stock value", 25)
        assert DemandMonth.objects.filter(run=run).count() == 4

        # And it is killed with SIGKILL while it waits
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)
    finally:
        locker.rollback()  # the lock goes; the dead worker's statement finds its client gone
        locker.close()
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=20)

    def session_gone() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [waiting_pid])
            return cursor.fetchone()[0] == 0

    wait_for(session_gone, timeout=30, what="the dead worker's database session to end")

    # Then readers still see exactly the undisturbed results, nothing of the half-done run
    assert _published() == undisturbed
    assert not StockMonthEnd.objects.filter(run=run).exists()
    assert not Snapshot.objects.filter(run=run).exists()
    assert MonthClose.objects.get(pk=run.pk).state == CloseState.RUNNING  # nobody finished it
    # And a new close is refused until the dead run is taken over
    with pytest.raises(CloseAlreadyRunning):
        kpis.month_close_run(month=MARCH)

    # When the dead run is taken over and the month closed again
    assert kpis.month_close_takeover(month=MARCH) == 1
    rerun = kpis.month_close_run(month=MARCH)

    # Then the published results equal the undisturbed run's exactly, and the dead run left nothing
    assert _published() == undisturbed
    assert (rerun.state, rerun.is_published) == (CloseState.DONE, True)
    dead = MonthClose.objects.get(pk=run.pk)
    assert (dead.state, dead.is_published) == (CloseState.FAILED, False)
    assert dead.error.startswith("Abandoned: no worker finished this run")
    for model in (DemandMonth, StockMonthEnd, PartClass, Snapshot):
        assert not model.objects.filter(run_id__in=[run.pk, undisturbed_run.pk]).exists(), model.__name__
    assert list(MonthClose.objects.filter(month=MARCH, is_published=True).values_list("pk", flat=True)) == [rerun.pk]
