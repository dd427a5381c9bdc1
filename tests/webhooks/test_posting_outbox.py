"""The stock.changed outbox row a posting builds in its own statement: the same event the Python
event builder makes, one row per batch consumer with one event id, and only when someone wants it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import OutboxMessage
from inventory import services as inv
from inventory.models import StockLevel, StockMovement
from inventory.services import stock
from inventory.services.stock import stock_changed_event
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


def test_the_row_built_in_sql_is_the_event_the_python_builder_makes(clerk):
    _subscribe(clerk)
    part, warehouse = PartFactory(), WarehouseFactory()
    inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal("5"), unit_cost=Decimal("2"), user=clerk)

    movement = inv.stock_issue(part=part, warehouse=warehouse, quantity=Decimal("2"), user=clerk)

    rows = list(OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).order_by("id"))
    assert len(rows) == 2
    (event,) = rows[-1].kwargs["events"]
    level = StockLevel.objects.select_related("part", "warehouse").get(part=part, warehouse=warehouse)
    expected = stock_changed_event(level, movement).as_dict()
    assert {key: value for key, value in event.items() if key != "id"} == {
        key: value for key, value in expected.items() if key != "id"
    }
    assert event["data"]["movement_id"] == movement.pk
    assert event["data"]["on_hand"] == "3.000"
    assert event["occurred_at"] == StockMovement.objects.get(pk=movement.pk).posted_at.isoformat()
    assert len(event["id"]) == 36
    assert event["id"] != rows[0].kwargs["events"][0]["id"]


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
    assert rows[0].kwargs["events"][0]["data"]["movement_id"] == movement.pk


def test_a_posting_without_a_subscription_writes_no_row_and_no_more_statements(clerk):
    part, warehouse = PartFactory(), WarehouseFactory()
    inv.stock_receive(part=part, warehouse=warehouse, quantity=Decimal("5"), unit_cost=Decimal("2"), user=clerk)
    with CaptureQueriesContext(connection) as without:
        inv.stock_issue(part=part, warehouse=warehouse, quantity=Decimal("1"), user=clerk)
    _subscribe(clerk)
    with CaptureQueriesContext(connection) as with_one:
        inv.stock_issue(part=part, warehouse=warehouse, quantity=Decimal("1"), user=clerk)

    assert OutboxMessage.objects.filter(task_name=services.FAN_OUT_TASK).count() == 1
    # The event's row goes in with the movement: a subscription adds no statement to a posting.
    assert len(with_one.captured_queries) == len(without.captured_queries)


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
