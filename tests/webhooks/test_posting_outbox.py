"""The stock.changed outbox row a posting builds in its own statement: a narrow reference to its movement
and the level's figures, one row per batch consumer, only when someone wants it; completed to the event
partners receive from the ledger when it is fanned out."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import OutboxMessage
from inventory import services as inv
from inventory.models import StockLevel, StockMovement
from inventory.selectors import STOCK_CHANGED_EVENTS, stock_changed_events
from inventory.services import stock
from webhooks import services

from ..factories import PartFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.fixture
def clerk():
    return UserFactory(roles=["manager"])


def _subscribe(user, kinds=("stock.changed",)):
    services.webhook_subscription_create(name="ERP", target_url="http://127.0.0.1:9/hook", kinds=list(kinds), user=user)
    services._forget_active_kinds()
    services.active_kinds()  # read once, as every process does every few seconds


def test_the_row_is_the_movement_and_the_level_figures_after_it(clerk):
    _subscribe(clerk)
    part, warehouse = PartFactory(), WarehouseFactory()
    inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal("5"), unit_cost=Decimal("2"), user=clerk)
    inv.stock_reserve(part=part, warehouse=warehouse, quantity=Decimal("1"))

    movement = inv.stock_issue(part=part, warehouse=warehouse, quantity=Decimal("2"), user=clerk)

    rows = list(OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).order_by("id"))
    assert len(rows) == 2
    assert rows[-1].kwargs == {
        "events": [{"kind": "stock.changed", "movement_id": movement.pk, "on_hand": "3.000", "available": "2.000"}]
    }


def test_the_row_text_is_the_json_of_the_reference(clerk):
    part, warehouse = PartFactory(), WarehouseFactory()
    inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal("7"), unit_cost=Decimal("2"), user=clerk)
    inv.stock_reserve(part=part, warehouse=warehouse, quantity=Decimal("2"))
    level = StockLevel.objects.get(part=part, warehouse=warehouse)
    unsaved = StockMovement(part=part, warehouse=warehouse)

    text = stock._stock_changed_row(level)

    assert text == json.dumps({"events": [stock.stock_changed_reference(level, unsaved)]}, separators=(",", ":"))
    assert json.loads(text)["events"][0] == {
        "kind": "stock.changed",
        "movement_id": stock.MOVEMENT_ID,
        "on_hand": "7.000",
        "available": "5.000",
    }


def test_the_reference_completes_to_the_event_partners_receive(clerk):
    _subscribe(clerk)
    part, warehouse = PartFactory(number="P-4711"), WarehouseFactory(code="W042")
    first = inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal("5"), unit_cost=Decimal("2"), user=clerk)
    second = inv.stock_issue(part=part, warehouse=warehouse, quantity=Decimal("2"), user=clerk)
    references = [
        event
        for row in OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).order_by("id")
        for event in row.kwargs["events"]
    ]

    events = stock_changed_events(references)

    stored = StockMovement.objects.get(pk=second.pk)
    assert events[1] == {
        "id": str(uuid.uuid5(STOCK_CHANGED_EVENTS, f"{stored.pk}:{stored.hash}")),
        "kind": "stock.changed",
        "occurred_at": stored.posted_at.isoformat(),
        "supplier_id": None,
        "data": {
            "movement_id": second.pk,
            "movement_kind": "issue",
            "quantity": "-2.000",
            "part": "P-4711",
            "part_id": part.pk,
            "warehouse": "W042",
            "warehouse_id": warehouse.pk,
            "on_hand": "3.000",
            "available": "3.000",
        },
    }
    assert events[0]["data"]["movement_id"] == first.pk
    assert (events[0]["data"]["on_hand"], events[0]["data"]["quantity"]) == ("5.000", "5.000")
    # The same movement always gives the same event id; another movement another one.
    assert stock_changed_events(references[1:])[0]["id"] == events[1]["id"]
    assert events[0]["id"] != events[1]["id"]


def test_every_batch_consumer_gets_its_row_with_the_same_event(clerk, monkeypatch):
    _subscribe(clerk)
    monkeypatch.setattr(stock, "event_batch_tasks", lambda kind: (services.FAN_OUT_TASK, "other.collector"))
    part, warehouse = PartFactory(), WarehouseFactory()

    movement = inv.stock_receive(
        part=part, warehouse=warehouse, quantity=Decimal("5"), unit_cost=Decimal("2"), user=clerk
    )

    rows = list(OutboxMessage.objects.order_by("task_name"))
    assert [row.task_name for row in rows] == ["other.collector", services.FAN_OUT_TASK]
    assert rows[0].kwargs == rows[1].kwargs
    assert rows[0].kwargs["events"][0]["movement_id"] == movement.pk


@pytest.mark.parametrize(("path", "added"), [("fast", 0), ("orm", 1)])
def test_a_posting_without_a_subscription_writes_no_row_and_no_more_statements(clerk, settings, path, added):
    # On the fast path the event's row goes in with the movement's statement; on the ORM reference path
    # (core.fastpath.switch) it is one insert of its own.
    settings.POSTING_PATH = path
    part, warehouse = PartFactory(), WarehouseFactory()
    inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal("5"), unit_cost=Decimal("2"), user=clerk)
    with CaptureQueriesContext(connection) as without:
        inv.stock_issue(part=part, warehouse=warehouse, quantity=Decimal("1"), user=clerk)
    _subscribe(clerk)
    with CaptureQueriesContext(connection) as with_one:
        inv.stock_issue(part=part, warehouse=warehouse, quantity=Decimal("1"), user=clerk)

    assert OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).count() == 1
    assert len(with_one.captured_queries) == len(without.captured_queries) + added


def test_a_subscription_to_other_kinds_costs_a_posting_nothing(clerk):
    _subscribe(clerk, kinds=("purchase_order.sent",))
    part, warehouse = PartFactory(), WarehouseFactory()

    inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal("5"), unit_cost=Decimal("2"), user=clerk)

    assert not OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).exists()


def test_a_rolled_back_posting_leaves_no_event(clerk):
    from django.db import transaction

    _subscribe(clerk)
    part, warehouse = PartFactory(), WarehouseFactory()

    def post_then_fail():
        with transaction.atomic():
            inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal("5"), unit_cost=Decimal("2"), user=clerk)
            raise RuntimeError("the caller fails after the posting")

    with pytest.raises(RuntimeError):
        post_then_fail()

    assert not OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).exists()


def test_a_posting_registers_the_wake_up_only_when_one_is_due(clerk, django_capture_on_commit_callbacks):
    import time

    from config.celery import app

    _subscribe(clerk)
    part, warehouse = PartFactory(), WarehouseFactory()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        services._last_wake["at"] = time.monotonic()  # woken just now: this commit would not wake it again
        with django_capture_on_commit_callbacks() as just_woken:
            inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(1), unit_cost=Decimal(1), user=clerk)
        services._last_wake["at"] = time.monotonic() - services.COLLECT_EVERY
        with django_capture_on_commit_callbacks() as due:
            inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal(1), unit_cost=Decimal(1), user=clerk)
    finally:
        app.conf.task_always_eager = eager

    assert [callback.__name__ for callback in just_woken] == []
    assert [callback.__name__ for callback in due] == ["committed"]
    assert OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).count() == 2
