"""The outbox: side effects are stored with the change and survive a broker outage."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from core import services as core_services
from core.models import Notification, OutboxMessage

from ..concurrency import run_at_once
from ..factories import UserFactory


def test_notification_mail_is_recorded_and_sent_after_commit(postgres, django_capture_on_commit_callbacks):
    # given a user with an email address
    user = UserFactory(email="buyer@example.com")

    # when a notification with mail is created and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        core_services.notify(users=[user], message="PO-1 line 2 on quality hold", email_subject="Quality hold")

    # then the note exists, the outbox row is dispatched and the mail was sent (eager Celery)
    assert Notification.objects.get().message == "PO-1 line 2 on quality hold"
    message = OutboxMessage.objects.get()
    assert message.task_name == "inventory.tasks.send_notification_email"
    assert message.last_error == ""
    assert message.dispatched_at is not None
    assert message.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Quality hold"]
    assert mail.outbox[0].to == ["buyer@example.com"]


def test_broker_down_leaves_message_pending_then_flush_sends_it(
    postgres, django_capture_on_commit_callbacks, monkeypatch
):
    # given a broker that refuses connections
    from celery import current_app

    task = current_app.tasks["inventory.tasks.send_notification_email"]

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(task, "apply_async", refuse)
    user = UserFactory(email="buyer@example.com")

    # when a notification is committed while the broker is down
    with django_capture_on_commit_callbacks(execute=True):
        core_services.notify(users=[user], message="hold", email_subject="Quality hold")

    # then nothing failed, the message is pending with the error recorded, no mail yet
    message = OutboxMessage.objects.get()
    assert message.dispatched_at is None
    assert message.attempts == 1
    assert "Redis is down" in message.last_error
    assert mail.outbox == []

    # when the broker is back and the flush runs
    monkeypatch.undo()
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    sent = core_services.outbox_flush()

    # then the mail goes out once and a second flush sends nothing
    assert sent == 1
    assert len(mail.outbox) == 1
    assert core_services.outbox_flush() == 0
    assert OutboxMessage.objects.get().dispatched_at is not None


def _pending(task_name, n):
    now = timezone.now()
    return [OutboxMessage.objects.create(task_name=task_name, kwargs={"n": i}, created_at=now).pk for i in range(n)]


def test_take_removes_the_oldest_pending_messages_of_one_task(postgres):
    # given pending messages of two tasks and one already dispatched
    taken_ids = _pending("webhooks.collect", 3)
    other = _pending("mail.send", 1)
    OutboxMessage.objects.filter(pk=taken_ids[0]).update(dispatched_at=timezone.now())

    # when two are taken
    with transaction.atomic():
        taken = core_services.outbox_take(task_name="webhooks.collect", limit=2)

    # then the two pending ones of that task come out in id order and are gone; the rest stays
    assert [(message.pk, message.kwargs) for message in taken] == [(taken_ids[1], {"n": 1}), (taken_ids[2], {"n": 2})]
    assert sorted(OutboxMessage.objects.values_list("pk", flat=True)) == sorted([taken_ids[0], *other])


def test_a_take_rolled_back_leaves_the_messages_pending(postgres):
    ids = _pending("webhooks.collect", 2)

    def take_then_fail():
        with transaction.atomic():
            assert len(core_services.outbox_take(task_name="webhooks.collect")) == 2
            raise RuntimeError("the fan-out failed")

    with pytest.raises(RuntimeError):
        take_then_fail()

    assert sorted(OutboxMessage.objects.filter(dispatched_at=None).values_list("pk", flat=True)) == ids


def test_two_collectors_at_once_never_take_the_same_message(postgres_tx):
    ids = _pending("webhooks.collect", 40)

    def take():
        with transaction.atomic():
            taken = [message.pk for message in core_services.outbox_take(task_name="webhooks.collect", limit=25)]
            time.sleep(0.2)  # hold the rows while the other collector looks
            return taken

    results, errors = run_at_once([take, take])

    assert errors == []
    first, second = results
    assert sorted(first + second) == ids
    assert not set(first) & set(second)
    assert sorted([len(first), len(second)]) == [15, 25]
    assert not OutboxMessage.objects.exists()
